/**
 * The Store on PostgreSQL: the same contract as the SQLite store (storage/store.ts), so every command, the library
 * and `glimpse serve` run on it unchanged, and several processes (servers, workers) can share one database.
 * Queries run on a worker thread and this thread waits for them (connection.ts says why); `transaction()` runs its
 * function's writes between BEGIN and COMMIT on the store's one connection, nesting with savepoints.
 *
 * Round trips: each one stops this thread (about 1–5 ms on a busy machine), and a queue worker's main thread is shared
 * by all the images it holds, so the store saves them where it can. Inside a transaction, BEGIN and writes whose rows
 * nobody reads are deferred and travel with the next statement that must answer, or with COMMIT. Writing an image row
 * inside a transaction also reads, in the same round trip, what refreshing its search document reads next (the images
 * of that content, its description, a person's edits), and taking a claim reads how that content is described (the
 * indexer asks right after): both are answered from that read-ahead until the next write. Releasing a claim and
 * clearing a failure are sent without waiting (connection.ts `send`).
 *
 * Vectors use pgvector (HNSW) when the server has it (vector-sql.ts); without it Glimpse says so once and searches
 * full text only: spaces are listed as none and vectors are not kept.
 */
import type { Description } from '../../providers/spec.js';
import { holderIsGone, newProcessIdentity, type ProcessIdentity } from '../process-identity.js';
import {
  DESCRIPTION_COLUMNS,
  descriptionValues,
  fileNameOf,
  folderOf,
  interruptedOf,
  type OpenRunRow,
  rowToDescription,
  rowToImage,
  rowToUserEdits,
  runIsGone,
} from '../rows.js';
import type {
  DescriptionKey,
  EmbeddingSpace,
  FailureRecord,
  FileFacts,
  ImageRecord,
  InterruptedRun,
  Neighbour,
  ProviderUsage,
  RunCounts,
  SearchDocument,
  SearchIndexCompaction,
  SearchReadingsFill,
  Store,
  StoreCounts,
  StoredDescription,
  StoreOptions,
  UserEdits,
} from '../store.js';
import { PostgresConnection, type Row } from './connection.js';
import { MIGRATION_LOCK, MIGRATIONS } from './migrations.js';
import { documentTerms } from './search-terms.js';
import * as vectorSql from './vector-sql.js';

const now = () => new Date().toISOString();
/** How long a run counts as alive without its process renewing the lease (as on SQLite). */
const RUN_LEASE_MS = 120_000;

let vectorsOffSaid = false;

export class PostgresStore implements Store {
  readonly kind = 'postgres';
  readonly connection: PostgresConnection;
  private readonly me: ProcessIdentity;
  private depth = 0;
  private claimed = false;
  private vectorsOn: boolean | undefined;
  /** Rows read ahead (see above), by what they answer; emptied by every write and at a transaction's end. */
  private readonly ahead = new Map<string, Row[]>();

  constructor(
    readonly url: string,
    options: StoreOptions = {},
  ) {
    this.connection = new PostgresConnection(url, !options.readonly);
    this.me = newProcessIdentity();
    if (!options.readonly) this.migrate();
  }

  get location(): string {
    return this.url;
  }

  /** Rows of one statement (`?` placeholders). For the search module's full-text stage and `glimpse migrate`. */
  query<T = Row>(sql: string, params: unknown[] = []): T[] {
    if (!/^\s*SELECT\b/i.test(sql)) this.ahead.clear();
    return this.connection.query<T>(sql, params);
  }

  /**
   * A write whose rows nobody reads: inside a transaction it is deferred (sent with the next statement that answers,
   * or COMMIT). `keepsReadAhead`: it changes none of the rows read ahead (search documents, vectors, failures).
   */
  private write(sql: string, params: unknown[], keepsReadAhead = false): void {
    if (!keepsReadAhead) this.ahead.clear();
    if (this.depth > 0) this.connection.defer({ sql, params });
    else this.connection.query(sql, params);
  }

  /** Rows read ahead for `key`, if any; `once`: forgotten as they are used. */
  private readAhead(key: string, once = false): Row[] | undefined {
    const rows = this.ahead.get(key);
    if (once) this.ahead.delete(key);
    return rows;
  }

  private one<T = Row>(sql: string, params: unknown[] = []): T | undefined {
    return this.connection.query<T>(sql, params)[0];
  }

