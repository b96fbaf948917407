/**
 * Search latency on synthetic libraries of 10k, 100k and 1M described images: p50/p95 of the library's `search`
 * (full text with concept expansion; and hybrid, fusing a nearest-neighbour list from a deterministic embedder),
 * plus how fast the store was built. Queries are 1–3 words drawn by corpus frequency, as people type, and (full text
 * only) whole sentences such as a caption. Each latency figure is measured on `repeats` sets of new queries and
 * reported as the median with its min and max.
 * For hybrid, also the vector index itself: build and load time, file size, and recall@50 of Store.nearest
 * against sqlite-vec's exact brute force on the same vectors.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { percentile } from '../eval/statistics.js';
import { createGlimpse, type Glimpse } from '../glimpse.js';
import { glimpseParts } from '../methods/parts.js';
import type { Embedder } from '../providers/spec.js';
import { RANKING_IN_ONE_CALL } from '../search/full-text.js';
import { SqliteStore } from '../storage/sqlite/sqlite-store.js';
import { hashingEmbedder } from './fake-providers.js';
import { type BenchResult, repeated, result } from './results.js';
import { buildSyntheticStore } from './synthetic-store.js';
import { sampleWord, seededRandom, type Vocabulary } from './vocabulary.js';

export function benchQueries(vocabulary: Vocabulary, count: number, seed = 7): string[] {
  const random = seededRandom(seed);
  // Skip the commonest words ("a", "of", "on"): nobody searches for them alone.
  return Array.from({ length: count }, () =>
    Array.from({ length: 1 + Math.floor(random() * 3) }, () => sampleWord(vocabulary, random, 20)).join(' '),
  );
}

/**
 * Whole sentences, as a caption-like query ("a man riding a wave on top of a surfboard"): COCO captions when
 * ../shared/data has them, otherwise 8–13 words drawn by frequency (stop words included, as in a caption).
 */
export function benchSentences(vocabulary: Vocabulary, count: number, seed = 7): string[] {
  const random = seededRandom(seed);
  const { captions } = vocabulary;
  return Array.from({ length: count }, () =>
    captions.length > 0
      ? captions[Math.floor(random() * captions.length)]
      : Array.from({ length: 8 + Math.floor(random() * 6) }, () => sampleWord(vocabulary, random)).join(' '),
  );
}

/**
 * Latencies of one process, in two phases. First, `cold` queries on a fresh process: its caches (WordNet words,
 * term counts, row lengths, the vector copy) fill as they go. Then, after a warm-up of `warmUp` other queries, the
 * `measured` ones, and each set of `repeats` after them — new to the process too, so none is answered from a cache
 * of its own earlier run. The second is what a long-running server sees; the first is what the first minutes after
 * starting look like. `warm` is the first measured set; `repeats` has every measured set's latencies.
 */
export async function latencies(
  glimpse: Glimpse,
  sets: QuerySets,
): Promise<{ cold: number[]; warm: number[]; repeats: number[][] }> {
  const time = async (queries: readonly string[]) => {
    const measured: number[] = [];
    for (const query of queries) {
      const started = performance.now();
      await glimpse.search(query, { limit: 10 });
      measured.push(performance.now() - started);
    }
    return measured;
  };
  const cold = await time(sets.cold);
  await time(sets.warmUp);
  const repeats: number[][] = [];
  for (const queries of [sets.measured, ...(sets.repeats ?? [])]) repeats.push(await time(queries));
  return { cold, warm: repeats[0], repeats };
}

/** Disjoint draws (different seeds) of the same kind of query: 1–3 words, or whole sentences. */
export function querySets(
  vocabulary: Vocabulary,
  queries: number,
  options: { repeats?: number; sentences?: boolean } = {},
): QuerySets {
  const draw = options.sentences ? benchSentences : benchQueries;
  const seeds = Array.from({ length: Math.max(1, options.repeats ?? 1) }, (_, index) => 7 + 1000 * index);
  return {
    cold: draw(vocabulary, Math.min(queries, 100), 13),
    warmUp: draw(vocabulary, queries, 11),
    measured: draw(vocabulary, queries, seeds[0]),
    repeats: seeds.slice(1).map((seed) => draw(vocabulary, queries, seed)),
  };
}

