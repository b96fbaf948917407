/**
 * Look-alike search without CLIP (issue 15): the built-in analyzer's vectors (appearance.ts), stored when indexing,
 * make `similar` work with the models shipped on npm.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createGlimpse } from '../../../glimpse.js';
import { sample, temporaryDirectory } from '../../../testing/fixtures.js';
import { APPEARANCE_DIMENSIONS, appearanceVector } from './appearance.js';

function picture(top: [number, number, number], bottom: [number, number, number]) {
  const width = 64;
  const height = 64;
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) data.set(y < height / 2 ? top : bottom, (y * width + x) * 3);
  return { data, width, height };
}

const cosine = (a: number[], b: number[]) => a.reduce((sum, value, index) => sum + value * b[index], 0);

test('colour and layout: blue over green is nearer blue over green than green over blue', () => {
  const pooled = new Float32Array(208).fill(0.1);
  const sky = appearanceVector(picture([40, 90, 220], [40, 160, 60]), pooled);
  const again = appearanceVector(picture([50, 100, 210], [30, 150, 70]), pooled);
  const flipped = appearanceVector(picture([40, 160, 60], [40, 90, 220]), pooled);
  assert.equal(sky.length, APPEARANCE_DIMENSIONS);
  assert.ok(Math.abs(cosine(sky, sky) - 1) < 1e-3, 'unit length');
  assert.ok(cosine(sky, again) > cosine(sky, flipped) + 0.02, `${cosine(sky, again)} vs ${cosine(sky, flipped)}`);
});

test('what the detector sees counts: the same classes are nearer than the same colours', () => {
  const scene = picture([120, 120, 120], [120, 120, 120]);
  const cat = new Float32Array(208).fill(0.02);
  cat[128 + 15] = 0.9;
  const anotherCat = new Float32Array(208).fill(0.02);
  anotherCat[128 + 15] = 0.8;
  const bus = new Float32Array(208).fill(0.02);
  bus[128 + 5] = 0.9;
  const a = appearanceVector(scene, cat);
  assert.ok(cosine(a, appearanceVector(scene, anotherCat)) > cosine(a, appearanceVector(scene, bus)));
});

test('indexing with the built-in analyzer stores look-alike vectors: similar works without CLIP', async () => {
  const dir = join(temporaryDirectory(), 'look-alike');
  mkdirSync(dir, { recursive: true });
  for (const file of ['chelsea.png', 'coffee.png', 'horse.png']) copyFileSync(sample(file), join(dir, file));
  const glimpse = await createGlimpse({ db: join(dir, '..', 'look-alike.db'), provider: 'builtin', embedder: null });
  try {
    const summary = await glimpse.index([dir]);
    assert.equal(summary.indexed, 3);
    const chelsea = glimpse.show(join(dir, 'chelsea.png'));
    const response = await glimpse.similar(chelsea.id, { limit: 5 });
    assert.equal(response.results.length, 2, 'the two other images, never the image itself');
    assert.ok(response.results.every((result) => result.id !== chelsea.id && result.why.vectorSimilarity !== null));
    const [first, second] = response.results;
    assert.ok(first.score >= second.score, 'most similar first');
  } finally {
    await glimpse.close();
  }
});
