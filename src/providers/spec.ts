/**
 * The provider specification, version 1.
 *
 * Every model backend — the built-in analyzer, cloud APIs, local servers, in-process ONNX models — implements
 * `ImageDescriber` (and optionally `Embedder`) exactly alike, so the pipeline, search, CLI and server never know
 * which one they talk to. Keep this file small: it is the contract, not the implementation.
 *
 * A provider is one folder with two modules: `manifest.ts` (a `ProviderManifest`: its facts, importing nothing
 * heavy, so settings, cost estimates and `glimpse models` can read every provider's facts without loading any) and
 * `index.ts` (its `ProviderFactory`, loaded only when the provider is used). `registry.ts` lists them.
 */
import type { Command } from 'commander';

/** What a caller asks a provider to produce. `json` means "everything the index needs, in one call". */
export const TASKS = ['caption', 'detailed', 'alt', 'tags', 'ocr', 'moderation', 'json'] as const;
export type Task = (typeof TASKS)[number];

/** An image as the pipeline hands it to a provider: already decoded, oriented and downscaled. */
export interface PreparedImage {
  /** Size after downscaling to the provider's preferred size (EXIF orientation applied). */
  width: number;
  height: number;
  /**
   * The downscaled image encoded for upload: JPEG (PNG when the source had transparency), EXIF and GPS stripped.
   * Computed on first call and cached; in-process models that only need pixels never pay for it.
   */
  encode(): Promise<{ data: Buffer; mediaType: 'image/jpeg' | 'image/png' }>;
  /** Raw RGB pixels of the downscaled image, for in-process models (3 channels, row-major, 8 bits). */
  pixels(): Promise<{ data: Buffer; width: number; height: number; channels: 3 }>;
  /** Where it came from (a file path or URL), for error messages and prompts that mention the file name. */
  source: string;
  /** The original image, before downscaling. */
  original: { width: number; height: number; format: string; bytes: number };
  /** EXIF context, where the file had any. */
  exif?: ExifSummary | null;
}

export interface ExifSummary {
  takenAt?: string | null; // ISO 8601
  camera?: string | null;
  latitude?: number | null;
  longitude?: number | null;
  orientation?: number | null;
}

/** A box in normalised coordinates (0..1 of width and height), origin top-left. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface DetectedObject {
  label: string;
  score: number;
  box: Box | null;
}

export interface SafetyReport {
  /** True when the provider thinks a human should look before publishing. */
  flagged: boolean;
  /** A short moderation note in plain English, e.g. "No unsafe content detected." */
  description: string;
  /** Class scores between 0 and 1, named by the provider (e.g. nsfwjs: Drawing, Hentai, Neutral, Porn, Sexy). */
  scores: Record<string, number>;
}

export interface Usage {
  inputTokens?: number;
  outputTokens?: number;
  /** Estimated cost in US dollars, where the provider knows its prices. */
  costUsd?: number;
}

export interface DescribeRequest {
  image: PreparedImage;
  task: Task;
  /** A user's own prompt; replaces the task's prompt. */
  prompt?: string;
  signal?: AbortSignal;
}

/** What one `describe` call returns. Fields a provider cannot fill are null or empty, never invented. */
export interface Description {
  caption: string | null;
  detailed: string | null;
  alt: string | null;
  tags: string[];
  objects: DetectedObject[];
  /** Text read in the image (OCR), or null. */
  text: string | null;
  /** Where each piece of that text sits, in reading order, when the provider knows (the built-in analyzer does). */
  textRegions?: TextRegion[];
  /** Fields of a receipt or invoice read from its text (the built-in analyzer, `json` task), when any was found. */
  fields?: DocumentFields | null;
  safety: SafetyReport | null;
  /** The answer to a custom prompt, where one was given. */
  answer?: string | null;
  /** The exact model that answered (e.g. "gpt-4o-2024-08-06", "builtin-1"). */
  model: string;
  usage?: Usage;
  /** Set by a fallback chain (`--provider ollama,builtin`): which member answered and why those before it did not. */
  chain?: ChainReport;
  /**
   * A look-alike vector of the image, where the provider makes one without an embedding model (the built-in
   * analyzer: see analysis/appearance.ts). Indexing stores it as an image embedding space named `model`, so
   * `glimpse similar` works; it is not part of the stored description.
   */
  appearance?: { model: string; vector: number[] };
}

