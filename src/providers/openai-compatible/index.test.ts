import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GlimpseError } from '../../errors.js';
import {
  chatCompletionReply,
  chatImages,
  chatUserText,
  providerConformance,
} from '../../testing/provider-conformance.js';
import { factory } from './index.js';

providerConformance({
  provider: 'openai-compatible',
  baseUrlPath: '/v1',
  apiKey: 'vllm-test-token-0123456789',
  keyOptional: true,
  extraSettings: { model: 'Qwen/Qwen2-VL-7B-Instruct' },
  expectedUpload: { width: 1024, height: 683 },
  generatePath: () => '/v1/chat/completions',
  reply: chatCompletionReply,
  error: (status, message, headers) => ({
    status,
    headers,
    json: { object: 'error', message, type: 'BadRequestError', code: status },
  }),
  checkAuth(request, apiKey) {
    assert.equal(request.headers.authorization, `Bearer ${apiKey}`);
  },
  modelOf: (request) => request.body.model,
  systemOf: (request) => request.body.messages.find((message: { role: string }) => message.role === 'system').content,
  userTextOf: chatUserText,
  imagesOf: chatImages,
  modelsList: {
    path: '/v1/models',
    reply: (models) => ({ json: { object: 'list', data: models.map((id) => ({ id, object: 'model' })) } }),
  },
});

test('openai-compatible without a base URL says how to give one', async () => {
  await assert.rejects(factory.createDescriber({ model: 'x', env: {} }), (error: unknown) => {
    assert.ok(GlimpseError.is(error, 'USAGE'));
    assert.match(error.hint, /--base-url/);
    return true;
  });
  const readiness = await factory.readiness!({ env: {} });
  assert.equal(readiness.ready, false);
});
