/**
 * The library API: `createGlimpse()` assembles the parts — a store, its search index, and (made on first use) a
 * describer and an embedder — and binds each verb of `methods/` to them. The verbs live in their own files; this
 * one only puts the house together.
 */
import { resolve } from 'node:path';
import { defaultDatabasePath } from './config/paths.js';
import { edit } from './methods/edit.js';
import { type Parts, rememberParts } from './methods/parts.js';
import { search } from './methods/search.js';
import { show } from './methods/show.js';
import { clearFailures, queueStatus, status } from './methods/status.js';
import { resolveDescriber, resolveEmbedder } from './providers/resolve.js';
import type { Embedder, ImageDescriber, ProviderSettings } from './providers/spec.js';
import { SearchIndex } from './search/search-index.js';
import { isPostgresUrl, redactUrl } from './storage/location.js';
import { openStore } from './storage/open-store.js';
import type {
  AltOptions,
  AltReport,
  AskLibraryOptions,
  AskLibraryResult,
  AskResult,
  CaptionOptions,
  CaptionResult,
  EnqueueSummary,
  ExportOptions,
  ExportSummary,
  FailureResult,
  ImageDetails,
  ImageEdits,
  ImageInput,
  ImportedDescription,
  ImportOptions,
  IndexEstimate,
  IndexEvent,
  IndexOptions,
  IndexSummary,
  QueueCounts,
  SearchOptions,
  SearchResponse,
  StatusReport,
  ThumbnailOptions,
  WorkerOptions,
  WorkerSummary,
  WriteMetadataOptions,
  WriteMetadataSummary,
} from './types.js';

export interface GlimpseOptions {
  /** SQLite file or PostgreSQL URL (postgres://user@host:5432/name); default `$GLIMPSE_DB`, else `$XDG_DATA_HOME/glimpse/glimpse.db`, else `~/.local/share/glimpse/glimpse.db`. */
  db?: string;
  /**
   * A describer object, or a registry name ("builtin", "openai"…), or a fallback chain ("ollama,builtin").
   * Default: "builtin".
   */
  provider?: ImageDescriber | string;
  /** Settings for a provider given by name: model, base URL, key, timeout; or a function giving each chain member its own. */
  providerSettings?: ProviderSettings | ((name: string) => ProviderSettings);
  /** Why this provider was chosen (shown by `status`), e.g. "--provider" or "default". */
  providerSource?: string;
  /**
   * Embedder for hybrid search: an object, a registry name, or null for none. Default: the provider's own
   * embedder when it has one configured, else none (full-text search with concept expansion only).
   */
  embedder?: Embedder | string | null;
  embedderSettings?: ProviderSettings;
  /** Parallel describe calls while indexing. Default: the provider's preference, else 4. */
  concurrency?: number;
  /** Refuse images with more pixels than this. */
  maxPixels?: number;
  readonly?: boolean;
}

