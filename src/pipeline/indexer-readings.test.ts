/**
 * A library whose search rows were written before their readings were kept (migration 7) gets them at its next index
 * run, once: the same search results, each row's reading as a new row would have it, and later runs find the work
 * done in one row. Real SQLite files.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createGlimpse } from '../glimpse.js';
import { documentSentences, fillSearchReadings } from '../search/documents.js';
import { SENTENCE_FORMAT } from '../search/sentence.js';
import { SqliteStore } from '../storage/sqlite/sqlite-store.js';
import { madeUpImage, sample, temporaryDirectory } from '../testing/fixtures.js';
import { createRecordingProvider } from '../testing/recording-provider.js';

const WORDS = ['cat', 'dog', 'red', 'car', 'beach', 'tree', 'snow', 'bus', 'pizza', 'kite', 'two', 'green', 'sky'];
const QUERIES = ['cat', 'two red cars', 'dog on the beach', 'green kite in the sky', 'snow', 'a bus and a pizza'];

/** `count` search rows written without a reading, as a library before migration 7 has them. */
function oldRows(store: SqliteStore, count: number): void {
  store.transaction(() => {
    for (let index = 0; index < count; index++) {
      const id = store.upsertImage(madeUpImage(`/photos/IMG_${index}.jpg`, index));
      const words = [0, 1, 2, 3].map((k) => WORDS[(index * (k + 3) + k * k) % WORDS.length]);
      store.saveSearchDocument(id, {
        caption: `${words[0]} ${words[1]}s near the ${words[2]}`,
        tags: `${words[3]}, ${words[0]}`,
        detailed: `a ${words[1]} and a ${words[3]}`,
        text: '',
        concepts: '',
        path: `IMG ${index}`,
      });
    }
  });
  // As a library written before this table was kept says: not complete.
  store.db.exec('DELETE FROM search_sentences_state');
}

const readings = (store: SqliteStore) =>
  store.db.prepare('SELECT count(*) FROM search_sentences').pluck().get() as number;
const state = (store: SqliteStore) =>
  store.db.prepare('SELECT format FROM search_sentences_state').pluck().get() as number | undefined;

async function answers(db: string): Promise<string[]> {
  const glimpse = await createGlimpse({ db, embedder: null });
  try {
    const all: string[] = [];
    for (const query of QUERIES)
      all.push(
        (await glimpse.search(query, { limit: 20 })).results.map((r) => `${r.id}:${r.score}:${r.weaker}`).join(' '),
      );
    return all;
  } finally {
    await glimpse.close();
  }
}

describe('storing the search readings of rows written before they were kept', () => {
  test('a new library is complete from the start: nothing to fill', async () => {
    const store = new SqliteStore(join(temporaryDirectory(), 'g.db'));
    assert.equal(state(store), SENTENCE_FORMAT);
    assert.equal(await fillSearchReadings(store), null);
    store.close();
  });

  test('filled in batches, each row as a new row would have it, resumable, the same search results', async () => {
    const db = join(temporaryDirectory(), 'g.db');
    let store = new SqliteStore(db);
    oldRows(store, 2500);
    // A reading of another format counts as none.
    store.db.prepare('INSERT INTO search_sentences (id, analysis) VALUES (7, ?)').run('[0,"stale"]');
    store.close();
    const before = await answers(db);
    assert.ok(before.every((line) => line.length > 0));

    store = new SqliteStore(db);
    // Stopped after the first batch: that batch stays, the library is not marked complete.
    const stop = new AbortController();
    const first = await fillSearchReadings(store, { batch: 1000, onProgress: () => stop.abort(), signal: stop.signal });
    assert.deepEqual([first?.filled, first?.total, first?.complete], [1000, 2500, false]);
    assert.equal(readings(store), 1000, 'the stale reading (row 7) replaced');
    assert.equal(state(store), undefined);

    const progress: number[] = [];
    const rest = await fillSearchReadings(store, {
      batch: 1000,
      onProgress: (done, total) => progress.push(done, total),
    });
    assert.deepEqual([rest?.filled, rest?.total, rest?.complete], [1500, 1500, true]);
    assert.deepEqual(progress, [1000, 1500, 1500, 1500]);
    assert.equal(readings(store), 2500);
    assert.equal(state(store), SENTENCE_FORMAT);
    assert.equal(await fillSearchReadings(store), null, 'done once');

    // Every stored reading is the one a row written now would get.
    const rows = store.db
      .prepare(
        'SELECT s.rowid AS id, s.caption, s.tags, s.detailed, s.text, s.path, a.analysis FROM search_index s JOIN search_sentences a ON a.id = s.rowid',
      )
      .all() as {
      id: number;
      caption: string;
      tags: string;
      detailed: string;
      text: string;
      path: string;
      analysis: string;
    }[];
    assert.equal(rows.length, 2500);
    for (const { id, analysis, ...fields } of rows) assert.equal(analysis, documentSentences(fields), `row ${id}`);
    store.close();

    assert.deepEqual(await answers(db), before);
  });

  test('an index run fills them and says so; the next run finds nothing to do', async () => {
    const dir = join(temporaryDirectory(), 'photos');
    mkdirSync(dir, { recursive: true });
    copyFileSync(sample('chelsea.png'), join(dir, 'chelsea.png'));
    const db = join(dir, '..', 'g.db');
    const store = new SqliteStore(db);
    oldRows(store, 300);
    store.close();

    const provider = createRecordingProvider();
    const run = async () => {
      const events: string[] = [];
      const glimpse = await createGlimpse({ db, provider, embedder: null });
      try {
        await glimpse.index([dir], {
          onProgress: (event) => {
            if (event.type === 'storing-readings') events.push(`${event.done}/${event.total}`);
          },
        });
      } finally {
        await glimpse.close();
      }
      return events;
    };
    assert.deepEqual(await run(), ['0/300', '300/300']);
    const after = new SqliteStore(db);
    assert.equal(readings(after), 301, "the old rows' and the new image's");
    assert.equal(state(after), SENTENCE_FORMAT);
    after.close();
    assert.deepEqual(await run(), []);
  });

  test('migration 8 marks a library complete only when none of its rows lacks a reading', async () => {
    const complete = join(temporaryDirectory(), 'complete.db');
    const lacking = join(temporaryDirectory(), 'lacking.db');
    for (const path of [complete, lacking]) {
      const store = new SqliteStore(path);
      oldRows(store, 20);
      if (path === complete) await fillSearchReadings(store);
      // Back to version 7, as a library written by the previous release.
      store.db.exec('DROP TABLE search_sentences_state');
      store.db.pragma('user_version = 7');
      store.close();
    }
    const reopened = [complete, lacking].map((path) => new SqliteStore(path));
    assert.deepEqual(reopened.map(state), [1, undefined]);
    for (const store of reopened) store.close();
  });
});
