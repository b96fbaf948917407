/**
 * The PostgreSQL store saves round trips (postgres-store.ts): writes deferred inside a transaction, rows read ahead,
 * claims released without waiting. What it must not change: a transaction that fails leaves nothing, a savepoint
 * rolled back drops only its own writes, what was read ahead never hides a later write, and a write sent without
 * waiting has happened before the next thing the store answers — for another process too.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withTestDatabase } from '../../testing/postgres.js';
import type { FileFacts } from '../store.js';
import { PostgresStore } from './postgres-store.js';

const facts = (path: string, sha256: string): FileFacts => ({
  path,
  sha256,
  sizeBytes: 10,
  mtimeMs: 1,
  width: 4,
  height: 3,
  format: 'png',
  exif: null,
});
const key = { provider: 'fake', requestedModel: 'model-x', promptVersion: 'v1' };
const description = (caption: string) => ({
  caption,
  detailed: null,
  alt: null,
  tags: ['one'],
  objects: [],
  text: null,
  safety: null,
  model: 'model-x',
});

test('a transaction whose deferred writes fail at COMMIT leaves nothing, and the store goes on', () =>
  withTestDatabase((url) => {
    const store = new PostgresStore(url);
    try {
      assert.throws(() =>
        store.transaction(() => {
          store.saveDescription('aa', description('kept?'), key, 5);
          store.touchImage(1);
          // Deferred as well: fails only when the batch reaches the server, with COMMIT.
          (store as unknown as { write(sql: string, params: unknown[]): void }).write('SELECT 1/0', []);
        }),
      );
      assert.equal(store.description('aa'), undefined);
      store.transaction(() => store.saveDescription('aa', description('stored'), key, 5));
      assert.equal(store.description('aa')?.caption, 'stored');
    } finally {
      store.close();
    }
  }));

test('an error thrown before anything reached the server, and a savepoint rolled back, drop only their writes', () =>
  withTestDatabase((url) => {
    const store = new PostgresStore(url);
    try {
      assert.throws(
        () =>
          store.transaction(() => {
            store.saveDescription('bb', description('never'), key, 5);
            throw new Error('the caller changed its mind');
          }),
        /changed its mind/,
      );
      assert.equal(store.description('bb'), undefined);
      store.transaction(() => {
        store.saveDescription('cc', description('outer'), key, 5);
        assert.throws(() =>
          store.transaction(() => {
            store.saveDescription('dd', description('inner'), key, 5);
            // A read in the savepoint sends what was deferred: the rollback must then reach the server.
            assert.equal(store.description('dd')?.caption, 'inner');
            throw new Error('inner fails');
          }),
        );
        // Nothing of this one reaches the server: dropped with its savepoint, the outer writes before it kept.
        assert.throws(() =>
          store.transaction(() => {
            store.saveDescription('hh', description('dropped'), key, 5);
            throw new Error('fails at once');
          }),
        );
        store.transaction(() => store.saveDescription('ee', description('second inner'), key, 5));
      });
      assert.equal(store.description('hh'), undefined);
      assert.equal(store.description('cc')?.caption, 'outer');
      assert.equal(store.description('dd'), undefined);
      assert.equal(store.description('ee')?.caption, 'second inner');
    } finally {
      store.close();
    }
  }));

test('rows read ahead with an image row answer the search document, and never hide a later write', () =>
  withTestDatabase((url) => {
    const store = new PostgresStore(url);
    try {
      store.transaction(() => {
        store.saveDescription('ff', description('first'), key, 5);
        const id = store.upsertImage(facts('/p/one.png', 'ff'));
        assert.deepEqual(
          store.imagesBySha('ff').map((image) => image.id),
          [id],
        );
        assert.equal(store.description('ff')?.caption, 'first');
        assert.equal(store.userEdits('ff'), undefined);
        // Writes after the read-ahead are seen by the next reads.
        store.saveDescription('ff', description('second'), key, 5);
        store.saveUserEdits('ff', { caption: 'mine' });
        assert.equal(store.description('ff')?.caption, 'second');
        assert.equal(store.userEdits('ff')?.caption, 'mine');
        const copy = store.upsertImage(facts('/p/two.png', 'ff'));
        assert.deepEqual(
          store.imagesBySha('ff').map((image) => image.id),
          [id, copy],
        );
        store.moveImage(copy, '/p/three.png');
        assert.deepEqual(
          store.imagesBySha('ff').map((image) => image.path),
          ['/p/one.png', '/p/three.png'],
        );
      });
    } finally {
      store.close();
    }
  }));

test('the claim reads how its content is described; a claim released without waiting is free for another process', () =>
  withTestDatabase((url) => {
    const mine = new PostgresStore(url);
    const other = new PostgresStore(url);
    try {
      assert.equal(mine.claim('gg', 60_000), true);
      assert.equal(mine.isDescribed('gg', key), false);
      other.transaction(() => other.saveDescription('gg', description('by the other'), key, 5));
      // Read once, with the claim: asked again, the store reads the database.
      assert.equal(mine.isDescribed('gg', key), true);
      assert.equal(other.claim('gg', 60_000), false);
      mine.releaseClaim('gg');
      mine.clearFailure('/p/gg.png');
      // The release has run once `mine` answers anything.
      assert.equal(mine.failures().length, 0);
      assert.equal(other.claim('gg', 60_000), true);
      assert.equal(other.isDescribed('gg', { ...key, promptVersion: 'v2' }), false);
    } finally {
      mine.close();
      other.close();
    }
  }));
