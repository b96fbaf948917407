import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { GlimpseError } from '../../errors.js';
import { tinyModelDirectory } from '../../testing/tiny-models.js';
import { factory } from './index.js';
import {
  bestLocalCaptioner,
  checkModelFolder,
  listLocalModels,
  modelDirectory,
  modelFolder,
} from './model-directory.js';
import { localSettings } from './runtime.js';

let tiny: string;
let scratch: string;

before(() => {
  tiny = tinyModelDirectory();
  scratch = mkdtempSync(join(tmpdir(), 'glimpse-local-models-'));
});
after(() => rmSync(scratch, { recursive: true, force: true }));

/** A copy of one tiny model under `<scratch>/<case>/<id>`, to damage without touching the shared fixtures. */
function copyOf(name: string, id: string): string {
  const directory = mkdtempSync(join(scratch, 'case-'));
  cpSync(join(tiny, 'tiny', name), join(directory, id), { recursive: true });
  return directory;
}

function expectModelNotFound(run: () => unknown, ...mentions: string[]) {
  assert.throws(run, (error: unknown) => {
    assert.ok(GlimpseError.is(error, 'MODEL_NOT_FOUND'), `expected MODEL_NOT_FOUND, got ${error}`);
    for (const text of mentions) assert.ok(error.advice.includes(text), `"${error.advice}" should mention ${text}`);
    return true;
  });
}

describe('model dir and ids', () => {
  test('the model dir comes from options.modelDir, then GLIMPSE_MODELS, then the cache folder', () => {
    assert.equal(
      modelDirectory({ options: { modelDir: '/srv/models' }, env: { GLIMPSE_MODELS: '/elsewhere' } }),
      '/srv/models',
    );
    assert.equal(modelDirectory({ env: { GLIMPSE_MODELS: '/elsewhere' } }), '/elsewhere');
    assert.equal(modelDirectory({ env: { XDG_CACHE_HOME: '/home/u/.cache' } }), '/home/u/.cache/glimpse/models');
  });

  test('ids resolve under the model dir as transformers.js localModelPath does; aliases expand; paths stay paths', () => {
    assert.equal(modelFolder('onnx-community/Florence-2-base-ft', '/m'), '/m/onnx-community/Florence-2-base-ft');
    assert.equal(modelFolder('florence-2-base', '/m'), '/m/onnx-community/Florence-2-base-ft');
    assert.equal(modelFolder('clip', '/m'), '/m/Xenova/clip-vit-base-patch32');
    assert.equal(modelFolder('/opt/my-model', '/m'), '/opt/my-model');
    // Not an alias just because every JavaScript object has a member of that name.
    assert.equal(modelFolder('constructor', '/m'), '/m/constructor');
    // The same for a dtype: a known one is taken, an inherited member name is refused.
    assert.equal(localSettings({ options: { dtype: 'q8', modelDir: '/m' } }, 'clip').dtype, 'q8');
    assert.throws(
      () => localSettings({ options: { dtype: 'constructor', modelDir: '/m' } }, 'clip'),
      (error: unknown) => GlimpseError.is(error, 'USAGE'),
    );
  });

  test('lists the models present with architecture, size and dtype', () => {
    const models = listLocalModels(tiny);
    assert.deepEqual(
      models.map((model) => [model.id, model.architecture, model.dtype]),
      [
        ['tiny/clip', 'clip', 'fp32'],
        ['tiny/florence-2', 'florence2', 'fp32'],
        ['tiny/minilm', 'sentence', 'fp32'],
        ['tiny/siglip', 'clip', 'fp32'],
        ['tiny/vit-gpt2', 'vit-gpt2', 'fp32'],
      ],
    );
    for (const model of models) assert.ok(model.sizeBytes > 10_000, `${model.id} has files`);
    assert.deepEqual(listLocalModels(join(scratch, 'nothing-here')), []);
  });

  test('the architecture comes from config.json, so a folder works under any id', () => {
    const directory = copyOf('vit-gpt2', 'my-captioner');
    assert.equal(checkModelFolder('my-captioner', directory).architecture, 'vit-gpt2');
  });

  test('the default captioner prefers Florence-2 over vit-gpt2', () => {
    assert.equal(bestLocalCaptioner(tiny), 'tiny/florence-2');
    assert.equal(
      bestLocalCaptioner(copyOf('vit-gpt2', 'Xenova/vit-gpt2-image-captioning')),
      'Xenova/vit-gpt2-image-captioning',
    );
    assert.equal(bestLocalCaptioner(join(scratch, 'empty')), null);
  });

  test('quantised files are found and reported as their dtype', () => {
    const directory = copyOf('clip', 'quantised');
    for (const file of readdirSync(join(directory, 'quantised', 'onnx'))) {
      renameSync(
        join(directory, 'quantised', 'onnx', file),
        join(directory, 'quantised', 'onnx', file.replace('.onnx', '_quantized.onnx')),
      );
    }
    assert.equal(checkModelFolder('quantised', directory).dtype, 'q8');
    expectModelNotFound(() => checkModelFolder('quantised', directory, 'fp32'), 'onnx/text_model.onnx', 'present: q8');
  });
});

