/**
 * Reading every vector of a sqlite-vec vec0 table fast. `SELECT rowid, embedding FROM vec0` visits rows one at a
 * time; the table's own chunk tables hold the same vectors as blobs of 1,024, and reading those is an order of
 * magnitude faster (the bench's vector-index build time shows it). That layout is sqlite-vec's private business, so it is used only for tables that
 * sqlite-vec 0.1.9 created (the version whose layout this reads: a validity bitmap, int64 rowids and packed
 * float32 vectors per chunk) and only when every blob has the expected size; otherwise, or on any surprise, it
 * returns false (having perhaps passed some vectors to `each`) and the caller starts again with the public query.
 */
import type { SqliteDatabase } from './database.js';

const KNOWN_LAYOUT = 'v0.1.9';

export function readVec0Chunks(
  db: SqliteDatabase,
  table: string,
  dimensions: number,
  each: (rowid: number, vector: Float32Array) => void,
): boolean {
  try {
    const version = db.prepare(`SELECT value FROM ${table}_info WHERE key = 'CREATE_VERSION'`).get() as
      | { value: string }
      | undefined;
    if (version?.value !== KNOWN_LAYOUT) return false;
    const rows = db
      .prepare(
        `SELECT c.size, c.validity, c.rowids, v.vectors FROM ${table}_chunks c JOIN ${table}_vector_chunks00 v ON v.rowid = c.chunk_id ORDER BY c.chunk_id`,
      )
      .raw()
      .iterate() as Iterable<[number, Buffer, Buffer, Buffer]>;
    for (const [size, validity, rowids, vectors] of rows) {
      if (validity.length * 8 < size || rowids.length !== size * 8 || vectors.length !== size * dimensions * 4)
        return false;
      // One aligned copy per chunk; the vectors below are views into it.
      const floats = new Float32Array(vectors.buffer.slice(vectors.byteOffset, vectors.byteOffset + vectors.length));
      for (let slot = 0; slot < size; slot++) {
        if ((validity[slot >> 3] & (1 << (slot & 7))) === 0) continue;
        const rowid = rowids.readBigInt64LE(slot * 8);
        if (rowid > BigInt(Number.MAX_SAFE_INTEGER) || rowid < 0n) return false;
        each(Number(rowid), floats.subarray(slot * dimensions, (slot + 1) * dimensions));
      }
    }
    return true;
  } catch {
    return false;
  }
}
