import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { temporaryDirectory } from '../../testing/fixtures.js';
import { SqliteStore } from './sqlite-store.js';
import { QuantizedVectors, scaleFor } from './vector-index.js';
import { vectorTable } from './vectors.js';

const DIMENSIONS = 24;

/** Deterministic unit vectors (xorshift), so every run tests the same data. */
function randomVectors(count: number, seed: number): Float32Array[] {
  let state = seed || 1;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return ((state >>> 0) / 0xffffffff) * 2 - 1;
  };
  return Array.from({ length: count }, () => {
    const vector = Float32Array.from({ length: DIMENSIONS }, next);
    const norm = Math.hypot(...vector);
    return vector.map((value) => value / norm);
  });
}

function cosineDistance(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let index = 0; index < a.length; index++) dot += a[index] * b[index];
  return 1 - dot;
}

function bruteForce(vectors: Map<number, Float32Array>, query: Float32Array, limit: number): number[] {
  return [...vectors]
    .map(([id, vector]) => ({ id, distance: cosineDistance(vector, query) }))
    .sort((a, b) => a.distance - b.distance)
    .slice(0, limit)
    .map((hit) => hit.id);
}

function overlap(found: number[], expected: number[]): number {
  const wanted = new Set(expected);
  return found.filter((id) => wanted.has(id)).length / expected.length;
}

/** A store on a real file whose spaces always use the in-memory index, filled with `count` vectors. */
function filledStore(
  folder: string,
  count: number,
  seed = 7,
): { store: SqliteStore; space: number; vectors: Map<number, Float32Array>; path: string } {
  const path = join(folder, 'library.db');
  const store = new SqliteStore(path, { exactScanBelow: 0 });
  const space = store.embeddingSpace('toy', 'text', DIMENSIONS);
  const vectors = new Map<number, Float32Array>();
  randomVectors(count, seed).forEach((vector, index) => vectors.set(index + 1, vector));
  store.transaction(() => vectors.forEach((vector, id) => store.saveVector(space, id, vector)));
  return { store, space, vectors, path };
}

test('int8 vectors: set, replace and remove; nearest agrees with brute force', () => {
  const data = randomVectors(600, 3);
  const index = new QuantizedVectors(DIMENSIONS, 0, scaleFor(data.slice(0, 100), DIMENSIONS), 4); // grows past its first capacity
  const vectors = new Map<number, Float32Array>();
  data.forEach((vector, position) => {
    vectors.set(position * 3 + 10, vector);
    index.set(position * 3 + 10, vector);
  });
  const [replacement] = randomVectors(1, 99);
  index.set(10, replacement);
  vectors.set(10, replacement);
  for (const id of [13, 16, 19]) {
    index.remove(id);
    vectors.delete(id);
  }
  index.remove(123456); // unknown: nothing happens
  assert.equal(index.count, vectors.size);
  let recall = 0;
  const queries = randomVectors(20, 5);
  for (const query of queries) {
    const found = index.nearest(query, 10);
    assert.equal(found.length, 10);
    recall +=
      overlap(
        found.map((hit) => hit.imageId),
        bruteForce(vectors, query, 10),
      ) / queries.length;
    for (const hit of found)
      assert.ok(
        Math.abs(hit.distance - cosineDistance(vectors.get(hit.imageId)!, query)) < 0.02,
        'int8 distances are close to the float ones',
      );
  }
  assert.ok(recall >= 0.95, `recall@10 ${recall}`);
  assert.equal(index.nearest(replacement, 1)[0].imageId, 10, 'a replaced vector is found as itself');
  assert.ok(
    !index.nearest(vectors.get(22)!, 600).some((hit) => [13, 16, 19].includes(hit.imageId)),
    'removed vectors are gone',
  );
  assert.equal(index.nearest(replacement, 10_000).length, vectors.size, 'a limit above the count returns them all');
});

