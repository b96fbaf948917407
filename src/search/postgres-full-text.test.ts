/**
 * The PostgreSQL full-text stage computes FTS5's numbers itself: its terms (storage/postgres/search-terms.ts) and its
 * bm25 (postgres-full-text.ts). Both are checked here against FTS5 on the same rows; the two ways PostgreSQL ranks
 * (from postings, from each row's jsonb) and the postings kept in step with the rows are checked against each other.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { createGlimpse } from '../glimpse.js';
import { glimpseParts } from '../methods/parts.js';
import { PostgresConnection } from '../storage/postgres/connection.js';
import { documentTerms, COLUMN_WEIGHTS as POSTGRES_WEIGHTS, searchTerms } from '../storage/postgres/search-terms.js';
import { withTestDatabase } from '../testing/postgres.js';
import { COLUMN_WEIGHTS } from './full-text.js';
import { bm25, CANDIDATES } from './postgres-full-text.js';

const ROWS = [
  ['A brown dog running on a sandy beach', 'dog, beach', '', '', 'n1 n2', 'beach dog jpg'],
  ['Two dogs playing; the dog on the left is black', 'dog, dogs', 'Dogs in the waves.', 'STOP', 'n1', 'img 0042'],
  ['Café crème on a table', 'coffee, cup', 'A cup of café au lait', '', 'n3', 'cafe'],
  ['A red car parked beside a red bus', 'car, bus', '', 'Route 66', 'n4 n5', 'car'],
  ['Running runners ran past the runner', 'people', '', '', '', 'run'],
];
const COLUMNS = ['caption', 'tags', 'detailed', 'text', 'concepts', 'path'];

function fts5(): Database.Database {
  const db = new Database(':memory:');
  db.exec(
    `CREATE VIRTUAL TABLE t USING fts5(${COLUMNS.join(', ')}, tokenize = 'porter unicode61 remove_diacritics 2');
     CREATE VIRTUAL TABLE v USING fts5vocab(t, instance);`,
  );
  const insert = db.prepare(`INSERT INTO t (rowid, ${COLUMNS.join(', ')}) VALUES (?, ?, ?, ?, ?, ?, ?)`);
  ROWS.forEach((row, index) => insert.run(index + 1, ...row));
  return db;
}

test('the column weights are the same on both engines', () => {
  assert.deepEqual([...POSTGRES_WEIGHTS], [...COLUMN_WEIGHTS]);
});

test("terms are FTS5's: porter stems of unicode61 tokens, accents removed, in order, per column", () => {
  const db = fts5();
  ROWS.forEach((row, index) => {
    COLUMNS.forEach((column, position) => {
      const expected = (
        db.prepare('SELECT term FROM v WHERE doc = ? AND col = ? ORDER BY offset').all(index + 1, column) as {
          term: string;
        }[]
      ).map((r) => r.term);
      assert.deepEqual(searchTerms(row[position]), expected, `${column} of row ${index + 1}`);
    });
  });
  db.close();
});

test("bm25 of a row is FTS5's bm25 with the same column weights", () => {
  const db = fts5();
  const queries = [['dog'], ['dog', 'beach'], ['red', 'car'], ['cafe'], ['run'], ['n1', 'dog']];
  const documents = ROWS.map((row) =>
    documentTerms({
      caption: row[0],
      tags: row[1],
      detailed: row[2],
      text: row[3],
      concepts: row[4],
      path: row[5],
    }),
  );
  const averageLength = documents.reduce((total, document) => total + document.length, 0) / documents.length;
  for (const words of queries) {
    const phrases = words.map((word) => ({ terms: searchTerms(word), weight: 1 }));
    const idf = phrases.map((phrase) => {
      const hits = documents.filter((document) => document.terms.split(/[\t ]/).includes(phrase.terms[0])).length;
      const value = Math.log((documents.length - hits + 0.5) / (hits + 0.5));
      return value <= 0 ? 1e-6 : value;
    });
    const expected = db
      .prepare(`SELECT rowid AS id, -bm25(t, ${COLUMN_WEIGHTS.join(', ')}) AS score FROM t WHERE t MATCH ?`)
      .all(words.map((word) => `"${word}"`).join(' OR ')) as { id: number; score: number }[];
    assert.ok(expected.length > 0, words.join(' '));
    for (const row of expected) {
      const document = documents[row.id - 1];
      const actual = bm25(document.terms, document.length, phrases, idf, averageLength);
      assert.ok(Math.abs(actual - row.score) < 1e-9, `${words.join(' ')} row ${row.id}: ${actual} vs ${row.score}`);
    }
  }
  db.close();
});

const ANIMALS = ['zebra', 'giraffe', 'elephant', 'horse', 'dog'];
const COLOURS = ['red', 'black', 'white', 'brown'];
const LIBRARY = Array.from({ length: 400 }, (_, i) => ({
  path: `/lib/${i}.jpg`,
  caption: `A ${COLOURS[i % 4]} ${ANIMALS[i % 5]} standing in a field${i % 3 === 0 ? ' near a man' : ''}`,
  tags: [ANIMALS[i % 5], i % 7 === 0 ? 'grass' : 'outdoors'],
}));

test('max-score pruning gives exactly the ranking of scoring every matching row (PostgreSQL)', () =>
  withTestDatabase(async (url) => {
    const glimpse = await createGlimpse({ db: url, embedder: null });
    try {
      await glimpse.importDescriptions(LIBRARY);
      // An excluded word: these are ranked row by row, where the pruning is.
      const queries = [
        'red zebra in the grass -cat',
        'a man with a brown horse -cat',
        'white dog -cat',
        'giraffe field man -cat',
      ];
      const answers = async () => {
        const all = [];
        for (const query of queries)
          all.push((await glimpse.search(query, { limit: 30 })).results.map((r) => [r.id, r.score]));
        return all;
      };
      // How many ranking queries each search sends: one when pruning decided, two when it fell back.
      const ranking: number[] = [];
      const batch = PostgresConnection.prototype.batch;
      PostgresConnection.prototype.batch = function (this: PostgresConnection, statements) {
        if (statements.some((statement) => / AS score\s/.test(statement.sql))) ranking.push(1);
        return batch.call(this, statements);
      };
      let pruned: (string | number)[][][];
      try {
        pruned = await answers();
      } finally {
        PostgresConnection.prototype.batch = batch;
      }
      assert.ok(ranking.length < queries.length * 2, `pruning decided some searches alone (${ranking.length} queries)`);
      const saved = CANDIDATES.rareRows;
      CANDIDATES.rareRows = 0;
      try {
        assert.deepEqual(await answers(), pruned);
      } finally {
        CANDIDATES.rareRows = saved;
      }
      assert.ok(pruned.every((list) => list.length === 30));
    } finally {
      await glimpse.close();
    }
  }, 'glimpse_pruning'));

test('ranking from the postings is ranking from the rows, and the postings follow edits and deletions', () =>
  withTestDatabase(async (url) => {
    const glimpse = await createGlimpse({ db: url, embedder: null });
    try {
      const ids = await glimpse.importDescriptions(LIBRARY);
      glimpse.edit(ids[3], { caption: 'A zebra and a giraffe drinking at a river', tags: ['zebra', 'river'] });
      glimpse.edit(ids[8], { caption: 'Nothing but grass' });
      const queries = ['red zebra in the grass', 'a man with a brown horse', 'white dog', 'giraffe river', 'animal'];
      const answers = async () => {
        const all = [];
        for (const query of queries)
          all.push((await glimpse.search(query, { limit: 30 })).results.map((r) => [r.id, r.score]));
        all.push((await glimpse.search('zebra', { tags: ['river'] })).results.map((r) => [r.id, r.score]));
        return all;
      };
      const fromPostings = await answers();
      CANDIDATES.postings = false;
      try {
        assert.deepEqual(await answers(), fromPostings);
      } finally {
        CANDIDATES.postings = true;
      }
      // Summed sorted by image (as the postings of common words are) or in a hash table: the same answers.
      const sortedFrom = CANDIDATES.sortedFrom;
      try {
        CANDIDATES.sortedFrom = 0;
        assert.deepEqual(await answers(), fromPostings);
        CANDIDATES.sortedSum = false;
        assert.deepEqual(await answers(), fromPostings);
      } finally {
        CANDIDATES.sortedSum = true;
        CANDIDATES.sortedFrom = sortedFrom;
      }
      assert.ok(fromPostings.slice(0, -1).every((list) => list.length === 30));
      assert.equal(fromPostings[3][0][0], ids[3], 'the edited row ranks by its new words');

      const store = new PostgresConnection(url);
      try {
        // Every (term, image) of the rows' jsonb is a posting with the same hits and length, and nothing else is.
        const differences = () =>
          store.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM (
               (SELECT term, image_id, hits, length FROM search_postings
                EXCEPT SELECT key, image_id, value::real, length FROM search_documents, jsonb_each_text(weights))
               UNION ALL
               (SELECT key, image_id, value::real, length FROM search_documents, jsonb_each_text(weights)
                EXCEPT SELECT term, image_id, hits, length FROM search_postings)) AS d`,
          )[0].n;
        assert.equal(differences(), 0);
        assert.ok(store.query<{ n: number }>('SELECT count(*)::int AS n FROM search_postings')[0].n > 400 * 5);
        store.query('DELETE FROM search_documents WHERE image_id = ANY(?::bigint[])', [ids.slice(0, 10)]);
        assert.equal(differences(), 0);
        assert.equal(
          store.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM search_postings WHERE image_id = ANY(?::bigint[])',
            [ids.slice(0, 10)],
          )[0].n,
          0,
        );
      } finally {
        store.close();
      }
    } finally {
      await glimpse.close();
    }
  }, 'glimpse_postings'));

test('terms counted only up to a bound are reported above it, and exact counts stay exact (PostgreSQL)', () =>
  withTestDatabase(async (url) => {
    const glimpse = await createGlimpse({ db: url, embedder: null });
    try {
      await glimpse.importDescriptions(LIBRARY);
      const fullText = glimpseParts(glimpse).searchIndex.postgres!;
      // field: every row; zebra: 80 rows; near: 134 rows; grass: 58 rows.
      const terms = ['field', 'zebra', 'near', 'grass', 'unicorn'];
      const exact = fullText.documentFrequencies(terms);
      assert.deepEqual([...exact.values()], [400, 80, 134, 58, 0]);
      const fresh = await createGlimpse({ db: url, embedder: null });
      try {
        const other = glimpseParts(fresh).searchIndex.postgres!;
        // Counting stops past the bound: the common terms come back as bound + 1, the rarer ones exact.
        assert.deepEqual([...other.documentFrequencies(terms, 100).values()], [101, 80, 101, 58, 0]);
        // Counts already taken are exact and kept; the others stop past the new bound.
        assert.deepEqual([...other.documentFrequencies(terms, 10).values()], [11, 80, 11, 58, 0]);
        // A bound known is not taken for a count: asked without one, every term is counted to the end.
        assert.deepEqual(other.documentFrequencies(terms), exact);
        assert.deepEqual([...other.documentFrequencies(terms, 100).values()], [400, 80, 134, 58, 0]);
      } finally {
        await fresh.close();
      }
    } finally {
      await glimpse.close();
    }
  }, 'glimpse_bounded_counts'));

/** The statements `run` sends, as the worker receives them (with their parameters). */
async function sent<T>(
  run: () => Promise<T> | T,
): Promise<{ value: T; statements: { sql: string; params?: unknown[] }[] }> {
  const statements: { sql: string; params?: unknown[] }[] = [];
  const batch = PostgresConnection.prototype.batch;
  PostgresConnection.prototype.batch = function (this: PostgresConnection, list) {
    statements.push(...list);
    return batch.call(this, list);
  };
  try {
    return { value: await run(), statements };
  } finally {
    PostgresConnection.prototype.batch = batch;
  }
}

