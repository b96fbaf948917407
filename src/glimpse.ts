/**
 * The library API: `createGlimpse()` returns the object the CLI, the HTTP server and user programs all use.
 * It owns one store and, lazily, one describer and one embedder; the verbs themselves live in their own files.
 * The image pipeline (sharp) loads on first use, so `glimpse search` starts without it.
 */
const pipeline = () => import('./pipeline/describe.js');
import { resolve } from 'node:path';
import { defaultDatabasePath } from './config/paths.js';
import { GlimpseError, isFatal, type ErrorCode } from './errors.js';
import type { IndexEstimate } from './pipeline/estimate.js';
import { resolveDescriber, resolveEmbedder } from './providers/resolve.js';
import type { Embedder, ImageDescriber, ProviderSettings } from './providers/spec.js';
import { closeRankingThreads } from './search/full-text.js';
import { closeHighlights } from './search/highlights.js';
import { hasWeightedBm25 } from './search/native-ranking.js';
import { searchImages } from './search/search.js';
import { saveTermCounts } from './search/term-frequencies.js';
import { openStore } from './storage/open-store.js';
import type { SqliteStore } from './storage/sqlite/sqlite-store.js';
import type {
  AskResult,
  CaptionOptions,
  CaptionResult,
  FailureResult,
  ImageDetails,
  IndexOptions,
  IndexSummary,
  SearchOptions,
  SearchResponse,
  StatusReport,
} from './types.js';
import { imageDetails, findImage } from './storage/details.js';
import { refreshSearchDocument } from './search/documents.js';

export interface GlimpseOptions {
  /** SQLite file; default `$GLIMPSE_DB`, else `$XDG_DATA_HOME/glimpse/glimpse.db`, else `~/.local/share/glimpse/glimpse.db`. */
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
  readonly store: SqliteStore;
  /** The describer, created on first use. */
  describer(): Promise<ImageDescriber>;
  embedder(): Promise<Embedder | null>;
  /** Describe one image file, URL or buffer without indexing it. Throws GlimpseError. */
  caption(input: string | { bytes: Buffer; name: string }, options?: CaptionOptions): Promise<CaptionResult>;
  /** Describe many inputs (folders are expanded), yielding each result or failure as it is ready. */
  captionMany(inputs: string[], options?: CaptionOptions & { concurrency?: number }): AsyncGenerator<CaptionResult | FailureResult>;
  ask(input: string | { bytes: Buffer; name: string }, question: string, options?: { signal?: AbortSignal }): Promise<AskResult>;
  index(paths: string[], options?: IndexOptions): Promise<IndexSummary>;
  /** What `index` would describe and roughly cost, without calling the model (`--dry-run`). */
  estimate(paths: string[], options?: { force?: boolean }): Promise<IndexEstimate>;
  search(query: string, options?: SearchOptions): Promise<SearchResponse>;
  similar(image: string | number, options?: { limit?: number }): Promise<SearchResponse>;
  show(idOrPath: string | number): ImageDetails;
  edit(idOrPath: string | number, edits: { caption?: string | null; tags?: string[] | null }): ImageDetails;
  status(): StatusReport;
  thumbnail(idOrPath: string | number): Buffer | undefined;
  close(): Promise<void>;
}

