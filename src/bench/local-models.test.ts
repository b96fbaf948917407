import assert from 'node:assert/strict';
import { test } from 'node:test';
import { samplePhoto, tinyModelDirectory } from '../testing/tiny-models.js';
import { measureLocalModels } from './local-models.js';

test('measures load time and throughput of every local model present', async () => {
  const results = await measureLocalModels(tinyModelDirectory(), {
    images: [samplePhoto],
    rounds: 1,
    options: { threads: 1 },
  });
  assert.deepEqual(
    results.map((result) => [result.id, result.work, result.items]),
    [
      ['tiny/clip', 'embed-images', 1],
      ['tiny/florence-2', 'caption', 1],
      ['tiny/minilm', 'embed-texts', 4],
      ['tiny/siglip', 'embed-images', 1],
      ['tiny/vit-gpt2', 'caption', 1],
    ],
  );
  for (const result of results) {
    assert.ok(result.loadMs > 0 && Number.isFinite(result.loadMs));
    assert.ok(result.itemsPerSecond > 0 && Number.isFinite(result.itemsPerSecond));
  }
});
