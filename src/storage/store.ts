/**
 * The store: every read and write of the SQLite file goes through here, so the schema has one owner.
 * Methods are synchronous (better-sqlite3); each write is its own transaction, committed at once.
 */
import { basename, dirname } from 'node:path';
import type { Description, ExifSummary } from '../providers/spec.js';
import { openDatabase, type SqliteDatabase } from './database.js';
import { readVec0Chunks } from './vec0-chunks.js';
import { QuantizedVectors, scaleFor } from './vector-index.js';

export interface ImageRecord {
  id: number;
  path: string;
  folder: string;
  fileName: string;
  sha256: string;
  sizeBytes: number;
  mtimeMs: number | null;
  width: number | null;
  height: number | null;
  format: string | null;
  takenAt: string | null;
  camera: string | null;
  latitude: number | null;
  longitude: number | null;
  addedAt: string;
  seenAt: string;
}

/** What a provider returned (its answer to a custom prompt and token counts aside), and where it came from. */
export interface StoredDescription extends Omit<Description, 'answer' | 'usage'> {
  provider: string;
  requestedModel: string;
  promptVersion: string;
  describedAt: string;
  ms: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  costUsd: number | null;
}

export interface UserEdits {
  caption: string | null;
  tags: string[] | null;
  editedAt: string;
}

/** What identifies "the same description": re-describe when any of these differ. */
export interface DescriptionKey {
  provider: string;
  requestedModel: string;
  promptVersion: string;
}

export interface FailureRecord {
  path: string;
  code: string;
  message: string;
  failedAt: string;
}

export interface FileFacts {
  path: string;
  sha256: string;
  sizeBytes: number;
  mtimeMs: number | null;
  width: number;
  height: number;
  format: string;
  exif: ExifSummary | null;
}

/** Text for the full-text index, built by the search module from a description and user edits. */
export interface SearchDocument {
  caption: string;
  tags: string;
  detailed: string;
  text: string;
  concepts: string;
  path: string;
}

const now = () => new Date().toISOString();

