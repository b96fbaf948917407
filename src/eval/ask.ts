/**
 * `glimpse eval ask`: does asking the library cite the right photo?
 *
 * From a captions manifest, one human caption per image is held back and made into a question ("Is there a photo
 * of <caption>?"); the image's other captions are its description in an oracle library (stored with
 * `importDescriptions`, as `eval search --oracle` does: no images and no model needed to build it). Each question
 * goes through `askLibrary` — extractively (no model), or with a language model where one is configured — and is
 * scored by citation recall@k: is the right image among the sources the answer cites, when k descriptions were
 * read. Retrieval recall@k (is it among the k retrieved at all) is the ceiling citations can reach.
 */
import { join } from 'node:path';
import { createGlimpse, type Glimpse } from '../glimpse.js';
import { contentWords } from '../methods/ask-library.js';
import { alignedTable } from './format.js';
import type { CaptionEntry } from './manifest.js';
import { withTemporaryFolder } from './search.js';
import { type LatencySummary, summariseLatency } from './statistics.js';

export const DEFAULT_ASK_K = 8;

export interface AskMetrics {
  /** The right image is among the cited sources. */
  'citation R@k': number;
  /** The right image is the first source cited. */
  'citation R@1': number;
  /** The right image is among the k descriptions retrieved (what the answer could cite). */
  'retrieval R@k': number;
  /** Sources cited per question, on average (fewer is more precise). */
  'sources per answer': number;
  /** Questions answered "nothing matches" (no model called). */
  'nothing found': number;
}

export interface AskMiss {
  question: string;
  file: string;
  answer: string;
  cited: string[];
}

export interface AskEvaluation {
  task: 'ask';
  mode: 'extractive' | 'model';
  provider: string | null;
  model: string | null;
  k: number;
  metrics: AskMetrics;
  /** Questions asked. */
  n: number;
  images: number;
  latency: LatencySummary;
  usage: { inputTokens: number; outputTokens: number; costUsd: number | null };
  /** A few questions whose image was not cited, for the report. */
  misses: AskMiss[];
}

export interface AskEvalOptions {
  k?: number;
  /** Answer with the library's model (its describer's `answer`); otherwise extractively. */
  mode?: 'extractive' | 'model';
  /** Open Glimpse on the temporary database (the CLI passes its provider and embedder options through it). */
  open?: (db: string) => Promise<Glimpse>;
  /** Ask at most this many questions (the first images of the manifest). */
  questions?: number;
  keepMisses?: number;
  onProgress?: (phase: string, done: number, total: number) => void;
}

/** "A red bicycle parked against a brick wall." → "Is there a photo of a red bicycle parked against a brick wall?" */
export function questionFrom(caption: string): string {
  const body = caption.trim().replace(/[.!?\s]+$/, '');
  return `Is there a photo of ${body.charAt(0).toLowerCase()}${body.slice(1)}?`;
}

export async function evaluateAsk(
  entries: readonly CaptionEntry[],
  options: AskEvalOptions = {},
): Promise<AskEvaluation> {
  const k = options.k ?? DEFAULT_ASK_K;
  const mode = options.mode ?? 'extractive';
  const open = options.open ?? ((db: string) => createGlimpse({ db, embedder: null }));
  // Images with at least two captions: one held back as the question, the others describe the image.
  const usable = entries.filter((entry) => entry.captions.length >= 2);
  return withTemporaryFolder(async (folder) => {
    const glimpse = await open(join(folder, 'ask.db'));
    try {
      const ids = await glimpse.importDescriptions(
        usable.map((entry) => ({
          path: entry.path,
          caption: entry.captions[0]!,
          detailed: entry.captions.slice(1, -1).join(' ') || null,
        })),
        { source: 'oracle' },
      );
      const targets = usable
        .map((entry, index) => ({ id: ids[index]!, file: entry.file, question: questionFrom(entry.captions.at(-1)!) }))
        .slice(0, options.questions ?? usable.length);
      const describer = mode === 'model' ? await glimpse.describer() : null;
      const latencies: number[] = [];
      const usage = { inputTokens: 0, outputTokens: 0, costUsd: 0 as number | null };
      let cited = 0;
      let citedFirst = 0;
      let retrieved = 0;
      let sources = 0;
      let nothing = 0;
      let model: string | null = null;
      const misses: AskMiss[] = [];
      for (const [done, target] of targets.entries()) {
        const started = performance.now();
        const result = await glimpse.askLibrary(target.question, { limit: k, extractive: mode === 'extractive' });
        latencies.push(performance.now() - started);
        const found = await glimpse.search(contentWords(target.question).join(' '), { limit: k, translate: false });
        if (found.results.some((hit) => hit.id === target.id)) retrieved++;
        const position = result.sources.findIndex((source) => source.id === target.id);
        if (position >= 0) cited++;
        if (position === 0) citedFirst++;
        sources += result.sources.length;
        if (result.mode === 'nothing') nothing++;
        if (result.model) model = result.model;
        usage.inputTokens += result.usage?.inputTokens ?? 0;
        usage.outputTokens += result.usage?.outputTokens ?? 0;
        usage.costUsd =
          usage.costUsd === null || (result.usage && result.usage.costUsd === undefined)
            ? null
            : usage.costUsd + (result.usage?.costUsd ?? 0);
        if (position < 0 && misses.length < (options.keepMisses ?? 3)) {
          misses.push({
            question: target.question,
            file: target.file,
            answer: result.answer,
            cited: result.sources.map((source) => source.path),
          });
        }
        options.onProgress?.('asking', done + 1, targets.length);
      }
      const n = Math.max(targets.length, 1);
      return {
        task: 'ask',
        mode,
        provider: describer?.provider ?? null,
        model: mode === 'model' ? (model ?? describer?.modelId ?? null) : null,
        k,
        metrics: {
          'citation R@k': cited / n,
          'citation R@1': citedFirst / n,
          'retrieval R@k': retrieved / n,
          'sources per answer': sources / n,
          'nothing found': nothing / n,
        },
        n: targets.length,
        images: usable.length,
        latency: summariseLatency(latencies),
        usage,
        misses,
      };
    } finally {
      await glimpse.close();
    }
  });
}

/** A plain-text table: metrics as rows, runs as columns. */
export function formatAskRuns(runs: readonly AskEvaluation[]): string {
  const name = (run: AskEvaluation) =>
    run.mode === 'model' ? `${run.provider}:${run.model}` : 'extractive (no model)';
  const number = (value: number, digits = 3) => value.toFixed(digits);
  const rows: string[][] = [
    ...(Object.keys(runs[0]?.metrics ?? {}) as (keyof AskMetrics)[]).map((metric) => [
      metric.replace('@k', `@${runs[0]!.k}`),
      ...runs.map((run) => number(run.metrics[metric])),
    ]),
    ['n', ...runs.map((run) => String(run.n))],
    ['images in library', ...runs.map((run) => String(run.images))],
    ['latency median ms', ...runs.map((run) => number(run.latency.medianMs, 1))],
    ['latency p95 ms', ...runs.map((run) => number(run.latency.p95Ms, 1))],
  ];
  if (runs.some((run) => run.usage.inputTokens > 0))
    rows.push(['tokens in/out', ...runs.map((run) => `${run.usage.inputTokens}/${run.usage.outputTokens}`)]);
  return alignedTable(['', ...runs.map(name)], rows);
}
