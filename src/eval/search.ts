/**
 * `glimpse eval search`: how often search finds the right image when queried with a human caption of it.
 *
 * - With a provider: index the manifest's images into a temporary store with that provider, then query with
 *   every human caption of every image.
 * - `--oracle`: no images and no model. Store one human caption per image as if a perfect model had written it,
 *   and query with the other captions. This measures search alone.
 *
 * Metrics per query, over the top 10: Recall@1/5/10 (is the image among the first k) and MRR (1/rank, 0 when
 * not in the top 10), plus the latency of each query through the library's `search`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GlimpseError } from '../errors.js';
import { createGlimpse, type Glimpse } from '../glimpse.js';
import type { Word } from '../search/sentence.js';
import { nothingScored } from './concurrency.js';
import type { CaptionEntry } from './manifest.js';
import { ReferenceIndex, type WordQuery } from './relevance.js';
import { type LatencySummary, summariseLatency } from './statistics.js';

export const SEARCH_DEPTH = 10;

export interface SearchMetrics {
  'R@1': number;
  'R@5': number;
  'R@10': number;
  MRR: number;
  /** Caption queries: the share of the top 10 whose references name the query's subject (see relevance.ts). */
  'subject P@10': number;
  /** Word queries ("dog", "people and beach") with known answers: precision of the first 10 and of all shown. */
  'word P@10': number;
  'word P@50': number;
  /** The share of each word query's answer set among its (up to 50) results. */
  'word coverage@50': number;
  /** How many results a word query shows (of at most 50). */
  'word results': number;
}

/** Word queries ask for up to this many results (a web page of results). */
export const WORD_QUERY_DEPTH = 50;

export interface SearchMiss {
  query: string;
  file: string;
  /** Where the right image came (null: not in the top 10). */
  rank: number | null;
  /** The caption stored for the right image, and for what came first instead. */
  expected: string | null;
  found: { file: string; caption: string | null } | null;
}

export interface SearchEvaluation {
  task: 'search';
  mode: 'oracle' | 'provider';
  provider: string | null;
  model: string | null;
  metrics: SearchMetrics;
  /** Queries run. */
  n: number;
  images: number;
  latency: LatencySummary;
  /** Time to build the temporary index (describing images, for a provider). */
  indexMs: number;
  failedImages: { file: string; error: { code: string; message: string } }[];
  /** The worst queries (missed entirely, or ranked lowest), for the report. */
  misses: SearchMiss[];
}

export type Progress = (phase: string, done: number, total: number) => void;

interface Target {
  id: number;
  file: string;
  queries: string[];
  /** Every human caption of the image: what relevance is judged by. */
  references: readonly string[];
}

/** Oracle: one human caption per image is "the description"; the others are the queries. */
export interface QueryOptions {
  onProgress?: Progress;
  /** How many of the worst queries to keep for the report. */
  keepMisses?: number;
  /** Query with at most this many captions of each image (default: all), for quicker runs. */
  queriesPerImage?: number;
}

/**
 * Oracle search. `open` opens Glimpse on the temporary database (the CLI passes its --embedder options through
 * it); by default full-text search alone. With an embedder, the stored captions are embedded too (hybrid search).
 */
