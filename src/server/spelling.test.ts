/**
 * Spelling correction and the English-only notice through the API and the web app's search page. In-process over a
 * real SQLite store of the sample photos.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type SampleStore, sampleStore } from '../testing/sample-store.js';
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

test('/api/v1/search corrects a misspelt word and says so; exact=true searches as typed', async () => {
  const corrected = await (await app.request('/api/v1/search?q=motorcyle')).json();
  assert.equal(corrected.correctedQuery, 'motorcycle');
  assert.match(corrected.results[0].path, /motorcycle_left\.png$/);
  const exact = await (await app.request('/api/v1/search?q=motorcyle&exact=true')).json();
  assert.equal(exact.correctedQuery, undefined);
  assert.deepEqual(exact.results, []);
});

test('the search page says "Showing results for …" and, for a query in another language, that the text is English', async () => {
  const page = await (await app.request('/?q=motorcyle')).text();
  assert.match(page, /Showing results for “motorcycle”/);
  const spanish = await (await app.request('/?q=perro')).text();
  assert.match(spanish, /Nothing found for “perro”/);
  assert.match(spanish, /in English/);
});