export interface Glimpse {
  readonly dbPath: string;
  /** True when the library has a job queue (it is in PostgreSQL): `enqueue` and `work` can be used. */
  readonly hasQueue: boolean;
  /** The describer, created on first use. */
  describer(): Promise<ImageDescriber>;
  embedder(): Promise<Embedder | null>;
  /** Describe one image file, URL or buffer without indexing it. Throws GlimpseError. */
  caption(input: ImageInput, options?: CaptionOptions): Promise<CaptionResult>;
  /** Describe many inputs (folders are expanded), yielding each result or failure as it is ready. */
  captionMany(
    inputs: string[],
    options?: CaptionOptions & { concurrency?: number },
  ): AsyncGenerator<CaptionResult | FailureResult>;
  ask(input: ImageInput, question: string, options?: { signal?: AbortSignal }): Promise<AskResult>;
  /** Answer a question about the whole library from its descriptions, citing the images used. */
  askLibrary(question: string, options?: AskLibraryOptions): Promise<AskLibraryResult>;
  index(paths: string[], options?: IndexOptions): Promise<IndexSummary>;
  /**
   * Queue one job per image for workers and return (a PostgreSQL library: its queue lives beside it). Files are
   * queued by absolute path, which every worker must reach; URLs as they are.
   */
  enqueue(paths: string[], options?: { force?: boolean }): Promise<EnqueueSummary>;
  /** Progress of queued jobs as workers end them, as `index` reports it; resolves when all have ended. */
  followEnqueued(
    batch: EnqueueSummary,
    options?: { onProgress?: (event: IndexEvent) => void; signal?: AbortSignal },
  ): Promise<IndexSummary>;
  /** Describe queued jobs until `signal` aborts (or, with `exitWhenIdle`, none is left): `glimpse worker`. */
  work(options?: WorkerOptions): Promise<WorkerSummary>;
  /** The queue's waiting, active and failed jobs; null when the library has no queue (not in PostgreSQL). */
  queueStatus(): Promise<QueueCounts | null>;
  /** What `index` would describe and roughly cost, without calling the model (`--dry-run`). */
  estimate(paths: string[], options?: { force?: boolean }): Promise<IndexEstimate>;
  /** Store descriptions made elsewhere (human captions, another tool's) so they are searched like generated ones. */
  importDescriptions(items: readonly ImportedDescription[], options?: ImportOptions): Promise<number[]>;
  search(query: string, options?: SearchOptions): Promise<SearchResponse>;
  similar(image: string | number, options?: { limit?: number }): Promise<SearchResponse>;
  show(idOrPath: string | number): ImageDetails;
  edit(idOrPath: string | number, edits: ImageEdits): ImageDetails;
  status(): StatusReport;
  /** Forget the failed files `status` lists; returns how many. */
  clearFailures(): number;
  /**
   * Write indexed images' caption, tags, alt text and detailed description as XMP (sidecar or embedded) for photo
   * managers; `paths` (files or folders) limits it, none means every indexed local file.
   */
  writeMetadata(paths: string[], options: WriteMetadataOptions): Promise<WriteMetadataSummary>;
  /** Images in HTML and Markdown pages whose alt text needs fixing, with suggestions; `write` patches the pages. */
  alt(paths: string[], options?: AltOptions): Promise<AltReport>;
  /** Every image as a record (jsonl, csv, …), streamed to `options.write` (default: stdout). */
  export(options?: ExportOptions): Promise<ExportSummary>;
  /** A small WebP of an indexed image, made from the file on first request and kept. */
  thumbnail(idOrPath: string | number, options?: ThumbnailOptions): Promise<Buffer | undefined>;
  close(): Promise<void>;
}

