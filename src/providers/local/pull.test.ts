import assert from 'node:assert/strict';
import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { GlimpseError } from '../../errors.js';
import { checkModelFolder } from './model-directory.js';
import { pullModel, type PullProgress } from './pull.js';
import { tinyModelDirectory } from './tiny-models.js';

let tiny: string;
let scratch: string;
let hub: Server;
let hubUrl: string;
const requests: string[] = [];

/** A stand-in for the Hugging Face hub on 127.0.0.1: `/<id>/resolve/<revision>/<file>` served from the tiny models. */
before(async () => {
  tiny = tinyModelDirectory();
  scratch = mkdtempSync(join(tmpdir(), 'glimpse-pull-'));
  hub = createServer((request, response) => {
    requests.push(request.url ?? '');
    const match = /^\/(.+?)\/resolve\/main\/(.+)$/.exec(decodeURIComponent(request.url ?? ''));
    const path = match ? normalize(join(tiny, match[1]!, match[2]!)) : '';
    if (!match || !path.startsWith(tiny) || !existsSync(path) || statSync(path).isDirectory()) {
      response.writeHead(404).end('Entry not found');
      return;
    }
    response.writeHead(200, { 'content-length': statSync(path).size });
    createReadStream(path).pipe(response);
  });
  await new Promise<void>((resolve) => hub.listen(0, '127.0.0.1', resolve));
  hubUrl = `http://127.0.0.1:${(hub.address() as AddressInfo).port}`;
});
after(async () => {
  await new Promise((resolve) => hub.close(resolve));
  rmSync(scratch, { recursive: true, force: true });
});

describe('glimpse models pull', () => {
  test('downloads exactly the files the architecture loads, with progress, into <model dir>/<id>', async () => {
    const directory = mkdtempSync(join(scratch, 'models-'));
    const progress: PullProgress[] = [];
    const result = await pullModel('tiny/vit-gpt2', { directory, hub: hubUrl, onProgress: (event) => progress.push(event) });
    assert.equal(result.path, join(directory, 'tiny/vit-gpt2'));
    assert.deepEqual([...result.files].sort(), [
      'config.json', 'generation_config.json', 'onnx/decoder_model_merged.onnx', 'onnx/encoder_model.onnx',
      'preprocessor_config.json', 'tokenizer.json', 'tokenizer_config.json',
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
    requests.length = 0;
    await assert.rejects(pullModel('clip', { directory: scratch, settings: { env: { HF_ENDPOINT: hubUrl } } }), (error: unknown) =>
      GlimpseError.is(error, 'MODEL_NOT_FOUND') && error.message.includes('Xenova/clip-vit-base-patch32'));
    assert.deepEqual(requests, ['/Xenova/clip-vit-base-patch32/resolve/main/config.json']);
  });

  test('a dtype the repository does not have is a clear error', async () => {
    await assert.rejects(pullModel('tiny/minilm', { directory: mkdtempSync(join(scratch, 'q4-')), hub: hubUrl, dtype: 'q4' }), (error: unknown) =>
      GlimpseError.is(error, 'MODEL_NOT_FOUND') && error.message.includes('onnx/model_q4.onnx') && error.hint.includes('--dtype'));
  });

  test('an unreachable hub is a clear error that says how to get the files another way', async () => {
    // A port that was just open and is now closed: connection refused, at once and offline.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const directory = mkdtempSync(join(scratch, 'offline-'));
    await assert.rejects(pullModel('florence-2-base', { directory, hub: `http://127.0.0.1:${port}` }), (error: unknown) => {
      assert.ok(GlimpseError.is(error, 'URL_UNREACHABLE'), String(error));
      assert.match(error.message, new RegExp(`The model hub http://127.0.0.1:${port} is not reachable \\(ECONNREFUSED\\); cannot pull "onnx-community/Florence-2-base-ft"`));
      assert.ok(error.hint.includes(join(directory, 'onnx-community/Florence-2-base-ft')), error.hint);
      assert.ok(error.hint.includes('HF_ENDPOINT'));
      return true;
    });
    assert.ok(!existsSync(join(directory, 'onnx-community')), 'nothing half-written');
  });
});
