/**
 * The server's indexing jobs on a PostgreSQL library: the job queues one job per image and its progress events are
 * the queue's, as a worker (here in the same process; anywhere in production) ends each job.
 */
import assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createGlimpse, type Glimpse } from '../glimpse.js';
import { samplesDir, temporaryDirectory } from '../testing/fixtures.js';
import { createTestDatabase } from '../testing/postgres.js';
import { QUICK_QUEUE } from '../testing/queue.js';
import { createRecordingProvider } from '../testing/recording-provider.js';
import { createApp } from './app.js';
import { IndexJobs, type JobEvent } from './index-jobs.js';

Object.assign(process.env, QUICK_QUEUE);

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let glimpse: Glimpse;
const photos = join(temporaryDirectory('glimpse-serve-queue-'), 'photos');
before(async () => {
  database = await createTestDatabase('glimpse_serve_queue');
  cpSync(samplesDir, photos, { recursive: true, filter: (source) => !source.endsWith('.md') });
  glimpse = await createGlimpse({
    db: database.url,
    provider: createRecordingProvider({ latencyMs: 20 }),
    embedder: null,
  });
});
after(async () => {
  await glimpse?.close();
  await database?.drop();
});

test('an index job on a PostgreSQL library is queued, and its progress comes from the queue as workers end jobs', async () => {
  const jobs = new IndexJobs(glimpse);
  const job = jobs.start(photos, {});
  const events: JobEvent[] = [];
  const ended = new Promise<void>((resolve) =>
    jobs.follow(job.id, 0, (event) => {
      events.push(event);
      if (event.event !== 'progress') resolve();
    }),
  );
  // Nothing is described until a worker runs: the job waits in the queue.
  while ((await glimpse.queueStatus())?.waiting !== 9) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(glimpse.status().described, 0);
  assert.equal(jobs.get(job.id)?.state, 'running');

  await glimpse.work({ exitWhenIdle: true, concurrency: 3 });
  await ended;
  assert.equal(events.at(-1)?.event, 'done');
  assert.equal(jobs.get(job.id)?.summary?.indexed, 9);
  const progress = events.filter((event) => event.event === 'progress').map((event) => event.data);
  assert.deepEqual(progress[0], { type: 'discovered', total: 9 });
  assert.deepEqual(
    progress.filter((event) => event.type === 'image').map((event) => event.type === 'image' && event.done),
    [1, 2, 3, 4, 5, 6, 7, 8, 9],
  );
  await jobs.close();
});

test('GET /api/v1/status on a PostgreSQL library carries the queue counts', async () => {
  const app = createApp(glimpse, { log: () => {} });
  try {
    await glimpse.enqueue([join(photos, 'horse.png')], { force: true });
    const response = await app.request('/api/v1/status');
    assert.equal(response.status, 200);
    const body = (await response.json()) as { queue?: unknown; images: number };
    assert.deepEqual(body.queue, { waiting: 1, active: 0, failed: 0 });
    await glimpse.work({ exitWhenIdle: true });
    const after = (await (await app.request('/api/v1/status')).json()) as { queue?: unknown };
    assert.deepEqual(after.queue, { waiting: 0, active: 0, failed: 0 });
  } finally {
    await app.close();
  }
});
