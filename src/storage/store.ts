/**
 * The store: what Glimpse keeps about a library, whatever database keeps it. This file is the contract and its
 * record types (those the library returns are defined in types.ts); an implementation lives in its own folder
 * (`sqlite/`) and `open-store.ts` picks one.
 * Methods are synchronous; each write is its own transaction, committed at once, unless it runs inside
 * `transaction()`.
 */
import type { Description, ExifSummary } from '../providers/spec.js';

// The records a store returns are part of the library's public shapes, so they are defined with them.
import type { ImageRecord, StoredDescription, UserEdits } from '../types.js';

export type { ImageRecord, StoredDescription, UserEdits };

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
  /**
   * The row as search's reranker reads it, analysed when it is written (search/documents.ts); a store may keep it
   * (SQLite: search_sentences) or not (search then analyses the row's text: the same result, slower).
   */
  sentences?: string;
}

/** The vectors of one embedding model and kind. */
export interface EmbeddingSpace {
  id: number;
  model: string;
  kind: 'text' | 'image';
  dimensions: number;
}

/** A vector search hit: cosine distance, 0 = the same direction. */
export interface Neighbour {
  imageId: number;
  distance: number;
}

export interface RunCounts {
  indexed: number;
  unchanged: number;
  failed: number;
}

/** A run that never finished: its process was killed (or the machine went down) while it ran. */
export interface InterruptedRun {
  id: number;
  startedAt: string;
  provider: string | null;
  model: string | null;
  /** When a later run noticed; null when none has started since. */
  interruptedAt: string | null;
}

/** A search row's readable columns: what its stored reading is worked out from. */
export type SearchFields = Omit<SearchDocument, 'concepts' | 'sentences'>;

export interface FillSearchReadingsOptions {
  /** The reading format the rows must have (search/sentence.ts SENTENCE_FORMAT). */
  format: number;
  /** Works out a row's reading (search/documents.ts documentSentences). */
  read: (fields: SearchFields) => string;
  /** Rows per transaction. */
  batch?: number;
  onProgress?: (done: number, total: number) => void;
  /** Stops between batches; what was filled stays. */
  signal?: AbortSignal;
}

export interface SearchReadingsFill {
  filled: number;
  /** Rows that lacked a reading of the format when the fill began. */
  total: number;
  /** Every row has one now (false: stopped by the signal). */
  complete: boolean;
  ms: number;
}

export interface SearchIndexCompaction {
  segmentsBefore: number;
  segmentsAfter: number;
  ms: number;
}

export interface StoreCounts {
  images: number;
  described: number;
  failed: number;
}

export interface ProviderUsage {
  provider: string;
  model: string;
  promptVersion: string;
  images: number;
}

export interface StoreOptions {
  /** Open an existing store for reading only: no file is created and nothing is migrated. */
  readonly?: boolean;
}

export interface Store {
  /** Where the data lives: a file path or ':memory:' (a connection address for a database server). */
  readonly location: string;

  /** Run `fn` as one transaction: all of its writes are committed together, or none if it throws. Nests. */
  transaction<T>(fn: () => T): T;
  close(): void;

  // ---- images and files ---------------------------------------------------------------------------------
  imageByPath(path: string): ImageRecord | undefined;
  imageById(id: number): ImageRecord | undefined;
  imagesBySha(sha256: string): ImageRecord[];
  /** Every image, by path. */
  allImages(): ImageRecord[];
  /** Every image in id order, read `batchSize` rows at a time (constant memory; other calls may run between rows). */
  iterateImages(batchSize?: number): Generator<ImageRecord>;
  /** Insert or update the row for a path; returns its id. */
  upsertImage(facts: FileFacts): number;
  /** A file was moved or renamed: keep its id (and so its vectors and search row), change its path. */
  moveImage(id: number, newPath: string): void;
  /** The file was seen again, unchanged. */
  touchImage(id: number): void;
  /**
   * Forget an image: its row, search row and vectors; and, when no other image has the same content, that
   * content's description, edits and thumbnail.
   */
  deleteImage(id: number): void;
  /** Replace the image's row in the full-text index. */
  saveSearchDocument(imageId: number, document: SearchDocument): void;
  /**
   * Merge the full-text index's segments into one, as after a run that wrote many search rows: SQLite's FTS5 keeps
   * each commit's rows in a segment of their own and merges them only in part, so a query looks every term up once
   * per segment left. Calls `onLong` first when it is likely to take more than a second. Null where there are no
   * segments to merge (PostgreSQL, a read-only store).
   */
  compactSearchIndex(options?: { onLong?: (segments: number) => void }): SearchIndexCompaction | null;
  /**
   * Store the reading (see SearchDocument.sentences) of every search row that has none of `format`: rows written
   * before readings were kept, or in another format, which search otherwise analyses at every query that reranks
   * them. Batches, each in its own transaction, with a turn of the event loop between them (a signal can stop it). Null when there is nothing to do: every row has one already (one row
   * looked up), or the store keeps no readings (PostgreSQL) or is read-only.
   */
  fillSearchReadings(options: FillSearchReadingsOptions): Promise<SearchReadingsFill | null>;

