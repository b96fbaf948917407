import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { temporaryDirectory } from '../testing/fixtures.js';
import { openDatabase } from './database.js';
import { MIGRATIONS } from './migrations.js';
import { Store } from './store.js';

test('migrations run in order on open, once, and bring an older database up to date', () => {
  const path = join(temporaryDirectory(), 'old.db');
  // A database as the first release left it.
  const old = new Database(path);
  old.exec(MIGRATIONS[0].sql);
  old.pragma('user_version = 1');
  old.close();
  const db = openDatabase(path);
  assert.equal(db.pragma('user_version', { simple: true }), MIGRATIONS.at(-1)!.version);
  assert.ok(db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'search_terms'").get(), 'migration 2 applied');
  db.close();
  const again = openDatabase(path);
  assert.equal(again.pragma('journal_mode', { simple: true }), 'wal');
  again.close();
});

test('a database from a newer Glimpse is refused with advice', () => {
  const path = join(temporaryDirectory(), 'new.db');
  const db = new Database(path);
  db.pragma('user_version = 999');
  db.close();
  assert.throws(() => openDatabase(path), (error: Error & { code?: string; hint?: string }) => error.code === 'DATABASE_ERROR' && /Upgrade Glimpse/.test(error.hint ?? ''));
});

test('vectors: one table per model and dimension, BigInt rowids, nearest by cosine', () => {
  const store = new Store(':memory:');
  const space = store.embeddingSpace('toy', 'text', 3);
  assert.equal(store.embeddingSpace('toy', 'text', 3), space, 'the same model reuses its space');
  store.saveVector(space, 1, new Float32Array([1, 0, 0]));
  store.saveVector(space, 2, new Float32Array([0, 1, 0]));
  store.saveVector(space, 2, new Float32Array([0.9, 0.1, 0])); // replaced, not duplicated
  const nearest = store.nearest(space, new Float32Array([1, 0, 0]), 5);
  assert.deepEqual(nearest.map((hit) => hit.imageId), [1, 2]);
  assert.ok(nearest[0].distance < 1e-6);
  const resized = store.embeddingSpace('toy', 'text', 4);
  assert.deepEqual(store.embeddingSpaces().map((s) => s.dimensions), [4], 'the 3-d table is dropped, never mixed');
  assert.equal(store.hasVector(resized, 1), false);
  store.saveVector(resized, 1, new Float32Array([0, 0, 0, 1]));
  assert.equal(store.nearest(resized, new Float32Array([0, 0, 0, 1]), 1)[0].imageId, 1);
  store.close();
});
