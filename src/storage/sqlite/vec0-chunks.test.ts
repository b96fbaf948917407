import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { temporaryDirectory } from '../../testing/fixtures.js';
import { SqliteStore } from './sqlite-store.js';
import { readVec0Chunks } from './vec0-chunks.js';
import { vectorTable } from './vectors.js';

function publicScan(store: SqliteStore, table: string): Map<number, number[]> {
  const rows = store.db.prepare(`SELECT rowid, embedding FROM ${table}`).raw().all() as [number | bigint, Buffer][];
  return new Map(
    rows.map(([rowid, blob]) => [
      Number(rowid),
      Array.from(new Float32Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.length))),
    ]),
  );
}

test('the chunk reader returns exactly what the public query returns, across chunks, deletes and replacements', () => {
  const store = new SqliteStore(join(temporaryDirectory(), 'chunks.db'));
  const space = store.embeddingSpace('toy', 'text', 5);
  store.transaction(() => {
    for (let id = 1; id <= 2600; id++)
      store.saveVector(
        space,
        id * 7,
        Float32Array.from({ length: 5 }, (_, index) => Math.sin(id * (index + 1))),
      );
  });
  for (const id of [7, 700, 7007, 14_000]) store.deleteImage(id);
  store.saveVector(space, 21, new Float32Array([9, 9, 9, 9, 9]));
  const table = vectorTable(space);
  const read = new Map<number, number[]>();
  assert.equal(
    readVec0Chunks(store.db, table, 5, (rowid, vector) => read.set(rowid, Array.from(vector))),
    true,
  );
  const expected = publicScan(store, table);
  assert.equal(read.size, 2600 - 4);
  assert.deepEqual(read, expected);
  assert.deepEqual(read.get(21), [9, 9, 9, 9, 9]);
  store.close();
});

// (sqlite-vec refuses writes to its shadow tables, so another layout version cannot be faked here.)
test('the chunk reader declines what it does not expect: wrong dimensions, no such table', () => {
  const store = new SqliteStore(join(temporaryDirectory(), 'other.db'));
  const space = store.embeddingSpace('toy', 'text', 3);
  store.saveVector(space, 1, new Float32Array([1, 2, 3]));
  const table = vectorTable(space);
  assert.equal(
    readVec0Chunks(store.db, table, 4, () => {}),
    false,
    'blob sizes do not match the dimensions',
  );
  assert.equal(
    readVec0Chunks(store.db, table, 3, () => {}),
    true,
  );
  assert.equal(
    readVec0Chunks(store.db, 'no_such_table', 3, () => {}),
    false,
  );
  store.close();
});
