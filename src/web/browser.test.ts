/**
 * The web app in real headless Chromium (Debian's `chromium`, driven by playwright-core): index the sample photos
 * from the status page, search for one by what it shows, open it, copy its alt text, ask a question, edit it, and
 * describe an uploaded / dropped / pasted image. Screenshots go to test-artifacts/ for a human to look at.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { type RunningServer, startServer } from '../server/start.js';
import { SAMPLES_DIR, type SampleStore, sampleStore } from '../testing/sample-store.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const skip = existsSync(CHROMIUM)
  ? false
  : `${CHROMIUM} is missing: install it with \`apt-get install -y chromium\` to run the browser tests`;

describe('web app in Chromium', { skip }, () => {
  let store: SampleStore;
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];

  before(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    store = await sampleStore({ index: false });
    server = await startServer(store.glimpse, {
      port: 0,
      allowIndex: [store.photos],
      log: (message) => problems.push(message),
    });
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    page = await context.newPage();
    // Script errors and CSP violations (which Chromium reports on the console) fail the test at the end.
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await store?.cleanup();
  });

  const shot = (name: string, target: Page = page) =>
    target.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

  test('index the sample photos from the status page, with live progress and failed files', async () => {
    await writeFile(join(store.photos, 'broken.jpg'), 'this is text, not a JPEG');
    await page.goto(`${server.url}/status`);
    await page.getByLabel('Folder', { exact: true }).fill(store.photos);
    await page.getByRole('button', { name: 'Index' }).click();
    await page.locator('#index-progress-text', { hasText: 'Done: 9 indexed, 0 unchanged, 1 failed.' }).waitFor();
    assert.equal(await page.locator('#index-bar').getAttribute('value'), '10');
    assert.match((await page.locator('#index-failures').textContent()) ?? '', /broken\.jpg.*NOT_AN_IMAGE/);
    await shot('status-indexing');
    await page.reload();
    assert.equal(await page.locator('#count-images').textContent(), '9');
    assert.match((await page.locator('#failed-list').textContent()) ?? '', /broken\.jpg NOT_AN_IMAGE/);
    assert.match((await page.locator('#job-list').textContent()) ?? '', /done: 9 indexed, 0 unchanged, 1 failed/);
    await shot('status');
  });

  test('search as you type: the cat photo comes first, with why it matched', async () => {
    await page.goto(server.url);
    await page.getByLabel('Search images').pressSequentially('tabby cat', { delay: 30 });
    const first = page.locator('#results li').first();
    await first.locator('.result-caption', { hasText: 'A tabby cat close-up' }).waitFor();
    // Why it matched, in a few words on the card; the whole story on the image page.
    assert.equal(await first.locator('.why').textContent(), 'tabby, cat');
    assert.ok((await first.locator('mark').count()) > 0, 'matched words are marked');
    assert.equal(await first.locator('img').getAttribute('alt'), 'A tabby cat close-up');
    assert.match(page.url(), /\?q=tabby\+cat$/, 'the address follows the query');
    await shot('search');
    // Filters narrow the same query as you set them.
    await page.getByLabel('Tag', { exact: true }).fill('rocket');
    await page.locator('#result-count', { hasText: 'Nothing found' }).waitFor();
    assert.equal(await page.locator('#results li').count(), 0);
    await page.getByLabel('Tag', { exact: true }).fill('');
    await page.getByLabel('Has text').check();
    await page.locator('#result-count', { hasText: 'Nothing found' }).waitFor();
    await page.getByLabel('Search images').fill('segmentation');
    await page.locator('#results .result-caption', { hasText: 'A page of printed text from a book' }).waitFor();
    assert.match(page.url(), /has_text=true/);
  });

  test('the start page shows the library, newest first; clearing the search box brings it back', async () => {
    await page.goto(server.url);
    const listed = (await store.glimpse.search('', { limit: 40 })).results;
    const cards = page.locator('#results.library li');
    await cards.first().waitFor();
    assert.deepEqual(
      await cards.locator('img').evaluateAll((images) => images.map((image) => image.getAttribute('alt'))),
      listed.map((result) => result.caption),
    );
    assert.equal(listed.length, 9);
    // Newest first: by the date taken, else the file's time.
    const dates = listed.map((result) => {
      const image = store.glimpse.show(result.id);
      return image.takenAt ?? new Date(image.mtimeMs ?? 0).toISOString();
    });
    assert.deepEqual(dates, [...dates].sort().reverse());
    assert.match((await page.locator('#result-count').textContent()) ?? '', /Your library: 9 images, newest first/);
    await shot('library');
    await page.getByLabel('Search images').fill('rocket');
    await page.locator('#result-count', { hasText: '1 result for “rocket”' }).waitFor();
    assert.equal(await page.locator('#results .result-caption').textContent(), 'A rocket on the launch pad');
    assert.equal(await page.locator('#results li').count(), 1);
    await page.getByLabel('Search images').fill('');
    await page.locator('#results.library li').nth(8).waitFor();
    assert.match((await page.locator('#result-count').textContent()) ?? '', /Your library: 9 images/);
  });

  test('weaker matches are folded under their own heading', async () => {
    await page.goto(`${server.url}/?q=${encodeURIComponent('flower close-up')}`);
    assert.deepEqual(await page.locator('#results .result-caption').allTextContents(), ['A close-up of a flower']);
    assert.match((await page.locator('#weaker-summary').textContent()) ?? '', /^1 weaker match/);
    const weaker = page.locator('#weaker-results li');
    assert.equal(await weaker.isVisible(), false, 'folded until asked for');
    await page.locator('#weaker-summary').click();
    assert.equal(await weaker.locator('img').getAttribute('alt'), 'A tabby cat close-up');
    // The browser script draws the same when the query is typed.
    await page.getByLabel('Search images').fill('cat close-up');
    await page.locator('#results .result-caption', { hasText: 'A tabby cat close-up' }).waitFor();
    await page.locator('#weaker-summary', { hasText: '1 weaker match' }).waitFor();
    assert.equal(await page.locator('#weaker-results img').getAttribute('alt'), 'A close-up of a flower');
  });

  test('ask the library from the search page: the answer and its photos, linked', async () => {
    await page.goto(server.url);
    await page.getByLabel('Question', { exact: true }).fill('How many photos show a cup?');
    await page.getByRole('button', { name: 'Ask' }).click();
    await page.locator('#library-answer', { hasText: '1 photo matches "cup"' }).waitFor();
    const source = page.locator('#library-sources li a');
    assert.equal(await source.count(), 1);
    assert.match((await source.getAttribute('href')) ?? '', /^\/images\/\d+$/);
    assert.equal(await source.locator('img').getAttribute('alt'), 'A cup of coffee on a saucer');
    assert.match((await source.textContent()) ?? '', /coffee\.png/);
    await shot('ask-library');
  });

  test('keyboard only: tab to the first result and open it with Enter', async () => {
    await page.goto(`${server.url}/?q=cat`);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'q', 'the search box has focus');
    for (let i = 0; i < 20; i++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate(() => document.activeElement?.classList.contains('result-link'))) break;
    }
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('href')?.startsWith('/images/')), true);
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    assert.notEqual(outline, 'none', 'focus is visible');
    await Promise.all([page.waitForURL(/\/images\/\d+\?q=cat$/), page.keyboard.press('Enter')]);
    assert.equal(await page.locator('h1').textContent(), 'A tabby cat close-up');
    assert.equal(await page.locator('#match-heading').textContent(), 'Why it matched “cat”');
    assert.match((await page.locator('#match-why').textContent()) ?? '', /matched in caption.*words: cat.*text rank 1/);
  });

  test('image page: photo with object boxes, copy alt text, ask a question, edit the caption', async () => {
    assert.equal(await page.locator('.photo img').getAttribute('alt'), 'Close-up of a tabby cat looking at the camera');
    assert.equal(
      await page.locator('.photo img').evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth),
      451,
    );
    assert.equal(await page.locator('svg.boxes rect').count(), 1);
    await shot('image');

    await page.getByRole('button', { name: 'Copy alt text' }).click();
    await page.locator('.copy-status', { hasText: 'Copied.' }).waitFor();
    assert.equal(
      await page.evaluate(() => navigator.clipboard.readText()),
      'Close-up of a tabby cat looking at the camera',
    );

    await page.getByLabel('Question', { exact: true }).fill('What animal is this?');
    await page.getByLabel('Question', { exact: true }).press('Enter');
    await page.locator('#answer', { hasText: 'You asked: What animal is this?' }).waitFor();

    await page.getByLabel('Caption', { exact: true }).fill('Chelsea the cat');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('#edit-status', { hasText: 'Saved.' }).waitFor();
    const id = Number(new URL(page.url()).pathname.split('/').pop());
    assert.equal(store.glimpse.show(id).userEdits?.caption, 'Chelsea the cat');
    assert.equal(store.glimpse.show(id).userEdits?.tags ?? null, null, 'a new caption does not pin the generated tags');
    await page.getByLabel('Tags, separated by commas').fill('cat, chelsea');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('#edit-status', { hasText: 'Saved.' }).waitFor();
    await page.reload();
    assert.equal(await page.locator('h1').textContent(), 'Chelsea the cat');
    assert.deepEqual(await page.locator('#tags li').allTextContents(), ['cat', 'chelsea']);
    await shot('image-edited');
  });

  test('describe an uploaded, a dropped and a pasted image without indexing them', async () => {
    const indexed = store.glimpse.status().images;
    await page.goto(`${server.url}/describe`);
    await page.getByLabel(/Choose an image/).setInputFiles(join(SAMPLES_DIR, 'coffee.png'));
    await page.locator('#describe-caption', { hasText: 'A cup of coffee on a saucer' }).waitFor();
    assert.equal(await page.locator('#describe-preview').getAttribute('alt'), 'A cup of coffee seen from above');
    await shot('describe');

    // Drop and paste: the browser builds the File itself from bytes it fetched, as a user's drag or Ctrl+V would.
    const send = (kind: 'drop' | 'paste', name: string) =>
      page.evaluate(
        async ({ kind, name }) => {
          const bytes = await (await fetch('/api/v1/images/1/file')).blob();
          const transfer = new DataTransfer();
          transfer.items.add(new File([bytes], name, { type: 'image/png' }));
          if (kind === 'drop')
            document
              .getElementById('drop-zone')!
              .dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
          else document.dispatchEvent(new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true }));
        },
        { kind, name },
      );
    await send('drop', 'rocket.jpg');
    await page.locator('#describe-caption', { hasText: 'A rocket on the launch pad' }).waitFor();
    await send('paste', 'horse.png');
    await page.locator('#describe-caption', { hasText: 'A black horse silhouette on white' }).waitFor();
    assert.equal(store.glimpse.status().images, indexed, 'nothing was added to the index');
  });

  test('readable on a phone', async () => {
    const phone = await context.newPage();
    await phone.setViewportSize({ width: 375, height: 740 });
    for (const path of ['/?q=cat', '/images/1', '/describe', '/status']) {
      await phone.goto(`${server.url}${path}`);
      const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${path} scrolls sideways by ${overflow}px on a phone`);
      assert.equal(await phone.locator('img:not([alt])').count(), 0, `${path}: every image has alt text`);
    }
    // Cards stay short: a thumbnail, two lines of caption and a few words of why (the rest is on the image page).
    await phone.goto(`${server.url}/?q=${encodeURIComponent('a close-up of a cat on a flower in a room')}`);
    const heights = await phone
      .locator('#results li, #weaker-results li')
      .evaluateAll((cards) => cards.map((card) => card.getBoundingClientRect().height));
    assert.ok(heights.length >= 3, `several results (${heights.length})`);
    for (const height of heights) assert.ok(height <= 200, `a result card is ${height}px tall on a phone`);
    await phone.goto(`${server.url}/?q=cat`);
    await shot('phone-search', phone);
    await phone.goto(server.url);
    await shot('phone-library', phone);
    await phone.goto(`${server.url}/images/1`);
    await shot('phone-image', phone);
    await phone.close();
  });

  test('with a token: the link with ?token= opens the app, and its script talks to the API with the cookie', async () => {
    const guarded = await startServer(store.glimpse, { port: 0, token: 'browser-token' });
    const visitor = await browser.newContext();
    try {
      const tab = await visitor.newPage();
      const refused = await tab.goto(`${guarded.url}/`);
      assert.equal(refused?.status(), 401);
      await tab.getByLabel('Token').fill('browser-token');
      await tab.getByLabel('Token').press('Enter');
      await tab.waitForURL(`${guarded.url}/`);
      assert.doesNotMatch(tab.url(), /token/);
      await tab.getByLabel('Search images').fill('coffee');
      await tab.locator('#results .result-caption', { hasText: 'A cup of coffee on a saucer' }).waitFor();
    } finally {
      await visitor.close();
      await guarded.close();
    }
  });

  test('no script errors, CSP violations or server errors along the way', () => {
    assert.deepEqual(problems, []);
  });
});
