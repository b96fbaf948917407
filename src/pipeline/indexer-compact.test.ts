/**
 * An index run that wrote or deleted many search rows ends with the full-text index merged into one FTS5 segment
 * (see COMPACT_AFTER_ROWS), and merging changes no search result. Real SQLite files.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createGlimpse } from '../glimpse.js';
import { SqliteStore } from '../storage/sqlite/sqlite-store.js';
import { madeUpImage, sample, temporaryDirectory } from '../testing/fixtures.js';
import { createRecordingProvider } from '../testing/recording-provider.js';
import { COMPACT_AFTER_ROWS } from './indexer.js';

const WORDS = ['cat', 'dog', 'red', 'car', 'beach', 'tree', 'snow', 'bus', 'pizza', 'kite', 'boat', 'green', 'sky'];
const QUERIES = ['cat', 'red car', 'dog on the beach', 'green kite in the sky', 'snow', 'pizza boat'];

const segments = (store: SqliteStore) =>
  store.db.prepare('SELECT count(DISTINCT segid) FROM search_index_idx').pluck().get() as number;

/** `count` rows under `folder`, committed `perCommit` at a time: each commit leaves FTS5 a segment (some merged). */
function fill(store: SqliteStore, folder: string, count: number, perCommit: number, from = 0): void {
  for (let start = from; start < from + count; start += perCommit) {
    store.transaction(() => {
      for (let index = start; index < Math.min(from + count, start + perCommit); index++) {
        const id = store.upsertImage(madeUpImage(join(folder, `IMG_${index}.jpg`), index));
        const words = [0, 1, 2, 3].map((k) => WORDS[(index * (k + 3) + k * k) % WORDS.length]);
        store.saveSearchDocument(id, {
          caption: `a ${words[0]} ${words[1]} near the ${words[2]}`,
          tags: `${words[3]}, ${words[0]}`,
          detailed: '',
          text: '',
          concepts: '',
          path: `img ${index}`,
        });
      }
    });
  }
}

async function answers(db: string): Promise<string[]> {
  const glimpse = await createGlimpse({ db, embedder: null });
  try {
    const all: string[] = [];
    for (const query of QUERIES)
      all.push((await glimpse.search(query, { limit: 20 })).results.map((r) => `${r.id}:${r.score}`).join(' '));
    return all;
  } finally {
    await glimpse.close();
  }
}

describe('merging the full-text index', () => {
  test('a run that deleted many search rows ends with one segment; a small run leaves them', async () => {
    const dir = join(temporaryDirectory(), 'photos');
    mkdirSync(dir, { recursive: true });
    copyFileSync(sample('chelsea.png'), join(dir, 'chelsea.png'));
    const db = join(dir, '..', 'g.db');
    let store = new SqliteStore(db);
    // Rows of files that are gone (pruned by the run) and rows elsewhere that stay.
    fill(store, dir, COMPACT_AFTER_ROWS, 50);
    fill(store, join(dir, '..', 'elsewhere'), 300, 20, COMPACT_AFTER_ROWS);
    const before = segments(store);
    store.close();
    assert.ok(before > 1, `several segments to start with (${before})`);

    const provider = createRecordingProvider();
    const events: string[] = [];
    let g = await createGlimpse({ db, provider, embedder: null });
    // A small run (one image, nothing pruned): merging would cost more than it saves.
    await g.index([dir]);
    await g.close();
    store = new SqliteStore(db);
    const afterSmall = segments(store);
    store.close();
    assert.ok(afterSmall > 1, `a small run merges nothing (${afterSmall})`);

    g = await createGlimpse({ db, provider, embedder: null });
    const summary = await g.index([dir], { prune: true, onProgress: (event) => events.push(event.type) });
    await g.close();
    assert.equal(summary.pruned, COMPACT_AFTER_ROWS);
    store = new SqliteStore(db);
    assert.equal(segments(store), 1);
    // Said only when it is likely to take over a second: not for a library this small.
    assert.ok(!events.includes('compacting'));
    store.close();
  });

  test('merging changes no result, and invalidates (only) the saved term counts', async () => {
    const db = join(temporaryDirectory(), 'g.db');
    const store = new SqliteStore(db);
    fill(store, '/photos', 1500, 30);
    store.close();
    const before = await answers(db);
    // Searching saved its term counts, keyed on FTS5's structure record (migration 3).
    const saved = new SqliteStore(db);
    const state = () =>
      saved.db.prepare('SELECT structure FROM search_term_counts_state WHERE id = 1').pluck().get() as Buffer;
    const structure = () =>
      saved.db.prepare('SELECT block FROM search_index_data WHERE id = 10').pluck().get() as Buffer;
    assert.ok(state()?.equals(structure()), 'counts saved for the index as it was');
    const segmentsBefore = segments(saved);
    // Not while another live process indexes this library (its writes would wait behind the merge).
    const other = saved.db
      .prepare('INSERT INTO runs (started_at, provider, model, host, pid, alive_until) VALUES (?, ?, ?, ?, ?, ?)')
      .run(new Date().toISOString(), 'p', 'm', hostname(), process.ppid, Date.now() + 60_000).lastInsertRowid;
    assert.equal(saved.compactSearchIndex(), null);
    assert.equal(segments(saved), segmentsBefore);
    saved.db.prepare('DELETE FROM runs WHERE id = ?').run(other);
    const compaction = saved.compactSearchIndex();
    assert.deepEqual([compaction?.segmentsBefore, compaction?.segmentsAfter], [segmentsBefore, 1]);
    assert.ok(segmentsBefore > 1);
    assert.ok(!state().equals(structure()), 'the saved counts no longer match: they are counted again');
    // Merging one segment again does nothing.
    assert.equal(saved.compactSearchIndex()?.segmentsAfter, 1);
    saved.close();
    assert.deepEqual(await answers(db), before);
    // And again with the counts saved for the merged index.
    assert.deepEqual(await answers(db), before);
    assert.ok(before.every((line) => line.length > 0));
  });
});
