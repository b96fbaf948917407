import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RecordedRequest } from '../../testing/mock-vendor-server.js';
import { startMockServer } from '../../testing/mock-vendor-server.js';
import { providerConformance } from '../../testing/provider-conformance.js';
import { factory } from './index.js';

const STATUS: Record<number, string> = {
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

type Part = { text?: string; inlineData?: { mimeType: string; data: string } };

function userParts(request: RecordedRequest): Part[] {
  return request.body.contents
    .filter((content: { role: string }) => content.role === 'user')
    .flatMap((content: { parts: Part[] }) => content.parts);
}

providerConformance({
  provider: 'gemini',
  baseUrlPath: '/v1beta',
  apiKey: 'AIza-test-0123456789',
  // One 768×768 tile: 3000×2000 uploads as 768×512 (258 tokens).
  expectedUpload: { width: 768, height: 512 },
  checkRequest(request) {
    // gemini-2.5-flash: thinking off, a caption-sized output budget.
    assert.equal(request.body.generationConfig.thinkingConfig.thinkingBudget, 0);
    assert.equal(request.body.generationConfig.maxOutputTokens, 1024);
  },
  generatePath: (model) => `/v1beta/models/${model}:generateContent`,
  reply: (text, usage, model) => ({
    json: {
      candidates: [{ content: { role: 'model', parts: [{ text }] }, finishReason: 'STOP', index: 0 }],
      usageMetadata: {
        promptTokenCount: usage.input,
        candidatesTokenCount: usage.output,
        totalTokenCount: usage.input + usage.output,
      },
      modelVersion: model,
    },
  }),
  error: (status, message, headers) => ({
    status,
    headers,
    json: { error: { code: status, message, status: STATUS[status] ?? 'UNKNOWN' } },
  }),
  checkAuth(request, apiKey) {
    const key = request.headers['x-goog-api-key'] ?? request.query.get('key');
    assert.equal(key, apiKey);
  },
  modelOf: (request) => /\/models\/([^:]+):/.exec(request.path)?.[1] ?? '',
  systemOf: (request) => request.body.systemInstruction.parts.map((part: Part) => part.text).join(''),
  userTextOf: (request) =>
    userParts(request)
      .filter((part) => part.text !== undefined)
      .map((part) => part.text!),
  imagesOf: (request) => {
    const first = request.body.contents.find((content: { role: string }) => content.role === 'user');
    return first.parts
      .filter((part: Part) => part.inlineData)
      .map((part: Part) => ({
        mediaType: part.inlineData!.mimeType,
        data: Buffer.from(part.inlineData!.data, 'base64'),
      }));
  },
  embedding: {
    model: 'text-embedding-004',
    dimensions: 768,
    path: (model) => `/v1beta/models/${model}:batchEmbedContents`,
    reply: (vectors) => ({ json: { embeddings: vectors.map((values) => ({ values })) } }),
    inputsOf: (request) => {
      for (const item of request.body.requests) {
        assert.equal(item.model, 'models/text-embedding-004');
        assert.equal(item.taskType, 'RETRIEVAL_DOCUMENT');
      }
      return request.body.requests.map((item: { content: { parts: Part[] } }) =>
        item.content.parts.map((part) => part.text).join(''),
      );
    },
  },
  modelsList: {
    path: '/v1beta/models',
    reply: (models) => ({ json: { models: models.map((name) => ({ name: `models/${name}`, displayName: name })) } }),
  },
});

test('queries are embedded as RETRIEVAL_QUERY; the key travels in x-goog-api-key', async () => {
  const values = Array.from({ length: 768 }, () => 0.1);
  // One text goes to :embedContent, several to :batchEmbedContents.
  const server = await startMockServer((request) => ({
    json: request.path.endsWith(':embedContent') ? { embedding: { values } } : { embeddings: [{ values }] },
  }));
  try {
    const embedder = await factory.createEmbedder!({ apiKey: 'AIza-q', baseUrl: `${server.url}/v1beta`, env: {} });
    const [vector] = await embedder!.embedTexts(['red pagoda'], 'query');
    assert.equal(vector!.length, 768);
    const request = server.requests[0]!;
    assert.equal(request.headers['x-goog-api-key'], 'AIza-q');
    assert.equal(request.path, '/v1beta/models/text-embedding-004:embedContent');
    assert.equal(request.body.taskType, 'RETRIEVAL_QUERY');
  } finally {
    await server.close();
  }
});
