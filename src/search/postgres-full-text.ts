/**
 * The full-text stage on PostgreSQL: what search.ts, rerank.ts, spelling.ts and highlights.ts ask of FTS5 on SQLite,
 * answered from the `search_documents` table (storage/postgres/migrations.ts). Everything after it — WordNet concept
 * matching, the sentence reranker, fusion with vectors, highlights — is the same code on both engines.
 *
 * Ranking: the GIN index finds the rows holding any of the query's terms; PostgreSQL scores them with FTS5's bm25
 * (column weights, phrase weights, k1 1.2, b 0.75, idf floored at 1e-6, over the whole library's row count and
 * average length) from each row's per-term weighted hits (`weights`, one jsonb lookup per term), and returns the best
 * with their terms; those are scored here again with the same formula, phrases included, so the reranker sees the
 * scores it sees on SQLite. Term counts and the library's size are kept until the library changes (the
 * `search_changes` sequence moves).
 */
import type { PostgresStore } from '../storage/postgres/postgres-store.js';
import {
  COLUMN_WEIGHTS,
  phraseQuery,
  SEARCH_COLUMNS,
  searchTerms,
  tsLiteral,
} from '../storage/postgres/search-terms.js';
import { rowToDescription, rowToImage, rowToUserEdits } from '../storage/rows.js';
import type { ImageRecord, StoredDescription, UserEdits } from '../storage/store.js';
import type { RankedRow } from './full-text.js';
import type { WeightedExpression } from './query.js';

/** A tsquery of one quoted term ('red'), as tsLiteral makes it: the term; anything else: null. */
function literalTerm(query: string): string | null {
  const match = /^'((?:[^']|'')*)'$/.exec(query);
  return match ? match[1].replace(/''/g, "'").replace(/\\\\/g, '\\') : null;
}

/** The readable columns of a `search_documents s` row. */
const READABLE = SEARCH_COLUMNS.map((column) => `s.${column}`).join(', ');

/** bm25's constants, as FTS5 has them. */
const K1 = 1.2;
const B = 0.75;
/**
 * How many rows PostgreSQL hands over to be scored here: `margin` more than the pool (SQL's bm25 is already exact
 * for one-word phrases, so only ties at the edge need them); for a query with a quoted phrase of several words, which
 * SQL does not score, factor × pool and at least `minimum`. `rareRows`: how many rows the first, pruned pass may read
 * (see max-score pruning in `rankByDocuments`). `postings`: whether queries of single terms are ranked from the
 * postings (off: from each row's jsonb, as queries with quoted phrases or excluded words are). Settable for measuring.
 */
export const CANDIDATES = {
  margin: 20,
  factor: 8,
  minimum: 400,
  rareRows: 3000,
  postings: true,
  sortedSum: true,
  sortedFrom: 10_000,
};

/**
 * How the postings' sums are taken when the query's terms have `sortedFrom` postings or more (`sortedSum`): each
 * term's postings merged in image order and summed in one pass (see `rankByPostings`), rather than in a hash table,
 * which for the hundreds of thousands of images a few common words hold is slower and, past work_mem, spills to disk
 * (server CPU at 1M, merged against hashed: 11 against 15 ms for 26k postings, 29 against 48 for 77k; for a few hundred
 * the same); no bitmap scans, which a table not yet analysed gets and which return the
 * postings in no order (each would then be sorted); work_mem large enough for a sort, should the planner choose one, to
 * stay in memory; and no JIT compilation, which the planner's estimates would start for the large ones at a cost of
 * its own.
 */
const SORTED_SUM = "; SET enable_hashagg = off; SET enable_bitmapscan = off; SET work_mem = '64MB'; SET jit = off";
const SORTED_SUM_RESET = '; RESET enable_hashagg; RESET enable_bitmapscan; RESET work_mem; RESET jit';

/** A filter in PostgreSQL's SQL (search.ts builds it from the search options). */
export interface PostgresFilter {
  join: string;
  where: string;
  parameters: unknown[];
}

interface CandidateRow {
  id: number;
  terms: string;
  length: number;
  score: number;
}

interface RankedPhrase {
  query: string;
  terms: string[];
  weight: number;
}

