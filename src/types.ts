/**
 * The shapes the library API returns. The CLI's `--json` output and the HTTP API use these same shapes.
 */
import type {
  ChainReport,
  Description,
  DetectedObject,
  DocumentFields,
  SafetyReport,
  Task,
  TextRegion,
} from './providers/spec.js';

export interface CaptionOptions {
  task?: Task;
  /** A user's own prompt, replacing the task's. */
  prompt?: string;
  signal?: AbortSignal;
}

/** One described image: the `glimpse caption --json` line. */
export interface CaptionResult {
  path: string;
  caption: string | null;
  tags: string[];
  text: string | null;
  /** Where each piece of the text sits (boxes in pixels of the image the provider saw), when known. */
  textRegions?: TextRegion[];
  /** A receipt's total, date and company (`--task json` with the built-in analyzer), when found. */
  fields?: DocumentFields | null;
  objects: DetectedObject[];
  safety: SafetyReport | null;
  provider: string;
  model: string;
  ms: number;
  detailed: string | null;
  alt: string | null;
  answer?: string | null;
  usage?: { inputTokens?: number; outputTokens?: number; costUsd?: number };
  /** With a fallback chain (`--provider ollama,builtin`): which member answered and why the ones before it did not. */
  chain?: ChainReport;
}

export interface FailureResult {
  path: string;
  error: { code: string; message: string };
}

export interface AskResult {
  path: string;
  question: string;
  answer: string;
  answered: boolean;
  provider: string;
  model: string;
  ms: number;
}

/** Options for `askLibrary`: a question about the whole library. */
export interface AskLibraryOptions {
  /** How many descriptions to retrieve and hand to the model (default 8, at most 50). */
  limit?: number;
  /** Also send the top N images themselves, downscaled, to a vision model (default 0, at most 3). */
  look?: number;
  /** Answer extractively from the descriptions without calling a model, whatever the provider. */
  extractive?: boolean;
  signal?: AbortSignal;
}

/** One image an answer cites. */
export interface AskLibrarySource {
  id: number;
  path: string;
  caption: string | null;
  /** The search score that retrieved it. */
  score: number;
}

/** `glimpse ask --library --json`: an answer grounded in the library's descriptions, with the images it cites. */
export interface AskLibraryResult {
  question: string;
  answer: string;
  /** The images the answer cites, checked against those retrieved (an id a model invents is dropped). */
  sources: AskLibrarySource[];
  /** "model": a language model answered; "extractive": built from the descriptions; "nothing": nothing matched. */
  mode: 'model' | 'extractive' | 'nothing';
  provider: string | null;
  model: string | null;
  /** The words searched for (in the library's language: a question in another language is rewritten first). */
  searched: string;
  /** How many descriptions were retrieved and read. */
  retrieved: number;
  /** How many images were sent to the model (`look`). */
  looked: number;
  ms: number;
  usage?: { inputTokens?: number; outputTokens?: number; costUsd?: number };
}

export type IndexEvent =
  | { type: 'discovered'; total: number }
  | {
      type: 'image';
      path: string;
      status: 'indexed' | 'unchanged' | 'moved' | 'failed';
      done: number;
      total: number;
      error?: { code: string; message: string };
    }
  | { type: 'pruned'; path: string }
  /** The run is merging the full-text index's segments (said only when that is likely to take over a second). */
  | { type: 'compacting'; segments: number }
  /** Once after an upgrade: storing the search readings of rows written before they were kept (done of total). */
  | { type: 'storing-readings'; done: number; total: number };

export interface IndexOptions {
  /** Describe again even when nothing changed. */
  force?: boolean;
  /** Forget stored files that no longer exist (within the folders indexed). */
  prune?: boolean;
  concurrency?: number;
  onProgress?: (event: IndexEvent) => void;
  signal?: AbortSignal;
}