export async function evaluateSearchOracle(
  entries: readonly CaptionEntry[],
  options: QueryOptions & {
    open?: (db: string) => Promise<Glimpse>;
    /** Build the library in this database (a PostgreSQL URL) and leave it there; default a temporary SQLite file. */
    db?: string;
  } = {},
): Promise<SearchEvaluation> {
  const open = options.open ?? ((db: string) => createGlimpse({ db, embedder: null }));
  return withTemporaryFolder(async (folder) => {
    const glimpse = await open(options.db ?? join(folder, 'oracle.db'));
    try {
      const started = performance.now();
      // One human caption per image is its description; the other captions are the queries.
      const ids = await glimpse.importDescriptions(
        entries.map((entry) => ({ path: entry.path, caption: entry.captions[0] })),
        { source: 'oracle', onProgress: options.onProgress },
      );
      const embedder = await glimpse.embedder();
      const indexMs = performance.now() - started;
      options.onProgress?.('indexed', entries.length, entries.length);
      const targets = entries
        .map((entry, index) => ({
          id: ids[index],
          file: entry.file,
          queries: entry.captions.slice(1),
          references: entry.captions,
        }))
        .filter((target) => target.queries.length > 0);
      const result = await runQueries(glimpse, targets, options);
      return {
        task: 'search',
        mode: 'oracle',
        provider: null,
        model: embedder ? `full text + ${embedder.modelId}` : null,
        images: entries.length,
        indexMs: Math.round(indexMs),
        failedImages: [],
        ...result,
      };
    } finally {
      await glimpse.close();
    }
  });
}

/**
 * Index the images with the glimpse's provider (open it on an empty temporary database), then query with every
 * human caption.
 */
export async function evaluateSearchWithProvider(
  glimpse: Glimpse,
  entries: readonly CaptionEntry[],
  options: QueryOptions & { concurrency?: number } = {},
): Promise<SearchEvaluation> {
  const describer = await glimpse.describer();
  const started = performance.now();
  const summary = await glimpse.index(
    entries.map((entry) => entry.path),
    {
      concurrency: options.concurrency,
      onProgress: (event) =>
        event.type === 'image' ? options.onProgress?.('indexing', event.done, event.total) : undefined,
    },
  );
  const indexMs = performance.now() - started;
  const targets: Target[] = [];
  for (const entry of entries) {
    const image = indexedImage(glimpse, entry.path);
    if (image?.description)
      targets.push({ id: image.id, file: entry.file, queries: entry.captions, references: entry.captions });
  }
  const failedImages = summary.failures.map((failure) => ({ file: failure.path, error: failure.error }));
  if (targets.length === 0) throw nothingScored(failedImages);
  const result = await runQueries(glimpse, targets, options);
  return {
    task: 'search',
    mode: 'provider',
    provider: describer.provider,
    model: describer.modelId,
    images: targets.length,
    indexMs: Math.round(indexMs),
    failedImages,
    ...result,
  };
}