interface LibraryState {
  stamp: string;
  rows: number;
  averageLength: number;
  documents: Map<string, number>;
  /** Terms known to be in more rows than this, not counted further (see `documentFrequencies`' `atMost`). */
  over: Map<string, number>;
}

export class PostgresFullText {
  private state: LibraryState | null = null;
  /** While a search runs: the library's stamp, read once at its start rather than at each count (see `during`). */
  private pinned: string | null = null;
  /**
   * While a search runs: the readable columns of the rows it has read. The ranking reads its candidates' columns
   * along with their terms, so the reranker's and the highlights' reads of the same rows need no round trip.
   */
  private texts: Map<number, Record<string, string>> | null = null;

  constructor(readonly store: PostgresStore) {}

  /** Changes whenever a search row is written or deleted. */
  stamp(): string {
    const [row] = this.store.query<{ value: number; called: boolean }>(
      'SELECT last_value AS value, is_called AS called FROM search_changes',
    );
    return `${row.value}:${row.called}`;
  }

  /** Runs one search with the library's stamp read once (a search's counts are of one state of the library). */
  async during<T>(search: () => Promise<T>): Promise<T> {
    const outer = { pinned: this.pinned, texts: this.texts };
    this.pinned = this.stamp();
    this.texts = new Map();
    try {
      return await search();
    } finally {
      this.pinned = outer.pinned;
      this.texts = outer.texts;
    }
  }

  private library(): LibraryState {
    const stamp = this.pinned ?? this.stamp();
    if (this.state?.stamp !== stamp) {
      const [row] = this.store.query<{ rows: number; total: number | null }>(
        'SELECT count(*) AS rows, sum(length)::float8 AS total FROM search_documents',
      );
      this.state = {
        stamp,
        rows: row.rows,
        averageLength: row.rows > 0 ? (row.total ?? 0) / row.rows : 0,
        documents: new Map(),
        over: new Map(),
      };
    }
    return this.state;
  }

  /**
   * Rows holding each tsquery, kept while the library is unchanged: a single term's from its postings (an index-only
   * count), a phrase of several words through the GIN index. With `atMost`, a single term in more rows than that is
   * counted only to atMost + 1 (reading a common term's postings to the end costs as much as ranking them), and
   * reported as such.
   */
  private counts(queries: readonly string[], atMost?: number): Map<string, number> {
    const state = this.library();
    const bounded = (query: string) => atMost !== undefined && literalTerm(query) !== null;
    const known = (query: string) =>
      state.documents.has(query) || (bounded(query) && (state.over.get(query) ?? -1) >= atMost!);
    const missing = [...new Set(queries.filter((query) => !known(query)))];
    for (let start = 0; start < missing.length; start += 100) {
      const batch = missing.slice(start, start + 100);
      const terms = batch.map(literalTerm);
      const [row] = this.store.query<Record<string, number>>(
        `SELECT ${batch
          .map((query, index) =>
            terms[index] === null
              ? `(SELECT count(*) FROM search_documents WHERE document @@ ?::tsquery) AS c${index}`
              : bounded(query)
                ? `(SELECT count(*) FROM (SELECT FROM search_postings WHERE term = ? LIMIT ${atMost! + 1}) s) AS c${index}`
                : `(SELECT count(*) FROM search_postings WHERE term = ?) AS c${index}`,
          )
          .join(', ')}`,
        batch.map((query, index) => terms[index] ?? query),
      );
      batch.forEach((query, index) => {
        const found = Number(row[`c${index}`]);
        if (bounded(query) && found > atMost!) state.over.set(query, atMost!);
        else state.documents.set(query, found);
      });
    }
    return new Map(
      queries.map((query) => [query, state.documents.get(query) ?? (state.over.has(query) ? atMost! + 1 : 0)]),
    );
  }

  /**
   * Documents holding each term, as the full-text index stores terms (Porter stems, concept tokens). With `atMost`:
   * a term in more documents than that may be reported as atMost + 1 (for callers that only ask whether a term is
   * rare enough).
   */
  documentFrequencies(terms: readonly string[], atMost?: number): Map<string, number> {
    const queries = terms.map((term) => tsLiteral(term));
    const counts = this.counts(queries, atMost);
    return new Map(terms.map((term, index) => [term, counts.get(queries[index]) ?? 0]));
  }

  /** The library's size: search uses it as SQLite's max(rowid). */
  imageCount(): number {
    return this.library().rows;
  }

