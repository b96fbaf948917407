/**
 * Vectors: `embedding_spaces` lists one space per model and kind, each with its own sqlite-vec table
 * `vectors_<space id>`. sqlite-vec is the source of truth and answers small spaces exactly; large spaces are
 * searched in an int8 copy held in memory and cached in a file beside the database (vector-index.ts), kept in step
 * through the change log `vector_changes`.
 */
import type { EmbeddingSpace, Neighbour } from '../store.js';
import type { SqliteDatabase } from './database.js';
import { readVec0Chunks } from './vec0-chunks.js';
import { QuantizedVectors, scaleFor } from './vector-index.js';

const now = () => new Date().toISOString();

/**
 * Below this many vectors in a space, nearest() asks sqlite-vec directly: its brute-force scan is quick at this size
 * and no file is written. From here on it scans an int8 copy in memory (vector-index.ts), whose cost grows far more
 * slowly with the space; the bench reports both, and the copy's recall against the exact answer.
 */
export const EXACT_SCAN_BELOW = 2_000;

/** A newer change log than this many rows behind the cached vectors: rebuild from the table rather than catch up. */
const MAX_CATCH_UP = 2_000;

interface VectorIndexState {
  /** The space's change generation this state reflects. */
  generation: number;
  /** Vectors in the space (as of `generation`). */
  count: number;
  /** The in-memory copy, or null while the space is small enough for sqlite-vec alone. */
  vectors: QuantizedVectors | null;
}

/** One write to a space, as the in-memory copy must follow it. */
export interface VectorChange {
  spaceId: number;
  generation: number;
  /** +1 a new vector, 0 a replaced one, -1 a removed one. */
  added: number;
}

export class SqliteVectors {
  private readonly vectorIndexes = new Map<number, VectorIndexState>();
  private changeLogSeen = false;

  /**
   * @param path the database file, beside which the int8 copies are cached (none for ':memory:')
   * @param exactScanBelow spaces with at least this many vectors use the in-memory int8 copy
   */
  constructor(
    private readonly db: SqliteDatabase,
    private readonly path: string,
    readonly exactScanBelow: number,
  ) {}

  /** Drop the in-memory copies: they hold every vector of a large space. */
  close(): void {
    this.vectorIndexes.clear();
  }

  embeddingSpaces(): EmbeddingSpace[] {
    return this.db
      .prepare('SELECT id, model, kind, dimensions FROM embedding_spaces ORDER BY id')
      .all() as EmbeddingSpace[];
  }

  /** The vec0 table for a model and kind, created on first use; another dimension drops the old table. */
  embeddingSpace(model: string, kind: 'text' | 'image', dimensions: number): number {
    const existing = this.db
      .prepare('SELECT id, dimensions FROM embedding_spaces WHERE model = ? AND kind = ?')
      .get(model, kind) as { id: number; dimensions: number } | undefined;
    if (existing && existing.dimensions === dimensions) return existing.id;
    return this.db.transaction(() => {
      if (existing) {
        this.db.exec(`DROP TABLE IF EXISTS ${vectorTable(existing.id)}`);
        this.db.prepare('DELETE FROM embedding_spaces WHERE id = ?').run(existing.id);
        this.forgetVectorIndex(existing.id);
      }
      const id = Number(
        this.db
          .prepare('INSERT INTO embedding_spaces (model, kind, dimensions, created_at) VALUES (?, ?, ?, ?)')
          .run(model, kind, dimensions, now()).lastInsertRowid,
      );
      this.db.exec(
        `CREATE VIRTUAL TABLE ${vectorTable(id)} USING vec0(embedding float[${dimensions}] distance_metric=cosine)`,
      );
      return id;
    })();
  }

