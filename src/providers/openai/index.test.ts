import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { prepareImage } from '../../images/prepare.js';
import type { RecordedRequest } from '../../testing/mock-vendor-server.js';
import { startMockServer } from '../../testing/mock-vendor-server.js';
import {
  chatCompletionReply,
  chatImages,
  chatUserText,
  fromDataUrl,
  providerConformance,
  responsesReply,
  type VendorWire,
} from '../../testing/provider-conformance.js';
import { factory } from './index.js';

const API_KEY = 'sk-test-openai-0123456789';

const common = {
  provider: 'openai',
  baseUrlPath: '/v1',
  apiKey: API_KEY,
  // OpenAI high detail: fit in 2048², then shortest side 768 → 3000×2000 uploads as 1152×768.
  expectedUpload: { width: 1152, height: 768 },
  error: (status: number, message: string, headers?: Record<string, string>) => ({
    status,
    headers,
    json: {
      error: { message, type: status === 401 ? 'invalid_request_error' : 'server_error', param: null, code: null },
    },
  }),
  checkAuth(request: RecordedRequest, apiKey: string | undefined) {
    assert.equal(request.headers.authorization, `Bearer ${apiKey}`);
  },
  modelOf: (request: RecordedRequest) => request.body.model,
  embedding: {
    model: 'text-embedding-3-small',
    dimensions: 1536,
    path: () => '/v1/embeddings',
    reply: (vectors: number[][]) => ({
      json: {
        object: 'list',
        data: vectors.map((embedding, index) => ({ object: 'embedding', index, embedding })),
        model: 'text-embedding-3-small',
        usage: { prompt_tokens: 5, total_tokens: 5 },
      },
    }),
    inputsOf: (request: RecordedRequest) => request.body.input,
  },
  modelsList: {
    path: '/v1/models',
    reply: (models: string[]) => ({
      json: { object: 'list', data: models.map((id) => ({ id, object: 'model', owned_by: 'openai' })) },
    }),
  },
} satisfies Partial<VendorWire>;

// The Responses API: what @ai-sdk/openai uses by default.
providerConformance({
  ...common,
  generatePath: () => '/v1/responses',
  checkRequest(request) {
    assert.equal(request.body.max_output_tokens, 1024);
    assert.equal(request.body.reasoning, undefined);
  },
  // The answer names the dated snapshot that served it.
  reply: (text, usage, model) => responsesReply(text, usage, `${model}-2024-07-18`),
  systemOf: (request) => {
    const system = request.body.input.find(
      (item: { role: string }) => item.role === 'system' || item.role === 'developer',
    );
    return typeof system.content === 'string'
      ? system.content
      : system.content.map((part: { text: string }) => part.text).join('');
  },
  userTextOf: (request) =>
    request.body.input
      .filter((item: { role: string }) => item.role === 'user')
      .flatMap((item: { content: string | { type: string; text?: string }[] }) =>
        typeof item.content === 'string'
          ? [item.content]
          : item.content.filter((part) => part.type === 'input_text').map((part) => part.text!),
      ),
  imagesOf: (request) => {
    // The image travels in the first user turn; a re-ask repeats that turn and adds text-only ones.
    const users = request.body.input.filter(
      (item: { role: string; content: unknown }) => item.role === 'user' && Array.isArray(item.content),
    );
    return users
      .slice(0, 1)
      .flatMap((item: { content: { type: string; image_url?: string }[] }) =>
        item.content.filter((part) => part.type === 'input_image'),
      )
      .map((part: { image_url: string }) => fromDataUrl(part.image_url));
  },
});

// Chat Completions, with the option api: "chat" (gateways and proxies that lack the Responses API).
providerConformance({
  ...common,
  extraSettings: { options: { api: 'chat' } },
  generatePath: () => '/v1/chat/completions',
  reply: (text, usage, model) => chatCompletionReply(text, usage, `${model}-2024-07-18`),
  systemOf: (request) => request.body.messages.find((message: { role: string }) => message.role === 'system').content,
  userTextOf: (request) => chatUserText(request),
  imagesOf: (request) => chatImages(request),
});

test('the embedding model: a vision model name is ignored, embeddingModel is honoured with its dimension', async () => {
  const server = await startMockServer((request) => ({
    json: {
      object: 'list',
      data: [{ object: 'embedding', index: 0, embedding: Array.from({ length: 3072 }, () => 0) }],
      model: request.body.model,
      usage: { prompt_tokens: 1, total_tokens: 1 },
    },
  }));
  try {
    const base = { apiKey: API_KEY, baseUrl: `${server.url}/v1`, env: {} };
    const fromVisionSettings = await factory.createEmbedder!({ ...base, model: 'gpt-4o' });
    assert.deepEqual([fromVisionSettings!.modelId, fromVisionSettings!.dimensions], ['text-embedding-3-small', 1536]);
    const large = await factory.createEmbedder!({ ...base, options: { embeddingModel: 'text-embedding-3-large' } });
    assert.deepEqual([large!.modelId, large!.dimensions], ['text-embedding-3-large', 3072]);
    await large!.embedTexts(['x'], 'query');
    assert.equal(server.requests.at(-1)!.body.model, 'text-embedding-3-large');
    // A vector of the wrong size is refused rather than stored beside others.
    await assert.rejects(fromVisionSettings!.embedTexts(['x'], 'query'), /returned 3072 dimensions, expected 1536/);
  } finally {
    await server.close();
  }
});

test('reasoning models (gpt-5-mini): low reasoning effort, room for the answer, instructions as the developer role', async () => {
  const server = await startMockServer(() => responsesReply('A cat.', { input: 10, output: 3 }, 'gpt-5-mini'));
  try {
    const describer = await factory.createDescriber({
      apiKey: API_KEY,
      model: 'gpt-5-mini',
      baseUrl: `${server.url}/v1`,
      env: {},
    });
    const bytes = await readFile(new URL('../../../samples/chelsea.png', import.meta.url));
    const { image } = await prepareImage(bytes, 'chelsea.png', { maxSide: describer.preferredImageSize });
    assert.equal((await describer.describe({ image, task: 'caption' })).caption, 'A cat.');
    const body = server.requests[0]!.body;
    assert.deepEqual(body.reasoning, { effort: 'low' });
    assert.equal(body.max_output_tokens, 4096);
    assert.equal(body.input[0].role, 'developer');
  } finally {
    await server.close();
  }
});