test('the cached file round-trips, and a damaged, truncated or foreign one is refused', () => {
  const folder = temporaryDirectory();
  const path = join(folder, 'space.i8');
  const index = new QuantizedVectors(DIMENSIONS, 41, scaleFor([], DIMENSIONS));
  randomVectors(50, 11).forEach((vector, position) => index.set(position + 1, vector));
  const identity = { space: 3, createdAt: '2026-11-27T00:00:00.000Z', dimensions: DIMENSIONS };
  index.save(path, { ...identity, generation: 41 });
  const loaded = QuantizedVectors.load(path, identity);
  assert.ok(loaded);
  assert.equal(loaded.generation, 41);
  assert.equal(loaded.count, 50);
  assert.equal(loaded.scale, index.scale);
  const [query] = randomVectors(1, 12);
  assert.deepEqual(loaded.nearest(query, 5), index.nearest(query, 5));

  assert.equal(
    QuantizedVectors.load(path, { ...identity, createdAt: '2026-11-28T00:00:00.000Z' }),
    null,
    'another database',
  );
  assert.equal(QuantizedVectors.load(path, { ...identity, space: 4 }), null, 'another space');
  assert.equal(QuantizedVectors.load(join(folder, 'missing.i8'), identity), null, 'missing');
  const bytes = readFileSync(path);
  bytes[bytes.length - 100] ^= 0x40; // one flipped bit among the vectors
  writeFileSync(join(folder, 'flipped.i8'), bytes);
  assert.equal(QuantizedVectors.load(join(folder, 'flipped.i8'), identity), null, 'checksum mismatch');
  copyFileSync(path, join(folder, 'short.i8'));
  truncateSync(join(folder, 'short.i8'), statSync(path).size - 10);
  assert.equal(QuantizedVectors.load(join(folder, 'short.i8'), identity), null, 'truncated');
  writeFileSync(join(folder, 'garbage.i8'), 'not an index at all');
  assert.equal(QuantizedVectors.load(join(folder, 'garbage.i8'), identity), null, 'garbage');
});

test('Store.nearest through the index matches sqlite-vec brute force and writes the cache beside the database', () => {
  const { store, space, path } = filledStore(temporaryDirectory(), 800);
  let recall = 0;
  const queries = randomVectors(20, 21);
  for (const query of queries) {
    const found = store.nearest(space, query, 20);
    const exact = store.exactNearest(space, query, 20);
    recall +=
      overlap(
        found.map((hit) => hit.imageId),
        exact.map((hit) => hit.imageId),
      ) / queries.length;
  }
  assert.ok(recall >= 0.95, `recall@20 against sqlite-vec ${recall}`);
  assert.ok(existsSync(`${path}.vectors-${space}.i8`));
  store.close();
});

test('the cache survives reopening, and is caught up with changes other connections logged', () => {
  const { store, space, vectors, path } = filledStore(temporaryDirectory(), 300);
  const [probe] = randomVectors(1, 31);
  const before = store.nearest(space, probe, 10);
  store.close();
  const file = `${path}.vectors-${space}.i8`;
  const written = statSync(file).ino; // every save renames a new file into place

  const reopened = new SqliteStore(path, { exactScanBelow: 0 });
  assert.deepEqual(reopened.nearest(space, probe, 10), before);
  assert.equal(statSync(file).ino, written, 'loaded from the file, not rebuilt');

  // Another connection (as another process would) re-embeds one image, deletes another, adds a third.
  const other = new SqliteStore(path, { exactScanBelow: 0 });
  other.saveVector(space, 5, probe);
  other.deleteImage(before[0].imageId === 5 ? before[1].imageId : before[0].imageId);
  const [added] = randomVectors(1, 32);
  other.saveVector(space, 5000, added);
  other.close();

  const seen = reopened.nearest(space, probe, 10);
  assert.equal(seen[0].imageId, 5, 're-embedded vector seen by the connection that already held the index');
  assert.ok(seen[0].distance < 0.01);
  const gone = before[0].imageId === 5 ? before[1].imageId : before[0].imageId;
  assert.ok(!reopened.nearest(space, probe, 400).some((hit) => hit.imageId === gone), 'deleted vector gone');
  assert.equal(reopened.nearest(space, added, 1)[0].imageId, 5000, 'added vector found');
  reopened.close();

  const fresh = new SqliteStore(path, { exactScanBelow: 0 });
  assert.equal(fresh.nearest(space, probe, 1)[0].imageId, 5, 'a new connection catches the old file up too');
  assert.equal(fresh.nearest(space, added, 1)[0].imageId, 5000);
  assert.equal(fresh.nearest(space, probe, 1000).length, vectors.size + 1 - 1);
  fresh.close();
  const caughtUp = statSync(file).ino;
  assert.notEqual(caughtUp, written, 'the caught-up copy was saved');
  const later = new SqliteStore(path, { exactScanBelow: 0 });
  assert.equal(later.nearest(space, probe, 1)[0].imageId, 5);
  later.close();
  assert.equal(statSync(file).ino, caughtUp, 'and the next connection trusts it (counts agree after deletes)');
});