  /** Applies the migrations this database lacks, one process at a time. */
  private migrate(): void {
    this.transaction(() => {
      this.query('SELECT pg_advisory_xact_lock(?)', [MIGRATION_LOCK]);
      this.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
      );
      const applied = new Set(
        this.query<{ version: number }>('SELECT version FROM schema_migrations').map((r) => r.version),
      );
      for (const migration of MIGRATIONS) {
        if (applied.has(migration.version)) continue;
        this.connection.batch([
          { sql: migration.sql },
          {
            sql: 'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
            params: [migration.version, migration.name, now()],
          },
        ]);
      }
    });
  }

  /** The migrations applied, for tests and `glimpse migrate`. */
  schemaVersion(): number {
    return Number(
      this.one<{ version: number | null }>('SELECT max(version) AS version FROM schema_migrations')?.version ?? 0,
    );
  }

  transaction<T>(fn: () => T): T {
    const savepoint = `glimpse_${this.depth}`;
    const outer = this.depth === 0;
    // Deferred: sent with the transaction's first statement that answers (or its COMMIT).
    const opening = { sql: outer ? 'BEGIN' : `SAVEPOINT ${savepoint}` };
    this.connection.defer(opening);
    this.depth++;
    let result: T;
    try {
      result = fn();
      if (outer) this.connection.batch([{ sql: 'COMMIT' }]);
      else this.connection.defer({ sql: `RELEASE SAVEPOINT ${savepoint}` });
    } catch (error) {
      this.ahead.clear();
      if (this.connection.isPending(opening)) {
        // Nothing of it reached the server: there is nothing to roll back.
        this.connection.discardFrom(opening);
      } else {
        this.connection.discardPending();
        try {
          this.connection.query(outer ? 'ROLLBACK' : `ROLLBACK TO SAVEPOINT ${savepoint}`);
        } catch {
          // The connection is gone, and the transaction with it.
        }
      }
      throw error;
    } finally {
      this.depth--;
      if (outer) this.ahead.clear();
    }
    return result;
  }

  close(): void {
    try {
      if (this.claimed) this.query('DELETE FROM claims WHERE owner = ?', [this.me.owner]);
    } catch {
      // Closing a store whose server is gone: the claims expire on their own.
    }
    this.connection.close();
  }

  // ---- images and files ---------------------------------------------------------------------------------

  imageByPath(path: string): ImageRecord | undefined {
    return rowToImage(this.one('SELECT * FROM images WHERE path = ?', [path]));
  }

  imageById(id: number): ImageRecord | undefined {
    return rowToImage(this.one('SELECT * FROM images WHERE id = ?', [id]));
  }

  imagesBySha(sha256: string): ImageRecord[] {
    const rows =
      this.readAhead(`images:${sha256}`) ?? this.query('SELECT * FROM images WHERE sha256 = ? ORDER BY id', [sha256]);
    return rows.map((row) => rowToImage(row)!);
  }

  allImages(): ImageRecord[] {
    return this.query('SELECT * FROM images ORDER BY path').map((row) => rowToImage(row)!);
  }

  *iterateImages(batchSize = 1000): Generator<ImageRecord> {
    let after = 0;
    for (;;) {
      const rows = this.query('SELECT * FROM images WHERE id > ? ORDER BY id LIMIT ?', [after, batchSize]);
      for (const row of rows) yield rowToImage(row)!;
      if (rows.length < batchSize) return;
      after = Number(rows.at(-1)!.id);
    }
  }

  upsertImage(facts: FileFacts): number {
    const timestamp = now();
    this.ahead.clear();
    const upsert = {
      sql: `INSERT INTO images (path, folder, file_name, sha256, size_bytes, mtime_ms, width, height, format, taken_at, camera,
                           latitude, longitude, added_at, seen_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (path) DO UPDATE SET sha256 = excluded.sha256, size_bytes = excluded.size_bytes,
         mtime_ms = excluded.mtime_ms, width = excluded.width, height = excluded.height, format = excluded.format,
         taken_at = excluded.taken_at, camera = excluded.camera, latitude = excluded.latitude,
         longitude = excluded.longitude, seen_at = excluded.seen_at
       RETURNING id`,
      params: [
        facts.path,
        folderOf(facts.path),
        fileNameOf(facts.path),
        facts.sha256,
        facts.sizeBytes,
        facts.mtimeMs,
        facts.width,
        facts.height,
        facts.format,
        facts.exif?.takenAt ?? null,
        facts.exif?.camera ?? null,
        facts.exif?.latitude ?? null,
        facts.exif?.longitude ?? null,
        timestamp,
        timestamp,
      ],
    };
    if (this.depth === 0) return Number(this.connection.batch([upsert])[0][0].id);
    // In a transaction (the indexer's commit): what refreshing the search documents of this content reads next.
    const sha = [facts.sha256];
    const [[row], images, description, edits] = this.connection.batch([
      upsert,
      { sql: 'SELECT * FROM images WHERE sha256 = ? ORDER BY id', params: sha },
      { sql: 'SELECT * FROM descriptions WHERE sha256 = ?', params: sha },
      { sql: 'SELECT * FROM user_edits WHERE sha256 = ?', params: sha },
    ]);
    this.ahead.set(`images:${facts.sha256}`, images);
    this.ahead.set(`description:${facts.sha256}`, description);
    this.ahead.set(`edits:${facts.sha256}`, edits);
    return Number(row.id);
  }

  moveImage(id: number, newPath: string): void {
    this.write('UPDATE images SET path = ?, folder = ?, file_name = ?, seen_at = ? WHERE id = ?', [
      newPath,
      folderOf(newPath),
      fileNameOf(newPath),
      now(),
      id,
    ]);
  }

  touchImage(id: number): void {
    this.write('UPDATE images SET seen_at = ? WHERE id = ?', [now(), id]);
  }

  deleteImage(id: number): void {
    this.ahead.clear();
    this.transaction(() => {
      const image = this.imageById(id);
      this.connection.batch([
        { sql: 'DELETE FROM images WHERE id = ?', params: [id] },
        { sql: 'DELETE FROM search_documents WHERE image_id = ?', params: [id] },
        { sql: "SELECT nextval('search_changes')" },
      ]);
      for (const space of this.embeddingSpaces()) this.query(vectorSql.deleteVector(space.id), [id]);
      if (image && this.imagesBySha(image.sha256).length === 0)
        this.connection.batch(
          ['descriptions', 'user_edits', 'thumbnails'].map((table) => ({
            sql: `DELETE FROM ${table} WHERE sha256 = ?`,
            params: [image.sha256],
          })),
        );
    });
  }

  /** PostgreSQL's full-text index (search_documents) keeps no FTS5 segments: nothing to merge. */
  compactSearchIndex(): SearchIndexCompaction | null {
    return null;
  }

  /** Rows keep no reading here: search analyses the rows it reranks. */
  async fillSearchReadings(): Promise<SearchReadingsFill | null> {
    return null;
  }

  saveSearchDocument(imageId: number, document: SearchDocument): void {
    const { terms, length, vector, weights } = documentTerms(document);
    this.write(
      `INSERT INTO search_documents (image_id, caption, tags, detailed, text, concepts, path, terms, length, weights, document)
       SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::tsvector FROM (SELECT nextval('search_changes')) AS changed
       ON CONFLICT (image_id) DO UPDATE SET caption = excluded.caption, tags = excluded.tags,
         detailed = excluded.detailed, text = excluded.text, concepts = excluded.concepts, path = excluded.path,
         terms = excluded.terms, length = excluded.length, weights = excluded.weights, document = excluded.document`,
      [
        imageId,
        document.caption,
        document.tags,
        document.detailed,
        document.text,
        document.concepts,
        document.path,
        terms,
        length,
        weights,
        vector,
      ],
      true,
    );
  }

  // ---- descriptions, a person's edits and thumbnails ----------------------------------------------------

  description(sha256: string): StoredDescription | undefined {
    const row = (this.readAhead(`description:${sha256}`) ??
      this.query('SELECT * FROM descriptions WHERE sha256 = ?', [sha256]))[0];
    return row ? rowToDescription(row) : undefined;
  }

  isDescribed(sha256: string, key: DescriptionKey): boolean {
    // Read with the claim just taken on this content (the indexer asks again once it holds it).
    const described = this.readAhead(`described:${sha256}`, true);
    if (described)
      return described.some(
        (row) =>
          row.provider === key.provider &&
          row.requested_model === key.requestedModel &&
          row.prompt_version === key.promptVersion,
      );
    return (
      this.one(
        'SELECT 1 FROM descriptions WHERE sha256 = ? AND provider = ? AND requested_model = ? AND prompt_version = ?',
        [sha256, key.provider, key.requestedModel, key.promptVersion],
      ) !== undefined
    );
  }

  saveDescription(sha256: string, description: Description, key: DescriptionKey, ms: number): void {
    const updates = DESCRIPTION_COLUMNS.filter((column) => column !== 'sha256').map(
      (column) => `${column} = excluded.${column}`,
    );
    this.write(
      `INSERT INTO descriptions (${DESCRIPTION_COLUMNS.join(', ')}) VALUES (${DESCRIPTION_COLUMNS.map(() => '?').join(', ')})
       ON CONFLICT (sha256) DO UPDATE SET ${updates.join(', ')}`,
      descriptionValues(sha256, description, key, ms),
    );
  }

  userEdits(sha256: string): UserEdits | undefined {
    const row = (this.readAhead(`edits:${sha256}`) ??
      this.query('SELECT * FROM user_edits WHERE sha256 = ?', [sha256]))[0];
    return row ? rowToUserEdits(row) : undefined;
  }

  saveUserEdits(
    sha256: string,
    edits: { caption?: string | null; tags?: string[] | null },
    source?: string | null,
  ): void {
    this.ahead.clear();
    this.transaction(() => {
      const current = this.one<{ caption: string | null; tags: string | null }>(
        'SELECT caption, tags FROM user_edits WHERE sha256 = ? FOR UPDATE',
        [sha256],
      );
      const caption = edits.caption === undefined ? (current?.caption ?? null) : edits.caption;
      const currentTags = current?.tags ? (JSON.parse(current.tags) as string[]) : null;
      const tags = edits.tags === undefined ? currentTags : edits.tags;
      if (!caption && !tags?.length) {
        this.query('DELETE FROM user_edits WHERE sha256 = ?', [sha256]);
        return;
      }
      this.query(
        `INSERT INTO user_edits (sha256, caption, tags, edited_at, source) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (sha256) DO UPDATE SET caption = excluded.caption, tags = excluded.tags,
           edited_at = excluded.edited_at, source = excluded.source`,
        [sha256, caption, tags ? JSON.stringify(tags) : null, now(), source ?? null],
      );
    });
  }

  hasThumbnail(sha256: string): boolean {
    return this.one('SELECT 1 FROM thumbnails WHERE sha256 = ?', [sha256]) !== undefined;
  }

  saveThumbnail(sha256: string, webp: Buffer): void {
    this.query(
      'INSERT INTO thumbnails (sha256, webp) VALUES (?, ?) ON CONFLICT (sha256) DO UPDATE SET webp = excluded.webp',
      [sha256, webp],
    );
  }

  thumbnail(sha256: string): Buffer | undefined {
    const row = this.one<{ webp: Uint8Array }>('SELECT webp FROM thumbnails WHERE sha256 = ?', [sha256]);
    return row ? Buffer.from(row.webp.buffer, row.webp.byteOffset, row.webp.byteLength) : undefined;
  }

  // ---- failures, runs and the status summary ------------------------------------------------------------

  recordFailure(path: string, code: string, message: string, runId: number | null): void {
    this.query(
      `INSERT INTO failures (path, code, message, run_id, failed_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (path) DO UPDATE SET code = excluded.code, message = excluded.message, run_id = excluded.run_id,
         failed_at = excluded.failed_at`,
      [path, code, message, runId, now()],
    );
  }

  clearFailure(path: string): void {
    // Not waited for: it runs before whatever this store asks next.
    if (this.depth > 0) this.write('DELETE FROM failures WHERE path = ?', [path], true);
    else this.connection.send([{ sql: 'DELETE FROM failures WHERE path = ?', params: [path] }]);
  }

  failures(): FailureRecord[] {
    return this.query<FailureRecord>(
      'SELECT path, code, message, failed_at AS "failedAt" FROM failures ORDER BY failed_at DESC, path',
    );
  }

  startRun(provider: string, model: string): number {
    return this.transaction(() => {
      // One process at a time marks the runs and claims of processes that are gone.
      this.query('SELECT pg_advisory_xact_lock(?)', [MIGRATION_LOCK + 1]);
      this.releaseStaleClaims();
      const stamp = now();
      for (const run of this.openRuns())
        if (!run.interruptedAt && runIsGone(run))
          this.query('UPDATE runs SET interrupted_at = ? WHERE id = ?', [stamp, run.id]);
      const row = this.one<{ id: number }>(
        'INSERT INTO runs (started_at, provider, model, host, pid, alive_until) VALUES (?, ?, ?, ?, ?, ?) RETURNING id',
        [stamp, provider, model, this.me.host, this.me.pid, Date.now() + RUN_LEASE_MS],
      );
      return Number(row!.id);
    });
  }

  finishRun(id: number, counts: RunCounts): void {
    this.query('UPDATE runs SET finished_at = ?, indexed = ?, unchanged = ?, failed = ? WHERE id = ?', [
      now(),
      counts.indexed,
      counts.unchanged,
      counts.failed,
      id,
    ]);
  }

  interruptedRuns(limit = 20): InterruptedRun[] {
    return interruptedOf(this.openRuns(), limit);
  }

  private openRuns(): OpenRunRow[] {
    return this.query<OpenRunRow>(
      `SELECT id, started_at AS "startedAt", provider, model, host, pid, alive_until AS "aliveUntil",
              interrupted_at AS "interruptedAt"
       FROM runs WHERE finished_at IS NULL ORDER BY id DESC`,
    );
  }

  // ---- claims -------------------------------------------------------------------------------------------

  claim(sha256: string, ttlMs: number): boolean {
    const expires = Date.now() + ttlMs;
    const values = [sha256, this.me.owner, this.me.host, this.me.pid, expires];
    // Taken when free, already ours or expired; one statement, so two processes cannot both take it.
    // With it, how this content is described now: the indexer asks that next, once it holds the claim.
    const [taken, described] = this.connection.batch([
      {
        sql: `INSERT INTO claims (sha256, owner, host, pid, expires_at) VALUES (?, ?, ?, ?, ?)
              ON CONFLICT (sha256) DO UPDATE SET owner = excluded.owner, host = excluded.host, pid = excluded.pid,
                expires_at = excluded.expires_at
              WHERE claims.owner = excluded.owner OR claims.expires_at <= ?
              RETURNING 1`,
        params: [...values, Date.now()],
      },
      {
        sql: 'SELECT provider, requested_model, prompt_version FROM descriptions WHERE sha256 = ?',
        params: [sha256],
      },
    ]);
    if (taken.length > 0) this.ahead.set(`described:${sha256}`, described);
    else {
      // Held by another process: on this host and gone (killed), it is taken over.
      const holder = this.one<{ owner: string; host: string; pid: number }>(
        'SELECT owner, host, pid FROM claims WHERE sha256 = ?',
        [sha256],
      );
      if (!holder || !holderIsGone(holder)) return holder === undefined ? this.claim(sha256, ttlMs) : false;
      const replaced = this.query(
        'UPDATE claims SET owner = ?, host = ?, pid = ?, expires_at = ? WHERE sha256 = ? AND owner = ? RETURNING 1',
        [this.me.owner, this.me.host, this.me.pid, expires, sha256, holder.owner],
      );
      if (replaced.length === 0) return false;
    }
    this.claimed = true;
    return true;
  }

  releaseClaim(sha256: string): void {
    // Not waited for: it runs before whatever this store asks next; if it never does, the claim lapses.
    this.ahead.delete(`described:${sha256}`);
    const release = { sql: 'DELETE FROM claims WHERE sha256 = ? AND owner = ?', params: [sha256, this.me.owner] };
    if (this.depth > 0) this.connection.defer(release);
    else this.connection.send([release]);
  }

  renewLeases(ttlMs: number): void {
    const until = Date.now() + ttlMs;
    this.connection.batch([
      { sql: 'UPDATE claims SET expires_at = ? WHERE owner = ?', params: [until, this.me.owner] },
      {
        sql: 'UPDATE runs SET alive_until = ? WHERE host = ? AND pid = ? AND finished_at IS NULL',
        params: [until, this.me.host, this.me.pid],
      },
    ]);
  }

  private releaseStaleClaims(): void {
    const holders = this.query<{ owner: string; host: string; pid: number; expires_at: number }>(
      'SELECT DISTINCT owner, host, pid, expires_at FROM claims',
    );
    for (const holder of holders)
      if (holder.owner !== this.me.owner && (holder.expires_at < Date.now() || holderIsGone(holder)))
        this.query('DELETE FROM claims WHERE owner = ?', [holder.owner]);
  }

  counts(): StoreCounts {
    return this.one<StoreCounts>(
      `SELECT (SELECT count(*) FROM images) AS images,
              (SELECT count(*) FROM images WHERE sha256 IN (SELECT sha256 FROM descriptions)) AS described,
              (SELECT count(*) FROM failures) AS failed`,
    )!;
  }

  providersUsed(): ProviderUsage[] {
    return this.query<ProviderUsage>(
      `SELECT d.provider, d.model, d.prompt_version AS "promptVersion", count(i.id) AS images
       FROM descriptions d JOIN images i ON i.sha256 = d.sha256
       GROUP BY d.provider, d.model, d.prompt_version ORDER BY images DESC, d.provider`,
    );
  }

  // ---- vectors ------------------------------------------------------------------------------------------

  /** Whether pgvector is there (created here on first need); said once per process when it is not. */
  hasVectors(): boolean {
    if (this.vectorsOn === undefined) {
      const created = this.one("SELECT 1 FROM pg_extension WHERE extname = 'vector'") !== undefined;
      let on = created;
      if (!on && this.one(vectorSql.EXTENSION_AVAILABLE)) {
        try {
          this.query(vectorSql.CREATE_EXTENSION);
          on = true;
        } catch {
          on = false;
        }
      }
      this.vectorsOn = on;
      if (!on && !vectorsOffSaid) {
        vectorsOffSaid = true;
        process.emitWarning(
          'This PostgreSQL server has no pgvector extension: vectors are off, and search uses full text only. Install pgvector (https://github.com/pgvector/pgvector) for hybrid search and `glimpse similar`.',
        );
      }
    }
    return this.vectorsOn;
  }

  embeddingSpaces(): EmbeddingSpace[] {
    if (this.vectorsOn === false) return [];
    const spaces = this.query<EmbeddingSpace>('SELECT id, model, kind, dimensions FROM embedding_spaces ORDER BY id');
    if (spaces.length > 0 && !this.hasVectors()) return [];
    return spaces;
  }

  embeddingSpace(model: string, kind: 'text' | 'image', dimensions: number): number {
    const vectors = this.hasVectors();
    return this.transaction(() => {
      const existing = this.one<{ id: number; dimensions: number }>(
        'SELECT id, dimensions FROM embedding_spaces WHERE model = ? AND kind = ? FOR UPDATE',
        [model, kind],
      );
      if (existing && existing.dimensions === dimensions) return Number(existing.id);
      if (existing) {
        this.query(vectorSql.dropVectorTable(existing.id));
        this.query('DELETE FROM embedding_spaces WHERE id = ?', [existing.id]);
      }
      const row = this.one<{ id: number }>(
        'INSERT INTO embedding_spaces (model, kind, dimensions, created_at) VALUES (?, ?, ?, ?) RETURNING id',
        [model, kind, dimensions, now()],
      );
      const id = Number(row!.id);
      if (vectors) for (const sql of vectorSql.createVectorTable(id, dimensions)) this.query(sql);
      return id;
    });
  }

  saveVector(spaceId: number, imageId: number, vector: Float32Array): void {
    if (!this.hasVectors()) return;
    this.query(vectorSql.upsertVector(spaceId), [imageId, vectorSql.vectorText(vector)]);
  }

  hasVector(spaceId: number, imageId: number): boolean {
    if (!this.hasVectors()) return false;
    return this.one(`SELECT 1 FROM ${vectorSql.vectorTableName(spaceId)} WHERE image_id = ?`, [imageId]) !== undefined;
  }

  vector(spaceId: number, imageId: number): Float32Array | undefined {
    if (!this.hasVectors()) return undefined;
    const row = this.one<{ embedding: string }>(vectorSql.readVector(spaceId), [imageId]);
    return row ? vectorSql.parseVector(row.embedding) : undefined;
  }

  nearest(spaceId: number, vector: Float32Array, limit: number): Neighbour[] {
    if (!this.hasVectors()) return [];
    const [, rows] = this.connection.batch([
      { sql: vectorSql.searchBreadth(limit) },
      { sql: vectorSql.nearestVectors(spaceId), params: [vectorSql.vectorText(vector), limit] },
    ]);
    return rows as unknown as Neighbour[];
  }

  exactNearest(spaceId: number, vector: Float32Array, limit: number): Neighbour[] {
    if (!this.hasVectors()) return [];
    return this.query<Neighbour>(vectorSql.exactNearestVectors(spaceId), [vectorSql.vectorText(vector), limit]);
  }
}