  /** The best `pool` rows for the query by FTS5's weighted bm25, best first. */
  rank(expression: WeightedExpression, filter: PostgresFilter, pool: number): RankedRow[] {
    const phrases = expression.phrases
      .map((phrase) => ({ query: phraseQuery(phrase.words), terms: phrase.words.flatMap(searchTerms), ...phrase }))
      .filter((phrase): phrase is typeof phrase & { query: string } => phrase.query !== null);
    if (phrases.length === 0) return [];
    const library = this.library();
    const counts = this.counts(phrases.map((phrase) => phrase.query));
    const idf = phrases.map((phrase) => {
      const hits = counts.get(phrase.query) ?? 0;
      const value = Math.log((library.rows - hits + 0.5) / (hits + 0.5));
      return value <= 0 ? 1e-6 : value;
    });
    const excluded = expression.excluded.map((word) => phraseQuery([word])).filter((query) => query !== null);
    const hasPhrases = phrases.some((phrase) => phrase.terms.length > 1);
    const limit = hasPhrases ? Math.max(pool * CANDIDATES.factor, CANDIDATES.minimum) : pool + CANDIDATES.margin;
    const rows =
      hasPhrases || excluded.length > 0 || !CANDIDATES.postings
        ? this.rankByDocuments(phrases, idf, excluded, filter, limit, counts)
        : this.rankByPostings(phrases, idf, filter, limit, postings(phrases, counts));
    for (const row of rows) this.texts?.set(Number(row.id), row as unknown as Record<string, string>);
    const scored = rows.map((row) => ({
      id: Number(row.id),
      score: bm25(row.terms, row.length, phrases, idf, library.averageLength),
    }));
    return scored.sort((a, b) => b.score - a.score || a.id - b.id).slice(0, pool);
  }

  /**
   * bm25 summed from the postings of the query's terms (every phrase one term, nothing excluded: nearly every query):
   * an index-only scan of each term's entries, grouped by image; then the best rows' terms, for scoring here.
   */
  private rankByPostings(
    phrases: readonly RankedPhrase[],
    idf: readonly number[],
    filter: PostgresFilter,
    limit: number,
    postings: number,
  ): CandidateRow[] {
    const library = this.library();
    const factors = phrases.map((phrase, index) => [phrase.terms[0], phrase.weight * idf[index] * (K1 + 1)] as const);
    // k1 (1 − b + b · length / average length), as a · length + c.
    const a = (K1 * B) / (library.averageLength || 1);
    const c = K1 * (1 - B);
    const sorted = CANDIDATES.sortedSum && postings >= CANDIDATES.sortedFrom;
    // Each posting's share of the score is worked out as it is read: what is grouped by image is (image, share).
    // Many postings (sorted): each term's postings in image order, as its index holds them, merged (Merge Append),
    // so the sums are taken in one pass with nothing to sort; on a 3-word query of 140k postings at 1M this costs the
    // server about 0.6× the CPU of sorting them all by image first. Fewer: one scan of the terms, summed in a hash
    // table (OFFSET 0 keeps the shares computed before it).
    const shares = sorted
      ? factors
          .map(
            () =>
              `(SELECT image_id, ?::float8 * hits / (hits + ?::float8 * length + ?::float8) AS share
                FROM search_postings WHERE term = ?::text COLLATE "C" ORDER BY image_id)`,
          )
          .join(' UNION ALL ')
      : `SELECT p.image_id, q.factor * p.hits / (p.hits + ?::float8 * p.length + ?::float8) AS share
         FROM (VALUES ${factors.map(() => '(?::text, ?::float8)').join(', ')}) AS q (term, factor)
         JOIN search_postings p ON p.term = q.term COLLATE "C" OFFSET 0`;
    const shareParameters = sorted
      ? factors.flatMap(([term, factor]) => [factor, a, c, term])
      : [a, c, ...factors.flat()];
    // One term: each image has one posting, its share is its score, and there is nothing to group.
    const scores =
      factors.length === 1
        ? `SELECT image_id, share AS score FROM (${shares}) shares`
        : `SELECT image_id, sum(share) AS score FROM (${shares}) shares GROUP BY image_id`;
    const best = `SELECT a.image_id, a.score FROM (${scores}) a ${filter.where ? `JOIN images i ON i.id = a.image_id ${filter.join} WHERE true ${filter.where}` : ''}
      ORDER BY a.score DESC, a.image_id LIMIT ?`;
    // Each term's postings through the index, whatever the planner's statistics say: before the table is analysed
    // (a library just filled) it would read every posting, in parallel, instead.
    const settings = sorted ? SORTED_SUM : '';
    return (
      this.store.connection.batch([
        { sql: `SET enable_seqscan = off; SET max_parallel_workers_per_gather = 0${settings}` },
        {
          sql: `SELECT s.image_id AS id, s.terms, s.length, top.score, ${READABLE} FROM (${best}) top
                JOIN search_documents s ON s.image_id = top.image_id`,
          params: [...shareParameters, ...filter.parameters, limit],
        },
        { sql: `RESET enable_seqscan; RESET max_parallel_workers_per_gather${settings ? SORTED_SUM_RESET : ''}` },
      ]) as [unknown, CandidateRow[], unknown]
    )[1];
  }

