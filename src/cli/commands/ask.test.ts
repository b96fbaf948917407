/**
 * `glimpse ask --library`, run as a user would against a real library (human descriptions imported into SQLite)
 * and, for the model path, a real HTTP server speaking the OpenAI chat-completions wire format.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createGlimpse } from '../../glimpse.js';
import { glimpseBin, temporaryDirectory } from '../../testing/fixtures.js';
import { type MockServer, startMockServer } from '../../testing/mock-vendor-server.js';
import { chatCompletionReply, chatUserText } from '../../testing/provider-conformance.js';

let dir: string;
let db: string;
let ids: number[];

before(async () => {
  dir = temporaryDirectory('glimpse-ask-cli-');
  db = join(dir, 'library.db');
  const library = await createGlimpse({ db, embedder: null });
  ids = await library.importDescriptions(
    [
      { path: join(dir, 'photos', 'bus.jpg'), caption: 'A red bus in front of the station', tags: ['bus', 'red'] },
      { path: join(dir, 'photos', 'cup.jpg'), caption: 'A cup of tea on a table', tags: ['cup'] },
      { path: join(dir, 'photos', 'mug.jpg'), caption: 'A cup of coffee beside a laptop', tags: ['cup', 'laptop'] },
    ],
    { source: 'human' },
  );
  await library.close();
});
after(() => rmSync(dir, { recursive: true, force: true }));

function glimpse(args: string[]) {
  const result = spawnSync(process.execPath, [glimpseBin, '--db', db, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', GLIMPSE_PROVIDER: '', GLIMPSE_EMBEDDER: '' },
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The same, without blocking this process (the mock server must answer). */
function glimpseAsync(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [glimpseBin, '--db', db, ...args], {
      env: { ...process.env, NO_COLOR: '1', GLIMPSE_PROVIDER: '', GLIMPSE_EMBEDDER: '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('--json prints question, answer and the cited sources (offline, extractive)', () => {
  const result = glimpse(['ask', '--library', 'How', 'many', 'photos', 'show', 'a', 'cup?', '--json']);
  assert.equal(result.code, 0, result.stderr);
  const output = JSON.parse(result.stdout);
  assert.deepEqual(Object.keys(output).slice(0, 3), ['question', 'answer', 'sources']);
  assert.equal(output.question, 'How many photos show a cup?');
  assert.match(output.answer, /^2 photos match "cup"/);
  assert.deepEqual(output.sources.map((source: { id: number }) => source.id).sort(), [ids[1], ids[2]].sort());
  assert.deepEqual(Object.keys(output.sources[0]).sort(), ['caption', 'id', 'path', 'score']);
});

test('plain output: the answer, then its sources as paths', () => {
  const result = glimpse(['ask', '--library', 'which photos show a red bus?']);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /A red bus in front of the station/);
  assert.match(result.stdout, /Sources:\n {2}\[\d+\] .*photos\/bus\.jpg — A red bus in front of the station/);
  assert.match(result.stdout, /extracted from \d+ descriptions? without a language model/);
});

test('usage errors: no question, --look above 3', () => {
  const none = glimpse(['ask', '--library']);
  assert.equal(none.code, 1);
  assert.match(none.stderr, /needs a question/);
  const look = glimpse(['ask', '--library', 'dogs?', '--look', '4']);
  assert.equal(look.code, 1);
  assert.match(look.stderr, /look must be a whole number from 0 to 3/);
  const noImage = glimpse(['ask']);
  assert.equal(noImage.code, 1);
  assert.match(noImage.stderr, /needs an image and a question, or --library/);
});

test('with --provider: the model answers from the descriptions; an invented id is not printed', async () => {
  let server: MockServer | undefined;
  try {
    server = await startMockServer(() =>
      chatCompletionReply(`Yes [${ids[0]}], also [424242].`, { input: 300, output: 9 }, 'qwen'),
    );
    const result = await glimpseAsync([
      'ask',
      '--library',
      'Do we have a photo of the red bus in front of the station?',
      '--provider',
      'openai-compatible',
      '--base-url',
      `${server.url}/v1`,
      '--model',
      'qwen',
      '--json',
    ]);
    assert.equal(result.code, 0, result.stderr);
    const output = JSON.parse(result.stdout);
    assert.equal(output.mode, 'model');
    assert.deepEqual(
      output.sources.map((source: { id: number }) => source.id),
      [ids[0]],
    );
    assert.doesNotMatch(output.answer, /424242/);
    assert.match(chatUserText(server.requests[0]!).join('\n'), /caption: A red bus in front of the station/);
  } finally {
    await server?.close();
  }
});
