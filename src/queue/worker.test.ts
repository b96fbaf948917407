/**
 * The job queue and its worker, in one process, on a PostgreSQL database of the test's own (the queue is pg-boss in
 * that same database): queueing, describing, skipping what is described, retries ending as recorded failures, and a
 * worker told to stop finishing what it holds.
 */
import assert from 'node:assert/strict';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, join } from 'node:path';
import { after, before, test } from 'node:test';
import { createGlimpse, type Glimpse } from '../glimpse.js';
import { samplesDir, temporaryDirectory } from '../testing/fixtures.js';
import { createTestDatabase } from '../testing/postgres.js';
import { QUICK_QUEUE } from '../testing/queue.js';
import { createRecordingProvider, type RecordingProvider } from '../testing/recording-provider.js';
import type { WorkerEvent } from '../types.js';

Object.assign(process.env, QUICK_QUEUE, { GLIMPSE_QUEUE_RETRIES: '1' });

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let glimpse: Glimpse;
let provider: RecordingProvider;
const folder = join(temporaryDirectory('glimpse-queue-'), 'photos');

before(async () => {
  database = await createTestDatabase('glimpse_queue');
  cpSync(samplesDir, folder, { recursive: true, filter: (source) => !source.endsWith('.md') });
  writeFileSync(join(folder, 'broken.png'), 'not a picture at all');
  // A provider that times out on one picture, every time.
  cpSync(join(samplesDir, 'rocket.jpg'), join(folder, 'flaky.jpg'));
  writeFileSync(join(folder, 'flaky.jpg'), Buffer.from('-'), { flag: 'a' });
  provider = createRecordingProvider({ latencyMs: 30, failures: { 'flaky.jpg': 'PROVIDER_TIMEOUT' } });
  glimpse = await createGlimpse({ db: database.url, provider, embedder: null });
});

after(async () => {
  await glimpse?.close();
  await database?.drop();
});

const describedNames = () => provider.requests.map((request) => basename(request.image.source));

test('index --enqueue queues one job per image and returns; a worker describes them, failures end recorded', async () => {
  assert.equal(glimpse.hasQueue, true);
  const queued = await glimpse.enqueue([folder]);
  assert.equal(queued.queued, 11, 'nine samples, a broken file and a flaky one');
  assert.equal(queued.provider, 'recording');
  assert.match(queued.queue, /^glimpse-describe-recording-[0-9a-f]{12}$/);
  assert.equal(provider.requests.length, 0, 'queueing describes nothing');
  assert.deepEqual(await glimpse.queueStatus(), { waiting: 11, active: 0, failed: 0 });

  const events: WorkerEvent[] = [];
  const summary = await glimpse.work({ concurrency: 3, exitWhenIdle: true, onEvent: (event) => events.push(event) });
  assert.equal(summary.indexed, 9);
  assert.equal(summary.failed, 2);
  assert.equal(summary.retried, 1, 'the timeout was tried again once (GLIMPSE_QUEUE_RETRIES=1), the broken file not');
  const calls = describedNames();
  assert.equal(calls.filter((name) => name === 'flaky.jpg').length, 2);
  assert.equal(calls.filter((name) => name !== 'flaky.jpg').length, 9, 'each good image described once');

  const status = glimpse.status();
  assert.equal(status.described, 9);
  const failures = Object.fromEntries(status.failed.map((failure) => [basename(failure.path), failure.code]));
  assert.deepEqual(failures, { 'broken.png': 'NOT_AN_IMAGE', 'flaky.jpg': 'PROVIDER_TIMEOUT' });
  assert.deepEqual(await glimpse.queueStatus(), { waiting: 0, active: 0, failed: 2 });
  assert.equal(events[0]?.type, 'started');
  assert.ok(events.some((event) => event.type === 'job' && event.status === 'retrying'));
});

test('a job whose image is described already is skipped (same content, provider, model and prompt version)', async () => {
  const before = provider.requests.length;
  const queued = await glimpse.enqueue([join(folder, 'chelsea.png'), join(folder, 'horse.png')]);
  assert.equal(queued.queued, 2);
  const summary = await glimpse.work({ exitWhenIdle: true });
  assert.deepEqual([summary.indexed, summary.unchanged], [0, 2]);
  assert.equal(provider.requests.length, before, 'no describe call');
  // --force describes again.
  await glimpse.enqueue([join(folder, 'horse.png')], { force: true });
  assert.equal((await glimpse.work({ exitWhenIdle: true })).indexed, 1);
  assert.equal(provider.requests.length, before + 1);
});

