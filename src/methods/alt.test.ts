/**
 * `alt` on real pages with tricky bytes (BOM, CRLF, entities, attributes over lines and in odd order, <picture>,
 * reference-style Markdown images): the written page must equal, byte for byte, the page with only its alt texts
 * changed. Library look-ups by path and by content, a URL image from a real HTTP server, and a page that is not
 * UTF-8.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createGlimpse } from '../glimpse.js';
import { sample, temporaryDirectory } from '../testing/fixtures.js';
import { createRecordingProvider } from '../testing/recording-provider.js';

const ANSWER = { alt: 'A photo of a red "double-decker" bus & its driver', caption: 'A red bus.' };
const SUGGESTED = 'A red "double-decker" bus & its driver';
const IN_HTML = 'alt="A red &quot;double-decker&quot; bus &amp; its driver"';
const IN_MARKDOWN = 'A red "double-decker" bus \\& its driver';

/** The page before, with each spot to patch written as {{before|after}}. */
const HTML_TEMPLATE = [
  '\uFEFF<!DOCTYPE html>',
  '<html lang="fr"><head><title>Caf&eacute; — test</title></head>',
  '<body>',
  '<p>Entités: &amp; &lt;img src="fake.png"&gt; &#x1F600; naïve</p>',
  '<!-- <img src="commented.png"> -->',
  `<IMG{{| ${IN_HTML}}}`,
  "  width=640 SRC='img/bus.jpg'",
  '  class="hero">',
  '<img alt="" role="presentation" src="img/bus.jpg">',
  '<img src="img/bus.jpg" aria-hidden="true" alt>',
  `<img {{alt=""|${IN_HTML}}} src="img/bus.jpg">`,
  '<picture>',
  '<source srcset="img/bus.webp 1x, img/bus@2x.webp 2x" type="image/webp">',
  `<img data-caption="x" {{alt=IMG_0042.png|${IN_HTML}}} src="/img/bus.jpg">`,
  '</picture>',
  `<img src="img/bus.jpg" {{alt="Photo 2"|${IN_HTML}}}>`,
  '<img src="img/bus.jpg" alt="A red bus at a stop">',
  `<img srcset="img/bus.jpg 2x" {{alt='untitled'|${IN_HTML}}}>`,
  '<script>document.write(\'<img src="x.png">\')</script>',
  `<template><img{{| ${IN_HTML}}} src="img/bus.jpg"></template>`,
  '</body></html>',
  '',
].join('\r\n');

const MARKDOWN_TEMPLATE = [
  '# Café',
  '',
  `![{{|${IN_MARKDOWN}}}](img/bus.jpg)`,
  `Inline ![{{IMG_0042.JPG|${IN_MARKDOWN}}}](img/bus.jpg "A title") text.`,
  `![{{image|${IN_MARKDOWN}}}][bus]`,
  `![{{photo][]|${IN_MARKDOWN}][photo]}}`,
  `![{{Picture]|${IN_MARKDOWN}][Picture]}}`,
  '![A bus](img/bus.jpg)',
  '`![](code.png)`',
  '',
  `<p><img src="img/bus.jpg" {{alt="graphic"|${IN_HTML}}}></p>`,
  '',
  '[bus]: img/bus.jpg',
  '[photo]: <img/bus.jpg> "t"',
  '[picture]: img/bus.jpg',
  '',
].join('\r\n');

function version(template: string, which: 'before' | 'after'): string {
  return template.replace(/\{\{(.*?)\|(.*?)\}\}/g, (_, before, after) => (which === 'before' ? before : after));
}

function site() {
  const dir = temporaryDirectory();
  const root = join(dir, 'site');
  mkdirSync(join(root, 'img'), { recursive: true });
  copyFileSync(sample('china.jpg'), join(root, 'img', 'bus.jpg'));
  writeFileSync(join(root, 'page.html'), version(HTML_TEMPLATE, 'before'));
  writeFileSync(join(root, 'notes.md'), version(MARKDOWN_TEMPLATE, 'before'));
  return { dir, root };
}

