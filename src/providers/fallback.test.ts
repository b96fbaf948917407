import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { GlimpseError } from '../errors.js';
import { prepareImage } from '../images/prepare.js';
import { type MockServer, startMockServer } from '../testing/mock-vendor-server.js';
import { chatCompletionReply } from '../testing/provider-conformance.js';
import { createProviderChain } from './fallback.js';
import { registerProvider, unregisterProvider } from './registry.js';
import { emptyDescription, type PreparedImage, type ProviderSettings } from './spec.js';

let server: MockServer;
let deadUrl: string;
let image: PreparedImage;

// The chain's OpenAI-compatible member is the real provider, talking to a mock server.
const chatReply = (text: string) => chatCompletionReply(text, { input: 10, output: 5 }, 'qwen');

before(async () => {
  server = await startMockServer(() => chatReply('A tabby cat.'));
  const dead = await startMockServer();
  deadUrl = dead.url;
  await dead.close();
  const bytes = await readFile(new URL('../../samples/chelsea.png', import.meta.url));
  image = (await prepareImage(bytes, 'chelsea.png', { maxSide: 1024 })).image;
  // A provider that rejects its input, as a local model does with a damaged image.
  registerProvider({
    name: 'test-rejects-input',
    description: 'test double: every image is corrupt',
    models: ['m'],
    async createDescriber() {
      return {
        specificationVersion: 'v1',
        provider: 'test-rejects-input',
        modelId: 'm',
        capabilities: { tasks: ['caption'], ask: false, objects: false, ocr: false, safety: false, prompt: false },
        preferredImageSize: 512,
        promptVersion: '1',
        async describe(request) {
          throw new GlimpseError('CORRUPT_IMAGE', `${request.image.source}: damaged`, { path: request.image.source });
        },
      };
    },
  });
  registerProvider({
    name: 'test-caption-only',
    description: 'test double: answers captions',
    models: ['m'],
    async createDescriber() {
      return {
        specificationVersion: 'v1',
        provider: 'test-caption-only',
        modelId: 'm',
        capabilities: { tasks: ['caption'], ask: false, objects: false, ocr: false, safety: false, prompt: false },
        preferredImageSize: 256,
        promptVersion: '1',
        async describe() {
          return { ...emptyDescription('m'), caption: 'from the second member' };
        },
      };
    },
  });
});
after(async () => {
  unregisterProvider('test-rejects-input');
  unregisterProvider('test-caption-only');
  await server.close();
});

const settingsFor = (name: string): ProviderSettings =>
  name === 'ollama'
    ? { model: 'llava', baseUrl: deadUrl, env: {} }
    : { model: 'qwen', baseUrl: `${server.url}/v1`, env: {}, options: { retryBaseDelayMs: 1 } };

test('ollama not running → the next provider answers; the dead one is skipped on the next image', async () => {
  const fallbacks: string[] = [];
  const chain = await createProviderChain(['ollama', 'openai-compatible'], settingsFor, {
    onFallback: (event) => fallbacks.push(`${event.from}:${event.error.code}`),
  });
  assert.equal(chain.provider, 'ollama,openai-compatible');
  assert.equal(chain.preferredImageSize, 1024);
  server.handle(() => chatReply('A tabby cat.'));
  const first = await chain.describe({ image, task: 'caption' });
  assert.equal(first.caption, 'A tabby cat.');
  assert.deepEqual(fallbacks, ['ollama:PROVIDER_UNAVAILABLE']);
  await chain.describe({ image, task: 'caption' });
  assert.deepEqual(fallbacks, ['ollama:PROVIDER_UNAVAILABLE'], 'ollama is cooling down, not asked again');
  assert.equal(server.requests.length, 2);
});

test('a server error falls through to the next member', async () => {
  const chain = await createProviderChain(['openai-compatible', 'test-caption-only'], (name) => ({
    ...settingsFor(name),
    options: { maxRetries: 0 },
  }));
  server.handle(() => ({ status: 500, json: { message: 'boom' } }));
  const description = await chain.describe({ image, task: 'caption' });
  assert.equal(description.caption, 'from the second member');
  // The description says who answered and why the first member did not.
  assert.equal(description.chain?.answeredBy, 'test-caption-only');
  assert.deepEqual(description.chain?.providers, ['openai-compatible', 'test-caption-only']);
  assert.equal(description.chain?.passedOver.length, 1);
  assert.equal(description.chain?.passedOver[0].provider, 'openai-compatible');
  assert.equal(description.chain?.passedOver[0].skipped, false);
  assert.match(description.chain?.passedOver[0].message ?? '', /500|boom/);
});

