import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { writeSyntheticLibrary } from '../bench/synthetic-store.js';
import type { Vocabulary } from '../bench/vocabulary.js';
import { createGlimpse } from '../glimpse.js';
import { glimpseParts } from '../methods/parts.js';
import { SqliteStore } from '../storage/sqlite/sqlite-store.js';
import { temporaryDirectory } from '../testing/fixtures.js';
import { SearchIndex } from './search-index.js';
import { documentFrequencies, saveTermCounts } from './term-frequencies.js';

/** One SearchIndex per store, as a Glimpse keeps it: its caches last as long as the store is open. */
const indexes = new WeakMap<SqliteStore, SearchIndex>();
function searchIndexOf(store: SqliteStore): SearchIndex {
  let index = indexes.get(store);
  if (!index) indexes.set(store, (index = new SearchIndex(store)));
  return index;
}

const words = ['dog', 'beach', 'red', 'car', 'kite'];
const vocabulary: Vocabulary = {
  words,
  cumulative: Float64Array.from(words.map((_, index) => index + 1)),
  captions: [],
  source: 'test',
};

test('term counts are the index counts, and follow changes made here or through another connection', async () => {
  const db = await writeSyntheticLibrary(join(temporaryDirectory(), 'terms.db'), vocabulary, 200);
  const glimpse = await createGlimpse({ db, embedder: null });
  const other = await createGlimpse({ db, embedder: null });
  try {
    const count = (term: string) =>
      glimpseParts(glimpse)
        .searchIndex.sqlite.db.prepare('SELECT count(*) FROM search_index WHERE search_index MATCH ?')
        .pluck()
        .get(`"${term}"`);
    const counts = documentFrequencies(glimpseParts(glimpse).searchIndex, ['dog', 'kite', 'zebra']);
    assert.deepEqual([...counts.values()], [count('dog'), count('kite'), 0]);
    assert.ok(counts.get('dog')! > 0);

    glimpse.edit(1, { caption: 'a zebra' });
    assert.equal(
      documentFrequencies(glimpseParts(glimpse).searchIndex, ['zebra']).get('zebra'),
      1,
      'an edit on this connection is seen',
    );
    other.edit(2, { caption: 'another zebra' });
    assert.equal(
      documentFrequencies(glimpseParts(glimpse).searchIndex, ['zebra']).get('zebra'),
      2,
      "another connection's commit is seen",
    );
  } finally {
    await other.close();
    await glimpse.close();
  }
});

test('term counts are kept in the database for the next process, until the full-text index changes', async () => {
  const db = await writeSyntheticLibrary(join(temporaryDirectory(), 'kept.db'), vocabulary, 200);
  const first = new SqliteStore(db);
  const truth = documentFrequencies(searchIndexOf(first), ['dog', 'kite', 'zebra']);
  // Searching writes nothing: a write would empty this connection's caches (and the ranking function's).
  const changes = first.db.prepare('SELECT total_changes()').pluck();
  const before = changes.get();
  const more = documentFrequencies(searchIndexOf(first), ['car', 'beach']);
  assert.equal(changes.get(), before, 'counting wrote nothing');
  assert.equal(first.db.prepare('SELECT count(*) FROM search_term_counts').pluck().get(), 0);
  saveTermCounts(searchIndexOf(first)); // as Glimpse.close() does
  first.close();
  for (const [term, documents] of more) truth.set(term, documents);

  // A new process finds them saved: proven by a number no index would give, planted where the saved counts live.
  const planter = new SqliteStore(db);
  assert.deepEqual(
    new Map(
      planter.db
        .prepare('SELECT term, documents FROM search_term_counts')
        .all()
        .map((row) => {
          const { term, documents } = row as { term: string; documents: number };
          return [term, documents];
        }),
    ),
    truth,
    'the counts are saved, a term no image holds as 0',
  );
  planter.db.prepare("UPDATE search_term_counts SET documents = 12345 WHERE term = 'kite'").run();
  planter.close();
  const next = new SqliteStore(db);
  assert.equal(
    documentFrequencies(searchIndexOf(next), ['kite']).get('kite'),
    12345,
    'saved counts are read, not counted again',
  );
  next.close();

  // Any change to the index (here an edited caption, through another connection) makes them stale.
  const glimpse = await createGlimpse({ db, embedder: null });
  glimpse.edit(1, { caption: 'a zebra' });
  await glimpse.close();
  const afterEdit = new SqliteStore(db);
  const recounted = documentFrequencies(searchIndexOf(afterEdit), ['dog', 'kite', 'zebra']);
  // Counted again from the index: the person's caption replaced the image's generated text, "kite" included.
  const indexed = afterEdit.db
    .prepare('SELECT count(*) FROM search_index WHERE search_index MATCH ?')
    .pluck()
    .get('"kite"');
  assert.notEqual(recounted.get('kite'), 12345, 'the planted count is gone');
  assert.equal(recounted.get('kite'), indexed);
  assert.equal(recounted.get('zebra'), 1);
  afterEdit.close();
});

test('counting neither waits for another writer nor needs a writable or migrated database', async () => {
  const db = await writeSyntheticLibrary(join(temporaryDirectory(), 'busy.db'), vocabulary, 100);
  const writer = new SqliteStore(db);
  const reader = new SqliteStore(db);
  try {
    writer.db.prepare('BEGIN IMMEDIATE').run(); // an index run holding the write lock
    const counts = documentFrequencies(searchIndexOf(reader), ['dog', 'car']);
    assert.ok(counts.get('dog')! > 0);
    assert.equal(reader.db.pragma('busy_timeout', { simple: true }), 5000, 'the connection keeps its busy timeout');
    writer.db.prepare('ROLLBACK').run();
    assert.equal(
      writer.db.prepare('SELECT count(*) FROM search_term_counts').pluck().get(),
      0,
      'nothing saved while another wrote',
    );
  } finally {
    reader.close();
    writer.close();
  }
  // A database from before migration 3, opened read-only (migrations are not applied then).
  const old = new Database(db);
  old.exec('DROP TABLE search_term_counts; DROP TABLE search_term_counts_state; PRAGMA user_version = 2');
  old.close();
  const readOnly = new SqliteStore(db, { readonly: true });
  try {
    assert.ok(documentFrequencies(searchIndexOf(readOnly), ['dog']).get('dog')! > 0);
  } finally {
    readOnly.close();
  }
});