export interface IndexSummary {
  runId: number;
  total: number;
  indexed: number;
  unchanged: number;
  failed: number;
  pruned: number;
  failures: FailureResult[];
  ms: number;
  /** Tokens and cost the provider reported for this run (paid APIs); zeros for local providers. */
  usage: { inputTokens: number; outputTokens: number; costUsd: number | null };
  /**
   * With a fallback chain: how many images each member described, and each reason a member was passed over
   * (with the number of images it was passed over for).
   */
  chain?: {
    answeredBy: Record<string, number>;
    passedOver: { provider: string; code: string; message: string; images: number }[];
  };
}

export interface SearchOptions {
  limit?: number;
  /** Skip this many results first (paging: offset = (page − 1) × limit). */
  offset?: number;
  /** ISO date or date-time; compares with the date taken (EXIF), else the date the file was added. */
  after?: string;
  before?: string;
  /** Only images that have all these tags. */
  tags?: string[];
  /** Only images in which text was found. */
  hasText?: boolean;
  /** Only images under this folder. */
  folder?: string;
  /** Search for the words as typed: no spelling correction, no translation. */
  exact?: boolean;
  /**
   * A query in another language than the library's is translated by the configured language model, if any
   * (default true; false for callers that rewrote the query themselves, such as ask-library, and for measurements).
   */
  translate?: boolean;
}

export interface SearchResult {
  id: number;
  path: string;
  score: number;
  caption: string | null;
  tags: string[];
  /** The best-matching text with matched words between « and » (the CLI turns them into colour). */
  snippet: string;
  /**
   * Below the relevance floor: its caption and tags hold under half of the query (see `why.coverage`). Weaker
   * matches come after all other results; the CLI and web app list them under "weaker matches".
   */
  weaker: boolean;
  /** Why it matched: which fields and words, and which rankers put it where. */
  why: {
    fields: string[];
    terms: string[];
    /** WordNet relations that matched, query word → the image's word ("puppy→dog"). */
    concepts: string[];
    /** The idf-weighted share of the query's words its caption and tags hold, 0–1 (null: not judged). */
    coverage: number | null;
    fullTextRank: number | null;
    vectorRank: number | null;
    vectorSimilarity: number | null;
  };
}

export interface SearchResponse {
  query: string;
  results: SearchResult[];
  ms: number;
  /** The query as searched when words the library does not have were corrected ("pizzza" → "pizza"). */
  correctedQuery?: string;
  /** Why nothing was found when that is known (e.g. the query is not English and the library's text is). */
  notice?: string;
  /**
   * The query was in another language than the library's and a language model translated it: `correctedQuery` is
   * the translation searched, `language` the language the model saw (null: it did not say).
   */
  translation?: { language: string | null; model: string };
}

/** An indexed file: where it is, its content hash, and what the file and its EXIF say. */
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
  /** null: typed in Glimpse; "embedded metadata": read from the file or its XMP sidecar when it was indexed. */
  source: string | null;
}

/** Everything stored about one image (`glimpse show`). */
export interface ImageDetails extends ImageRecord {
  description: StoredDescription | null;
  userEdits: UserEdits | null;
  /** The caption and tags users see: their own where they set them, else generated ones. */
  caption: string | null;
  tags: string[];
  /** Other paths with the same content. */
  duplicates: string[];
}

export interface StatusReport {
  db: string;
  images: number;
  described: number;
  failed: { path: string; code: string; message: string }[];
  providers: { provider: string; model: string; promptVersion: string; images: number }[];
  defaultProvider: string;
  /** Why that provider: "--provider", "GLIMPSE_PROVIDER", "config file", "default"… */
  providerSource: string;
  embeddings: { model: string; kind: 'text' | 'image'; dimensions: number }[];
  /** How full-text search ranks: "native" (weighted_bm25, built at install) or "stock" (bm25; same results, slower). */
  ranking: 'native' | 'stock' | 'postgres';
  /**
   * Indexing runs that never finished: their process was killed. `interruptedAt` is when the next run noticed (null
   * while none has started since). Newest first, at most 20.
   */
  interrupted: {
    id: number;
    startedAt: string;
    provider: string | null;
    model: string | null;
    interruptedAt: string | null;
  }[];
  /** The job queue (a PostgreSQL library): jobs waiting (retries included), being described, and given up on. */
  queue?: QueueCounts;
}