  saveVector(spaceId: number, imageId: number, vector: Float32Array): void {
    const table = vectorTable(spaceId);
    const change = this.db.transaction(() => {
      const replaced = this.db.prepare(`DELETE FROM ${table} WHERE rowid = ?`).run(BigInt(imageId)).changes;
      this.db
        .prepare(`INSERT INTO ${table} (rowid, embedding) VALUES (?, ?)`)
        .run(BigInt(imageId), Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength));
      return { ...this.recordVectorChange(spaceId, imageId), added: 1 - replaced };
    })();
    this.afterVectorChange(change, (vectors) => vectors.set(imageId, vector));
  }

  hasVector(spaceId: number, imageId: number): boolean {
    return this.db.prepare(`SELECT 1 FROM ${vectorTable(spaceId)} WHERE rowid = ?`).get(BigInt(imageId)) !== undefined;
  }

  vector(spaceId: number, imageId: number): Float32Array | undefined {
    const row = this.db.prepare(`SELECT embedding FROM ${vectorTable(spaceId)} WHERE rowid = ?`).get(BigInt(imageId)) as
      | { embedding: Buffer }
      | undefined;
    return row ? toFloat32(row.embedding) : undefined;
  }

  /** Small spaces ask sqlite-vec (exact); large ones scan the int8 copy. */
  nearest(spaceId: number, vector: Float32Array, limit: number): Neighbour[] {
    const index = this.vectorIndex(spaceId);
    if (index) return index.nearest(vector, limit);
    return this.exactNearest(spaceId, vector, limit);
  }

  /** sqlite-vec's brute-force answer: the reference the in-memory copy is measured against. */
  exactNearest(spaceId: number, vector: Float32Array, limit: number): Neighbour[] {
    const rows = this.db
      .prepare(
        `SELECT rowid, distance FROM ${vectorTable(spaceId)} WHERE embedding MATCH ? AND k = ? ORDER BY distance`,
      )
      .all(Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength), limit) as {
      rowid: number | bigint;
      distance: number;
    }[];
    return rows.map((row) => ({ imageId: Number(row.rowid), distance: row.distance }));
  }

  /** Where a space's int8 copy is cached; null for an in-memory database. */
  vectorIndexPath(spaceId: number): string | null {
    return this.path === ':memory:' || this.path === '' ? null : `${this.path}.vectors-${Math.trunc(spaceId)}.i8`;
  }

  /** Inside the caller's transaction: remove an image's vector from every space. Pass the result to afterImageVectorsDeleted. */
  deleteImageVectors(imageId: number): VectorChange[] {
    return this.embeddingSpaces().map((space) => this.deleteVector(space.id, imageId));
  }

  /** Once that transaction has committed: keep this process's copies in step. */
  afterImageVectorsDeleted(changes: readonly VectorChange[], imageId: number): void {
    for (const change of changes) this.afterVectorChange(change, (vectors) => vectors.remove(imageId));
  }

  /**
   * The change log (migration 4): one row per (space, image) with the generation of its last change, so a process
   * holding an in-memory copy (or a cached file) can tell it is behind and re-read only what changed.
   */
  private recordVectorChange(spaceId: number, imageId: number): { spaceId: number; generation: number } {
    const generation = this.vectorGeneration(spaceId) + 1;
    this.db
      .prepare('INSERT OR REPLACE INTO vector_changes (space_id, image_id, generation) VALUES (?, ?, ?)')
      .run(spaceId, imageId, generation);
    return { spaceId, generation };
  }

  /** A dropped space: its change log, cached file and in-memory copy go too (a new space may reuse the id). */
  private forgetVectorIndex(spaceId: number): void {
    if (this.hasChangeLog()) {
      this.db.prepare('DELETE FROM vector_changes WHERE space_id = ?').run(spaceId);
    }
    this.vectorIndexes.delete(spaceId);
    const path = this.vectorIndexPath(spaceId);
    if (path) QuantizedVectors.remove(path);
  }

  private deleteVector(spaceId: number, imageId: number): VectorChange {
    const removed = this.db.prepare(`DELETE FROM ${vectorTable(spaceId)} WHERE rowid = ?`).run(BigInt(imageId)).changes;
    return { ...this.recordVectorChange(spaceId, imageId), added: -removed };
  }

  private vectorGeneration(spaceId: number): number {
    if (!this.hasChangeLog()) return 0;
    return (
      this.db
        .prepare('SELECT coalesce(max(generation), 0) AS generation FROM vector_changes WHERE space_id = ?')
        .get(spaceId) as { generation: number }
    ).generation;
  }

  /**
   * Whether the change log is there. A writable open migrates, so it always is; a read-only open of a database
   * older than migration 4 is not migrated and has none (its generation is 0). Asked at every vector search: once
   * the table is seen it stays (it is never dropped), so stop asking.
   */
  private hasChangeLog(): boolean {
    this.changeLogSeen ||=
      this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'vector_changes'").get() !==
      undefined;
    return this.changeLogSeen;
  }

  /** Keep this process's copy in step with its own write, or drop it if the write was not the next generation. */
  private afterVectorChange(change: VectorChange, apply: (vectors: QuantizedVectors) => void): void {
    const state = this.vectorIndexes.get(change.spaceId);
    if (!state) return;
    if (state.generation !== change.generation - 1) {
      this.vectorIndexes.delete(change.spaceId);
      return;
    }
    state.generation = change.generation;
    state.count += change.added;
    if (state.vectors) {
      apply(state.vectors);
      state.vectors.generation = change.generation;
    }
  }

  /** The in-memory copy for a space, loaded, caught up or rebuilt as needed; null while the space is small. */
  private vectorIndex(spaceId: number): QuantizedVectors | null {
    const generation = this.vectorGeneration(spaceId);
    const state = this.vectorIndexes.get(spaceId);
    if (state && state.generation === generation) {
      if (state.vectors || state.count < this.exactScanBelow) return state.vectors;
    }
    if (state?.vectors && generation > state.generation && this.catchUp(spaceId, state.vectors, generation)) {
      state.generation = generation;
      state.count = state.vectors.count;
      return state.vectors;
    }
    // One read transaction: the generation, the count and the vectors come from the same snapshot even while
    // another process writes.
    const fresh = this.db.transaction(() => this.openVectorIndex(spaceId, this.vectorGeneration(spaceId)))();
    this.vectorIndexes.set(spaceId, fresh);
    return fresh.vectors;
  }

  private openVectorIndex(spaceId: number, generation: number): VectorIndexState {
    const count = this.vectorCount(spaceId);
    if (count < this.exactScanBelow) return { generation, count, vectors: null };
    const space = this.db
      .prepare('SELECT dimensions, created_at AS createdAt FROM embedding_spaces WHERE id = ?')
      .get(spaceId) as { dimensions: number; createdAt: string } | undefined;
    if (!space) return { generation, count, vectors: null };
    const path = this.vectorIndexPath(spaceId);
    const identity = { space: spaceId, createdAt: space.createdAt, dimensions: space.dimensions };
    let vectors = path ? QuantizedVectors.load(path, identity) : null;
    const caughtUp = vectors !== null && vectors.generation !== generation;
    if (vectors && caughtUp && (vectors.generation > generation || !this.catchUp(spaceId, vectors, generation)))
      vectors = null;
    // The table is the truth: a copy that disagrees on the count (e.g. vectors written by a bulk import that kept
    // no change log) is not trusted.
    if (vectors && vectors.count !== count) vectors = null;
    const rebuilt = vectors === null;
    if (!vectors) vectors = this.rebuildVectorIndex(spaceId, space.dimensions, generation, count);
    if ((rebuilt || caughtUp) && path) {
      try {
        vectors.save(path, { ...identity, generation });
      } catch {
        // A read-only folder: the copy still serves this process; the next one rebuilds it.
      }
    }
    return { generation, count, vectors };
  }

  /**
   * How many vectors a space holds. vec0 answers count(*) by visiting every row, which is slow for a large space;
   * its own rowid table (one row per vector) is an ordinary table that counts quickly, so ask that when it is there.
   */
  private vectorCount(spaceId: number): number {
    const table = vectorTable(spaceId);
    const shadow = this.db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")
      .get(`${table}_rowids`)
      ? `${table}_rowids`
      : table;
    return (this.db.prepare(`SELECT count(*) AS count FROM ${shadow}`).get() as { count: number }).count;
  }

  private rebuildVectorIndex(spaceId: number, dimensions: number, generation: number, count: number): QuantizedVectors {
    const table = vectorTable(spaceId);
    const sample = (this.db.prepare(`SELECT embedding FROM ${table} LIMIT 20000`).raw().all() as [Buffer][]).map(
      ([embedding]) => toFloat32(embedding),
    );
    const scale = scaleFor(sample, dimensions);
    const fast = new QuantizedVectors(dimensions, generation, scale, count);
    // The chunk reader must agree with the table on the count, or its copy is dropped for the public query's.
    if (readVec0Chunks(this.db, table, dimensions, (rowid, vector) => fast.set(rowid, vector)) && fast.count === count)
      return fast;
    const vectors = new QuantizedVectors(dimensions, generation, scale, count);
    for (const [rowid, embedding] of this.db
      .prepare(`SELECT rowid, embedding FROM ${table}`)
      .raw()
      .iterate() as Iterable<[number | bigint, Buffer]>) {
      vectors.set(Number(rowid), toFloat32(embedding));
    }
    return vectors;
  }

  /** Apply the logged changes after `vectors.generation`; false when there are too many (rebuild instead). */
  private catchUp(spaceId: number, vectors: QuantizedVectors, generation: number): boolean {
    const changed = this.db
      .prepare(
        'SELECT image_id AS imageId FROM vector_changes WHERE space_id = ? AND generation > ? AND generation <= ? LIMIT ?',
      )
      .all(spaceId, vectors.generation, generation, MAX_CATCH_UP + 1) as { imageId: number }[];
    if (changed.length > MAX_CATCH_UP) return false;
    for (const { imageId } of changed) {
      const vector = this.vector(spaceId, imageId);
      if (vector) vectors.set(imageId, vector);
      else vectors.remove(imageId);
    }
    vectors.generation = generation;
    return true;
  }
}

function toFloat32(blob: Buffer): Float32Array {
  return new Float32Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength));
}

export function vectorTable(spaceId: number): string {
  return `vectors_${Math.trunc(spaceId)}`;
}