export interface QuerySets {
  cold: string[];
  warmUp: string[];
  measured: string[];
  /** Further measured sets, for figures over repeats. */
  repeats?: string[][];
}

export const label = (size: number) => (size >= 1_000_000 ? `${size / 1_000_000}m` : `${size / 1000}k`);

/**
 * Build a store of `size` descriptions in `folder` and measure it. With `hybrid`, vectors are stored too and the
 * same queries run again through the embedder. Returns the results and the database path (for the cold-start bench).
 */
export async function measureSearch(
  folder: string,
  vocabulary: Vocabulary,
  size: number,
  options: { hybrid: boolean; queries: number; repeats?: number; onProgress?: (text: string) => void },
): Promise<{ results: BenchResult[]; db: string }> {
  const db = join(folder, `search-${label(size)}.db`);
  const embedder = hashingEmbedder(384);
  const builder = await createGlimpse({ db, embedder: null });
  let build;
  const store = glimpseParts(builder).searchIndex.sqlite;
  try {
    build = await buildSyntheticStore(store, vocabulary, size, {
      embedder: options.hybrid ? embedder : undefined,
      onProgress: (done) => options.onProgress?.(`building ${label(size)}: ${done}/${size}`),
    });
    store.db.pragma('wal_checkpoint(TRUNCATE)');
    store.db.exec('ANALYZE');
  } finally {
    await builder.close();
  }
  const repeats = options.repeats ?? 1;
  const sets = querySets(vocabulary, options.queries, { repeats });
  const sentences = querySets(vocabulary, options.queries, { repeats, sentences: true });
  const queries = sets.measured;
  const aim = size === 100_000 ? 'aim < 10 ms' : size === 1_000_000 ? 'aim < 20 ms' : undefined;
  const spread = repeats > 1 ? `; ${repeats} sets of new queries` : '';
  const results: BenchResult[] = [
    result(
      `index-build-per-s-${label(size)}`,
      build.perSecond,
      'images/s',
      `${size} synthetic descriptions${options.hybrid ? ' + 384-d vectors' : ''} (${vocabulary.source})`,
    ),
  ];
  /** p50, p95 and the cold p95 of one kind of query, each over the repeats. */
  const figures = (prefix: string, measured: Awaited<ReturnType<typeof latencies>>, what: string, aims?: string) => [
    repeated(
      `${prefix}-p50-ms-${label(size)}`,
      measured.repeats.map((times) => percentile(times, 50)),
      'ms',
      `${what}, ${queries.length} new queries after ${sets.warmUp.length} others${spread}`,
    ),
    repeated(
      `${prefix}-p95-ms-${label(size)}`,
      measured.repeats.map((times) => percentile(times, 95)),
      'ms',
      aims,
    ),
    result(
      `${prefix}-cold-p95-ms-${label(size)}`,
      percentile(measured.cold, 95),
      'ms',
      `the first ${sets.cold.length} queries of a fresh process`,
    ),
  ];
  const fullText = await createGlimpse({ db, embedder: null });
  try {
    results.push(...figures('search', await latencies(fullText, sets), 'full text, 1–3 words', aim));
    results.push(
      ...figures(
        'search-sentence',
        await latencies(fullText, sentences),
        `full text, whole sentences (${vocabulary.captions.length > 0 ? 'COCO captions' : 'drawn from the word list'})`,
        aim,
      ),
    );
    results.push(...(await rankingComparison(fullText, sets, 'search', label(size))));
    results.push(...(await rankingComparison(fullText, sentences, 'search-sentence', label(size))));
  } finally {
    await fullText.close();
  }
  if (options.hybrid) {
    results.push(
      ...(await measureVectorIndex(db, embedder, queries.slice(0, size >= 1_000_000 ? 20 : 50), label(size))),
    );
    const hybrid = await createGlimpse({ db, embedder });
    try {
      results.push(
        ...figures(
          'hybrid',
          await latencies(hybrid, sets),
          'full text + vectors (384-d) fused',
          size === 100_000 ? 'aim < 20 ms' : size === 1_000_000 ? 'aim < 50 ms' : undefined,
        ),
      );
    } finally {
      await hybrid.close();
    }
  }
  return { results, db };
}

/**
 * The full-text stage's two ways on the same library and queries, in the same process, query by query in turn: ranked in
 * one call of weighted_bm25_top (the default, see search/full-text.ts) and row by row with ORDER BY weighted_bm25
 * (before it). Both see queries the process has met once already (in the figures above), so neither is favoured.
 */
