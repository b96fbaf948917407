/**
 * The public API of the `glimpse` package: everything a program may import, by name. What is not exported here
 * (the store, the search internals, the CLI) may change in any release.
 *
 *   import { createGlimpse } from 'glimpse';
 */

// Errors: one class, a stable code per failure, and whether trying again can help.
export { ERROR_CODES, type ErrorCode, GlimpseError } from './errors.js';
// Caption and OCR metrics (BLEU, ROUGE-L, CIDEr-D, CER/WER), for measuring descriptions against references.
export {
  type CaptionMetrics,
  type CaptionPair,
  characterErrorRate,
  ciderD,
  corpusBleu,
  rougeL,
  scoreCaptions,
  wordErrorRate,
} from './eval/metrics/index.js';
export { createGlimpse, type Glimpse, type GlimpseOptions } from './glimpse.js';

// The provider spec (version 1): implement ImageDescriber (and Embedder) and register a factory to add a backend.
export { providerNames, registerProvider, unregisterProvider } from './providers/registry.js';
export {
  type Answer,
  type AskRequest,
  type Box,
  type DescribeRequest,
  type Description,
  type DetectedObject,
  type DocumentFields,
  type Embedder,
  type ExifSummary,
  emptyDescription,
  type ImageBudget,
  type ImageDescriber,
  type LibraryAnswer,
  type LibraryDocument,
  type LibraryQuestion,
  type PreparedImage,
  type Price,
  type ProviderCapabilities,
  type ProviderCommands,
  type ProviderEnvironment,
  type ProviderFactory,
  type ProviderManifest,
  type ProviderManifestCapabilities,
  type ProviderSettings,
  type QuestionRewrite,
  type QuestionRewriteRequest,
  type SafetyReport,
  TASKS,
  type Task,
  type TextRegion,
  type Usage,
} from './providers/spec.js';
export type {
  AltFileReport,
  AltFinding,
  AltOptions,
  AltReport,
  AskLibraryOptions,
  AskLibraryResult,
  AskLibrarySource,
  AskResult,
  CaptionOptions,
  CaptionResult,
  ExportOptions,
  ExportRecord,
  ExportSummary,
  FailureResult,
  ImageDetails,
  ImageEdits,
  ImageInput,
  ImageRecord,
  ImportedDescription,
  ImportOptions,
  IndexEstimate,
  IndexEvent,
  IndexOptions,
  IndexSummary,
  MetadataTarget,
  MetadataWritten,
  SearchOptions,
  SearchResponse,
  SearchResult,
  SidecarName,
  StatusReport,
  StoredDescription,
  ThumbnailOptions,
  UserEdits,
  WriteMetadataOptions,
  WriteMetadataSummary,
} from './types.js';
