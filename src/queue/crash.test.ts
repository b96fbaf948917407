/**
 * The crash test of the job queue, with the real `glimpse` binary: 60 images queued, three worker processes, one
 * killed with -9 while it holds jobs. The library ends with all 60 described, no row twice, and no image described
 * twice beyond the jobs the killed worker had in flight (three times its --concurrency: the describe calls, as many
 * images being committed and as many being read, queue/worker.ts). Its jobs come back to the others after the visibility timeout (4 s here).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { createTestDatabase } from '../testing/postgres.js';
import { queuedImages, runGlimpse, startGlimpse } from '../testing/queue.js';

const IMAGES = 60;
const WORKER_CONCURRENCY = 2;
/** A worker holds three times as many jobs as it describes at once (the others being read or committed meanwhile). */
const JOBS_HELD = 3 * WORKER_CONCURRENCY;

let database: Awaited<ReturnType<typeof createTestDatabase>>;
before(async () => {
  database = await createTestDatabase('glimpse_crash');
});
after(async () => {
  await database?.drop();
});

function exited(child: ReturnType<typeof startGlimpse>, timeoutMs: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`worker ${child.pid} did not exit within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

test('three workers, one killed with -9 mid-run: all 60 described, no duplicate rows, no extra describe calls', async () => {
  const { provider, calls, db } = await queuedImages(database.url, IMAGES, 250);

  const workerArgs = [
    ...db,
    'worker',
    '--provider',
    provider,
    '--concurrency',
    String(WORKER_CONCURRENCY),
    '--exit-when-idle',
    '--json',
  ];
  const workers = [0, 1, 2].map(() => startGlimpse(workerArgs));
  const stderr = workers.map(() => '');
  workers.forEach((worker, index) => worker.stderr!.on('data', (chunk) => (stderr[index] += chunk)));
  const victimEvents: string[] = [];
  workers[0]!.stdout!.on('data', (chunk) => victimEvents.push(String(chunk)));

  // Kill the first worker once the work is well under way (and it has finished a job, so it surely holds more).
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const described = existsSync(calls) ? readFileSync(calls, 'utf8').split('\n').filter(Boolean).length : 0;
    if (described >= 12 && victimEvents.join('').includes('"type":"job"')) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  workers[0]!.kill('SIGKILL');
  const survivors = await Promise.all(workers.slice(1).map((worker) => exited(worker, 120_000)));
  assert.deepEqual(survivors, [0, 0], stderr.join('\n'));

  const status = await runGlimpse([...db, 'status', '--json']);
  assert.equal(status.code, 0, status.stderr);
  const report = JSON.parse(status.stdout);
  assert.equal(report.images, IMAGES);
  assert.equal(report.described, IMAGES);
  assert.deepEqual(report.failed, []);
  assert.deepEqual(report.queue, { waiting: 0, active: 0, failed: 0 });

  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    const rows = async (sql: string) => (await client.query(sql)).rows[0];
    assert.deepEqual(await rows('SELECT count(*)::int AS n, count(DISTINCT path)::int AS paths FROM images'), {
      n: IMAGES,
      paths: IMAGES,
    });
    assert.deepEqual(await rows('SELECT count(*)::int AS n, count(DISTINCT sha256)::int AS hashes FROM descriptions'), {
      n: IMAGES,
      hashes: IMAGES,
    });
    assert.equal((await rows('SELECT count(*)::int AS n FROM search_documents')).n, IMAGES);
    // The killed worker's jobs were delivered again, to the others.
    const redelivered = (await rows('SELECT count(*)::int AS n FROM pgboss.job WHERE retry_count > 0')).n;
    assert.ok(redelivered >= 1, 'a job the killed worker held came back');
    assert.ok(redelivered <= JOBS_HELD, `only the jobs it held came back (${redelivered})`);
  } finally {
    await client.end();
  }

  const perImage = new Map<string, number>();
  for (const name of readFileSync(calls, 'utf8').split('\n').filter(Boolean))
    perImage.set(name, (perImage.get(name) ?? 0) + 1);
  assert.equal(perImage.size, IMAGES, 'every image described');
  const twice = [...perImage.values()].filter((count) => count > 1).length;
  // A job in flight may have been described and not yet committed when the worker died: it is described again.
  assert.ok(twice <= JOBS_HELD, `${twice} images described twice; at most the ${JOBS_HELD} jobs it held`);
});

const SIGTERM_IMAGES = 20;

test('SIGTERM: a worker takes nothing new, finishes and commits what it holds, and exits 0', async () => {
  const own = await createTestDatabase('glimpse_sigterm');
  try {
    const { provider, calls, db } = await queuedImages(own.url, SIGTERM_IMAGES, 400);
    const worker = startGlimpse([...db, 'worker', '--provider', provider, '--concurrency', '3', '--json']);
    const events: string[] = [];
    worker.stdout!.on('data', (chunk) => events.push(String(chunk)));
    const exited = new Promise<number | null>((resolve) => worker.once('exit', resolve));
    // Once it has finished a job it holds more (up to nine, three describing, 400 ms each; refilled as jobs end, so
    // more images than it can have taken by then); stop it then.
    while (!events.join('').includes('"type":"job"')) await new Promise((resolve) => setTimeout(resolve, 20));
    worker.kill('SIGTERM');
    assert.equal(await exited, 0);
    const ended = events
      .join('')
      .split('\n')
      .filter((line) => line.includes('"type":"job"')).length;
    const described = readFileSync(calls, 'utf8').split('\n').filter(Boolean).length;
    assert.equal(described, ended, 'every image it described was reported ended (and so committed)');
    assert.ok(ended >= 2 && ended < SIGTERM_IMAGES, `${ended} jobs ended before it stopped`);
    const status = JSON.parse((await runGlimpse([...db, 'status', '--json'])).stdout);
    assert.equal(status.described, ended);
    assert.deepEqual(status.queue, { waiting: SIGTERM_IMAGES - ended, active: 0, failed: 0 }, 'nothing left held');
  } finally {
    await own.drop();
  }
});
