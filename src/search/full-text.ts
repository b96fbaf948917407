/**
 * The full-text ranker: one FTS5 query, bm25 with per-column and per-word weights, best `pool` rows first.
 * Word weights come from native/weighted_bm25.c when it is built; otherwise stock bm25 ranks an expression where a
 * word of weight 3 is written three times (same scores, about a fifth slower: FTS5 reads each copy).
 *
 * With the native function and no filter, the whole query is ranked in one call of weighted_bm25_top (see
 * rankInOneCall): each phrase's row list read on its own, with exact max-score pruning, and no per-row trip through
 * FTS5's merge and SQLite's sorter; about half the CPU of the row-by-row query below, same rows and scores.
 *
 * Row by row (filters, stock bm25), ranking costs time for every row the query matches (most of it reading the
 * row's length, which weighted_bm25 caches), so a few common words in a library of a million images keep one core
 * busy for a long while. Large libraries are therefore also ranked in parallel: the rowids are cut into one range per
 * core, the main thread ranks one range while worker threads (each with its own read-only connection) rank the
 * others, and the best rows are merged.
 * bm25 takes its idf and average length from the whole table whatever the range, so the merged list is exactly
 * the single-query list (ties are broken by rowid in both).
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { hasWeightedBm25 } from './native-ranking.js';
import type { WeightedExpression } from './query.js';
import type { RankingReply, RankingRequest, RankingWorkerData } from './ranking-worker.js';
import type { Filter } from './search.js';
import type { SearchIndex } from './search-index.js';

/** bm25 column weights: caption, tags, detailed, text, concepts, path. */
export const COLUMN_WEIGHTS = [10, 6, 3, 1.5, 1, 2] as const;

/**
 * Libraries with fewer images than `above` are ranked in one query: below it, handing work to a thread costs more
 * than it saves (`npm run bench` measures both sides). `threads` counts the main thread. Settable for tests and the bench.
 */
export const PARALLEL_RANKING = { above: 100_000, threads: Math.min(availableParallelism(), 4) };

export interface RankedRow {
  id: number;
  score: number;
}

/**
 * `background`: for a library large enough to be split, rank every range on worker threads, leaving this thread free
 * until the promise is awaited (search scans vectors meanwhile). Otherwise this thread ranks one range itself.
 */
export async function rankFullText(
  index: SearchIndex,
  query: WeightedExpression,
  filter: Filter,
  pool: number,
  options: { background?: boolean } = {},
): Promise<RankedRow[]> {
  const store = index.sqlite;
  const native = hasWeightedBm25(store.db);
  if (native && RANKING_IN_ONE_CALL.enabled && !filter.where) {
    // It refuses rowids past its arrays (100 million, or negative): those libraries are ranked row by row.
    const ranked = await rankInOneCall(index, query, pool, options).catch((error: { code?: string }) => {
      if (error.code === 'SQLITE_RANGE') return null;
      throw error;
    });
    if (ranked) return ranked;
  }
  const score = native
    ? // 'search_index' names the connection's cache of row lengths (see native/weighted_bm25.c).
      // The phrase weights are bound, so that queries with as many phrases share one prepared statement.
      `-weighted_bm25(search_index, 'search_index', ${COLUMN_WEIGHTS.length}, ${COLUMN_WEIGHTS.join(', ')}, ${query.weights.map(() => '?').join(', ')})`
    : `-bm25(search_index, ${COLUMN_WEIGHTS.join(', ')})`;
  const expression = native ? query.expression : query.repeated;
  const sql = (range: boolean) =>
    // Join the images table only when a filter needs it: for thousands of matches the join costs as much as bm25.
    `SELECT s.rowid AS id, ${score} AS score
     FROM search_index s ${filter.where ? `JOIN images i ON i.id = s.rowid ${filter.join}` : ''}
     WHERE search_index MATCH ? ${filter.where} ${range ? 'AND s.rowid >= ? AND s.rowid < ?' : ''}
     ORDER BY score DESC, s.rowid LIMIT ?`;
  const ranges = rowidRanges(index);
  const weights = native ? query.weights : [];
  if (ranges.length <= 1)
    return index.prepared(sql(false)).all(...weights, expression, ...filter.parameters, pool) as RankedRow[];

  // BigInt bounds: better-sqlite3 binds numbers as REAL, and FTS5 ignores rowid constraints that are not integers.
  const parameters = ([low, high]: [number, number]) => [
    ...weights,
    expression,
    ...filter.parameters,
    BigInt(low),
    BigInt(high),
    pool,
  ];
  const own = options.background ? [] : ranges.slice(0, 1);
  const others = ranges.slice(own.length);
  const threads = rankingThreads(index, others.length, native);
  const ranked = others.map((range, index) => threads[index].run(sql(true), parameters(range)));
  const rows = own
    .flatMap((range) => index.prepared(sql(true)).all(...parameters(range)) as RankedRow[])
    .concat(...(await Promise.all(ranked)));
  return rows.sort((a, b) => b.score - a.score || a.id - b.id).slice(0, pool);
}