/** Which member of a fallback chain answered, and what happened to the members tried (or skipped) before it. */
export interface ChainReport {
  /** The chain as configured, e.g. ["ollama", "builtin"]. */
  providers: string[];
  answeredBy: string;
  /** Members before the one that answered, in order: the error each gave, or why it was not asked. */
  passedOver: { provider: string; code: string; message: string; skipped: boolean }[];
}

/** A piece of text read in an image. */
export interface TextRegion {
  text: string;
  /** Corners in pixels of the image as the provider saw it: top-left, top-right, bottom-right, bottom-left. */
  box: [[number, number], [number, number], [number, number], [number, number]];
  /** 0..1. */
  confidence: number;
}

/** A receipt's or invoice's fields, as printed. */
export interface DocumentFields {
  total: string | null;
  date: string | null;
  company: string | null;
}

export interface AskRequest {
  image: PreparedImage;
  question: string;
  signal?: AbortSignal;
}

export interface Answer {
  answer: string;
  /** False when the provider could not answer from what it sees (the built-in analyzer says so rather than guess). */
  answered: boolean;
  model: string;
  usage?: Usage;
}

/** One image of a library as the model reads it when answering a question about the library: data, never instructions. */
export interface LibraryDocument {
  /** The image id the answer cites. */
  id: number;
  fileName: string;
  caption: string | null;
  detailed: string | null;
  /** Text read in the image (OCR). */
  text: string | null;
  tags: string[];
  /** When it was taken (EXIF), else when it was added; ISO 8601. */
  date: string | null;
}

/** A question about a whole library, with the descriptions retrieved for it (and, optionally, a few images). */
export interface LibraryQuestion {
  question: string;
  documents: LibraryDocument[];
  /** Images to look at as well (already downscaled), each named by its document id. */
  images?: { id: number; image: PreparedImage }[];
  /** The question's language (ISO 639-1), when known: the answer is written in it. */
  language?: string | null;
  signal?: AbortSignal;
}

export interface LibraryAnswer {
  /** The answer, citing ids as [12]. */
  answer: string;
  /** Every id the answer cites, as written (the caller checks them against the documents). */
  cited: number[];
  model: string;
  usage?: Usage;
}

/** A question to turn into search words in the library's language, so a question in any language finds photos. */
export interface QuestionRewriteRequest {
  question: string;
  /** The language the library's descriptions are written in, e.g. "English". */
  libraryLanguage: string;
  signal?: AbortSignal;
}

export interface QuestionRewrite {
  /** Search words in the library's language, e.g. "red bus station". */
  query: string;
  /** The question's language as an ISO 639-1 code ("fr"), or null when the model could not tell. */
  language: string | null;
  model: string;
  usage?: Usage;
}

export interface ProviderCapabilities {
  tasks: readonly Task[];
  ask: boolean;
  objects: boolean;
  ocr: boolean;
  safety: boolean;
  /** Free prompts (`--prompt`). */
  prompt: boolean;
}

export interface ImageDescriber {
  readonly specificationVersion: 'v1';
  /** Registry name: "builtin", "openai", "ollama"… */
  readonly provider: string;
  /** Model id as the user chose it (resolved model ids come back in each Description). */
  readonly modelId: string;
  readonly capabilities: ProviderCapabilities;
  /** Largest side, in pixels, the provider wants; the pipeline downscales to it before `describe`. */
  readonly preferredImageSize: number;
  /**
   * Changes whenever prompts or analysis logic change in a way that changes output. Stored with each description;
   * a different version makes the next index run describe the image again.
   */
  readonly promptVersion: string;
  describe(request: DescribeRequest): Promise<Description>;
  ask?(request: AskRequest): Promise<Answer>;
  /** Text-capable models: answer a question about a library from the descriptions given, citing their ids. */
  answer?(request: LibraryQuestion): Promise<LibraryAnswer>;
  /** Text-capable models: search words for a question in another language than the library's. */
  rewriteQuestion?(request: QuestionRewriteRequest): Promise<QuestionRewrite>;
  /** Free models, worker threads, sockets. Safe to call twice. */
  close?(): Promise<void>;
}

/** Optional second interface: turns text (and images, for CLIP-like models) into vectors for hybrid search. */
export interface Embedder {
  readonly specificationVersion: 'v1';
  readonly provider: string;
  readonly modelId: string;
  readonly dimensions: number;
  /** Texts of the same kind share a space: `query` and `document` may be embedded differently (e.g. nomic prefixes). */
  embedTexts(texts: string[], kind: 'query' | 'document'): Promise<Float32Array[]>;
  /** CLIP-like models only: image vectors in the same space as text vectors. */
  embedImages?(images: PreparedImage[]): Promise<Float32Array[]>;
  close?(): Promise<void>;
}

