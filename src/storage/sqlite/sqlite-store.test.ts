import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { temporaryDirectory } from '../../testing/fixtures.js';
import { openDatabase } from './database.js';
import { MIGRATIONS } from './migrations.js';
import { SqliteStore } from './sqlite-store.js';

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
  assert.throws(
    () => openDatabase(path),
    (error: Error & { code?: string; hint?: string }) =>
      error.code === 'DATABASE_ERROR' && /Upgrade Glimpse/.test(error.hint ?? ''),
  );
});

test('vectors: one table per model and dimension, BigInt rowids, nearest by cosine', () => {
  const store = new SqliteStore(':memory:');
  const space = store.embeddingSpace('toy', 'text', 3);
  assert.equal(store.embeddingSpace('toy', 'text', 3), space, 'the same model reuses its space');
  store.saveVector(space, 1, new Float32Array([1, 0, 0]));
  store.saveVector(space, 2, new Float32Array([0, 1, 0]));
  store.saveVector(space, 2, new Float32Array([0.9, 0.1, 0])); // replaced, not duplicated
  const nearest = store.nearest(space, new Float32Array([1, 0, 0]), 5);
  assert.deepEqual(
    nearest.map((hit) => hit.imageId),
    [1, 2],
  );
  assert.ok(nearest[0].distance < 1e-6);
  const resized = store.embeddingSpace('toy', 'text', 4);
  assert.deepEqual(
    store.embeddingSpaces().map((s) => s.dimensions),
    [4],
    'the 3-d table is dropped, never mixed',
  );
  assert.equal(store.hasVector(resized, 1), false);
  store.saveVector(resized, 1, new Float32Array([0, 0, 0, 1]));
  assert.equal(store.nearest(resized, new Float32Array([0, 0, 0, 1]), 1)[0].imageId, 1);
  store.close();
});

/**
 * Undo migrations 5 (claims, the run's process), 6 (an edit's source), 7 (search rows read as sentences) and 8 (which
 * reading format is complete), for a database set back to version 4.
 */
const UNDO_CLAIMS = `DROP TABLE claims; ALTER TABLE runs DROP COLUMN host; ALTER TABLE runs DROP COLUMN pid;
  ALTER TABLE runs DROP COLUMN alive_until; ALTER TABLE runs DROP COLUMN interrupted_at;
  ALTER TABLE user_edits DROP COLUMN source; DROP TABLE search_sentences; DROP TABLE search_sentences_state;`;

/** A database as Glimpse left it before migration 4: at version 3, with vectors and with no change log. */
function databaseBeforeChangeLog(path: string): number {
  const store = new SqliteStore(path);
  const space = store.embeddingSpace('toy', 'text', 3);
  store.transaction(() => {
    for (let id = 1; id <= 30; id++) store.saveVector(space, id, new Float32Array([1, id / 10, 0]));
  });
  store.close();
  const raw = new Database(path);
  raw.exec('DROP TABLE vector_changes');
  raw.exec(UNDO_CLAIMS);
  raw.pragma('user_version = 3');
  raw.close();
  return space;
}

test('the vector change log is created by migration 4, also over a table an older Glimpse made at its first write', () => {
  const fresh = new SqliteStore(':memory:');
  assert.ok(fresh.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'vector_changes'").get());
  fresh.close();

  const path = join(temporaryDirectory(), 'first-write.db');
  const store = new SqliteStore(path);
  const space = store.embeddingSpace('toy', 'text', 3);
  store.saveVector(space, 1, new Float32Array([1, 0, 0]));
  store.close();
  const raw = new Database(path);
  raw.exec(UNDO_CLAIMS);
  raw.pragma('user_version = 3');
  raw.close();
  const reopened = new SqliteStore(path);
  assert.equal(reopened.db.pragma('user_version', { simple: true }), MIGRATIONS.at(-1)!.version);
  assert.equal(
    reopened.db.prepare('SELECT generation FROM vector_changes WHERE space_id = ? AND image_id = 1').pluck().get(space),
    1,
    'the log kept',
  );
  reopened.close();
});

test('an older database without the change log still opens read-only and finds vectors, exactly and through the int8 copy', () => {
  const path = join(temporaryDirectory(), 'old-vectors.db');
  const space = databaseBeforeChangeLog(path);
  for (const exactScanBelow of [undefined, 0]) {
    const reader = new SqliteStore(path, { readonly: true, exactScanBelow });
    assert.equal(reader.db.pragma('user_version', { simple: true }), 3, 'a read-only open migrates nothing');
    const nearest = reader.nearest(space, new Float32Array([1, 3, 0]), 3);
    assert.deepEqual(
      nearest.map((hit) => hit.imageId),
      reader.exactNearest(space, new Float32Array([1, 3, 0]), 3).map((hit) => hit.imageId),
    );
    assert.equal(nearest[0].imageId, 30);
    reader.close();
  }
  const writer = new SqliteStore(path);
  assert.equal(writer.db.pragma('user_version', { simple: true }), MIGRATIONS.at(-1)!.version);
  writer.saveVector(space, 31, new Float32Array([0, 0, 1]));
  assert.equal(writer.nearest(space, new Float32Array([0, 0, 1]), 1)[0].imageId, 31);
  writer.close();
});

test('forgetting an image removes its rows, its vectors and, once no file has it, its content', () => {
  const store = new SqliteStore(':memory:');
  const facts = { sha256: 'ab', sizeBytes: 1, mtimeMs: 0, width: 1, height: 1, format: 'png', exif: null };
  const first = store.upsertImage({ ...facts, path: '/a/one.png' });
  const copy = store.upsertImage({ ...facts, path: '/b/two.png' });
  store.saveThumbnail('ab', Buffer.from('webp'));
  store.saveUserEdits('ab', { caption: 'mine' });
  const space = store.embeddingSpace('toy', 'text', 3);
  store.saveVector(space, first, new Float32Array([1, 0, 0]));
  store.saveSearchDocument(first, {
    caption: 'mine',
    tags: '',
    detailed: '',
    text: '',
    concepts: '',
    path: '/a/one.png',
  });
  store.deleteImage(first);
  assert.equal(store.imageById(first), undefined);
  assert.equal(store.hasVector(space, first), false);
  assert.equal(store.db.prepare('SELECT count(*) FROM search_index').pluck().get(), 0);
  assert.equal(store.userEdits('ab')?.caption, 'mine', 'another file still has the content');
  store.deleteImage(copy);
  assert.equal(store.userEdits('ab'), undefined);
  assert.equal(store.hasThumbnail('ab'), false);
  store.close();
});