test('a stale, missing or corrupt cache is rebuilt from the table, never trusted', () => {
  const { store, space, path } = filledStore(temporaryDirectory(), 200);
  const [probe, other] = randomVectors(2, 41);
  store.nearest(space, probe, 5);
  store.close();
  const file = `${path}.vectors-${space}.i8`;

  // Stale: a bulk import wrote straight into the table, with no change log; the counts disagree.
  const bulk = new SqliteStore(path, { exactScanBelow: 0 });
  bulk.db
    .prepare(`INSERT INTO ${vectorTable(space)} (rowid, embedding) VALUES (?, ?)`)
    .run(BigInt(9000), Buffer.from(probe.buffer));
  bulk.close();
  const afterBulk = new SqliteStore(path, { exactScanBelow: 0 });
  assert.equal(afterBulk.nearest(space, probe, 1)[0].imageId, 9000);
  afterBulk.close();

  // Corrupt: bytes overwritten in the middle of the file.
  const bytes = readFileSync(file);
  bytes.fill(0x7f, bytes.length >> 1, (bytes.length >> 1) + 64);
  writeFileSync(file, bytes);
  const afterCorruption = new SqliteStore(path, { exactScanBelow: 0 });
  assert.equal(afterCorruption.nearest(space, probe, 1)[0].imageId, 9000);
  afterCorruption.close();
  assert.notDeepEqual(readFileSync(file), bytes, 'the damaged file was replaced');

  // Missing: deleted by hand; rebuilt and written again.
  rmSync(file);
  const afterRemoval = new SqliteStore(path, { exactScanBelow: 0 });
  assert.equal(afterRemoval.nearest(space, probe, 1)[0].imageId, 9000);
  afterRemoval.close();
  assert.ok(existsSync(file));

  // A file that belongs to another database at the same place (deleted and made anew) is not used either.
  const elsewhere = filledStore(temporaryDirectory(), 50, 99);
  elsewhere.store.saveVector(elsewhere.space, 77, other);
  elsewhere.store.nearest(elsewhere.space, other, 1);
  elsewhere.store.close();
  copyFileSync(`${elsewhere.path}.vectors-${elsewhere.space}.i8`, file);
  const afterSwap = new SqliteStore(path, { exactScanBelow: 0 });
  assert.notEqual(afterSwap.nearest(space, other, 1)[0].imageId, 77);
  assert.equal(afterSwap.nearest(space, probe, 1)[0].imageId, 9000);
  afterSwap.close();
});

test('moves keep an image vector, forgetting removes it, a new dimension drops the old cache', () => {
  const folder = temporaryDirectory();
  const { store, space, path } = filledStore(folder, 100);
  const [probe] = randomVectors(1, 51);
  const id = store.upsertImage({
    path: join(folder, 'a.jpg'),
    sha256: 'aa',
    sizeBytes: 1,
    mtimeMs: 0,
    width: 1,
    height: 1,
    format: 'jpeg',
    exif: null,
  });
  store.saveVector(space, id, probe);
  assert.equal(store.nearest(space, probe, 1)[0].imageId, id);
  store.moveImage(id, join(folder, 'b.jpg'));
  assert.equal(store.nearest(space, probe, 1)[0].imageId, id, 'a moved image keeps its vector');
  store.deleteImage(id);
  assert.notEqual(store.nearest(space, probe, 1)[0].imageId, id, 'a forgotten image leaves the index');
  assert.equal(store.hasVector(space, id), false);

  const resized = store.embeddingSpace('toy', 'text', DIMENSIONS + 1);
  assert.equal(existsSync(`${path}.vectors-${space}.i8`), false, 'the old space cache is deleted with its table');
  assert.deepEqual(
    store.nearest(
      resized,
      Float32Array.from({ length: DIMENSIONS + 1 }, () => 1),
      5,
    ),
    [],
  );
  store.close();
});

test('small spaces stay on sqlite-vec alone: no cache file', () => {
  const path = join(temporaryDirectory(), 'small.db');
  const store = new SqliteStore(path);
  const space = store.embeddingSpace('toy', 'text', DIMENSIONS);
  const vectors = randomVectors(30, 61);
  vectors.forEach((vector, index) => store.saveVector(space, index + 1, vector));
  assert.equal(store.nearest(space, vectors[4], 1)[0].imageId, 5);
  assert.equal(existsSync(`${path}.vectors-${space}.i8`), false);
  store.close();
});
