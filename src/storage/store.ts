/**
 * The store: every read and write of the SQLite file goes through here, so the schema has one owner.
 * Methods are synchronous (better-sqlite3); each write is its own transaction, committed at once.
 */
import { basename, dirname } from 'node:path';
import type { Description, DetectedObject, ExifSummary, SafetyReport } from '../providers/spec.js';
import { openDatabase, type SqliteDatabase } from './database.js';

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

export interface StoredDescription {
  caption: string | null;
  detailed: string | null;
  alt: string | null;
  tags: string[];
  objects: DetectedObject[];
  text: string | null;
  safety: SafetyReport | null;
  provider: string;
  model: string;
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

export class Store {
  readonly db: SqliteDatabase;
  readonly path: string;

  constructor(path: string, options: { readonly?: boolean } = {}) {
    this.path = path;
    this.db = openDatabase(path, options);
  }

  close(): void {
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
    this.db.transaction(() => {
      const image = this.imageById(id);
      this.db.prepare('DELETE FROM images WHERE id = ?').run(id);
      this.db.prepare('DELETE FROM search_index WHERE rowid = ?').run(id);
      for (const space of this.embeddingSpaces()) {
        this.db.prepare(`DELETE FROM ${vectorTable(space.id)} WHERE rowid = ?`).run(BigInt(id));
      }
      // Content nobody points at any more: forget its description, edits and thumbnail too.
      if (image && this.imagesBySha(image.sha256).length === 0) {
        for (const table of ['descriptions', 'user_edits', 'thumbnails']) {
          this.db.prepare(`DELETE FROM ${table} WHERE sha256 = ?`).run(image.sha256);
        }
      }
    })();
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
    this.db.transaction(() => {
      this.db.prepare(`DELETE FROM ${table} WHERE rowid = ?`).run(BigInt(imageId));
      this.db.prepare(`INSERT INTO ${table} (rowid, embedding) VALUES (?, ?)`).run(BigInt(imageId), Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength));
    })();
  }

  hasVector(spaceId: number, imageId: number): boolean {
    return this.db.prepare(`SELECT 1 FROM ${vectorTable(spaceId)} WHERE rowid = ?`).get(BigInt(imageId)) !== undefined;
  }

  vector(spaceId: number, imageId: number): Float32Array | undefined {
    const row = this.db.prepare(`SELECT embedding FROM ${vectorTable(spaceId)} WHERE rowid = ?`).get(BigInt(imageId)) as
      | { embedding: Buffer }
      | undefined;
    return row ? new Float32Array(row.embedding.buffer.slice(row.embedding.byteOffset, row.embedding.byteOffset + row.embedding.byteLength)) : undefined;
  }

  /** Nearest images to a vector: [{ imageId, distance }] with cosine distance (0 = same direction). */
  nearest(spaceId: number, vector: Float32Array, limit: number): { imageId: number; distance: number }[] {
    const rows = this.db
      .prepare(`SELECT rowid, distance FROM ${vectorTable(spaceId)} WHERE embedding MATCH ? AND k = ? ORDER BY distance`)
      .all(Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength), limit) as { rowid: number | bigint; distance: number }[];
    return rows.map((row) => ({ imageId: Number(row.rowid), distance: row.distance }));
  }
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