  /** bm25 from each matching row's jsonb of hits: for quoted phrases of several words and excluded words. */
  private rankByDocuments(
    phrases: readonly RankedPhrase[],
    idf: readonly number[],
    excluded: readonly string[],
    filter: PostgresFilter,
    limit: number,
    counts: Map<string, number>,
  ): CandidateRow[] {
    const library = this.library();
    const exclusions = excluded.map((query) => ` & !${query}`).join('');
    const matching = `(${[...new Set(phrases.map((phrase) => phrase.query))].join(' | ')})${exclusions}`;
    // bm25 in SQL for the one-term phrases: each term's weighted hits are one jsonb lookup. Quoted phrases of several
    // words count 0 here and are scored exactly by `rank`, among the candidates.
    const single = phrases
      .map((phrase, index) => ({
        term: phrase.terms[0],
        factor: phrase.weight * idf[index] * (K1 + 1),
        multi: phrase.terms.length > 1,
      }))
      .filter((phrase) => !phrase.multi && phrase.factor > 0);
    const lookups = single.map((_, index) => `coalesce((l.weights->>?)::float8, 0) AS w${index}, `);
    const parts = single.map((phrase, index) => `${phrase.factor.toFixed(9)} * w.w${index} / (w.w${index} + l.factor)`);
    const hasPhrases = phrases.length > single.length;
    // The GIN index, not a scan of every row: a row's score needs its jsonb, so the fewer rows read the better,
    // but the planner prefers a sequential scan once a tenth of the rows match. The jsonb is read (and, being large,
    // decompressed) once per row: `|| '{}'` makes one copy that every lookup uses, and OFFSET 0 keeps PostgreSQL from
    // copying the lookups into the ORDER BY (where each would be evaluated, and the jsonb read, again).
    const best = (match: string) =>
      (
        this.store.connection.batch([
          { sql: 'SET enable_seqscan = off; SET enable_memoize = off' },
          {
            sql: `SELECT s.image_id AS id, s.terms, s.length, ${READABLE}, ${parts.length ? parts.join(' + ') : '0'} AS score
                  FROM search_documents s ${filter.where ? `JOIN images i ON i.id = s.image_id ${filter.join}` : ''}
                  CROSS JOIN LATERAL (SELECT ${K1} * (1 - ${B} + ${B} * s.length / ?::float8) AS factor,
                                             s.weights || '{}'::jsonb AS weights OFFSET 0) l
                  CROSS JOIN LATERAL (SELECT ${lookups.join('')} 0 AS none OFFSET 0) w
                  WHERE s.document @@ ?::tsquery ${filter.where}
                  ORDER BY score DESC, s.image_id LIMIT ?`,
            params: [
              library.averageLength || 1,
              ...single.map((phrase) => phrase.term),
              match,
              ...filter.parameters,
              limit,
            ],
          },
          { sql: 'RESET enable_seqscan; RESET enable_memoize' },
        ]) as [unknown, CandidateRow[], unknown]
      )[1];
    // Max-score pruning: first only the rows holding the rarest terms (a few thousand rows at most). A row holding
    // none of them scores less than what the other terms can add at most (each term's factor, as hits/(hits + …)
    // stays below 1); when the last of these best rows scores more than that, no other row can enter them, and the
    // answer is exactly the full one without reading every row that holds a common word.
    if (!hasPhrases && single.length > 1) {
      const byRarity = single
        .map((phrase) => ({ ...phrase, documents: counts.get(tsLiteral(phrase.term)) ?? 0 }))
        .sort((a, b) => a.documents - b.documents);
      let documents = 0;
      let essential = 0;
      while (essential < byRarity.length - 1 && documents + byRarity[essential].documents <= CANDIDATES.rareRows)
        documents += byRarity[essential++].documents;
      if (essential > 0) {
        const others = byRarity.slice(essential).reduce((total, phrase) => total + phrase.factor, 0);
        const rare = byRarity.slice(0, essential).map((phrase) => tsLiteral(phrase.term));
        const found = best(`(${rare.join(' | ')})${exclusions}`);
        if (found.length === limit && found[found.length - 1].score > others) return found;
      }
    }
    return best(matching);
  }