/** A temporary folder for an evaluation's database, removed afterwards whatever happens. */
export async function withTemporaryFolder<T>(work: (folder: string) => Promise<T>): Promise<T> {
  const folder = await mkdtemp(join(tmpdir(), 'glimpse-eval-'));
  try {
    return await work(folder);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

async function runQueries(
  glimpse: Glimpse,
  targets: readonly Target[],
  options: QueryOptions,
): Promise<Pick<SearchEvaluation, 'metrics' | 'n' | 'latency' | 'misses'>> {
  const perImage = options.queriesPerImage ?? Infinity;
  const references = new ReferenceIndex(targets.map((target) => target.references));
  const position = new Map(targets.map((target, index) => [target.id, index]));
  const about = (id: number, word: Word) => {
    const index = position.get(id);
    return index !== undefined && references.mentions(index, word);
  };
  let subjectPrecision = 0;
  let subjectQueries = 0;
  targets = targets.map((target) => ({ ...target, queries: target.queries.slice(0, perImage) }));
  const total = targets.reduce((sum, target) => sum + target.queries.length, 0);
  const latencies: number[] = [];
  const hits = { 1: 0, 5: 0, 10: 0 };
  let reciprocal = 0;
  const misses: (SearchMiss & { id: number; foundId: number | null })[] = [];
  const keep = options.keepMisses ?? 0;
  let done = 0;
  for (const target of targets) {
    for (const query of target.queries) {
      const started = performance.now();
      const response = await glimpse.search(query, { limit: SEARCH_DEPTH, translate: false });
      latencies.push(performance.now() - started);
      const found = response.results.findIndex((result) => result.id === target.id);
      const rank = found >= 0 ? found + 1 : null;
      const subject = ReferenceIndex.subject(query);
      // Precision of what is shown as results (weaker matches are listed apart, under their own heading).
      const shown = response.results.filter((result) => !result.weaker);
      if (subject && shown.length > 0) {
        subjectQueries++;
        subjectPrecision += shown.filter((result) => about(result.id, subject)).length / shown.length;
      }
      if (rank !== null) {
        if (rank <= 1) hits[1]++;
        if (rank <= 5) hits[5]++;
        if (rank <= 10) hits[10]++;
        reciprocal += 1 / rank;
      }
      if (keep > 0 && rank !== 1) {
        const first = response.results[0];
        misses.push({
          query,
          file: target.file,
          rank,
          expected: null,
          found: first ? { file: first.path, caption: first.caption } : null,
          id: target.id,
          foundId: first?.id ?? null,
        });
        // Keep the worst (unfound first, then lowest ranked); trim now and then so memory stays small.
        if (misses.length > keep * 4) trimMisses(misses, keep);
      }
      done++;
      options.onProgress?.('queries', done, total); // every query: the CLI decides how often to show it
    }
  }
  trimMisses(misses, keep);
  const count = Math.max(1, total);
  const words = await runWordQueries(glimpse, references.wordQueries(), position);
  return {
    metrics: {
      'R@1': hits[1] / count,
      'R@5': hits[5] / count,
      'R@10': hits[10] / count,
      MRR: reciprocal / count,
      'subject P@10': subjectPrecision / Math.max(1, subjectQueries),
      ...words,
    },
    n: total,
    latency: summariseLatency(latencies),
    misses: misses.map(({ id, foundId: _foundId, ...miss }) => ({ ...miss, expected: glimpse.show(id).caption })),
  };
}

/** Short queries with known answer sets: precision of what is shown, and how much of the answer set it holds. */
async function runWordQueries(
  glimpse: Glimpse,
  queries: readonly WordQuery[],
  position: ReadonlyMap<number, number>,
): Promise<Pick<SearchMetrics, 'word P@10' | 'word P@50' | 'word coverage@50' | 'word results'>> {
  let top = 0;
  let all = 0;
  let coverage = 0;
  let shown = 0;
  let answered = 0;
  for (const { query, answers } of queries) {
    const response = await glimpse.search(query, { limit: WORD_QUERY_DEPTH, exact: true, translate: false });
    // What is shown as results: weaker matches are listed apart, under their own heading.
    const results = response.results.filter((result) => !result.weaker);
    const isAnswer = results.map((result) => answers.has(position.get(result.id) ?? -1));
    shown += results.length;
    coverage += isAnswer.filter(Boolean).length / Math.min(answers.size, WORD_QUERY_DEPTH);
    if (results.length === 0) continue;
    answered++;
    top += isAnswer.slice(0, SEARCH_DEPTH).filter(Boolean).length / Math.min(results.length, SEARCH_DEPTH);
    all += isAnswer.filter(Boolean).length / results.length;
  }
  const per = (value: number, count: number) => value / Math.max(1, count);
  return {
    'word P@10': per(top, answered),
    'word P@50': per(all, answered),
    'word coverage@50': per(coverage, queries.length),
    'word results': per(shown, queries.length),
  };
}

function trimMisses(misses: { rank: number | null }[], keep: number): void {
  misses.sort((a, b) => (b.rank ?? Infinity) - (a.rank ?? Infinity));
  misses.length = Math.min(misses.length, keep);
}

/** What the library holds for a path, or undefined when it is not indexed. */
function indexedImage(glimpse: Glimpse, path: string) {
  try {
    return glimpse.show(path);
  } catch (error) {
    if (GlimpseError.is(error) && error.code === 'IMAGE_NOT_INDEXED') return undefined;
    throw error;
  }
}