export async function rankingComparison(
  glimpse: Glimpse,
  sets: QuerySets,
  prefix: string,
  size: string,
): Promise<BenchResult[]> {
  const saved = RANKING_IN_ONE_CALL.enabled;
  const time = async (query: string, oneCall: boolean) => {
    RANKING_IN_ONE_CALL.enabled = oneCall;
    const started = performance.now();
    await glimpse.search(query, { limit: 10 });
    return performance.now() - started;
  };
  const before: number[] = [];
  const now: number[] = [];
  try {
    for (const queries of [sets.measured, ...(sets.repeats ?? [])]) {
      const times = { true: [] as number[], false: [] as number[] };
      // Query by query, each way in turn and the first alternating, so that a change in the machine's load (it
      // may be shared) falls on both alike.
      for (const [index, query] of queries.entries())
        for (const oneCall of index % 2 === 0 ? [false, true] : [true, false])
          times[`${oneCall}`].push(await time(query, oneCall));
      before.push(percentile(times.false, 95));
      now.push(percentile(times.true, 95));
    }
  } finally {
    RANKING_IN_ONE_CALL.enabled = saved;
  }
  return [
    repeated(
      `${prefix}-row-by-row-p95-ms-${size}`,
      before,
      'ms',
      'ranked row by row (ORDER BY weighted_bm25, before), the same queries again',
    ),
    repeated(`${prefix}-one-call-p95-ms-${size}`, now, 'ms', 'ranked in one call (weighted_bm25_top), likewise'),
    repeated(
      `${prefix}-one-call-over-row-by-row-p95-${size}`,
      now.map((value, index) => value / before[index]),
      'ratio',
      'per set of queries',
    ),
  ];
}

const K = 50;

/**
 * The vector index on its own: the first nearest() builds it from the vec0 table (and writes the file beside the
 * database), a fresh Store loads that file; then nearest() against sqlite-vec's brute force on the same queries.
 */
async function measureVectorIndex(
  db: string,
  embedder: Embedder,
  queries: readonly string[],
  size: string,
): Promise<BenchResult[]> {
  const vectors = await embedder.embedTexts([...queries], 'query');
  let store = new SqliteStore(db);
  const spaceId = store.embeddingSpaces().find((candidate) => candidate.model === embedder.modelId)!.id;
  let started = performance.now();
  store.nearest(spaceId, vectors[0], K);
  const buildMs = performance.now() - started;
  store.close();
  store = new SqliteStore(db);
  started = performance.now();
  store.nearest(spaceId, vectors[0], K);
  const loadMs = performance.now() - started;
  const file = store.vectorIndexPath(spaceId);
  const fileBytes = file ? statOrNull(file) : null;
  const approximate: number[] = [];
  let found = 0;
  for (const vector of vectors) {
    started = performance.now();
    const hits = store.nearest(spaceId, vector, K);
    approximate.push(performance.now() - started);
    const exact = new Set(store.exactNearest(spaceId, vector, K).map((hit) => hit.imageId));
    found += hits.filter((hit) => exact.has(hit.imageId)).length;
  }
  store.close();
  const cached = fileBytes !== null;
  return [
    result(
      `vector-index-build-ms-${size}`,
      buildMs,
      'ms',
      cached
        ? 'first nearest(): int8 copy built from the vec0 table and saved'
        : 'below the size for an index: sqlite-vec alone',
    ),
    result(
      `vector-index-load-ms-${size}`,
      loadMs,
      'ms',
      cached ? 'first nearest() of a new Store: the saved file loaded' : undefined,
    ),
    result(`vector-index-mb-${size}`, fileBytes === null ? null : fileBytes / 1e6, 'MB', cached ? file! : undefined),
    result(`vector-nearest-p50-ms-${size}`, percentile(approximate, 50), 'ms', `Store.nearest k=${K}`),
    result(
      `vector-recall-at-50-${size}`,
      found / (vectors.length * K),
      'ratio',
      `against sqlite-vec brute force, ${vectors.length} queries`,
    ),
  ];
}

function statOrNull(path: string): number | null {
  try {
    return statSync(path).size;
  } catch {
    return null;
  }
}
