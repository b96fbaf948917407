/**
 * The Store in one SQLite file (better-sqlite3, synchronous): the components below each own some tables and are
 * assembled here, where the one write that spans them (forgetting an image) also lives. The full-text search in
 * `search/` reads `db` directly, so it is public.
 */
import type { Description } from '../../providers/spec.js';
import { newProcessIdentity } from '../process-identity.js';
import type {
  DescriptionKey,
  EmbeddingSpace,
  FailureRecord,
  FileFacts,
  FillSearchReadingsOptions,
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
import { SqliteClaims } from './claims.js';
import { openDatabase, type SqliteDatabase } from './database.js';
import { SqliteDescriptions } from './descriptions.js';
import { SqliteImages } from './images.js';
import { SqliteRuns } from './runs.js';
import { EXACT_SCAN_BELOW, SqliteVectors } from './vectors.js';

/**
 * What merging the full-text index's segments costs per record of search_index_data, measured (3.8 s for the
 * 70,000 records of a million synthetic images, 0.34 s for the 7,000 of 100,000): above a second, progress says so.
 */
const OPTIMIZE_MS_PER_RECORD = 0.055;

export interface SqliteStoreOptions extends StoreOptions {
  /** Spaces with at least this many vectors use the in-memory int8 copy (tests set 0 to exercise it). */
  exactScanBelow?: number;
}

export class SqliteStore implements Store {
  readonly db: SqliteDatabase;
  readonly path: string;
  private readonly images: SqliteImages;
  private readonly descriptions: SqliteDescriptions;
  private readonly runs: SqliteRuns;
  private readonly claims: SqliteClaims;
  private readonly vectors: SqliteVectors;

  constructor(path: string, options: SqliteStoreOptions = {}) {
    this.path = path;
    this.db = openDatabase(path, options);
    this.images = new SqliteImages(this.db);
    this.descriptions = new SqliteDescriptions(this.db);
    const me = newProcessIdentity();
    this.runs = new SqliteRuns(this.db, me);
    this.claims = new SqliteClaims(this.db, me);
    this.vectors = new SqliteVectors(this.db, path, options.exactScanBelow ?? EXACT_SCAN_BELOW);
  }

  get location(): string {
    return this.path;
  }

  /** Spaces with at least this many vectors use the in-memory int8 copy. */
  get exactScanBelow(): number {
    return this.vectors.exactScanBelow;
  }

  /**
   * A write transaction, begun IMMEDIATE: it waits (busy timeout) for another process's write lock up front. A
   * deferred one that read first could not wait when it came to write, and would fail with "database is locked".
   */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  close(): void {
    if (this.db.open && !this.db.readonly) this.claims.releaseAllClaims();
    this.vectors.close();
    if (this.db.open) this.db.close();
  }

  // ---- images and files ---------------------------------------------------------------------------------

  imageByPath(path: string): ImageRecord | undefined {
    return this.images.imageByPath(path);
  }

  imageById(id: number): ImageRecord | undefined {
    return this.images.imageById(id);
  }

  imagesBySha(sha256: string): ImageRecord[] {
    return this.images.imagesBySha(sha256);
  }

  allImages(): ImageRecord[] {
    return this.images.allImages();
  }

  iterateImages(batchSize?: number): Generator<ImageRecord> {
    return this.images.iterateImages(batchSize);
  }

  upsertImage(facts: FileFacts): number {
    return this.images.upsertImage(facts);
  }

  moveImage(id: number, newPath: string): void {
    this.images.moveImage(id, newPath);
  }

  touchImage(id: number): void {
    this.images.touchImage(id);
  }

  deleteImage(id: number): void {
    const removed = this.transaction(() => {
      const image = this.images.imageById(id);
      this.images.deleteRows(id);
      const changes = this.vectors.deleteImageVectors(id);
      if (image && this.images.imagesBySha(image.sha256).length === 0) this.descriptions.forgetContent(image.sha256);
      return changes;
    });
    this.vectors.afterImageVectorsDeleted(removed, id);
  }

  saveSearchDocument(imageId: number, document: SearchDocument): void {
    this.images.saveSearchDocument(imageId, document);
  }

  compactSearchIndex(options: { onLong?: (segments: number) => void } = {}): SearchIndexCompaction | null {
    // Merging rewrites the whole index (seconds in a large library): not while another process indexes it, whose
    // writes would wait behind every step, and whose new segments would be merged again. That run merges when it
    // ends, if it wrote enough.
    if (this.db.readonly || this.runs.othersRunning()) return null;
    const started = performance.now();
    const before = this.images.searchIndexShape();
    if (before.segments <= 1) return { segmentsBefore: before.segments, segmentsAfter: before.segments, ms: 0 };
    if (before.records * OPTIMIZE_MS_PER_RECORD >= 1000) options.onLong?.(before.segments);
    // In steps, each its own transaction: the write lock is held for a fraction of a second at a time, so another
    // process's write waits that long, not for the whole merge (seconds at a million images, past the busy timeout).
    for (let first = true; this.transaction(() => this.images.mergeSearchIndexStep(first)); first = false) {}
    return {
      segmentsBefore: before.segments,
      segmentsAfter: this.images.searchIndexShape().segments,
      ms: Math.round(performance.now() - started),
    };
  }

  async fillSearchReadings(options: FillSearchReadingsOptions): Promise<SearchReadingsFill | null> {
    return this.db.readonly ? null : this.images.fillSearchReadings(options);
  }

  // ---- descriptions, a person's edits and thumbnails ----------------------------------------------------

  description(sha256: string): StoredDescription | undefined {
    return this.descriptions.description(sha256);
  }

  isDescribed(sha256: string, key: DescriptionKey): boolean {
    return this.descriptions.isDescribed(sha256, key);
  }

  saveDescription(sha256: string, description: Description, key: DescriptionKey, ms: number): void {
    this.descriptions.saveDescription(sha256, description, key, ms);
  }

  userEdits(sha256: string): UserEdits | undefined {
    return this.descriptions.userEdits(sha256);
  }

  saveUserEdits(
    sha256: string,
    edits: { caption?: string | null; tags?: string[] | null },
    source?: string | null,
  ): void {
    this.descriptions.saveUserEdits(sha256, edits, source);
  }

  hasThumbnail(sha256: string): boolean {
    return this.descriptions.hasThumbnail(sha256);
  }

  saveThumbnail(sha256: string, webp: Buffer): void {
    this.descriptions.saveThumbnail(sha256, webp);
  }

  thumbnail(sha256: string): Buffer | undefined {
    return this.descriptions.thumbnail(sha256);
  }

  // ---- failures, runs and the status summary ------------------------------------------------------------

  recordFailure(path: string, code: string, message: string, runId: number | null): void {
    this.runs.recordFailure(path, code, message, runId);
  }

  clearFailure(path: string): void {
    this.runs.clearFailure(path);
  }

  failures(): FailureRecord[] {
    return this.runs.failures();
  }

  startRun(provider: string, model: string): number {
    return this.transaction(() => {
      this.claims.releaseStaleClaims();
      return this.runs.startRun(provider, model);
    });
  }

  finishRun(id: number, counts: RunCounts): void {
    this.runs.finishRun(id, counts);
  }

  interruptedRuns(limit?: number): InterruptedRun[] {
    return this.runs.interruptedRuns(limit);
  }

  // ---- claims -------------------------------------------------------------------------------------------

  claim(sha256: string, ttlMs: number): boolean {
    return this.claims.claim(sha256, ttlMs);
  }

  releaseClaim(sha256: string): void {
    this.claims.releaseClaim(sha256);
  }

  renewLeases(ttlMs: number): void {
    this.transaction(() => {
      this.claims.renewClaims(ttlMs);
      this.runs.renewRuns(ttlMs);
    });
  }

  counts(): StoreCounts {
    return this.runs.counts();
  }

  providersUsed(): ProviderUsage[] {
    return this.runs.providersUsed();
  }

  // ---- vectors ------------------------------------------------------------------------------------------

  embeddingSpaces(): EmbeddingSpace[] {
    return this.vectors.embeddingSpaces();
  }

  embeddingSpace(model: string, kind: 'text' | 'image', dimensions: number): number {
    return this.vectors.embeddingSpace(model, kind, dimensions);
  }

  saveVector(spaceId: number, imageId: number, vector: Float32Array): void {
    this.vectors.saveVector(spaceId, imageId, vector);
  }

  hasVector(spaceId: number, imageId: number): boolean {
    return this.vectors.hasVector(spaceId, imageId);
  }

  vector(spaceId: number, imageId: number): Float32Array | undefined {
    return this.vectors.vector(spaceId, imageId);
  }

  nearest(spaceId: number, vector: Float32Array, limit: number): Neighbour[] {
    return this.vectors.nearest(spaceId, vector, limit);
  }

  exactNearest(spaceId: number, vector: Float32Array, limit: number): Neighbour[] {
    return this.vectors.exactNearest(spaceId, vector, limit);
  }

  /** Where a space's int8 copy is cached beside the database file; null for an in-memory database. */
  vectorIndexPath(spaceId: number): string | null {
    return this.vectors.vectorIndexPath(spaceId);
  }
}
