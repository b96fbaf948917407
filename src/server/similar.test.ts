/**
 * `GET /api/v1/images/{id}/similar` and the image page's "Similar images", with image vectors from the tiny
 * random-weight CLIP model (so only the shape of the answer is checked, not which photos look alike).
 */
import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createGlimpse, type Glimpse } from '../glimpse.js';
import { createRecordingProvider } from '../testing/recording-provider.js';
import { SAMPLE_DESCRIPTIONS, SAMPLES_DIR, sampleStore } from '../testing/sample-store.js';
import { tinyModelDirectory } from '../testing/tiny-models.js';
import { createApp } from './app.js';

let dir: string;
let glimpse: Glimpse;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'glimpse-similar-api-'));
  const photos = join(dir, 'photos');
  await mkdir(photos);
  for (const name of ['chelsea.png', 'coffee.png', 'horse.png', 'rocket.jpg'])
    await cp(join(SAMPLES_DIR, name), join(photos, name));
  glimpse = await createGlimpse({
    db: join(dir, 'glimpse.db'),
    provider: createRecordingProvider({ answers: SAMPLE_DESCRIPTIONS }),
    embedder: 'local',
    embedderSettings: { model: 'tiny/clip', options: { modelDir: tinyModelDirectory() } },
  });
  const summary = await glimpse.index([photos]);
  assert.equal(summary.indexed, 4);
});
after(async () => {
  await glimpse?.close();
  await rm(dir, { recursive: true, force: true });
});

test('similar images: the others, most similar first, never the image itself', async () => {
  const app = createApp(glimpse);
  const id = glimpse.show(join(dir, 'photos', 'chelsea.png')).id;
  const response = await app.request(`/api/v1/images/${id}/similar`);
  const body = await response.json();
  assert.equal(response.status, 200, JSON.stringify(body));
  assert.equal(body.results.length, 3);
  assert.ok(body.results.every((result: { id: number }) => result.id !== id));
  const scores = body.results.map((result: { score: number }) => result.score);
  assert.deepEqual(
    scores,
    [...scores].sort((a: number, b: number) => b - a),
  );
  assert.equal((await (await app.request(`/api/v1/images/${id}/similar?limit=1`)).json()).results.length, 1);
  assert.equal((await app.request(`/api/v1/images/${id}/similar?limit=none`)).status, 400);
  assert.equal((await app.request('/api/v1/images/999999/similar')).status, 404);

  const page = await (await app.request(`/images/${id}`)).text();
  assert.match(page, /Similar images/);
  assert.equal(page.match(/class="result"/g)?.length, 3);
});

test('without image embeddings: a 400 that says how to get them, and no section on the page', async () => {
  const store = await sampleStore();
  try {
    const app = createApp(store.glimpse);
    const response = await app.request('/api/v1/images/1/similar');
    const body = await response.json();
    assert.equal(response.status, 400);
    assert.equal(body.error.code, 'UNSUPPORTED_TASK');
    assert.match(body.error.message, /embedder/);
    const page = await app.request('/images/1');
    assert.equal(page.status, 200);
    assert.doesNotMatch(await page.text(), /Similar images/);
  } finally {
    await store.cleanup();
  }
});