/** Jobs in the queue of a PostgreSQL library, over every provider, model and prompt version. */
export interface QueueCounts {
  waiting: number;
  active: number;
  failed: number;
}

/** `index --enqueue`: one job per image, for workers (`glimpse worker`) to describe. */
export interface EnqueueSummary {
  /** Names the jobs of this call (the server's progress events follow it). */
  batch: string;
  /** Images queued: one job each. */
  queued: number;
  /** The queue they wait in: one per provider, model and prompt version. */
  queue: string;
  provider: string;
  model: string;
  promptVersion: string;
  /** Inputs that could not be queued (unreadable, not images). */
  failures: FailureResult[];
}

export interface WorkerOptions {
  /** Images described at once (default: the provider's preference, else 4). */
  concurrency?: number;
  /** Return once no job is waiting or running for this worker's provider, model and prompt version. */
  exitWhenIdle?: boolean;
  /** Stop taking jobs; the ones held are finished (and committed) before the worker returns. */
  signal?: AbortSignal;
  onEvent?: (event: WorkerEvent) => void;
}

export type WorkerEvent =
  | { type: 'started'; queue: string; provider: string; model: string; promptVersion: string; waiting: number }
  | {
      type: 'job';
      path: string;
      status: 'indexed' | 'unchanged' | 'moved' | 'failed' | 'retrying';
      ms: number;
      error?: { code: string; message: string };
    }
  | { type: 'idle'; otherQueues: { queue: string; provider: string; model: string; waiting: number }[] }
  | { type: 'warning'; message: string };

export interface WorkerSummary {
  indexed: number;
  unchanged: number;
  failed: number;
  retried: number;
  ms: number;
}

/** An image to describe: a file path, an http(s) URL, or bytes with a name for messages. */
export type ImageInput = string | { bytes: Buffer; name: string };

export interface ImageEdits {
  /** A new caption; null clears the person's caption (the generated one shows again); undefined keeps it. */
  caption?: string | null;
  /** New tags, as for caption. */
  tags?: string[] | null;
}

export interface ImportedDescription {
  /** A file path or URL; it need not exist. */
  path: string;
  caption: string;
  tags?: string[];
  detailed?: string | null;
  text?: string | null;
  /** The content hash, when known; otherwise one is made from the source name and the path. */
  sha256?: string;
}

export interface ImportOptions {
  /** Who wrote the descriptions (stored as the provider), e.g. "human" or the tool's name. Default "import". */
  source?: string;
  /** Also embed them with the configured embedder, as indexing would (hybrid search). Default true. */
  embed?: boolean;
  onProgress?: (stage: 'embedding', done: number, total: number) => void;
}

export interface ThumbnailOptions {
  /**
   * How to read the original when no thumbnail is stored yet (the server passes its own reader, which checks the
   * file is still the one indexed and inside the folders it may serve). Default: read the file at its path.
   * `false`: only return a stored thumbnail.
   */
  read?: ((image: ImageRecord) => Promise<Buffer>) | false;
}

export interface IndexEstimate {
  total: number;
  toDescribe: number;
  unchanged: number;
  unreadable: FailureResult[];
  provider: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  /** US dollars; null when the model's price is unknown (self-hosted servers), 0 for local models. */
  costUsd: number | null;
}

/** `glimpse alt`: options for finding and fixing images without useful alt text in HTML and Markdown pages. */
export interface AltOptions {
  /** The folder site-root addresses (`/img/a.png`) resolve against. Default: each folder given (a file's own folder). */
  root?: string;
  /** Patch the pages in place: only the alt attributes (Markdown image labels) change, every other byte stays. */
  write?: boolean;
  /** Fetch image URLs on loopback and private addresses (as `glimpse serve --allow-private-urls`). Default false. */
  allowPrivateUrls?: boolean;
  /** Largest image download, in bytes (default 20 MB, as `glimpse serve`). */
  maxUrlBytes?: number;
  /** Milliseconds before an image download is abandoned (default 15 s, as `glimpse serve`). */
  urlTimeoutMs?: number;
  /** Parallel describe calls for images not in the library. Default: the provider's preference, else 4. */
  concurrency?: number;
  signal?: AbortSignal;
}