test('the server-side progress of a batch comes from the queue as workers end its jobs', async () => {
  const batch = await glimpse.enqueue([folder], { force: true });
  const progress: string[] = [];
  const following = glimpse.followEnqueued(batch, {
    onProgress: (event) => progress.push(event.type === 'image' ? `${event.status}` : event.type),
  });
  const worker = glimpse.work({ exitWhenIdle: true, concurrency: 4 });
  const [summary] = await Promise.all([following, worker]);
  assert.equal(summary.total, 11);
  assert.equal(summary.indexed, 9);
  assert.equal(summary.failed, 2);
  assert.equal(progress[0], 'discovered');
  assert.equal(progress.filter((entry) => entry === 'indexed').length, 9);
});

test('a worker told to stop takes no new job and finishes (commits) the ones it holds', async () => {
  const samples = readdirSync(samplesDir).filter((name) => !name.endsWith('.md'));
  await glimpse.enqueue(
    samples.map((name) => join(folder, name)),
    { force: true },
  );
  const stop = new AbortController();
  const ended: string[] = [];
  let startedJobs = 0;
  const slow = createRecordingProvider({ latencyMs: 300, failures: { 'flaky.jpg': 'PROVIDER_TIMEOUT' } });
  const other = await createGlimpse({ db: database.url, provider: slow, embedder: null });
  try {
    const working = other.work({
      concurrency: 2,
      signal: stop.signal,
      onEvent: (event) => {
        if (event.type === 'job') ended.push(event.status);
      },
    });
    // Stop while two describe calls are in flight (it holds up to six jobs: four more being read meanwhile).
    while (slow.inFlight.now < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    stop.abort();
    const held = (await other.queueStatus())?.active ?? 0;
    const summary = await working;
    assert.ok(held >= 2 && held <= 6, `held ${held} jobs when stopped: at most three times its concurrency`);
    assert.equal(slow.inFlight.max, 2, 'never more describe calls at once than --concurrency');
    startedJobs = slow.requests.length;
    assert.equal(startedJobs, held, 'after the signal it described only what it held');
    assert.equal(ended.length, startedJobs, 'every held job ended');
    assert.equal(summary.indexed + summary.unchanged + summary.failed + summary.retried, startedJobs);
    const counts = await other.queueStatus();
    assert.equal(counts?.active, 0, 'no job left held');
    assert.equal(counts?.waiting, 9 - startedJobs);
  } finally {
    await other.close();
  }
  // The rest is still there for the next worker.
  const rest = await glimpse.work({ exitWhenIdle: true });
  assert.equal(rest.indexed, 9 - startedJobs);
});

test('a job may name an http(s) URL: the worker downloads it, and its content hash decides as for a file', async () => {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'image/png' });
    response.end(readFileSync(join(samplesDir, 'astronaut.png')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/pictures/astronaut.png`;
    const queued = await glimpse.enqueue([url]);
    assert.equal(queued.queued, 1);
    const before = provider.requests.length;
    // The same content as the astronaut file described above: kept, not described again.
    const first = await glimpse.work({ exitWhenIdle: true });
    assert.deepEqual([first.indexed, first.unchanged], [0, 1]);
    assert.equal(provider.requests.length, before);
    assert.equal(glimpse.show(url).caption, glimpse.show(join(folder, 'astronaut.png')).caption);
    await glimpse.enqueue([url], { force: true });
    assert.equal((await glimpse.work({ exitWhenIdle: true })).indexed, 1);
    assert.equal(provider.requests.length, before + 1);
  } finally {
    server.close();
  }
});

test('a library that is not in PostgreSQL has no queue: queueing is a usage error naming what to do', async () => {
  const sqlite = await createGlimpse({ db: ':memory:', provider, embedder: null });
  try {
    assert.equal(sqlite.hasQueue, false);
    assert.equal(await sqlite.queueStatus(), null);
    await assert.rejects(sqlite.enqueue([folder]), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'USAGE');
      assert.match(error.message, /PostgreSQL/);
      return true;
    });
  } finally {
    await sqlite.close();
  }
});
