import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { GlimpseError } from '../../errors.js';
import { closedPortUrl, startTestHub } from '../../testing/test-hub.js';
import { tinyModelDirectory } from '../../testing/tiny-models.js';
import { checkModelFolder } from './model-directory.js';
import { type PullProgress, pullModel } from './pull.js';

let tiny: string;
let scratch: string;
let hub: Awaited<ReturnType<typeof startTestHub>>;
let hubUrl: string;

before(async () => {
  tiny = tinyModelDirectory();
  scratch = mkdtempSync(join(tmpdir(), 'glimpse-pull-'));
  hub = await startTestHub(tiny);
  hubUrl = hub.url;
});
after(async () => {
  await hub.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('glimpse models pull', () => {
  test('downloads exactly the files the architecture loads, with progress, into <model dir>/<id>', async () => {
    const directory = mkdtempSync(join(scratch, 'models-'));
    const progress: PullProgress[] = [];
    const result = await pullModel('tiny/vit-gpt2', {
      directory,
      hub: hubUrl,
      onProgress: (event) => progress.push(event),
    });
    assert.equal(result.path, join(directory, 'tiny/vit-gpt2'));
    assert.deepEqual([...result.files].sort(), [
      'config.json',
      'generation_config.json',
      'onnx/decoder_model_merged.onnx',
      'onnx/encoder_model.onnx',
      'preprocessor_config.json',
      'tokenizer.json',
      'tokenizer_config.json',
    ]);
    for (const file of result.files) {
      assert.deepEqual(readFileSync(join(result.path, file)), readFileSync(join(tiny, 'tiny/vit-gpt2', file)), file);
    }
    const decoder = progress.filter((event) => event.file === 'onnx/decoder_model_merged.onnx');
    assert.equal(decoder.at(-1)!.loaded, decoder.at(-1)!.total);
    assert.equal(checkModelFolder('tiny/vit-gpt2', directory).architecture, 'vit-gpt2');
    assert.ok(!existsSync(join(result.path, 'onnx', 'encoder_model.onnx.partial')));
  });

  test('reads the hub from HF_ENDPOINT and resolves aliases to hub ids', async () => {
    hub.requests.length = 0;
    await assert.rejects(
      pullModel('clip', { directory: scratch, settings: { env: { HF_ENDPOINT: hubUrl } } }),
      (error: unknown) =>
        GlimpseError.is(error, 'MODEL_NOT_FOUND') && error.message.includes('Xenova/clip-vit-base-patch32'),
    );
    assert.deepEqual(hub.requests, ['/Xenova/clip-vit-base-patch32/resolve/main/config.json']);
  });

  test('a dtype the repository does not have is a clear error', async () => {
    await assert.rejects(
      pullModel('tiny/minilm', { directory: mkdtempSync(join(scratch, 'q4-')), hub: hubUrl, dtype: 'q4' }),
      (error: unknown) =>
        GlimpseError.is(error, 'MODEL_NOT_FOUND') &&
        error.message.includes('onnx/model_q4.onnx') &&
        error.hint.includes('--dtype'),
    );
  });

  test('an unreachable hub is a clear error that says how to get the files another way', async () => {
    const offline = await closedPortUrl();
    const directory = mkdtempSync(join(scratch, 'offline-'));
    await assert.rejects(pullModel('florence-2-base', { directory, hub: offline }), (error: unknown) => {
      assert.ok(GlimpseError.is(error, 'URL_UNREACHABLE'), String(error));
      assert.match(
        error.message,
        new RegExp(
          `The model hub ${offline} is not reachable \\(ECONNREFUSED\\); cannot pull "onnx-community/Florence-2-base-ft"`,
        ),
      );
      assert.ok(error.hint.includes(join(directory, 'onnx-community/Florence-2-base-ft')), error.hint);
      assert.ok(error.hint.includes('HF_ENDPOINT'));
      return true;
    });
    assert.ok(!existsSync(join(directory, 'onnx-community')), 'nothing half-written');
  });
});