/**
 * Below this many vectors in a space, nearest() asks sqlite-vec directly: its brute-force scan of 384-d vectors
 * takes ~1.1 ms per 1,000 (100k: 114 ms), so ≤ 2 ms here, and no file is written. From here on it scans an int8
 * copy in memory (storage/vector-index.ts): 0.6 ms at 10k, 3.3 ms at 100k, ~22 ms at 1M, recall@50 ≥ 0.99.
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

export class Store {
  readonly db: SqliteDatabase;
  readonly path: string;

  /** Spaces with at least this many vectors use the in-memory int8 index (tests set 0 to exercise it). */
  readonly exactScanBelow: number;
  private readonly vectorIndexes = new Map<number, VectorIndexState>();
  private changeLogSeen = false;

  constructor(path: string, options: { readonly?: boolean; exactScanBelow?: number } = {}) {
    this.path = path;
    this.db = openDatabase(path, options);
    this.exactScanBelow = options.exactScanBelow ?? EXACT_SCAN_BELOW;
  }

  close(): void {
    this.vectorIndexes.clear(); // up to ~400 MB per million vectors
    if (this.db.open) this.db.close();
  }

  // ---- images -------------------------------------------------------------------------------------------

  imageByPath(path: string): ImageRecord | undefined {
    return rowToImage(this.db.prepare('SELECT * FROM images WHERE path = ?').get(path));
  }

  imageById(id: number): ImageRecord | undefined {
    return rowToImage(this.db.prepare('SELECT * FROM images WHERE id = ?').get(id));
  }

  imagesBySha(sha256: string): ImageRecord[] {
    return this.db.prepare('SELECT * FROM images WHERE sha256 = ? ORDER BY id').all(sha256).map((row) => rowToImage(row)!);
  }

  allImages(): ImageRecord[] {
    return this.db.prepare('SELECT * FROM images ORDER BY path').all().map((row) => rowToImage(row)!);
  }

  /** Insert or update the row for a path; returns its id. */
  upsertImage(facts: FileFacts): number {
    const timestamp = now();
    const row = this.db
      .prepare(
        `INSERT INTO images (path, folder, file_name, sha256, size_bytes, mtime_ms, width, height, format, taken_at, camera,
                             latitude, longitude, added_at, seen_at)
         VALUES (@path, @folder, @fileName, @sha256, @sizeBytes, @mtimeMs, @width, @height, @format, @takenAt, @camera,
                 @latitude, @longitude, @timestamp, @timestamp)
         ON CONFLICT (path) DO UPDATE SET sha256 = excluded.sha256, size_bytes = excluded.size_bytes,
           mtime_ms = excluded.mtime_ms, width = excluded.width, height = excluded.height, format = excluded.format,
           taken_at = excluded.taken_at, camera = excluded.camera, latitude = excluded.latitude,
           longitude = excluded.longitude, seen_at = excluded.seen_at
         RETURNING id`,
      )
      .get({
        path: facts.path,
        folder: folderOf(facts.path),
        fileName: fileNameOf(facts.path),
        sha256: facts.sha256,
        sizeBytes: facts.sizeBytes,
        mtimeMs: facts.mtimeMs,
        width: facts.width,
        height: facts.height,
        format: facts.format,
        takenAt: facts.exif?.takenAt ?? null,
        camera: facts.exif?.camera ?? null,
        latitude: facts.exif?.latitude ?? null,
        longitude: facts.exif?.longitude ?? null,
        timestamp,
      }) as { id: number };
    return row.id;
  }

  /** A file was moved or renamed: keep its id (and so its vectors and search row), change its path. */
  moveImage(id: number, newPath: string): void {
    this.db
      .prepare('UPDATE images SET path = ?, folder = ?, file_name = ?, seen_at = ? WHERE id = ?')
      .run(newPath, folderOf(newPath), fileNameOf(newPath), now(), id);
  }

  touchImage(id: number): void {
    this.db.prepare('UPDATE images SET seen_at = ? WHERE id = ?').run(now(), id);
  }

  deleteImage(id: number): void {
    const removed: VectorChange[] = [];
    this.db.transaction(() => {
      const image = this.imageById(id);
      this.db.prepare('DELETE FROM images WHERE id = ?').run(id);
      this.db.prepare('DELETE FROM search_index WHERE rowid = ?').run(id);
      for (const space of this.embeddingSpaces()) removed.push(this.deleteVector(space.id, id));
      // Content nobody points at any more: forget its description, edits and thumbnail too.
      if (image && this.imagesBySha(image.sha256).length === 0) {
        for (const table of ['descriptions', 'user_edits', 'thumbnails']) {
          this.db.prepare(`DELETE FROM ${table} WHERE sha256 = ?`).run(image.sha256);
        }
      }
    })();
    for (const change of removed) this.afterVectorChange(change, (vectors) => vectors.remove(id));
  }

  // ---- descriptions -------------------------------------------------------------------------------------

  description(sha256: string): StoredDescription | undefined {
    const row = this.db.prepare('SELECT * FROM descriptions WHERE sha256 = ?').get(sha256) as Record<string, unknown> | undefined;
    if (!row) return undefined;
    return {
      caption: row.caption as string | null,
      detailed: row.detailed as string | null,
      alt: row.alt as string | null,
      tags: JSON.parse(row.tags as string),
      objects: JSON.parse(row.objects as string),
      text: row.text as string | null,
      safety: row.safety ? JSON.parse(row.safety as string) : null,
      provider: row.provider as string,
      model: row.model as string,
      requestedModel: row.requested_model as string,
      promptVersion: row.prompt_version as string,
      describedAt: row.described_at as string,
      ms: row.ms as number | null,
      inputTokens: row.input_tokens as number | null,
      outputTokens: row.output_tokens as number | null,
      costUsd: row.cost_usd as number | null,
    };
  }

  isDescribed(sha256: string, key: DescriptionKey): boolean {
    const row = this.db
      .prepare('SELECT 1 FROM descriptions WHERE sha256 = ? AND provider = ? AND requested_model = ? AND prompt_version = ?')
      .get(sha256, key.provider, key.requestedModel, key.promptVersion);
    return row !== undefined;
  }

  saveDescription(sha256: string, description: Description, key: DescriptionKey, ms: number): void {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO descriptions (sha256, caption, detailed, alt, tags, objects, text, safety, provider, model,
           requested_model, prompt_version, described_at, ms, input_tokens, output_tokens, cost_usd)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        sha256,
        description.caption,
        description.detailed,
        description.alt,
        JSON.stringify(description.tags ?? []),
        JSON.stringify(description.objects ?? []),
        description.text,
        description.safety ? JSON.stringify(description.safety) : null,
        key.provider,
        description.model,
        key.requestedModel,
        key.promptVersion,
        now(),
        Math.round(ms),
        description.usage?.inputTokens ?? null,
        description.usage?.outputTokens ?? null,
        description.usage?.costUsd ?? null,
      );
  }

  userEdits(sha256: string): UserEdits | undefined {
    const row = this.db.prepare('SELECT * FROM user_edits WHERE sha256 = ?').get(sha256) as Record<string, unknown> | undefined;
    if (!row) return undefined;
    return {
      caption: row.caption as string | null,
      tags: row.tags ? JSON.parse(row.tags as string) : null,
      editedAt: row.edited_at as string,
    };
  }

  /** Set a person's own caption and/or tags. `undefined` leaves a field as it is; `null` clears it. */
  saveUserEdits(sha256: string, edits: { caption?: string | null; tags?: string[] | null }): void {
    const current = this.userEdits(sha256);
    const caption = edits.caption === undefined ? current?.caption ?? null : edits.caption;
    const tags = edits.tags === undefined ? current?.tags ?? null : edits.tags;
    this.db
      .prepare('INSERT OR REPLACE INTO user_edits (sha256, caption, tags, edited_at) VALUES (?, ?, ?, ?)')
      .run(sha256, caption, tags ? JSON.stringify(tags) : null, now());
  }

  // ---- thumbnails ---------------------------------------------------------------------------------------

  hasThumbnail(sha256: string): boolean {
    return this.db.prepare('SELECT 1 FROM thumbnails WHERE sha256 = ?').get(sha256) !== undefined;
  }

  saveThumbnail(sha256: string, webp: Buffer): void {
    this.db.prepare('INSERT OR REPLACE INTO thumbnails (sha256, webp) VALUES (?, ?)').run(sha256, webp);
  }

  thumbnail(sha256: string): Buffer | undefined {
    return (this.db.prepare('SELECT webp FROM thumbnails WHERE sha256 = ?').get(sha256) as { webp: Buffer } | undefined)?.webp;
  }

  // ---- full-text index ----------------------------------------------------------------------------------

  saveSearchDocument(imageId: number, document: SearchDocument): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM search_index WHERE rowid = ?').run(imageId);
      this.db
        .prepare('INSERT INTO search_index (rowid, caption, tags, detailed, text, concepts, path) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(imageId, document.caption, document.tags, document.detailed, document.text, document.concepts, document.path);
    })();
  }

  // ---- failures and runs --------------------------------------------------------------------------------

  recordFailure(path: string, code: string, message: string, runId: number | null): void {
    this.db
      .prepare('INSERT OR REPLACE INTO failures (path, code, message, run_id, failed_at) VALUES (?, ?, ?, ?, ?)')
      .run(path, code, message, runId, now());
  }

  clearFailure(path: string): void {
    this.db.prepare('DELETE FROM failures WHERE path = ?').run(path);
  }

  failures(): FailureRecord[] {
    return this.db
      .prepare('SELECT path, code, message, failed_at AS failedAt FROM failures ORDER BY failed_at DESC, path')
      .all() as FailureRecord[];
  }

  startRun(provider: string, model: string): number {
    return Number(this.db.prepare('INSERT INTO runs (started_at, provider, model) VALUES (?, ?, ?)').run(now(), provider, model).lastInsertRowid);
  }

  finishRun(id: number, counts: { indexed: number; unchanged: number; failed: number }): void {
    this.db
      .prepare('UPDATE runs SET finished_at = ?, indexed = ?, unchanged = ?, failed = ? WHERE id = ?')
      .run(now(), counts.indexed, counts.unchanged, counts.failed, id);
  }

  counts(): { images: number; described: number; failed: number } {
    return this.db
      .prepare(
        `SELECT (SELECT count(*) FROM images) AS images,
                (SELECT count(*) FROM images WHERE sha256 IN (SELECT sha256 FROM descriptions)) AS described,
                (SELECT count(*) FROM failures) AS failed`,
      )
      .get() as { images: number; described: number; failed: number };
  }

  providersUsed(): { provider: string; model: string; promptVersion: string; images: number }[] {
    return this.db
      .prepare(
        `SELECT d.provider, d.model, d.prompt_version AS promptVersion, count(i.id) AS images
         FROM descriptions d JOIN images i ON i.sha256 = d.sha256
         GROUP BY d.provider, d.model, d.prompt_version ORDER BY images DESC`,
      )
      .all() as { provider: string; model: string; promptVersion: string; images: number }[];
  }

  // ---- vectors ------------------------------------------------------------------------------------------

  embeddingSpaces(): { id: number; model: string; kind: 'text' | 'image'; dimensions: number }[] {
    return this.db.prepare('SELECT id, model, kind, dimensions FROM embedding_spaces ORDER BY id').all() as {
      id: number;
      model: string;
      kind: 'text' | 'image';
      dimensions: number;
    }[];
  }

  /**
   * The vector table for a model and kind, created on first use. A model id names one space; a different model
   * (or the same name with another dimension) gets its own table, so vectors of different models never mix.
   */
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
      this.db.exec(`CREATE VIRTUAL TABLE ${vectorTable(id)} USING vec0(embedding float[${dimensions}] distance_metric=cosine)`);
      return id;
    })();
  }

  saveVector(spaceId: number, imageId: number, vector: Float32Array): void {
    const table = vectorTable(spaceId);
    const change = this.db.transaction(() => {
      const replaced = this.db.prepare(`DELETE FROM ${table} WHERE rowid = ?`).run(BigInt(imageId)).changes;
      this.db.prepare(`INSERT INTO ${table} (rowid, embedding) VALUES (?, ?)`).run(BigInt(imageId), Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength));
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

  /**
   * Nearest images to a vector: [{ imageId, distance }] with cosine distance (0 = same direction). Small spaces ask
   * sqlite-vec (exact); large ones scan the int8 copy (distances within about 0.01, the same neighbours in ≥ 99%).
   */
  nearest(spaceId: number, vector: Float32Array, limit: number): { imageId: number; distance: number }[] {
    const index = this.vectorIndex(spaceId);
    if (index) return index.nearest(vector, limit);
    return this.exactNearest(spaceId, vector, limit);
  }

  /** sqlite-vec's brute-force answer: the reference the in-memory index is measured against. */
  exactNearest(spaceId: number, vector: Float32Array, limit: number): { imageId: number; distance: number }[] {
    const rows = this.db
      .prepare(`SELECT rowid, distance FROM ${vectorTable(spaceId)} WHERE embedding MATCH ? AND k = ? ORDER BY distance`)
      .all(Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength), limit) as { rowid: number | bigint; distance: number }[];
    return rows.map((row) => ({ imageId: Number(row.rowid), distance: row.distance }));
  }

  /** Where a space's int8 copy is cached; null for an in-memory database. */
  vectorIndexPath(spaceId: number): string | null {
    return this.path === ':memory:' || this.path === '' ? null : `${this.path}.vectors-${Math.trunc(spaceId)}.i8`;
  }

  /**
   * The change log: one row per (space, image) with the generation of its last change, so a process holding an
   * in-memory copy (or a cached file) can tell it is behind and re-read only what changed. Created on first write
   * rather than by a migration because older databases must keep opening read-only.
   */
  private recordVectorChange(spaceId: number, imageId: number): { spaceId: number; generation: number } {
    if (!this.hasChangeLog()) {
      this.db.exec(`CREATE TABLE IF NOT EXISTS vector_changes (
                      space_id INTEGER NOT NULL, image_id INTEGER NOT NULL, generation INTEGER NOT NULL,
                      PRIMARY KEY (space_id, image_id)) WITHOUT ROWID;
                    CREATE INDEX IF NOT EXISTS vector_changes_by_generation ON vector_changes (space_id, generation);`);
    }
    const generation = this.vectorGeneration(spaceId) + 1;
    this.db.prepare('INSERT OR REPLACE INTO vector_changes (space_id, image_id, generation) VALUES (?, ?, ?)').run(spaceId, imageId, generation);
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
    return (this.db.prepare('SELECT coalesce(max(generation), 0) AS generation FROM vector_changes WHERE space_id = ?').get(spaceId) as { generation: number })
      .generation;
  }

  /** Asked at every vector search: once the table is seen it stays (it is never dropped), so stop asking. */
  private hasChangeLog(): boolean {
    this.changeLogSeen ||= this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'vector_changes'").get() !== undefined;
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
    const space = this.db.prepare('SELECT dimensions, created_at AS createdAt FROM embedding_spaces WHERE id = ?').get(spaceId) as
      | { dimensions: number; createdAt: string }
      | undefined;
    if (!space) return { generation, count, vectors: null };
    const path = this.vectorIndexPath(spaceId);
    const identity = { space: spaceId, createdAt: space.createdAt, dimensions: space.dimensions };
    let vectors = path ? QuantizedVectors.load(path, identity) : null;
    const caughtUp = vectors !== null && vectors.generation !== generation;
    if (vectors && caughtUp && (vectors.generation > generation || !this.catchUp(spaceId, vectors, generation))) vectors = null;
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
   * How many vectors a space holds. vec0 answers count(*) by visiting every row (1 s at 1M); its own rowid table
   * (one row per vector) answers in milliseconds, so ask that when it is there.
   */
  private vectorCount(spaceId: number): number {
    const table = vectorTable(spaceId);
    const shadow = this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(`${table}_rowids`) ? `${table}_rowids` : table;
    return (this.db.prepare(`SELECT count(*) AS count FROM ${shadow}`).get() as { count: number }).count;
  }

  private rebuildVectorIndex(spaceId: number, dimensions: number, generation: number, count: number): QuantizedVectors {
    const table = vectorTable(spaceId);
    const sample = (this.db.prepare(`SELECT embedding FROM ${table} LIMIT 20000`).raw().all() as [Buffer][]).map(([embedding]) => toFloat32(embedding));
    const scale = scaleFor(sample, dimensions);
    const fast = new QuantizedVectors(dimensions, generation, scale, count);
    // The chunk reader must agree with the table on the count, or its copy is dropped for the public query's.
    if (readVec0Chunks(this.db, table, dimensions, (rowid, vector) => fast.set(rowid, vector)) && fast.count === count) return fast;
    const vectors = new QuantizedVectors(dimensions, generation, scale, count);
    for (const [rowid, embedding] of this.db.prepare(`SELECT rowid, embedding FROM ${table}`).raw().iterate() as Iterable<[number | bigint, Buffer]>) {
      vectors.set(Number(rowid), toFloat32(embedding));
    }
    return vectors;
  }

  /** Apply the logged changes after `vectors.generation`; false when there are too many (rebuild instead). */
  private catchUp(spaceId: number, vectors: QuantizedVectors, generation: number): boolean {
    const changed = this.db
      .prepare('SELECT image_id AS imageId FROM vector_changes WHERE space_id = ? AND generation > ? AND generation <= ? LIMIT ?')
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

interface VectorChange {
  spaceId: number;
  generation: number;
  /** +1 a new vector, 0 a replaced one, -1 a removed one. */
  added: number;
}

function toFloat32(blob: Buffer): Float32Array {
  return new Float32Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength));
}

export function vectorTable(spaceId: number): string {
  return `vectors_${Math.trunc(spaceId)}`;
}

function folderOf(path: string): string {
  return /^https?:\/\//i.test(path) ? path.replace(/\/[^/]*$/, '') : dirname(path);
}

function fileNameOf(path: string): string {
  return /^https?:\/\//i.test(path) ? decodeURIComponent(path.replace(/[?#].*$/, '').split('/').pop() ?? path) : basename(path);
}

function rowToImage(row: unknown): ImageRecord | undefined {
  if (!row) return undefined;
  const r = row as Record<string, unknown>;
  return {
    id: r.id as number,
    path: r.path as string,
    folder: r.folder as string,
    fileName: r.file_name as string,
    sha256: r.sha256 as string,
    sizeBytes: r.size_bytes as number,
    mtimeMs: r.mtime_ms as number | null,
    width: r.width as number | null,
    height: r.height as number | null,
    format: r.format as string | null,
    takenAt: r.taken_at as string | null,
    camera: r.camera as string | null,
    latitude: r.latitude as number | null,
    longitude: r.longitude as number | null,
    addedAt: r.added_at as string,
    seenAt: r.seen_at as string,
  };
}
