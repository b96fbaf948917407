/**
 * Issue 15, error text: a failure is said once, with its file named once and a hint that adds something.
 * The real `glimpse` binary; a closed local port stands in for an Ollama server that is not running.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { GlimpseError, withHint } from '../errors.js';
import { runGlimpse, sample, temporaryDirectory } from '../testing/fixtures.js';

const glimpse = runGlimpse;

const count = (text: string, part: string) => text.split(part).length - 1;

async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

test('a hint that repeats the message is not appended again', () => {
  assert.equal(withHint('x.jpg: bad', 'Fix it.'), 'x.jpg: bad — Fix it.');
  assert.equal(withHint('x.jpg: the server is down. Start it.', 'Start it.'), 'x.jpg: the server is down. Start it.');
  const advice = new GlimpseError('NOT_AN_IMAGE', 'x.jpg: not an image Glimpse can read').advice;
  assert.equal(count(advice.toLowerCase(), 'not an image'), 1, advice);
  assert.match(advice, /JPEG, PNG/);
});

test('caption of a file that is not an image names it once and says "not an image" once', () => {
  const dir = temporaryDirectory();
  const file = join(dir, 'notes.jpg');
  writeFileSync(file, 'just some text\n');
  const result = glimpse(['caption', file]);
  assert.equal(result.code, 2, result.stderr);
  assert.equal(count(result.stderr, 'notes.jpg'), 1, result.stderr);
  assert.equal(count(result.stderr.toLowerCase(), 'not an image'), 1, result.stderr);
});

test('an Ollama server that is down is reported once, by caption and by index', async () => {
  const dir = temporaryDirectory();
  const photos = join(dir, 'photos');
  mkdirSync(photos);
  for (const name of ['chelsea.png', 'coffee.png']) copyFileSync(sample(name), join(photos, name));
  const url = await closedPort();
  const caption = glimpse(['caption', join(photos, 'chelsea.png'), '--provider', 'ollama', '--base-url', url]);
  assert.equal(caption.code, 1, caption.stderr);
  assert.equal(count(caption.stderr, 'unreachable'), 1, caption.stderr);
  assert.equal(count(caption.stderr, 'chelsea.png'), 1, caption.stderr);
  const index = glimpse(['index', photos, '--db', join(dir, 'g.db'), '--provider', 'ollama', '--base-url', url]);
  assert.equal(index.code, 1, index.stderr);
  assert.equal(count(index.stderr, 'unreachable'), 1, index.stderr);
  assert.match(index.stderr, /stopped/);
});

test('--provider ollama,builtin with Ollama down: caption --json and index --json say builtin answered, and why', async () => {
  const dir = temporaryDirectory();
  const photos = join(dir, 'photos');
  mkdirSync(photos);
  copyFileSync(sample('coffee.png'), join(photos, 'coffee.png'));
  const url = await closedPort();
  const chain = ['--provider', 'ollama,builtin', '--base-url', url];
  const caption = glimpse(['caption', join(photos, 'coffee.png'), ...chain, '--json']);
  assert.equal(caption.code, 0, caption.stderr);
  const result = JSON.parse(caption.stdout);
  assert.equal(result.chain.answeredBy, 'builtin');
  assert.deepEqual(result.chain.providers, ['ollama', 'builtin']);
  assert.equal(result.chain.passedOver[0].provider, 'ollama');
  assert.equal(result.chain.passedOver[0].code, 'PROVIDER_UNAVAILABLE');
  const index = glimpse(['index', photos, '--db', join(dir, 'g.db'), ...chain, '--json']);
  assert.equal(index.code, 0, index.stderr);
  const summary = JSON.parse(index.stdout);
  assert.deepEqual(summary.chain.answeredBy, { builtin: 1 });
  assert.equal(summary.chain.passedOver[0].provider, 'ollama');
  assert.equal(summary.chain.passedOver[0].images, 1);
  assert.match(summary.chain.passedOver[0].message, /unreachable/);
});
