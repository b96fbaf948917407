/**
 * The PostgreSQL full-text stage computes FTS5's numbers itself: its terms (storage/postgres/search-terms.ts) and its
 * bm25 (postgres-full-text.ts). Both are checked here against FTS5 on the same rows.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { createGlimpse } from '../glimpse.js';
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

test('max-score pruning gives exactly the ranking of scoring every matching row (PostgreSQL)', () =>
  withTestDatabase(async (url) => {
    const glimpse = await createGlimpse({ db: url, embedder: null });
    try {
      const animals = ['zebra', 'giraffe', 'elephant', 'horse', 'dog'];
      const colours = ['red', 'black', 'white', 'brown'];
      await glimpse.importDescriptions(
        Array.from({ length: 400 }, (_, i) => ({
          path: `/lib/${i}.jpg`,
          caption: `A ${colours[i % 4]} ${animals[i % 5]} standing in a field${i % 3 === 0 ? ' near a man' : ''}`,
          tags: [animals[i % 5], i % 7 === 0 ? 'grass' : 'outdoors'],
        })),
      );
      const queries = ['red zebra in the grass', 'a man with a brown horse', 'white dog', 'giraffe field man'];
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
