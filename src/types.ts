/**
 * The shapes the library API returns. The CLI's `--json` output and the HTTP API use these same shapes.
 */
import type { Description, DetectedObject, SafetyReport, Task } from './providers/spec.js';

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
  objects: DetectedObject[];
  safety: SafetyReport | null;
  provider: string;
  model: string;
  ms: number;
  detailed: string | null;
  alt: string | null;
  answer?: string | null;
  usage?: { inputTokens?: number; outputTokens?: number; costUsd?: number };
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
  | { type: 'pruned'; path: string };

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
}

export interface SearchOptions {
  limit?: number;
  /** ISO date or date-time; compares with the date taken (EXIF), else the date the file was added. */
  after?: string;
  before?: string;
  /** Only images that have all these tags. */
  tags?: string[];
  /** Only images in which text was found. */
  hasText?: boolean;
  /** Only images under this folder. */
  folder?: string;
}

export interface SearchResult {
  id: number;
  path: string;
  score: number;
  caption: string | null;
  tags: string[];
  /** The best-matching text with matched words between « and » (the CLI turns them into colour). */
  snippet: string;
  /** Why it matched: which fields and words, and which rankers put it where. */
  why: {
    fields: string[];
    terms: string[];
    concepts: string[];
    fullTextRank: number | null;
    vectorRank: number | null;
    vectorSimilarity: number | null;
  };
}

export interface SearchResponse {
  query: string;
  results: SearchResult[];
  ms: number;
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
  ranking: 'native' | 'stock';
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
