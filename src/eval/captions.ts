/**
 * `glimpse eval captions`: describe each image of a manifest (or take captions made elsewhere) and score them
 * against the human references with BLEU-1..4, ROUGE-L and CIDEr-D, plus latency, tokens and cost per image.
 */
import type { Glimpse } from '../glimpse.js';
import { type ImageFailure, nothingScored, overImages } from './concurrency.js';
import type { CaptionEntry } from './manifest.js';
import { type CaptionMetrics, scoreCaptions } from './metrics/captions.js';
import type { Progress } from './search.js';
import { type LatencySummary, summariseLatency } from './statistics.js';

export interface ScoredCaption {
  file: string;
  path: string;
  caption: string;
  references: string[];
  scores: { 'CIDEr-D': number; 'ROUGE-L': number };
  ms: number | null;
}

export interface CaptionEvaluation {
  task: 'captions';
  /** Provider name, or "predictions" for captions read from a file. */
  provider: string;
  model: string | null;
  metrics: CaptionMetrics;
  /** Images scored. */
  n: number;
  latency: LatencySummary | null;
  usage: { inputTokens: number; outputTokens: number; costUsd: number | null } | null;
  /** Images that could not be described (left out of the scores), or had no prediction. */
  failed: ImageFailure[];
  items: ScoredCaption[];
}

interface Candidate {
  entry: CaptionEntry;
  caption: string;
  ms: number | null;
}

/** Score captions already made: one per entry, undefined where there is none. */
export function evaluatePredictions(
  entries: readonly CaptionEntry[],
  captions: readonly (string | undefined)[],
  source = 'predictions',
): CaptionEvaluation {
  const candidates: Candidate[] = [];
  const failed: CaptionEvaluation['failed'] = [];
  entries.forEach((entry, index) => {
    const caption = captions[index];
    if (caption === undefined)
      failed.push({
        file: entry.file,
        error: { code: 'NO_PREDICTION', message: `${source} has no caption for ${entry.file}` },
      });
    else candidates.push({ entry, caption, ms: null });
  });
  return score(candidates, failed, { provider: 'predictions', model: source, latency: null, usage: null });
}

/**
 * The human baseline: each image's first caption scored against its other captions (as the COCO papers report
 * human performance; CIDEr-D ≈ 0.85 on COCO's test split). Images with a single caption are left out.
 */
export function evaluateHumanBaseline(entries: readonly CaptionEntry[]): CaptionEvaluation {
  const withOthers = entries.filter((entry) => entry.captions.length > 1);
  const candidates = withOthers.map((entry) => ({
    entry: { ...entry, captions: entry.captions.slice(1) },
    caption: entry.captions[0],
    ms: null,
  }));
  const failed = entries
    .filter((entry) => entry.captions.length <= 1)
    .map((entry) => ({
      file: entry.file,
      error: { code: 'ONE_CAPTION', message: `${entry.file} has no second caption to compare with` },
    }));
  return score(candidates, failed, {
    provider: 'predictions',
    model: 'human (1 vs the others)',
    latency: null,
    usage: null,
  });
}

/** Describe every image with the glimpse's provider (task "caption") and score the captions. */
export async function evaluateCaptions(
  glimpse: Glimpse,
  entries: readonly CaptionEntry[],
  options: { concurrency?: number; onProgress?: Progress } = {},
): Promise<CaptionEvaluation> {
  const describer = await glimpse.describer();
  const usage = { inputTokens: 0, outputTokens: 0, costUsd: 0, reported: false, costReported: false };
  const { done: candidates, failed } = await overImages(
    entries,
    { ...options, phase: 'describing' },
    async (entry): Promise<Candidate> => {
      const started = performance.now();
      const result = await glimpse.caption(entry.path, { task: 'caption' });
      const ms = performance.now() - started;
      if (result.usage) {
        usage.reported = true;
        usage.inputTokens += result.usage.inputTokens ?? 0;
        usage.outputTokens += result.usage.outputTokens ?? 0;
        if (result.usage.costUsd !== undefined) {
          usage.costReported = true;
          usage.costUsd += result.usage.costUsd;
        }
      }
      return { entry, caption: result.caption ?? '', ms };
    },
  );
  return score(candidates, failed, {
    provider: describer.provider,
    model: describer.modelId,
    latency: candidates.length > 0 ? summariseLatency(candidates.map((candidate) => candidate.ms!)) : null,
    usage: usage.reported
      ? {
          inputTokens: usage.inputTokens,
          outputTokens: usage.outputTokens,
          costUsd: usage.costReported ? usage.costUsd : null,
        }
      : null,
  });
}

function score(
  candidates: readonly Candidate[],
  failed: CaptionEvaluation['failed'],
  about: Pick<CaptionEvaluation, 'provider' | 'model' | 'latency' | 'usage'>,
): CaptionEvaluation {
  if (candidates.length === 0) throw nothingScored(failed);
  const scored = scoreCaptions(
    candidates.map((candidate) => ({ candidate: candidate.caption, references: candidate.entry.captions })),
  );
  return {
    task: 'captions',
    ...about,
    metrics: scored.metrics,
    n: candidates.length,
    failed,
    items: candidates.map((candidate, index) => ({
      file: candidate.entry.file,
      path: candidate.entry.path,
      caption: candidate.caption,
      references: candidate.entry.captions,
      scores: scored.perImage[index],
      ms: candidate.ms === null ? null : Math.round(candidate.ms),
    })),
  };
}