export async function createGlimpse(options: GlimpseOptions = {}): Promise<Glimpse> {
  const dbPath = options.db === ':memory:' ? ':memory:' : resolve(options.db ?? defaultDatabasePath());
  const store = openStore(dbPath, { readonly: options.readonly });
  const providerName = typeof options.provider === 'string' ? options.provider : options.provider?.provider ?? 'builtin';

  let describerPromise: Promise<ImageDescriber> | undefined;
  let embedderPromise: Promise<Embedder | null> | undefined;
  const describer = () => (describerPromise ??= resolveDescriber(options.provider ?? 'builtin', options.providerSettings ?? {}));
  const embedder = () => (embedderPromise ??= resolveEmbedder(options.embedder, options.embedderSettings ?? {}));

  const glimpse: Glimpse = {
    dbPath,
    store,
    describer,
    embedder,

    async caption(input, captionOptions = {}) {
      const { describeInput } = await pipeline();
      return describeInput(await describer(), input, captionOptions, { maxPixels: options.maxPixels });
    },

    async *captionMany(inputs, captionOptions = {}) {
      const provider = await describer();
      const { describeInput, expandInputs } = await pipeline();
      const { files, failures } = await expandInputs(inputs);
      yield* failures;
      const concurrency = Math.max(1, captionOptions.concurrency ?? options.concurrency ?? 2);
      // Describe up to `concurrency` at once but yield in input order, so output is stable for scripts.
      const pending: Promise<CaptionResult | FailureResult>[] = [];
      const start = (file: string) =>
        describeInput(provider, file, captionOptions, { maxPixels: options.maxPixels }).catch(
          (error): FailureResult => ({ path: file, error: GlimpseError.is(error) ? error.toJSON() : { code: 'INTERNAL', message: String(error) } }),
        );
      let next = 0;
      let fatal: FailureResult | undefined;
      const isFatalResult = (result: CaptionResult | FailureResult) => 'error' in result && isFatal(result.error.code);
      // The first image goes alone: a refused key or a server that is down then costs one request, not `concurrency`.
      if (files.length > 0) {
        const first = await start(files[next++]);
        if (isFatalResult(first)) fatal = first as FailureResult;
        yield first;
      }
      while (next < files.length || pending.length > 0) {
        while (!fatal && next < files.length && pending.length < concurrency) pending.push(start(files[next++]));
        if (pending.length === 0) break;
        const result = await pending.shift()!;
        // A refused key or an unreachable server fails every image alike: stop asking, report it once.
        if (isFatalResult(result)) fatal ??= result as FailureResult;
        yield result;
      }
      if (fatal) throw new GlimpseError(fatal.error.code as ErrorCode, fatal.error.message.split(' — ')[0], { path: fatal.path });
    },

    async ask(input, question, askOptions = {}) {
      const provider = await describer();
      if (!provider.ask) {
        throw new GlimpseError('UNSUPPORTED_TASK', `Provider "${provider.provider}" cannot answer questions about images`);
      }
      const { loadImage } = await pipeline();
      const loaded = await loadImage(input, { maxSide: provider.preferredImageSize, maxPixels: options.maxPixels });
      const started = performance.now();
      const answer = await provider.ask({ image: loaded.prepared.image, question, signal: askOptions.signal });
      return {
        path: loaded.source,
        question,
        answer: answer.answer,
        answered: answer.answered,
        provider: provider.provider,
        model: answer.model,
        ms: Math.round(performance.now() - started),
      };
    },

    async index(paths, indexOptions = {}) {
      const { runIndex } = await import('./pipeline/indexer.js');
      return runIndex({
        store,
        describer: await describer(),
        embedder: await embedder(),
        paths,
        maxPixels: options.maxPixels,
        concurrency: indexOptions.concurrency ?? options.concurrency,
        ...indexOptions,
      });
    },

    async estimate(paths, estimateOptions = {}) {
      const { estimateIndex } = await import('./pipeline/estimate.js');
      return estimateIndex(store, await describer(), paths, estimateOptions);
    },

    async search(query, searchOptions = {}) {
      return searchImages(store, query, searchOptions, await embedderForSearch());
    },

    async similar(image, similarOptions = {}) {
      const { similarImages } = await import('./search/similar.js');
      return similarImages(store, image, similarOptions, await embedder(), options.maxPixels);
    },

    show(idOrPath) {
      return imageDetails(store, findImage(store, idOrPath));
    },

    edit(idOrPath, edits) {
      const image = findImage(store, idOrPath);
      store.saveUserEdits(image.sha256, edits);
      for (const copy of store.imagesBySha(image.sha256)) refreshSearchDocument(store, copy);
      return imageDetails(store, image);
    },

    status() {
      const counts = store.counts();
      return {
        db: dbPath,
        images: counts.images,
        described: counts.described,
        failed: store.failures().map(({ path, code, message }) => ({ path, code, message })),
        providers: store.providersUsed(),
        defaultProvider: providerName,
        providerSource: options.providerSource ?? (options.provider ? 'option' : 'default'),
        embeddings: store.embeddingSpaces().map(({ model, kind, dimensions }) => ({ model, kind, dimensions })),
        ranking: hasWeightedBm25(store.db) ? 'native' : 'stock',
      };
    },

    thumbnail(idOrPath) {
      return store.thumbnail(findImage(store, idOrPath).sha256);
    },

    async close() {
      const closing: Promise<unknown>[] = [];
      if (describerPromise) closing.push(describerPromise.then((d) => d.close?.()).catch(() => undefined));
      if (embedderPromise) closing.push(embedderPromise.then((e) => e?.close?.()).catch(() => undefined));
      closing.push(closeRankingThreads(store));
      closeHighlights(store);
      saveTermCounts(store);
      await Promise.all(closing);
      store.close();
    },
  };

  /** Search uses an embedder only when the store already holds vectors from it; otherwise full text alone. */
  async function embedderForSearch(): Promise<Embedder | null> {
    if (options.embedder === null || store.embeddingSpaces().length === 0) return null;
    return embedder();
  }

  return glimpse;
}

