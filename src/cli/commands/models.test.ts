import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tinyModelDirectory } from '../../testing/tiny-models.js';
import { listModels } from './models.js';

test('glimpse models lists the local model folders present, with architecture, size and dtype', async () => {
  const directory = tinyModelDirectory();
  const rows = await listModels({ ...process.env, GLIMPSE_MODELS: directory, XDG_CONFIG_HOME: directory });
  const local = rows.find((row) => row.name === 'local');
  const present = Object.fromEntries((local?.localModels ?? []).map((model) => [model.id, model]));
  assert.equal(present['tiny/florence-2']?.architecture, 'florence2');
  assert.equal(present['tiny/vit-gpt2']?.dtype, 'fp32');
  assert.ok(present['tiny/clip']?.sizeBytes > 10_000);
  assert.equal(local?.ready, true, local?.detail);
});
