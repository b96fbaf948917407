/**
 * Paging a search: `offset` in the API (/api/v1/search?offset=), next and previous links in the web app, and the
 * person's caption on the image page's alt text. In-process over a real SQLite store of the sample photos.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type SampleStore, sampleStore } from '../testing/sample-store.js';
import { pageUrl } from '../web/search-page.js';
import { createApp, type GlimpseApp } from './app.js';

let store: SampleStore;
let app: GlimpseApp;

before(async () => {
  store = await sampleStore();
  app = createApp(store.glimpse, { allowIndex: [store.photos], maxUploadBytes: 2 * 1024 * 1024, log: () => {} });
});
after(async () => {
  await app.close();
  await store.cleanup();
});

const paths = (body: { results: { path: string }[] }) => body.results.map((result) => result.path);

describe('paging', () => {
  test('/api/v1/search?offset= pages through the same ranking', async () => {
    const all = await (await app.request('/api/v1/search?q=a&limit=50')).json();
    assert.ok(all.results.length >= 3, `at least three results for "a" (${all.results.length})`);
    const second = await (await app.request('/api/v1/search?q=a&limit=1&offset=1')).json();
    assert.deepEqual(paths(second), [all.results[1].path]);
    const rest = await (await app.request('/api/v1/search?q=a&limit=50&offset=2')).json();
    assert.deepEqual(paths(rest), paths(all).slice(2));
    const bad = await app.request('/api/v1/search?q=a&offset=-1');
    assert.equal(bad.status, 400);
  });

  test('the web app links the next and previous pages, keeping the query and filters', async () => {
    const form = { q: 'red car', after: '2024-01-01', before: '', tag: 'car', hasText: false };
    assert.equal(pageUrl(form, 40), '/?q=red+car&after=2024-01-01&tag=car&offset=40');
    assert.equal(pageUrl(form, 0), '/?q=red+car&after=2024-01-01&tag=car');
    const page = await (await app.request('/?q=a&offset=1')).text();
    assert.match(page, /rel="prev" href="\/\?q=a"/);
    const first = await (await app.request('/?q=a')).text();
    assert.doesNotMatch(first, /rel="prev"/);
  });

  test("the image page's alt text is the person's caption once they set one", async () => {
    const { results } = await (await app.request('/api/v1/search?q=a&limit=1')).json();
    const id = results[0].id;
    store.glimpse.edit(id, { caption: 'Our own words' });
    const page = await (await app.request(`/images/${id}`)).text();
    assert.match(page, /<p id="alt-text">Our own words<\/p>/);
  });
});

describe('the library, a page at a time', () => {
  test('/api/v1/images lists every image newest first, and pages through that order', async () => {
    const all = await (await app.request('/api/v1/images?limit=50')).json();
    assert.equal(all.results.length, store.glimpse.status().images);
    const times = all.results.map((result: { id: number }) => store.glimpse.show(result.id).mtimeMs ?? 0);
    assert.deepEqual(
      times,
      [...times].sort((a: number, b: number) => b - a),
    );
    const second = await (await app.request('/api/v1/images?limit=2&offset=2')).json();
    assert.deepEqual(paths(second), paths(all).slice(2, 4));
    assert.equal((await app.request('/api/v1/images?limit=0')).status, 400);
  });

  test('the start page draws the library with a pager when it fills a page', async () => {
    const html = await (await app.request('/')).text();
    assert.match(html, /Your library: \d+ images, newest first/);
    assert.equal((html.match(/class="result"/g) ?? []).length, store.glimpse.status().images);
  });
});