test("many postings are merged in image order and summed without sorting them (PostgreSQL's plan)", () =>
  withTestDatabase(async (url) => {
    const glimpse = await createGlimpse({ db: url, embedder: null });
    const sortedFrom = CANDIDATES.sortedFrom;
    try {
      await glimpse.importDescriptions(LIBRARY);
      CANDIDATES.sortedFrom = 0;
      const { statements } = await sent(() => glimpse.search('white horse in a field', { limit: 10 }));
      const ranking = statements.find(
        (statement) => /search_postings/.test(statement.sql) && /score/.test(statement.sql),
      );
      assert.ok(ranking, 'the query is ranked from the postings');
      // A single term: its postings' shares are the scores, with no grouping at all.
      const fullText = glimpseParts(glimpse).searchIndex.postgres!;
      const zebra = () =>
        fullText.during(async () =>
          fullText.rank(
            { expression: '', weights: [], repeated: '', phrases: [{ words: ['zebra'], weight: 3 }], excluded: [] },
            { join: '', where: '', parameters: [] },
            10,
          ),
        );
      const one = await sent(zebra);
      CANDIDATES.postings = false;
      try {
        assert.deepEqual(one.value, await zebra(), 'the same scores as from the rows');
      } finally {
        CANDIDATES.postings = true;
      }
      assert.equal(one.value.length, 10);
      const single = one.statements.find(
        (statement) => /search_postings/.test(statement.sql) && /score/.test(statement.sql),
      );
      const store = new PostgresConnection(url);
      try {
        const plan = (statement: { sql: string; params?: unknown[] }) =>
          store
            .batch([
              {
                sql: 'SET enable_seqscan = off; SET max_parallel_workers_per_gather = 0; SET enable_hashagg = off; SET enable_bitmapscan = off',
              },
              { sql: `EXPLAIN ${statement.sql}`, params: statement.params },
            ])[1]
            .map((row) => row['QUERY PLAN'])
            .join('\n');
        const text = plan(ranking);
        assert.match(text, /Merge Append/);
        // The only sort is the top-N of the sums, not one of every posting by image.
        assert.equal((text.match(/\bSort {2}\(/g) ?? []).length, 1, text);
        assert.doesNotMatch(plan(single!), /Aggregate/);
      } finally {
        store.close();
      }
    } finally {
      CANDIDATES.sortedFrom = sortedFrom;
      await glimpse.close();
    }
  }, 'glimpse_merged_postings'));

test('whether the library has a word is one lookup in the postings, not a match against the rows', () =>
  withTestDatabase(async (url) => {
    const glimpse = await createGlimpse({ db: url, embedder: null });
    try {
      await glimpse.importDescriptions(LIBRARY);
      const fullText = glimpseParts(glimpse).searchIndex.postgres!;
      const { value, statements } = await sent(() =>
        ['zebras', 'grass', 'unicorn', 'near'].map((word) => fullText.has(word)),
      );
      assert.deepEqual(value, [true, true, false, true]);
      assert.ok(statements.length > 0);
      assert.ok(statements.every((statement) => !/@@/.test(statement.sql) && /search_postings/.test(statement.sql)));
    } finally {
      await glimpse.close();
    }
  }, 'glimpse_has_word'));
