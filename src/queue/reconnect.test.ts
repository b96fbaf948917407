/**
 * A worker outlives the database dropping its connections (what a PostgreSQL restart does to it): it reconnects and
 * finishes the queue. And a worker given a database it cannot reach says so, naming the URL without its password.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { fixturesDir, temporaryDirectory } from '../testing/fixtures.js';
import { createTestDatabase, TEST_SERVER } from '../testing/postgres.js';
import { queuedImages, runGlimpse, startGlimpse } from '../testing/queue.js';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
before(async () => {
  database = await createTestDatabase('glimpse_reconnect');
});
after(async () => {
  await database?.drop();
});

/** Every connection to the database but the caller's is ended by the server, as a restart would. */
async function dropConnections(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: TEST_SERVER });
  await client.connect();
  try {
    const name = new URL(url).pathname.slice(1);
    const { rows } = await client.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [name],
    );
    return rows.length;
  } finally {
    await client.end();
  }
}

test('a worker whose database connections are dropped mid-run reconnects and finishes the queue', async () => {
  const { provider, calls, db } = await queuedImages(database.url, 20, 200);

  const worker = startGlimpse([...db, 'worker', '--provider', provider, '--concurrency', '2', '--exit-when-idle']);
  let stderr = '';
  worker.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => worker.once('exit', resolve));
  const lines = () => (existsSync(calls) ? readFileSync(calls, 'utf8').split('\n').filter(Boolean).length : 0);
  while (lines() < 5) await new Promise((resolve) => setTimeout(resolve, 50));
  assert.ok((await dropConnections(database.url)) >= 2, 'the worker had its store and queue connections');

  const timeout = setTimeout(() => worker.kill('SIGKILL'), 90_000);
  const code = await exited;
  clearTimeout(timeout);
  assert.equal(code, 0, stderr);
  const status = JSON.parse((await runGlimpse([...db, 'status', '--json'])).stdout);
  assert.equal(status.described, 20);
  assert.deepEqual(status.failed, []);
  assert.deepEqual(status.queue, { waiting: 0, active: 0, failed: 0 });
});

test('a worker that cannot reach its database exits 1 naming the URL without the password', async () => {
  const run = await runGlimpse(['--db', 'postgres://root:s3cret@127.0.0.1:1/glimpse', 'worker', '--exit-when-idle']);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /127\.0\.0\.1:1\/glimpse/);
  assert.doesNotMatch(run.stderr, /s3cret/);
});

test('worker and index --enqueue on a SQLite library: a usage error naming PostgreSQL, exit 1, no file made', async () => {
  const library = join(temporaryDirectory('glimpse-no-queue-'), 'library.db');
  for (const args of [
    ['worker', '--exit-when-idle'],
    ['index', fixturesDir, '--enqueue'],
  ]) {
    const run = await runGlimpse(['--db', library, ...args]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /Queueing needs a library in PostgreSQL/);
    assert.equal(existsSync(library), false);
  }
});
