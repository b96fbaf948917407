import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { GlimpseError } from '../../errors.js';
import { prepareImage } from '../../images/prepare.js';
import { repositoryRoot, samplePhoto, tinyModelDirectory } from '../../testing/tiny-models.js';
import type { Embedder, PreparedImage } from '../spec.js';
import { embeddingModelId, factory } from './index.js';

let modelDir: string;
let clip: Embedder;
let minilm: Embedder;
let cat: PreparedImage;
let coffee: PreparedImage;

const prepare = async (path: string) => (await prepareImage(await readFile(path), path, { maxSide: 224 })).image;
const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, value, i) => sum + value * b[i]!, 0);

before(async () => {
  modelDir = tinyModelDirectory();
  clip = (await factory.createEmbedder!({ options: { modelDir, embeddingModel: 'tiny/clip', threads: 1 } }))!;
  minilm = (await factory.createEmbedder!({ model: 'tiny/minilm', options: { modelDir, threads: 1 } }))!;
  cat = await prepare(samplePhoto);
  coffee = await prepare(join(repositoryRoot, 'samples', 'coffee.png'));
});
after(async () => {
  await clip?.close?.();
  await minilm?.close?.();
});

function assertUnit(vector: Float32Array, dimensions: number) {
  assert.equal(vector.length, dimensions);
  assert.ok(Math.abs(Math.hypot(...vector) - 1) < 1e-5, 'unit length');
  assert.ok(vector.every(Number.isFinite));
}

describe('CLIP embedder', () => {
  test('embeds images and texts into one space of the projection size', async () => {
    assert.equal(clip.dimensions, 24); // projection_dim of the tiny model
    assert.equal(clip.modelId, 'tiny/clip');
    const [image] = await clip.embedImages!([cat]);
    const [text] = await clip.embedTexts(['a photo of a cat'], 'query');
    assertUnit(image!, 24);
    assertUnit(text!, 24);
  });

  test('is deterministic, and a batch equals its items one by one', async () => {
    const batch = await clip.embedImages!([cat, coffee]);
    const [alone] = await clip.embedImages!([coffee]);
    assert.deepEqual(Array.from((await clip.embedImages!([coffee]))[0]!), Array.from(alone!));
    // Batched matrix products round differently in the last bits, so compare batch with single closely, not exactly.
    for (let i = 0; i < 24; i++) assert.ok(Math.abs(alone![i]! - batch[1]![i]!) < 1e-5);
    assert.ok(dot(batch[0]!, batch[1]!) < 0.9999, 'different photos give different vectors');

    const texts = await clip.embedTexts(['a cat on a sofa', 'a red car', 'a cat on a sofa'], 'document');
    assert.deepEqual(Array.from(texts[0]!), Array.from(texts[2]!));
    assert.ok(dot(texts[0]!, texts[1]!) < 0.9999);
    // Padding a short text to a longer one's length must not change its vector.
    const [single] = await clip.embedTexts(['a red car'], 'document');
    for (let i = 0; i < 24; i++) assert.ok(Math.abs(single![i]! - texts[1]![i]!) < 1e-5);
  });

  test('empty input gives no vectors', async () => {
    assert.deepEqual(await clip.embedTexts([], 'query'), []);
    assert.deepEqual(await clip.embedImages!([]), []);
  });
});

describe('SigLIP embedder (same layout as CLIP, pooled outputs, texts padded to the maximum length)', () => {
  test('embeds images and texts into one space, deterministically', async () => {
    const siglip = (await factory.createEmbedder!({ model: 'tiny/siglip', options: { modelDir, threads: 1 } }))!;
    try {
      assert.equal(siglip.dimensions, 24); // hidden_size of the tiny model
      const [image] = await siglip.embedImages!([cat]);
      const texts = await siglip.embedTexts(['a cat on a table', 'a dog', 'a cat on a table'], 'query');
      assertUnit(image!, 24);
      for (const vector of texts) assertUnit(vector, 24);
      assert.deepEqual(Array.from(texts[0]!), Array.from(texts[2]!));
      assert.ok(dot(texts[0]!, texts[1]!) < 0.9999);
    } finally {
      await siglip.close?.();
    }
  });
});

describe('sentence embedder (MiniLM layout)', () => {
  test('embeds texts only, mean-pooled and normalised, at the hidden size', async () => {
    assert.equal(minilm.dimensions, 32);
    assert.equal(minilm.embedImages, undefined);
    const vectors = await minilm.embedTexts(
      ['a cat sitting on a table', 'photo of a horse', 'a cat sitting on a table'],
      'document',
    );
    for (const vector of vectors) assertUnit(vector, 32);
    assert.deepEqual(Array.from(vectors[0]!), Array.from(vectors[2]!));
    assert.ok(dot(vectors[0]!, vectors[1]!) < 0.9999);
  });
});

describe('choosing the embedding model', () => {
  test('options.embeddingModel, else settings.model when it embeds, else clip, else minilm', () => {
    assert.equal(
      embeddingModelId({ model: 'tiny/florence-2', options: { modelDir, embeddingModel: 'tiny/minilm' } }),
      'tiny/minilm',
    );
    assert.equal(embeddingModelId({ model: 'tiny/clip', options: { modelDir } }), 'tiny/clip');
    assert.equal(embeddingModelId({ model: 'tiny/florence-2', options: { modelDir } }), 'clip');
  });

  test('a captioner is refused as embedder, an embedder as captioner', async () => {
    await assert.rejects(
      factory.createEmbedder!({ options: { modelDir, embeddingModel: 'tiny/vit-gpt2' } }),
      (e: unknown) => GlimpseError.is(e, 'USAGE'),
    );
    await assert.rejects(factory.createDescriber({ model: 'tiny/clip', options: { modelDir } }), (e: unknown) =>
      GlimpseError.is(e, 'USAGE'),
    );
  });

  test('an alias and its full id name the same vector space', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'glimpse-alias-'));
    try {
      cpSync(join(modelDir, 'tiny', 'minilm'), join(directory, 'Xenova', 'all-MiniLM-L6-v2'), { recursive: true });
      const byAlias = (await factory.createEmbedder!({ options: { modelDir: directory, embeddingModel: 'minilm' } }))!;
      assert.equal(byAlias.modelId, 'Xenova/all-MiniLM-L6-v2');
      await byAlias.close?.();
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  test('no embedding model present is a clear MODEL_NOT_FOUND', async () => {
    await assert.rejects(
      factory.createEmbedder!({ options: { modelDir: join(modelDir, 'tiny', 'vit-gpt2') } }),
      (e: unknown) =>
        GlimpseError.is(e, 'MODEL_NOT_FOUND') && e.advice.includes('glimpse models pull Xenova/clip-vit-base-patch32'),
    );
  });
});
