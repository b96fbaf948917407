/**
 * What is particular to the PostgreSQL store (the shared contract is in storage/store-contract.test.ts): migrations
 * applied once however many processes open the database, a clear error for a server that cannot be reached, a
 * connection that comes back after the server dropped it, and vectors switched off on a server without pgvector.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { GlimpseError } from '../../errors.js';
import { withTestDatabase } from '../../testing/postgres.js';
import { redactUrl } from '../location.js';
import { MIGRATIONS } from './migrations.js';
import { PostgresStore } from './postgres-store.js';

const GLIMPSE = fileURLToPath(new URL('../../../bin/glimpse.js', import.meta.url));

test('migrations run once, also when several stores open a new database at the same moment', () =>
  withTestDatabase(async (url) => {
    // Separate processes, as several workers or servers starting together would.
    const opens = Array.from({ length: 3 }, () =>
      promisify(execFile)(process.execPath, [GLIMPSE, 'status', '--json', '--db', url]),
    );
    const outputs = await Promise.all(opens);
    for (const { stdout } of outputs) assert.equal(JSON.parse(stdout).images, 0);
    const store = new PostgresStore(url);
    try {
      assert.equal(store.schemaVersion(), MIGRATIONS.at(-1)!.version);
      assert.deepEqual(
        store
          .query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')
          .map((r) => r.version),
        MIGRATIONS.map((m) => m.version),
      );
    } finally {
      store.close();
    }
  }));

test('an unreachable database is a clear error naming the URL without its password; the CLI exits 1', async () => {
  const url = 'postgres://someone:hunter2@127.0.0.1:1/nowhere';
  assert.equal(redactUrl(url), 'postgres://someone@127.0.0.1:1/nowhere');
  assert.throws(
    () => new PostgresStore(url),
    (error: unknown) =>
      GlimpseError.is(error, 'DATABASE_UNREACHABLE') &&
      error.message.includes('postgres://someone@127.0.0.1:1/nowhere') &&
      !error.message.includes('hunter2'),
  );
  const run = await promisify(execFile)(process.execPath, [GLIMPSE, 'status', '--db', url]).then(
    () => ({ code: 0, stderr: '' }),
    (error: { code: number; stderr: string }) => error,
  );
  assert.equal(run.code, 1);
  assert.match(run.stderr, /postgres:\/\/someone@127\.0\.0\.1:1\/nowhere/);
  assert.doesNotMatch(run.stderr, /hunter2/);
});

test('a connection the server dropped is made again, and the store goes on', () =>
  withTestDatabase(async (url) => {
    const store = new PostgresStore(url);
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      const id = store.upsertImage({
        path: '/a.png',
        sha256: 'aa',
        sizeBytes: 1,
        mtimeMs: 1,
        width: 1,
        height: 1,
        format: 'png',
        exif: null,
      });
      // What a PostgreSQL restart does to every connection: the server ends it.
      const [{ pid }] = store.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(store.imageById(id)?.path, '/a.png');
      const [{ pid: again }] = store.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      assert.notEqual(again, pid, 'a new connection');
    } finally {
      await admin.end();
      store.close();
    }
  }));

test('vectors are kept with pgvector; without it (this server has none) the store says so and keeps no spaces', () =>
  withTestDatabase((url) => {
    const store = new PostgresStore(url);
    try {
      const space = store.embeddingSpace('toy', 'text', 3);
      store.saveVector(space, 1, new Float32Array([1, 0, 0]));
      store.saveVector(space, 2, new Float32Array([0, 1, 0]));
      if (store.hasVectors()) {
        assert.deepEqual(
          store.nearest(space, new Float32Array([1, 0.1, 0]), 2).map((hit) => hit.imageId),
          [1, 2],
        );
        assert.deepEqual(store.embeddingSpaces().length, 1);
      } else {
        assert.deepEqual(store.embeddingSpaces(), [], 'no spaces: search uses full text only');
        assert.equal(store.hasVector(space, 1), false);
        assert.deepEqual(store.nearest(space, new Float32Array([1, 0, 0]), 2), []);
      }
    } finally {
      store.close();
    }
  }));