  // ---- descriptions, a person's edits and thumbnails (per content hash) ---------------------------------
  description(sha256: string): StoredDescription | undefined;
  /** Described already by this provider, requested model and prompt version. */
  isDescribed(sha256: string, key: DescriptionKey): boolean;
  saveDescription(sha256: string, description: Description, key: DescriptionKey, ms: number): void;
  userEdits(sha256: string): UserEdits | undefined;
  /** Set a person's own caption and/or tags. `undefined` leaves a field as it is; `null` clears it. */
  /** `source`: where the edit came from (null: typed in Glimpse; "embedded metadata": read from the file). */
  saveUserEdits(
    sha256: string,
    edits: { caption?: string | null; tags?: string[] | null },
    source?: string | null,
  ): void;
  hasThumbnail(sha256: string): boolean;
  saveThumbnail(sha256: string, webp: Buffer): void;
  thumbnail(sha256: string): Buffer | undefined;

  // ---- failures, runs and the status summary ------------------------------------------------------------
  recordFailure(path: string, code: string, message: string, runId: number | null): void;
  clearFailure(path: string): void;
  /** Newest first. */
  failures(): FailureRecord[];
  /**
   * Returns the run's id. The run is held by this process; runs left unfinished by processes that are gone (killed)
   * are marked interrupted first, and their claims forgotten.
   */
  startRun(provider: string, model: string): number;
  finishRun(id: number, counts: RunCounts): void;
  /** Runs that never finished because their process is gone, newest first. */
  interruptedRuns(limit?: number): InterruptedRun[];

  // ---- claims: concurrent indexers share the work ------------------------------------------------------
  /**
   * Claim a content hash before describing it, for `ttlMs`: true when this store now holds it (it was free, expired,
   * already ours, or its holder's process is gone); false while another live process holds it.
   */
  claim(sha256: string, ttlMs: number): boolean;
  releaseClaim(sha256: string): void;
  /** Extend this store's claims and unfinished runs by `ttlMs`: called periodically while indexing. */
  renewLeases(ttlMs: number): void;
  counts(): StoreCounts;
  /** Which provider, model and prompt version described how many of the images, most first. */
  providersUsed(): ProviderUsage[];

  // ---- vectors ------------------------------------------------------------------------------------------
  embeddingSpaces(): EmbeddingSpace[];
  /**
   * The space for a model and kind, created on first use; returns its id. A model id names one space; a different
   * model (or the same name with another dimension) gets its own, so vectors of different models never mix: a
   * space asked for with a new dimension is emptied and made anew.
   */
  embeddingSpace(model: string, kind: 'text' | 'image', dimensions: number): number;
  saveVector(spaceId: number, imageId: number, vector: Float32Array): void;
  hasVector(spaceId: number, imageId: number): boolean;
  vector(spaceId: number, imageId: number): Float32Array | undefined;
  /**
   * Nearest images to a vector, nearest first. An implementation may answer large spaces approximately (distances
   * within about 0.01, nearly always the same neighbours); `exactNearest` is the exact answer it is measured against.
   */
  nearest(spaceId: number, vector: Float32Array, limit: number): Neighbour[];
  exactNearest(spaceId: number, vector: Float32Array, limit: number): Neighbour[];
}