export async function createGlimpse(options: GlimpseOptions = {}): Promise<Glimpse> {
  const location = options.db ?? defaultDatabasePath();
  // A PostgreSQL URL is used as it is; a file path is made absolute.
  const dbPath = location === ':memory:' || isPostgresUrl(location) ? location : resolve(location);
  const store = await openStore(dbPath, { readonly: options.readonly });
  const searchIndex = new SearchIndex(store);
  // What is shown (status, serve, index's summary): a PostgreSQL URL without its password.
  const shownLocation = redactUrl(dbPath);

  let describerPromise: Promise<ImageDescriber> | undefined;
  let embedderPromise: Promise<Embedder | null> | undefined;
  // The job queue lives in the library's PostgreSQL database; opened when a verb first needs it.
  let queuePromise: Promise<import('./queue/job-queue.js').JobQueue> | undefined;
  const openQueue = () =>
    (queuePromise ??= import('./queue/job-queue.js').then(({ JobQueue }) =>
      JobQueue.open(dbPath, {
        onError: (error) => {
          if (process.env.GLIMPSE_DEBUG) process.stderr.write(`glimpse: queue: ${error.message}\n`);
        },
      }),
    ));
  const parts: Parts = {
    store,
    searchIndex,
    describer: () =>
      (describerPromise ??= resolveDescriber(options.provider ?? 'builtin', options.providerSettings ?? {})),
    describerToName:
      typeof (options.provider ?? 'builtin') === 'string'
        ? () => {
            const settings = options.providerSettings ?? {};
            const settingsFor = (name: string) => (typeof settings === 'function' ? settings(name) : settings);
            // A stand-in key: a describer made to be named makes no call, so it needs no real one.
            return resolveDescriber(options.provider ?? 'builtin', (name) => ({
              ...settingsFor(name),
              apiKey: settingsFor(name).apiKey || 'not-used-by-a-dry-run',
            }));
          }
        : undefined,
    embedder: () => (embedderPromise ??= resolveEmbedder(options.embedder, options.embedderSettings ?? {})),
    queue: isPostgresUrl(dbPath) ? openQueue : undefined,
    settings: {
      location: shownLocation,
      providerName: typeof options.provider === 'string' ? options.provider : (options.provider?.provider ?? 'builtin'),
      providerSource: options.providerSource ?? (options.provider ? 'option' : 'default'),
      embedderAllowed: options.embedder !== null,
      concurrency: options.concurrency,
      maxPixels: options.maxPixels,
    },
  };

  const glimpse: Glimpse = {
    dbPath: shownLocation,
    hasQueue: isPostgresUrl(dbPath),
    describer: parts.describer,
    embedder: parts.embedder,
    // Verbs that return promises load their module on first call: a one-shot `glimpse search` loads only its own.
    caption: async (input, options) => (await import('./methods/caption.js')).caption(parts, input, options),
    async *captionMany(inputs, options) {
      yield* (await import('./methods/caption-many.js')).captionMany(parts, inputs, options);
    },
    ask: async (input, question, options) => (await import('./methods/ask.js')).ask(parts, input, question, options),
    askLibrary: async (question, options) =>
      (await import('./methods/ask-library.js')).askLibrary(parts, question, options),
    index: async (paths, options) => (await import('./methods/index-images.js')).indexImages(parts, paths, options),
    enqueue: async (paths, options) => (await import('./methods/enqueue.js')).enqueueImages(parts, paths, options),
    followEnqueued: async (batch, options) =>
      (await import('./methods/enqueue.js')).followEnqueued(parts, batch, options),
    work: async (options) => (await import('./methods/work.js')).work(parts, options),
    queueStatus: () => queueStatus(parts),
    estimate: async (paths, options) => (await import('./methods/estimate.js')).estimate(parts, paths, options),
    importDescriptions: async (items, options) =>
      (await import('./methods/import-descriptions.js')).importDescriptions(parts, items, options),
    search: (query, options) => search(parts, query, options),
    similar: async (image, options) => (await import('./methods/similar.js')).similar(parts, image, options),
    show: (idOrPath) => show(parts, idOrPath),
    edit: (idOrPath, edits) => edit(parts, idOrPath, edits),
    status: () => status(parts),
    clearFailures: () => clearFailures(parts),
    writeMetadata: async (paths, options) =>
      (await import('./methods/write-metadata.js')).writeMetadataFor(parts, paths, options),
    alt: async (paths, options) => (await import('./methods/alt.js')).alt(parts, paths, options),
    export: async (options) => (await import('./methods/export.js')).exportLibrary(parts, options),
    thumbnail: async (idOrPath, options) =>
      (await import('./methods/thumbnail.js')).thumbnail(parts, idOrPath, options),
    async close() {
      const closing: Promise<unknown>[] = [searchIndex.close()];
      if (describerPromise) closing.push(describerPromise.then((d) => d.close?.()).catch(() => undefined));
      if (embedderPromise) closing.push(embedderPromise.then((e) => e?.close?.()).catch(() => undefined));
      // ExifTool's process (metadata read at index time, or written), if one was started.
      closing.push(import('./metadata/exiftool.js').then((m) => m.closeMetadataTool()).catch(() => undefined));
      if (queuePromise) closing.push(queuePromise.then((queue) => queue.close()).catch(() => undefined));
      await Promise.all(closing);
      store.close();
    },
  };
  return rememberParts(glimpse, parts);
}