/** One image whose alt text needs fixing (WCAG 1.1.1), with the suggested text. */
export interface AltFinding {
  file: string;
  line: number;
  column: number;
  /** The address as written in the page. */
  src: string;
  /** The file path or URL it resolves to; null when it cannot be read (data: URIs, no src). */
  image: string | null;
  /** The alt text now; null when the attribute is missing. */
  alt: string | null;
  problem: 'missing' | 'empty' | 'file name' | 'placeholder';
  /** At most 125 characters; null when the image could not be described. */
  suggestion: string | null;
  /** "library": the description stored for this image (by path, then by content); "described": described now. */
  from: 'library' | 'described' | null;
  written: boolean;
  error?: { code: string; message: string };
}

export interface AltFileReport {
  file: string;
  /** Images in the page (decorative ones included). */
  images: number;
  findings: AltFinding[];
  /** The page was patched (`write`). */
  written: boolean;
  error?: { code: string; message: string };
}

/** `glimpse alt --json`. */
export interface AltReport {
  files: AltFileReport[];
  pages: number;
  images: number;
  decorative: number;
  /** Images whose alt text needs fixing. */
  needFixing: number;
  /** Suggestions taken from the library, and images described now. */
  fromLibrary: number;
  described: number;
  /** Findings with no suggestion (the image could not be read or described), plus pages that could not be read. */
  failed: number;
  /** Alt texts written into pages (`write`). */
  written: number;
}

/** `glimpse export`: one record per image, as the jsonl format writes it (csv flattens the same fields). */
export interface ExportRecord {
  id: number;
  path: string;
  sha256: string;
  /** The generated description; the person's own caption and tags are in `edits`. */
  caption: string | null;
  detailed: string | null;
  alt: string | null;
  tags: string[];
  objects: { label: string; score: number }[];
  text: string | null;
  provider: string | null;
  model: string | null;
  promptVersion: string | null;
  describedAt: string | null;
  /** The person's own caption and tags (null fields: not edited). */
  edits: { caption: string | null; tags: string[] | null; editedAt: string } | null;
  /** The text to embed or show for the image: the caption shown (the person's first), tags, details and its text. */
  content: string;
  /** With `withEmbeddings`: each embedding model's vector of this image, by model id. */
  embeddings?: Record<string, number[] | null>;
}

export interface ExportOptions {
  /** A name in the export format table: "jsonl" (default), "csv", … */
  format?: string;
  /** Include the stored vectors. */
  withEmbeddings?: boolean;
  /** Where the text goes, chunk by chunk; a returned promise is awaited (back-pressure). */
  write?: (chunk: string) => void | Promise<void>;
}

export interface ExportSummary {
  format: string;
  records: number;
}

/** Where `writeMetadata` puts XMP: a sidecar file beside the image, or inside the image file. */
export type MetadataTarget = 'sidecar' | 'embed';

/**
 * Sidecar naming: `image` → `photo.jpg.xmp` (darktable, digiKam's default, Immich prefers it; a photo.jpg and a
 * photo.png in one folder do not collide), `base` → `photo.xmp` (Lightroom and Capture One for raw files; digiKam
 * with "commercial programs" naming). Readers look for both.
 */
export type SidecarName = 'image' | 'base';

export interface MetadataWritten {
  /** The file written: the image itself (embed) or its sidecar. */
  path: string;
  target: MetadataTarget;
}

export interface WriteMetadataOptions {
  target: MetadataTarget;
  /** Sidecar naming: `image` → photo.jpg.xmp (default), `base` → photo.xmp. */
  sidecarName?: SidecarName;
  onWritten?: (written: MetadataWritten | FailureResult) => void;
}

export interface WriteMetadataSummary {
  written: MetadataWritten[];
  failures: FailureResult[];
}
