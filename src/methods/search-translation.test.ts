/**
 * A query in another language (issue 15): "perro" found nothing and said nothing. With a language model configured
 * it is translated (ask-library's rewrite, shared) and searched in English; without one, the notice stays.
 * The model is a real local HTTP server speaking the OpenAI wire format; the test reads the request it received.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createGlimpse, type Glimpse } from '../glimpse.js';
import { REWRITE_SYSTEM_PROMPT } from '../providers/vision-language/answer-prompts.js';
import { NOT_ENGLISH_NOTICE } from '../search/search.js';
import { sample, temporaryDirectory } from '../testing/fixtures.js';
import { glimpseWithMockModel } from '../testing/language-model.js';
import { type MockServer, startMockServer } from '../testing/mock-vendor-server.js';
import { chatCompletionReply, chatUserText } from '../testing/provider-conformance.js';
import { createRecordingProvider } from '../testing/recording-provider.js';

const LIBRARY: Record<string, { caption: string; tags: string[] }> = {
  'horse.png': { caption: 'A brown dog running on the grass', tags: ['dog', 'grass'] },
  'chelsea.png': { caption: 'A tabby cat on a sofa', tags: ['cat', 'sofa'] },
};

let db: string;
let server: MockServer;
let translating: Glimpse;

before(async () => {
  const dir = join(temporaryDirectory(), 'translation');
  mkdirSync(dir, { recursive: true });
  for (const file of Object.keys(LIBRARY)) copyFileSync(sample(file), join(dir, file));
  db = join(dir, '..', 'translation.db');
  const indexer = await createGlimpse({
    db,
    embedder: null,
    provider: createRecordingProvider({ respond: (request) => LIBRARY[request.image.source.split('/').pop()!] }),
  });
  await indexer.index([dir]);
  await indexer.close();
  server = await startMockServer(() =>
    chatCompletionReply('{"language": "es", "query": "dog"}', { input: 120, output: 9 }, 'qwen'),
  );
  translating = await glimpseWithMockModel(db, server);
});
after(async () => {
  await translating.close();
  await server.close();
});

test('with a language model: "perro" is translated, searched in English, and the response says so', async () => {
  server.requests.length = 0;
  const response = await translating.search('perro');
  assert.equal(server.requests.length, 1);
  const request = server.requests[0]!;
  assert.equal(request.path, '/v1/chat/completions');
  assert.equal(request.headers.authorization, 'Bearer test-token');
  const system = request.body.messages.find((message: { role: string }) => message.role === 'system').content;
  assert.equal(system, REWRITE_SYSTEM_PROMPT);
  assert.match(chatUserText(request).join('\n'), /described in English\.\n\nQuestion: perro/);
  assert.deepEqual(
    response.results.map((result) => result.path.split('/').pop()),
    ['horse.png'],
  );
  assert.equal(response.query, 'perro');
  assert.equal(response.correctedQuery, 'dog');
  assert.deepEqual(response.translation, { language: 'es', model: 'qwen' });
  assert.equal(response.notice, undefined);
  // The same query again costs no second call; English queries never call the model.
  await translating.search('perro');
  await translating.search('a cat');
  assert.equal(server.requests.length, 1);
});

test('--exact searches as typed: no translation', async () => {
  server.requests.length = 0;
  const response = await translating.search('gato', { exact: true });
  assert.equal(server.requests.length, 0);
  assert.equal(response.results.length, 0);
  assert.equal(response.notice, NOT_ENGLISH_NOTICE);
});

test('without a language model (the built-in analyzer): the notice says the library is English', async () => {
  const offline = await createGlimpse({ db, embedder: null });
  try {
    const response = await offline.search('perro');
    assert.equal(response.results.length, 0);
    assert.equal(response.notice, NOT_ENGLISH_NOTICE);
    assert.equal(response.translation, undefined);
  } finally {
    await offline.close();
  }
});
