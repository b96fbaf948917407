/**
 * The vector SQL of the PostgreSQL store (vector-sql.ts) run on PGlite with pgvector: Debian 12's PostgreSQL has no
 * pgvector package, so this is where the HNSW index and the cosine queries are checked.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import * as sql from './vector-sql.js';

function randomVector(random: () => number, dimensions: number): Float32Array {
  return Float32Array.from({ length: dimensions }, () => random() * 2 - 1);
}

/** A small deterministic generator (mulberry32), so the test is the same every run. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('pgvector on PGlite: one table per space with an HNSW index; nearest by cosine agrees with the exact answer', async () => {
  const db = await PGlite.create({ extensions: { vector } });
  try {
    await db.exec(sql.CREATE_EXTENSION);
    assert.equal((await db.query(sql.EXTENSION_AVAILABLE)).rows.length, 1);
    const dimensions = 16;
    for (const statement of sql.createVectorTable(7, dimensions)) await db.exec(statement);
    const index = await db.query<{ indexdef: string }>(
      "SELECT indexdef FROM pg_indexes WHERE tablename = 'vectors_7' AND indexdef LIKE '%hnsw%'",
    );
    assert.match(index.rows[0].indexdef, /USING hnsw \(embedding vector_cosine_ops\)/);

    const random = seeded(42);
    const vectors = Array.from({ length: 500 }, () => randomVector(random, dimensions));
    for (const [position, v] of vectors.entries())
      await db.query(sql.upsertVector(7), [position + 1, sql.vectorText(v)]);
    // Replacing a vector keeps one row.
    await db.query(sql.upsertVector(7), [1, sql.vectorText(vectors[0])]);
    assert.equal((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM vectors_7')).rows[0].n, 500);

    const read = await db.query<{ embedding: string }>(sql.readVector(7), [3]);
    const back = sql.parseVector(read.rows[0].embedding);
    assert.ok(back.every((value, i) => Math.abs(value - vectors[2][i]) < 1e-6));

    await db.exec(sql.searchBreadth(50));
    let recall = 0;
    for (let query = 0; query < 20; query++) {
      const probe = randomVector(random, dimensions);
      const approximate = await db.query<{ imageId: number; distance: number }>(sql.nearestVectors(7), [
        sql.vectorText(probe),
        10,
      ]);
      const exact = await db.query<{ imageId: number; distance: number }>(sql.exactNearestVectors(7), [
        sql.vectorText(probe),
        10,
      ]);
      // Cosine distance, checked against arithmetic done here.
      const first = exact.rows[0];
      const target = vectors[Number(first.imageId) - 1];
      const dot = probe.reduce((sum, value, i) => sum + value * target[i], 0);
      const norm = (v: Float32Array) => Math.sqrt(v.reduce((sum, value) => sum + value * value, 0));
      assert.ok(Math.abs(first.distance - (1 - dot / (norm(probe) * norm(target)))) < 1e-4);
      const exactIds = new Set(exact.rows.map((row) => Number(row.imageId)));
      recall += approximate.rows.filter((row) => exactIds.has(Number(row.imageId))).length / 10;
      assert.ok(
        approximate.rows.every((row, i) => i === 0 || row.distance >= approximate.rows[i - 1].distance),
        'nearest first',
      );
    }
    assert.ok(recall / 20 >= 0.9, `HNSW recall@10 ${recall / 20} against the exact scan`);

    await db.query(sql.deleteVector(7), [1]);
    assert.equal((await db.query(sql.readVector(7), [1])).rows.length, 0);
    await db.exec(sql.dropVectorTable(7));
    assert.equal((await db.query("SELECT 1 FROM pg_tables WHERE tablename = 'vectors_7'")).rows.length, 0);
  } finally {
    await db.close();
  }
});