  /** Images the filters allow, newest first (a query with no words). */
  newest(filter: PostgresFilter, limit: number): number[] {
    return this.store
      .query<{ id: number }>(
        `SELECT i.id FROM images i ${filter.join} WHERE true ${filter.where}
         ORDER BY coalesce(extract(epoch FROM i.taken_at::timestamp), i.mtime_ms / 1000.0,
           extract(epoch FROM i.added_at::timestamp)) DESC, i.id DESC LIMIT ?`,
        [...filter.parameters, limit],
      )
      .map((row) => Number(row.id));
  }

  /** Images holding any of `words`. */
  holding(words: readonly string[]): number[] {
    const queries = words.map((word) => phraseQuery([word])).filter((query) => query !== null);
    if (queries.length === 0) return [];
    return this.store
      .query<{ id: number }>('SELECT image_id AS id FROM search_documents WHERE document @@ ?::tsquery', [
        queries.join(' | '),
      ])
      .map((row) => Number(row.id));
  }

  /** Which of `ids` the filters allow. */
  allowed(ids: readonly number[], filter: PostgresFilter): Set<number> {
    if (ids.length === 0) return new Set();
    const rows = this.store.query<{ id: number }>(
      `SELECT i.id FROM images i ${filter.join} WHERE i.id = ANY(?::bigint[]) ${filter.where}`,
      [ids, ...filter.parameters],
    );
    return new Set(rows.map((row) => Number(row.id)));
  }

  /** Caption and tags of each row, for the reranker. */
  documentTexts(ids: readonly number[], columns: readonly string[]): Map<number, string> {
    const known = columns.filter((column) => (SEARCH_COLUMNS as readonly string[]).includes(column));
    return new Map(
      this.readable(ids).map((row) => [
        Number(row.id),
        known
          .map((column) => row[column])
          .filter(Boolean)
          .join('\n'),
      ]),
    );
  }

  /** The readable columns of rows, [id, ...columns], for highlights. */
  rows(ids: readonly number[], columns: readonly string[]): unknown[][] {
    const known = columns.filter((column) => (SEARCH_COLUMNS as readonly string[]).includes(column));
    return this.readable(ids).map((row) => [Number(row.id), ...known.map((column) => row[column])]);
  }

  /** Every readable column of the rows that exist among `ids`: from what this search has read, else in one query. */
  private readable(ids: readonly number[]): Record<string, string>[] {
    const texts = this.texts;
    const missing = texts ? ids.filter((id) => !texts.has(id)) : ids;
    const read =
      missing.length === 0
        ? []
        : this.store.query<Record<string, string>>(
            `SELECT image_id AS id, ${READABLE} FROM search_documents s WHERE image_id = ANY(?::bigint[])`,
            [missing],
          );
    if (!texts) return read;
    for (const row of read) texts.set(Number(row.id), row);
    return ids.flatMap((id) => {
      const row = texts.get(id);
      return row ? [row] : [];
    });
  }

