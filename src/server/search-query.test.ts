/**
 * Issue 18, item 10: a query of only NUL or other control characters matched every image (20 results, empty `why`).
 * It is now a 400 in the API and a usage error in the CLI; control characters between words only separate them.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { glimpseBin } from '../testing/fixtures.js';
import { type SampleStore, sampleStore } from '../testing/sample-store.js';
import { createApp, type GlimpseApp } from './app.js';

let store: SampleStore;
let app: GlimpseApp;

before(async () => {
  store = await sampleStore();
  app = createApp(store.glimpse, { log: () => {} });
});
after(async () => {
  await app.close();
  await store.cleanup();
});

test('API: a query of only control characters is a 400 that says why', async () => {
  for (const q of ['%00%00', '%00', '%01%1B%7F', '%00%20%0A']) {
    const response = await app.request(`/api/v1/search?q=${q}`);
    const body = await response.json();
    assert.equal(response.status, 400, `q=${q}: ${JSON.stringify(body).slice(0, 200)}`);
    assert.equal(body.error.code, 'USAGE');
    assert.match(body.error.message, /q: give a search query/);
  }
});

test('API: control characters between words are dropped, the words still match', async () => {
  const response = await app.request('/api/v1/search?q=tabby%00cat');
  assert.equal(response.status, 200);
  const body = await response.json();
  assert.equal(body.query, 'tabby cat');
  assert.match(body.results[0].path, /chelsea/);
});

test('CLI: a query of only control characters is a usage error (exit 1)', () => {
  const result = spawnSync(process.execPath, [glimpseBin, 'search', '\x01\x1b', '--db', ':memory:'], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', GLIMPSE_PROVIDER: '' },
  });
  assert.equal(result.status, 1, result.stdout + result.stderr);
  assert.match(result.stderr, /only control characters/);
  assert.equal(result.stdout, '');
});