/** Settings every provider factory receives; each provider reads what it needs. */
export interface ProviderSettings {
  model?: string;
  baseUrl?: string;
  apiKey?: string;
  /** Milliseconds before a request is abandoned. */
  timeoutMs?: number;
  /** Provider-specific extras from the config file. */
  options?: Record<string, unknown>;
  /** Environment to read keys and hosts from (defaults to process.env); tests pass their own. */
  env?: Record<string, string | undefined>;
}

/** A registry entry: how to build a provider, and how to tell a user whether it is ready. */
export interface ProviderFactory {
  name: string;
  description: string;
  /** Models users commonly pick; the first is the default. */
  models: string[];
  createDescriber(settings: ProviderSettings): Promise<ImageDescriber>;
  createEmbedder?(settings: ProviderSettings): Promise<Embedder | null>;
  /** Is it usable right now (key set, server answering, model files present)? Never throws. */
  readiness?(settings: ProviderSettings): Promise<{ ready: boolean; detail: string }>;
  /** Models whose files are on this machine, read from disk without loading any (for `glimpse models`). */
  modelsPresent?(settings: ProviderSettings): Promise<PresentModel[]>;
}

export interface PresentModel {
  id: string;
  architecture: string;
  sizeBytes: number;
  /** The precision used by default, and all those whose files are complete. */
  dtype: string;
  dtypes: string[];
}

/** US dollars per million tokens. */
export interface Price {
  inputPerMillion: number;
  outputPerMillion: number;
}

/**
 * How far an image is downscaled before upload. Vendors bill (and look at) an image after their own resizing, so
 * sending more pixels than that buys nothing. Each limit that is set applies: the longest side first, then the
 * shortest side, then the pixel count.
 */
export interface ImageBudget {
  maxSide: number;
  maxShortSide?: number;
  maxPixels?: number;
}

/** Environment variables a provider reads; settings take them after flags and before the config file. */
export interface ProviderEnvironment {
  /** Tried in order; the first one set wins. */
  apiKey?: string[];
  baseUrl?: string;
  model?: string;
  /** Other variables the provider reads itself, with what each sets (listed, not resolved by settings). */
  other?: Record<string, string>;
}

/** What a provider can do with any of its models (a describer's `capabilities` say what one model does). */
export interface ProviderManifestCapabilities {
  /** Answers free questions about an image; 'limited' when only some kinds (counts, presence, text, colours). */
  ask: boolean | 'limited';
  /** Has embedding models, for `--embedder NAME`. */
  embed: boolean;
  /** Reads text in images. */
  ocr: boolean;
  objects: boolean;
  safety: boolean;
  /** Free prompts (`--prompt`). */
  prompt: boolean;
}

/** A module of CLI commands a provider adds (e.g. `glimpse models pull` for local models). */
export interface ProviderCommands {
  register(program: Command): void;
}

/**
 * A provider's facts, readable without loading the provider. Everything here must be cheap to import: no model
 * runtimes, HTTP clients or native modules (`commands` and `autoSelect` import what they need when called).
 */
export interface ProviderManifest {
  readonly specificationVersion: 'v1';
  /** Registry name: what `--provider` takes. */
  name: string;
  description: string;
  /** Models users commonly pick; the first is the default. */
  models: string[];
  env: ProviderEnvironment;
  capabilities: ProviderManifestCapabilities;
  /**
   * Prices by model-id prefix (the longest matching prefix wins, so dated snapshots find their family), or 'free'
   * for models that run on the user's own machine. Left out when unknown (a gateway to other vendors' models).
   */
  prices?: 'free' | Record<string, Price>;
  /** For providers that upload images: how far to downscale, given the provider's options (`maxImageSide`…). */
  imageBudget?(options: Record<string, unknown>): ImageBudget;
  /** Input tokens one image of this size costs, by the vendor's published rule; left out, a rough count is used. */
  imageTokens?(model: string, width: number, height: number): number;
  /** CLI commands of the provider's own, loaded when the CLI assembles its commands. */
  commands?(): Promise<ProviderCommands>;
  /**
   * When the user names no provider: a model of this provider that is ready on this machine (e.g. a local model
   * whose files are present), making it the default over the built-in analyzer; null when there is none.
   */
  autoSelect?(settings: ProviderSettings): Promise<string | null>;
}

/** An empty description, for providers to fill in. */
export function emptyDescription(model: string): Description {
  return { caption: null, detailed: null, alt: null, tags: [], objects: [], text: null, safety: null, model };
}