  /** What a page of results shows, in one round trip rather than four per result. */
  details(ids: readonly number[]): Map<number, ResultDetails> {
    const rows = this.store.query<Record<string, unknown>>(
      `SELECT i.*, row_to_json(d) AS description_row, row_to_json(u) AS edits_row, s.concepts AS concept_tokens
       FROM images i LEFT JOIN descriptions d ON d.sha256 = i.sha256 LEFT JOIN user_edits u ON u.sha256 = i.sha256
       LEFT JOIN search_documents s ON s.image_id = i.id WHERE i.id = ANY(?::bigint[])`,
      [ids],
    );
    return new Map(
      rows.map((row) => [
        Number(row.id),
        {
          image: rowToImage(row)!,
          description: row.description_row
            ? rowToDescription(row.description_row as Record<string, unknown>)
            : undefined,
          edits: row.edits_row ? rowToUserEdits(row.edits_row as Record<string, unknown>) : undefined,
          concepts: (row.concept_tokens as string | null) ?? undefined,
        },
      ]),
    );
  }

  concepts(id: number): string | undefined {
    return this.store.query<{ concepts: string }>('SELECT concepts FROM search_documents WHERE image_id = ?', [id])[0]
      ?.concepts;
  }

  /** Whether any image holds the word (as FTS5 would find it: stemmed). */
  has(word: string): boolean {
    const query = phraseQuery([word]);
    if (!query) return false;
    // A single term: its first posting, one index lookup. Through the GIN index with LIMIT 1 the planner reads the
    // rows in order until one holds it instead, which for a rare word of a large library is a long scan (50 ms at 1M).
    const term = literalTerm(query);
    if (term !== null)
      return this.store.query('SELECT 1 FROM search_postings WHERE term = ? LIMIT 1', [term]).length > 0;
    return this.store.query('SELECT 1 FROM search_documents WHERE document @@ ?::tsquery LIMIT 1', [query]).length > 0;
  }

  /** caption, tags, detailed, text of every row, a batch at a time (the spelling vocabulary). */
  *readableRows(batchSize = 5000): Generator<(string | null)[]> {
    let after = 0;
    for (;;) {
      const rows = this.store.query<{ id: number; caption: string; tags: string; detailed: string; text: string }>(
        'SELECT image_id AS id, caption, tags, detailed, text FROM search_documents WHERE image_id > ? ORDER BY image_id LIMIT ?',
        [after, batchSize],
      );
      for (const row of rows) yield [row.caption, row.tags, row.detailed, row.text];
      if (rows.length < batchSize) return;
      after = Number(rows.at(-1)!.id);
    }
  }
}

/** How many postings the phrases' terms have (each phrase one term, as `rankByPostings` takes them). */
function postings(phrases: readonly RankedPhrase[], counts: Map<string, number>): number {
  return [...new Set(phrases.map((phrase) => phrase.query))].reduce(
    (total, query) => total + (counts.get(query) ?? 0),
    0,
  );
}

export interface ResultDetails {
  image: ImageRecord;
  description: StoredDescription | undefined;
  edits: UserEdits | undefined;
  concepts: string | undefined;
}

/**
 * FTS5's bm25 (ext/fts5/fts5_aux.c) of one row, with a weight per phrase as native/weighted_bm25.c gives it:
 * Σ phrase weight × idf × w (k1 + 1) / (w + k1 (1 − b + b · length / average length)), w the column-weighted hits.
 */
export function bm25(
  terms: string,
  length: number,
  phrases: readonly { terms: string[]; weight: number }[],
  idf: readonly number[],
  averageLength: number,
): number {
  const k1 = K1;
  const b = B;
  const columns = terms.split('\t').map((column) => (column ? column.split(' ') : []));
  const lengthFactor = k1 * (1 - b + (b * length) / (averageLength || 1));
  let score = 0;
  phrases.forEach((phrase, index) => {
    if (phrase.weight === 0 || phrase.terms.length === 0) return;
    let weighted = 0;
    columns.forEach((column, columnIndex) => {
      const hits = countPhrase(column, phrase.terms);
      if (hits > 0) weighted += COLUMN_WEIGHTS[columnIndex] * hits;
    });
    score += phrase.weight * idf[index] * ((weighted * (k1 + 1)) / (weighted + lengthFactor));
  });
  return score;
}

function countPhrase(column: readonly string[], phrase: readonly string[]): number {
  let hits = 0;
  for (let start = 0; start + phrase.length <= column.length; start++) {
    let match = true;
    for (let offset = 0; offset < phrase.length && match; offset++) match = column[start + offset] === phrase[offset];
    if (match) hits++;
  }
  return hits;
}