describe('alt', () => {
  test('finds what needs fixing, leaves decorative images, and --write changes only the alt texts', async () => {
    const { dir, root } = site();
    const provider = createRecordingProvider({ answers: { 'bus.jpg': ANSWER } });
    const glimpse = await createGlimpse({ db: join(dir, 'lib.db'), provider });
    try {
      const report = await glimpse.alt([root]);
      assert.equal(report.pages, 2);
      const html = report.files.find((file) => file.file.endsWith('page.html'))!;
      assert.deepEqual(
        html.findings.map((finding) => [finding.line, finding.problem, finding.alt]),
        [
          [6, 'missing', null],
          [11, 'empty', ''],
          [14, 'file name', 'IMG_0042.png'],
          [16, 'placeholder', 'Photo 2'],
          [18, 'placeholder', 'untitled'],
          [20, 'missing', null],
        ],
      );
      const markdown = report.files.find((file) => file.file.endsWith('notes.md'))!;
      assert.deepEqual(
        markdown.findings.map((finding) => [finding.line, finding.problem, finding.image]),
        [
          [3, 'empty', join(root, 'img/bus.jpg')],
          [4, 'file name', join(root, 'img/bus.jpg')],
          [5, 'placeholder', join(root, 'img/bus.jpg')],
          [6, 'placeholder', join(root, 'img/bus.jpg')],
          [7, 'placeholder', join(root, 'img/bus.jpg')],
          [11, 'placeholder', join(root, 'img/bus.jpg')],
        ],
      );
      assert.equal(report.decorative, 2);
      assert.equal(report.needFixing, 12);
      assert.deepEqual(
        new Set(report.files.flatMap((file) => file.findings).map((finding) => finding.suggestion)),
        new Set([SUGGESTED]),
      );
      assert.equal(provider.requests.length, 1, 'one image, described once for all its uses');
      assert.equal(provider.requests[0].task, 'alt');
      // A report changes nothing.
      assert.equal(readFileSync(join(root, 'page.html'), 'utf8'), version(HTML_TEMPLATE, 'before'));

      // The page given twice (in its folder and by name) is patched once.
      const written = await glimpse.alt([root, join(root, 'page.html')], { write: true });
      assert.equal(written.written, 12);
      assert.deepEqual(readFileSync(join(root, 'page.html')), Buffer.from(version(HTML_TEMPLATE, 'after')));
      assert.deepEqual(readFileSync(join(root, 'notes.md')), Buffer.from(version(MARKDOWN_TEMPLATE, 'after')));

      const again = await glimpse.alt([root]);
      assert.equal(again.needFixing, 0, 'what was written is read back as good alt text');
    } finally {
      await glimpse.close();
    }
  });

  test('an image described in the library is not described again: by path, then by content', async () => {
    const { dir, root } = site();
    const db = join(dir, 'lib.db');
    const indexer = await createGlimpse({
      db,
      provider: createRecordingProvider({ answers: { 'bus.jpg': { caption: 'A bus.', alt: 'Red bus in the rain' } } }),
    });
    await indexer.index([join(root, 'img')]);
    indexer.edit(join(root, 'img', 'bus.jpg'), { tags: ['bus'] });
    await indexer.close();
    // A copy under another name, never indexed: found by its content.
    copyFileSync(sample('china.jpg'), join(root, 'img', 'copy.jpg'));
    writeFileSync(join(root, 'two.html'), '<img src="img/bus.jpg"><img src=img/copy.jpg>');

    const provider = createRecordingProvider({
      failures: { 'bus.jpg': 'PROVIDER_ERROR', 'copy.jpg': 'PROVIDER_ERROR' },
    });
    const glimpse = await createGlimpse({ db, provider });
    try {
      const report = await glimpse.alt([join(root, 'two.html')]);
      assert.deepEqual(
        report.files[0].findings.map((finding) => [finding.suggestion, finding.from]),
        [
          ['Red bus in the rain', 'library'],
          ['Red bus in the rain', 'library'],
        ],
      );
      assert.equal(provider.requests.length, 0);

      // A person's own caption wins over the generated alt text.
      glimpse.edit(join(root, 'img', 'bus.jpg'), { caption: 'Our school bus, parked' });
      assert.equal(
        (await glimpse.alt([join(root, 'two.html')])).files[0].findings[0].suggestion,
        'Our school bus, parked',
      );

      // The indexed file changed since (other bytes, other time): its stored description no longer applies.
      copyFileSync(sample('flower.jpg'), join(root, 'img', 'bus.jpg'));
      utimesSync(join(root, 'img', 'bus.jpg'), new Date(), new Date(Date.now() + 5000));
      const changed = await glimpse.alt([join(root, 'two.html')]);
      assert.equal(changed.files[0].findings[0].from, null);
      assert.equal(changed.files[0].findings[0].error?.code, 'PROVIDER_ERROR');
      assert.equal(changed.failed, 1);
    } finally {
      await glimpse.close();
    }
  });

  test('an http image is fetched from a real server, only when private addresses are allowed', async () => {
    const { dir, root } = site();
    const bytes = readFileSync(sample('rocket.jpg'));
    let served = 0;
    const server = createServer((request, response) => {
      served++;
      if (request.url === '/rocket.jpg') response.writeHead(200, { 'content-type': 'image/jpeg' }).end(bytes);
      else response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    writeFileSync(
      join(root, 'remote.md'),
      `![](${base}/rocket.jpg)\n![rocket.jpg](${base}/missing.jpg)\n![](data:image/png;base64,AAAA)\n`,
    );
    const provider = createRecordingProvider({ answers: { 'rocket.jpg': { alt: 'A rocket on its launch pad' } } });
    const glimpse = await createGlimpse({ db: join(dir, 'lib.db'), provider });
    try {
      const refused = await glimpse.alt([join(root, 'remote.md')]);
      assert.equal(served, 0, 'a loopback address is refused before connecting, as glimpse serve does');
      assert.deepEqual(
        refused.files[0].findings.map((finding) => finding.error?.code),
        ['URL_NOT_ALLOWED', 'URL_NOT_ALLOWED', 'NOT_AN_IMAGE'],
      );

      const allowed = await glimpse.alt([join(root, 'remote.md')], { allowPrivateUrls: true, write: true });
      const [rocket, missing, data] = allowed.files[0].findings;
      assert.equal(rocket.suggestion, 'A rocket on its launch pad');
      assert.equal(rocket.image, `${base}/rocket.jpg`);
      assert.equal(missing.error?.code, 'URL_HTTP_ERROR');
      assert.equal(data.suggestion, null);
      assert.equal(allowed.written, 1);
      assert.equal(
        readFileSync(join(root, 'remote.md'), 'utf8'),
        `![A rocket on its launch pad](${base}/rocket.jpg)\n![rocket.jpg](${base}/missing.jpg)\n![](data:image/png;base64,AAAA)\n`,
      );
    } finally {
      await glimpse.close();
      server.close();
    }
  });

  test('site-root addresses resolve against --root; a page that is not UTF-8 is reported, not patched', async () => {
    const { dir, root } = site();
    mkdirSync(join(root, 'blog'));
    const latin1 = Buffer.from('<p>caf\xe9</p><img src="/img/bus.jpg">', 'latin1');
    writeFileSync(join(root, 'blog', 'old.html'), latin1);
    const glimpse = await createGlimpse({
      db: join(dir, 'lib.db'),
      provider: createRecordingProvider({ answers: { 'bus.jpg': ANSWER } }),
    });
    try {
      const report = await glimpse.alt([join(root, 'blog')], { root, write: true });
      assert.equal(report.files[0].findings[0].image, join(root, 'img', 'bus.jpg'));
      assert.equal(report.files[0].findings[0].suggestion, SUGGESTED);
      assert.match(report.files[0].error?.message ?? '', /not valid UTF-8/);
      assert.equal(report.written, 0);
      assert.deepEqual(readFileSync(join(root, 'blog', 'old.html')), latin1);

      const withoutRoot = await glimpse.alt([join(root, 'blog')]);
      assert.equal(withoutRoot.files[0].findings[0].error?.code, 'FILE_NOT_FOUND');
    } finally {
      await glimpse.close();
    }
  });
});
