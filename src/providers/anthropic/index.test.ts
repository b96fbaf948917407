import assert from 'node:assert/strict';
import type { RecordedRequest } from '../../testing/mock-vendor-server.js';
import { providerConformance } from '../../testing/provider-conformance.js';

const ERROR_TYPES: Record<number, string> = {
  401: 'authentication_error',
  403: 'permission_error',
  429: 'rate_limit_error',
  500: 'api_error',
  503: 'overloaded_error',
};

function userBlocks(
  request: RecordedRequest,
): { type: string; text?: string; source?: { type: string; media_type: string; data: string } }[] {
  return request.body.messages
    .filter((message: { role: string }) => message.role === 'user')
    .flatMap((message: { content: string | unknown[] }) =>
      typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content,
    );
}

providerConformance({
  provider: 'anthropic',
  baseUrlPath: '/v1',
  apiKey: 'sk-ant-test-0123456789',
  // Claude: longest side 1568, then about 1.15 megapixels → 3000×2000 uploads as 1313×875 (1,148,875 pixels).
  expectedUpload: { width: 1313, height: 875 },
  generatePath: () => '/v1/messages',
  reply: (text, usage, model) => ({
    json: {
      id: 'msg_01',
      type: 'message',
      role: 'assistant',
      model,
      content: [{ type: 'text', text }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: usage.input, output_tokens: usage.output },
    },
  }),
  error: (status, message, headers) => ({
    status,
    headers,
    json: { type: 'error', error: { type: ERROR_TYPES[status] ?? 'api_error', message } },
  }),
  checkAuth(request, apiKey) {
    assert.equal(request.headers['x-api-key'], apiKey);
    assert.equal(request.headers['anthropic-version'], '2023-06-01');
    assert.equal(request.headers.authorization, undefined);
  },
  modelOf: (request) => request.body.model,
  systemOf: (request) =>
    typeof request.body.system === 'string'
      ? request.body.system
      : request.body.system.map((block: { text: string }) => block.text).join(''),
  userTextOf: (request) =>
    userBlocks(request)
      .filter((block) => block.type === 'text')
      .map((block) => block.text!),
  imagesOf: (request) => {
    const first = request.body.messages.find((message: { role: string }) => message.role === 'user');
    return first.content
      .filter((block: { type: string }) => block.type === 'image')
      .map((block: { source: { type: string; media_type: string; data: string } }) => {
        assert.equal(block.source.type, 'base64');
        return { mediaType: block.source.media_type, data: Buffer.from(block.source.data, 'base64') };
      });
  },
  modelsList: {
    path: '/v1/models',
    reply: (models) => ({
      json: {
        data: models.map((id) => ({ type: 'model', id, display_name: id, created_at: '2025-01-01T00:00:00Z' })),
        has_more: false,
      },
    }),
  },
});
