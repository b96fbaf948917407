/**
 * The shapes the library API returns. The CLI's `--json` output and the HTTP API use these same shapes.
 */
import type { DetectedObject, SafetyReport, Task } from './providers/spec.js';
import type { ImageRecord, StoredDescription, UserEdits } from './storage/store.js';

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
  | { type: 'image'; path: string; status: 'indexed' | 'unchanged' | 'moved' | 'failed'; done: number; total: number; error?: { code: string; message: string } }
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