describe('missing or damaged models give a clear error naming the file and how to get it', () => {
  test('a missing folder', () => {
    expectModelNotFound(
      () => checkModelFolder('florence-2-base', scratch),
      join(scratch, 'onnx-community/Florence-2-base-ft'),
      'glimpse models pull onnx-community/Florence-2-base-ft',
      'copy the model folder',
    );
  });

  test('a missing ONNX file', () => {
    const directory = copyOf('florence-2', 'broken');
    unlinkSync(join(directory, 'broken', 'onnx', 'decoder_model_merged.onnx'));
    expectModelNotFound(
      () => checkModelFolder('broken', directory),
      join(directory, 'broken', 'onnx', 'decoder_model_merged.onnx'),
      'glimpse models pull broken',
    );
  });

  test('a damaged config.json', () => {
    const directory = copyOf('minilm', 'broken');
    writeFileSync(join(directory, 'broken', 'config.json'), '{"model_type": "be');
    expectModelNotFound(
      () => checkModelFolder('broken', directory),
      join(directory, 'broken', 'config.json'),
      'damaged',
    );
  });

  test('an unsupported architecture', () => {
    const directory = copyOf('minilm', 'other');
    writeFileSync(join(directory, 'other', 'config.json'), '{"model_type": "whisper"}');
    expectModelNotFound(() => checkModelFolder('other', directory), 'whisper');
  });

  test('a damaged ONNX file fails at load with the file named', async () => {
    const directory = copyOf('vit-gpt2', 'corrupt');
    writeFileSync(join(directory, 'corrupt', 'onnx', 'encoder_model.onnx'), 'this is not a protobuf');
    await assert.rejects(
      factory.createDescriber({ model: 'corrupt', options: { modelDir: directory } }),
      (error: unknown) => {
        assert.ok(GlimpseError.is(error, 'MODEL_NOT_FOUND'), String(error));
        assert.ok(error.advice.includes(join(directory, 'corrupt', 'onnx', 'encoder_model.onnx')), error.advice);
        assert.ok(error.advice.includes('glimpse models pull corrupt'), error.advice);
        return true;
      },
    );
  });

  test('no captioner at all', async () => {
    await assert.rejects(
      factory.createDescriber({ options: { modelDir: join(scratch, 'empty') } }),
      (error: unknown) =>
        GlimpseError.is(error, 'MODEL_NOT_FOUND') && error.advice.includes('glimpse models pull florence-2-base'),
    );
    const readiness = await factory.readiness!({ options: { modelDir: join(scratch, 'empty') } });
    assert.equal(readiness.ready, false);
    assert.match(readiness.detail, /No local captioning model/);
  });
});