/**
 * Rank in one call of weighted_bm25_top (native/weighted_bm25.c), which reads each phrase's row list on its own and
 * adds up the scores in an array, instead of scoring row by row through FTS5's merge and SQLite's sorter: the same
 * rows and scores (to the last bit, ties by rowid), several times faster where a query's common words hold much of the
 * library. Each connection keeps the row lists of common words it has read (until the library changes), so a
 * long-running process reads those from memory rather than through FTS5. On by default with the native function and
 * no filter (filters need the images table, row by row); settable for tests and the bench, which compare both, and
 * off with GLIMPSE_RANKING_IN_ONE_CALL=0.
 */
export const RANKING_IN_ONE_CALL = { enabled: process.env.GLIMPSE_RANKING_IN_ONE_CALL !== '0' };

async function rankInOneCall(
  index: SearchIndex,
  query: WeightedExpression,
  pool: number,
  options: { background?: boolean },
): Promise<RankedRow[]> {
  // Any one matching row will do: the function ranks the whole query from it (arguments: k, rowid range, weights).
  // One range: split into rowid ranges, every thread would read the phrases' whole row lists, now most of the work
  // (on 2 shared cores, measured slower than one thread at 1M). With vectors to find meanwhile, a large library is
  // ranked on a worker thread, as rankFullText does.
  const sql = `SELECT weighted_bm25_top(search_index, 'search_index', ?, ?, ?, ${COLUMN_WEIGHTS.length}, ${COLUMN_WEIGHTS.join(', ')}, ${query.weights.map(() => '?').join(', ')}) AS top
     FROM search_index WHERE search_index MATCH ? LIMIT 1`;
  const parameters = [pool, 0, Number.MAX_SAFE_INTEGER, ...query.weights, query.expression];
  const rows =
    options.background && rowidRanges(index).length > 1
      ? await rankingThreads(index, 1, true)[0].run<{ top: Uint8Array }>(sql, parameters)
      : (index.prepared(sql).all(...parameters) as { top: Uint8Array }[]);
  if (rows.length === 0) return [];
  // Pairs of doubles in this machine's order (rowids below 2^53 are exact as doubles); copied to align them.
  const flat = new Float64Array(Uint8Array.from(rows[0].top).buffer);
  const ranked: RankedRow[] = [];
  for (let at = 0; at < flat.length; at += 2) ranked.push({ id: flat[at], score: flat[at + 1] });
  return ranked;
}

/** Equal rowid ranges covering the library, one per thread; a single range for small or in-memory libraries. */
function rowidRanges(index: SearchIndex): [number, number][] {
  const store = index.sqlite;
  // In-memory and private temporary ('') databases cannot be opened again by a worker thread.
  if (store.path === ':memory:' || store.path === '' || PARALLEL_RANKING.threads < 2)
    return [[0, Number.MAX_SAFE_INTEGER]];
  // max(rowid) is O(log n) and a fair stand-in for the number of images (ids are not reused).
  const last = (index.prepared('SELECT max(rowid) FROM search_index').pluck().get() as number | null) ?? 0;
  if (last < PARALLEL_RANKING.above) return [[0, Number.MAX_SAFE_INTEGER]];
  const step = Math.ceil((last + 1) / PARALLEL_RANKING.threads);
  return Array.from({ length: PARALLEL_RANKING.threads }, (_, index) => [
    index * step,
    index === PARALLEL_RANKING.threads - 1 ? Number.MAX_SAFE_INTEGER : (index + 1) * step,
  ]);
}

export class RankingThread {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve: (rows: unknown[]) => void; reject: (error: Error) => void }>();
  private nextId = 1;

  constructor(path: string, native: boolean) {
    const workerData: RankingWorkerData = { path, native };
    // Required here: worker_threads is loaded only by a library large enough to rank on threads.
    const { Worker } = createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads');
    this.worker = new Worker(new URL('./ranking-worker.js', import.meta.url), { workerData });
    // An idle ranking thread must not keep a finished CLI process alive.
    this.worker.unref();
    this.worker.on('message', (reply: RankingReply) => {
      const waiter = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if ('error' in reply) waiter?.reject(new Error(reply.error));
      else waiter?.resolve(reply.rows);
    });
    this.worker.on('error', (error) => this.failAll(error));
    this.worker.on('exit', () => this.failAll(new Error('the search worker thread stopped')));
  }

  /** The rows of one query (ranked rows, or weighted_bm25_top's one row). */
  run<Row = RankedRow>(sql: string, parameters: unknown[]): Promise<Row[]> {
    const request: RankingRequest = { id: this.nextId++, sql, parameters };
    return new Promise((resolve, reject) => {
      this.waiting.set(request.id, { resolve: resolve as (rows: unknown[]) => void, reject });
      this.worker.postMessage(request);
    });
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }

  private failAll(error: Error) {
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
  }
}

/** The index's ranking threads, started on first need and kept until the index closes. */
function rankingThreads(index: SearchIndex, count: number, native: boolean): RankingThread[] {
  const threads = index.caches.rankingThreads;
  while (threads.length < count) threads.push(new RankingThread(index.sqlite.path, native));
  return threads;
}
