import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GlimpseError } from '../../errors.js';
import { prepareImage } from '../../images/prepare.js';
import { readInput } from '../../images/read-input.js';
import type { RecordedRequest } from '../../testing/mock-vendor-server.js';
import { startMockServer } from '../../testing/mock-vendor-server.js';
import { providerConformance } from '../../testing/provider-conformance.js';
import { factory, ollamaApiUrl } from './index.js';

function userMessages(request: RecordedRequest): { role: string; content: string; images?: string[] }[] {
  return request.body.messages.filter((message: { role: string }) => message.role === 'user');
}

providerConformance({
  provider: 'ollama',
  // A user's OLLAMA_HOST has no /api: the provider adds it.
  baseUrlPath: '',
  // Local models: longest side 1024 → 3000×2000 uploads as 1024×683.
  expectedUpload: { width: 1024, height: 683 },
  generatePath: () => '/api/chat',
  reply: (text, usage, model) => ({
    json: {
      model,
      created_at: '2026-11-27T10:00:00.000Z',
      message: { role: 'assistant', content: text },
      done: true,
      done_reason: 'stop',
      total_duration: 1_000_000,
      load_duration: 1000,
      prompt_eval_count: usage.input,
      eval_count: usage.output,
    },
  }),
  // Ollama answers errors as {"error": "…"}.
  error: (status, message, headers) => ({ status, headers, json: { error: message } }),
  checkAuth(request) {
    assert.equal(request.headers.authorization, undefined);
  },
  modelOf: (request) => request.body.model,
  systemOf: (request) => request.body.messages.find((message: { role: string }) => message.role === 'system').content,
  userTextOf: (request) => userMessages(request).map((message) => message.content),
  imagesOf: (request) => {
    assert.equal(request.body.stream, false);
    const images = userMessages(request)[0]!.images ?? [];
    // Ollama wants bare base64 strings, not data URLs.
    for (const image of images) {
      assert.equal(typeof image, 'string');
      assert.doesNotMatch(image, /^data:/);
    }
    return images.map((image) => ({ mediaType: 'image/jpeg', data: Buffer.from(image, 'base64') }));
  },
  embedding: {
    model: 'nomic-embed-text',
    dimensions: 768,
    path: () => '/api/embed',
    reply: (vectors) => ({
      json: {
        model: 'nomic-embed-text',
        embeddings: vectors,
        total_duration: 1,
        load_duration: 1,
        prompt_eval_count: 4,
      },
    }),
    inputsOf: (request) => {
      assert.equal(request.body.model, 'nomic-embed-text');
      // nomic-embed-text's document prefix.
      for (const input of request.body.input) assert.match(input, /^search_document: /);
      return request.body.input;
    },
  },
  modelsList: {
    path: '/api/tags',
    reply: (models) => ({
      json: { models: models.map((name) => ({ name: `${name}:latest`, model: `${name}:latest`, size: 1 })) },
    }),
  },
});

test('OLLAMA_HOST forms become the API URL', () => {
  assert.equal(ollamaApiUrl('127.0.0.1:11434'), 'http://127.0.0.1:11434/api');
  assert.equal(ollamaApiUrl('0.0.0.0'), 'http://127.0.0.1:11434/api');
  assert.equal(ollamaApiUrl('http://gpu-box:8080/'), 'http://gpu-box:8080/api');
  assert.equal(ollamaApiUrl('http://gpu-box:8080/api'), 'http://gpu-box:8080/api');
  assert.equal(ollamaApiUrl('https://ollama.example.com'), 'https://ollama.example.com/api');
});

test('a model that is not pulled: MODEL_NOT_FOUND with the pull command, not retried', async () => {
  const server = await startMockServer(() => ({
    status: 404,
    json: { error: 'model "llava" not found, try pulling it first' },
  }));
  try {
    const describer = await factory.createDescriber({ model: 'llava', baseUrl: server.url, env: {} });
    const bytes = await readInput(new URL('../../../samples/chelsea.png', import.meta.url).pathname);
    const { image } = await prepareImage(bytes, 'chelsea.png', { maxSide: describer.preferredImageSize });
    await assert.rejects(describer.describe({ image, task: 'caption' }), (error: unknown) => {
      assert.ok(GlimpseError.is(error, 'MODEL_NOT_FOUND'));
      assert.match(error.hint, /ollama pull llava/);
      return true;
    });
    assert.equal(server.requests.length, 1);
  } finally {
    await server.close();
  }
});

test('Ollama not running: PROVIDER_UNAVAILABLE at once (no retries against a refused port)', async () => {
  const stopped = await startMockServer();
  await stopped.close();
  const describer = await factory.createDescriber({
    model: 'llava',
    baseUrl: stopped.url,
    env: {},
    options: { retryBaseDelayMs: 5000 },
  });
  const bytes = await readInput(new URL('../../../samples/chelsea.png', import.meta.url).pathname);
  const { image } = await prepareImage(bytes, 'chelsea.png', { maxSide: describer.preferredImageSize });
  await assert.rejects(describer.describe({ image, task: 'caption' }), (error: unknown) => {
    assert.ok(GlimpseError.is(error, 'PROVIDER_UNAVAILABLE'));
    assert.match(error.message, /unreachable.*ECONNREFUSED/);
    assert.equal(error.isRetryable, false);
    return true;
  });
});
