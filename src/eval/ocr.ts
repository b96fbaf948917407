/**
 * `glimpse eval ocr`: read the text in each image of an OCR manifest (task "ocr") and compare it with the ground
 * truth: character and word error rates, overall and per subset (e.g. scene photos against receipts).
 *
 * When the manifest gives the reference's pieces with polygons ("lines" or "words"), the reference is put in
 * reading order (rows top to bottom, left to right: eval/metrics/reading-order.ts, the order the built-in reader
 * gives) rather than the order the annotators stored, which scatters rows and charges every engine for it;
 * `storedOrder` keeps the annotation's order.
 */
import type { Glimpse } from '../glimpse.js';
import { type ImageFailure, overImages } from './concurrency.js';
import type { OcrEntry } from './manifest.js';
import { characterEdits, type EditCounts, errorRate, wordEdits } from './metrics/edit-distance.js';
import { textInReadingOrder } from './metrics/reading-order.js';
import type { Progress } from './search.js';
import { type LatencySummary, summariseLatency } from './statistics.js';

export interface OcrMetrics {
  CER: number;
  WER: number;
}

export interface ReadText {
  file: string;
  path: string;
  text: string;
  reference: string;
  scores: OcrMetrics;
  ms: number;
}

export interface OcrEvaluation {
  task: 'ocr';
  provider: string;
  model: string;
  caseInsensitive: boolean;
  /** "reading" (rows of the reference's polygons, where the manifest has them) or "stored". */
  referenceOrder: 'reading' | 'stored';
  metrics: OcrMetrics;
  n: number;
  subsets: Record<string, OcrMetrics & { n: number }>;
  latency: LatencySummary | null;
  failed: ImageFailure[];
  items: ReadText[];
}

interface Counted {
  item: ReadText;
  subset: string | null;
  characters: EditCounts;
  words: EditCounts;
}

export async function evaluateOcr(
  glimpse: Glimpse,
  entries: readonly OcrEntry[],
  options: { caseInsensitive?: boolean; storedOrder?: boolean; concurrency?: number; onProgress?: Progress } = {},
): Promise<OcrEvaluation> {
  const describer = await glimpse.describer();
  const rateOptions = { caseInsensitive: options.caseInsensitive ?? false };
  const { done: counted, failed } = await overImages(
    entries,
    { ...options, phase: 'reading' },
    async (entry): Promise<Counted> => {
      const started = performance.now();
      const result = await glimpse.caption(entry.path, { task: 'ocr' });
      const ms = performance.now() - started;
      const text = result.text ?? '';
      const reference = referenceText(entry, options.storedOrder ?? false);
      const characters = characterEdits(text, reference, rateOptions);
      const words = wordEdits(text, reference, rateOptions);
      const scores = { CER: errorRate([characters]), WER: errorRate([words]) };
      return {
        item: { file: entry.file, path: entry.path, text, reference, scores, ms: Math.round(ms) },
        subset: entry.subset,
        characters,
        words,
      };
    },
  );
  const rates = (group: Counted[]): OcrMetrics => ({
    CER: errorRate(group.map((entry) => entry.characters)),
    WER: errorRate(group.map((entry) => entry.words)),
  });
  const subsets: OcrEvaluation['subsets'] = {};
  for (const name of new Set(
    counted.map((entry) => entry.subset).filter((subset): subset is string => subset !== null),
  )) {
    const group = counted.filter((entry) => entry.subset === name);
    subsets[name] = { ...rates(group), n: group.length };
  }
  return {
    task: 'ocr',
    provider: describer.provider,
    model: describer.modelId,
    caseInsensitive: rateOptions.caseInsensitive,
    referenceOrder: options.storedOrder ? 'stored' : 'reading',
    metrics: rates(counted),
    n: counted.length,
    subsets,
    latency: summariseLatency(counted.map((entry) => entry.item.ms)),
    failed,
    items: counted.map((entry) => entry.item),
  };
}

/** The reference in reading order when its pieces have polygons, else (or when asked) as stored. */
export function referenceText(entry: OcrEntry, storedOrder: boolean): string {
  if (storedOrder || !entry.regions) return entry.text;
  return textInReadingOrder(entry.regions);
}