test('the chain report: an Ollama that refuses, then one that errors; a member cooling down is named as not asked', async () => {
  // A real local HTTP server stands in for Ollama and answers every request with a server error.
  const failing = await startMockServer(() => ({ status: 500, json: { error: 'model runner crashed' } }));
  try {
    for (const [url, code] of [
      [deadUrl, 'PROVIDER_UNAVAILABLE'],
      [failing.url, null],
    ] as const) {
      const chain = await createProviderChain(['ollama', 'test-caption-only'], (name) =>
        name === 'ollama'
          ? { model: 'llava', baseUrl: url, env: {}, options: { maxRetries: 0, retryBaseDelayMs: 1 } }
          : settingsFor(name),
      );
      const first = await chain.describe({ image, task: 'caption' });
      assert.equal(first.caption, 'from the second member');
      assert.equal(first.chain?.answeredBy, 'test-caption-only');
      const reason = first.chain!.passedOver[0];
      assert.equal(reason.provider, 'ollama');
      assert.equal(reason.skipped, false);
      if (code) assert.equal(reason.code, code);
      else assert.match(reason.message, /crashed|500/);
      const second = await chain.describe({ image, task: 'caption' });
      assert.equal(second.chain?.answeredBy, 'test-caption-only');
      if (code === 'PROVIDER_UNAVAILABLE') {
        // Unreachable: skipped for a while, and the report says so instead of pretending it was asked.
        assert.equal(second.chain?.passedOver[0].skipped, true);
        assert.match(second.chain?.passedOver[0].message ?? '', /not asked: it failed \d+ s ago \(.*unreachable/);
      }
    }
    assert.ok(failing.requests.length >= 1, 'the erroring server was asked');
  } finally {
    await failing.close();
  }
});

test('when the first member answers, the report says so and passes nobody over', async () => {
  server.handle(() => chatReply('A tabby cat.'));
  const chain = await createProviderChain(['openai-compatible', 'test-caption-only'], settingsFor);
  const description = await chain.describe({ image, task: 'caption' });
  assert.deepEqual(description.chain, {
    providers: ['openai-compatible', 'test-caption-only'],
    answeredBy: 'openai-compatible',
    passedOver: [],
  });
});

test('bad input is not retried elsewhere: CORRUPT_IMAGE comes straight back', async () => {
  const chain = await createProviderChain(['test-rejects-input', 'openai-compatible'], settingsFor);
  server.handle(() => chatReply('should not be asked'));
  await assert.rejects(chain.describe({ image, task: 'caption' }), (error: unknown) =>
    GlimpseError.is(error, 'CORRUPT_IMAGE'),
  );
  assert.equal(server.requests.length, 0);
});

test('members that cannot do a task are passed over; when all fail the last error code is kept', async () => {
  const chain = await createProviderChain(['test-caption-only', 'openai-compatible'], (name) => ({
    ...settingsFor(name),
    options: { maxRetries: 0 },
  }));
  server.handle(() => ({ status: 401, json: { message: 'bad key' } }));
  await assert.rejects(chain.describe({ image, task: 'ocr' }), (error: unknown) => {
    assert.ok(GlimpseError.is(error, 'PROVIDER_AUTH'));
    assert.match(error.message, /Every provider in test-caption-only,openai-compatible failed/);
    return true;
  });
});

test('one settings object: model and base URL go to the first member; unknown names are an error', async () => {
  server.handle(() => chatReply('A cat from the first member.'));
  const chain = await createProviderChain(['openai-compatible', 'test-caption-only'], {
    model: 'qwen',
    baseUrl: `${server.url}/v1`,
    env: {},
  });
  assert.equal((await chain.describe({ image, task: 'caption' })).caption, 'A cat from the first member.');
  assert.equal(server.requests[0]!.body.model, 'qwen');
  await assert.rejects(createProviderChain(['no-such-provider', 'openai-compatible'], settingsFor), (error: unknown) =>
    GlimpseError.is(error, 'UNKNOWN_PROVIDER'),
  );
});

test('library answers: offered when a member can give them, asked of the next one when the first is down', async () => {
  const documents = [
    { id: 4, fileName: 'cat.jpg', caption: 'A cat', detailed: null, text: null, tags: [], date: null },
  ];
  const chain = await createProviderChain(['ollama', 'openai-compatible'], settingsFor);
  server.handle(() => chatReply('The cat [4].'));
  const answer = await chain.answer!({ question: 'cats?', documents });
  assert.deepEqual(answer.cited, [4]);
  server.handle(() => chatReply('{"language": "de", "query": "cat"}'));
  assert.equal((await chain.rewriteQuestion!({ question: 'Katzen?', libraryLanguage: 'English' })).query, 'cat');
  // A chain without a language model has neither, so askLibrary answers extractively.
  const captionOnly = await createProviderChain(['test-caption-only', 'test-rejects-input'], settingsFor);
  assert.equal(captionOnly.answer, undefined);
  assert.equal(captionOnly.rewriteQuestion, undefined);
});
