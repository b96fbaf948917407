import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createGlimpse } from '../glimpse.js';
import { startMockServer } from '../testing/mock-vendor-server.js';
import { chatCompletionReply, chatUserText } from '../testing/provider-conformance.js';
import { evaluateAsk, questionFrom } from './ask.js';
import { loadCaptionManifest } from './manifest.js';

const run = promisify(execFile);
const binary = fileURLToPath(new URL('../../bin/glimpse.js', import.meta.url));
const tinyCoco = fileURLToPath(new URL('../../test-support/fixtures/tiny-coco-captions.json', import.meta.url));

/** A chat-completions server that cites the first description it is given, and an id that does not exist. */
async function citingServer() {
  return startMockServer((request) => {
    const text = chatUserText(request).join('\n');
    const first = /\[(\d+)\] file:/.exec(text)?.[1];
    return chatCompletionReply(`Yes, this one [${first}] and maybe [999].`, { input: 500, output: 12 }, 'qwen');
  });
}

test('questions are made from a held-back caption', () => {
  assert.equal(
    questionFrom('A red bicycle parked against a brick wall. '),
    'Is there a photo of a red bicycle parked against a brick wall?',
  );
});

test('extractive: citation recall on the oracle library of the tiny COCO fixture', async () => {
  const entries = loadCaptionManifest(tinyCoco);
  const result = await evaluateAsk(entries, { k: 8, keepMisses: 5 });
  assert.equal(result.mode, 'extractive');
  assert.equal(result.images, 5);
  assert.equal(result.n, 5);
  // Four held-back captions share words with their image's other captions; "zxqv plorf" shares none and finds nothing.
  assert.equal(result.metrics['citation R@k'], 0.8);
  assert.equal(result.metrics['retrieval R@k'], 0.8);
  assert.equal(result.metrics['nothing found'], 0.2);
  assert.ok(result.metrics['citation R@1'] <= result.metrics['citation R@k']);
  assert.deepEqual(
    result.misses.map((miss) => miss.question),
    ['Is there a photo of zxqv plorf?'],
  );
  assert.equal(result.usage.inputTokens, 0);
});

test('with a model: each question is sent once, invented ids never count as sources', async () => {
  const server = await citingServer();
  try {
    const entries = loadCaptionManifest(tinyCoco);
    const result = await evaluateAsk(entries, {
      mode: 'model',
      open: (db) =>
        createGlimpse({
          db,
          embedder: null,
          provider: 'openai-compatible',
          providerSettings: { baseUrl: `${server.url}/v1`, model: 'qwen', env: {} },
        }),
    });
    assert.equal(result.mode, 'model');
    assert.equal(result.provider, 'openai-compatible');
    assert.equal(result.model, 'qwen');
    assert.equal(server.requests.length, 4, 'no request for the question that matched nothing');
    // One real source per answered question: the invented [999] is dropped.
    assert.equal(result.metrics['sources per answer'], 0.8);
    assert.equal(result.metrics['citation R@k'], result.metrics['citation R@1']);
    assert.ok(result.metrics['citation R@k'] >= 0.6);
    assert.equal(result.usage.inputTokens, 4 * 500);
  } finally {
    await server.close();
  }
});

test('CLI: glimpse eval ask --json, extractive and with a model provider', async () => {
  const offline = JSON.parse(
    (await run(process.execPath, [binary, 'eval', 'ask', '--manifest', tinyCoco, '--json'])).stdout,
  );
  assert.equal(offline.mode, 'extractive');
  assert.equal(offline.metrics['citation R@k'], 0.8);
  const server = await citingServer();
  try {
    const { stdout } = await run(process.execPath, [
      binary,
      'eval',
      'ask',
      '--manifest',
      tinyCoco,
      '--provider',
      'openai-compatible',
      '--base-url',
      `${server.url}/v1`,
      '--model',
      'qwen',
      '--k',
      '3',
    ]);
    assert.match(stdout, /extractive \(no model\)\s+openai-compatible:qwen/);
    assert.match(stdout, /^citation R@3\s+0\.800\s+\d\.\d{3}$/m);
  } finally {
    await server.close();
  }
});
