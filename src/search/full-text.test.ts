import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { buildSyntheticStore } from '../bench/synthetic-store.js';
import type { Vocabulary } from '../bench/vocabulary.js';
import { createGlimpse } from '../glimpse.js';
import { temporaryDirectory } from '../testing/fixtures.js';
import { PARALLEL_RANKING } from './full-text.js';

/** A small vocabulary (no ../shared needed), skewed so that a few words match most rows, as common words do. */
const words = ['dog', 'beach', 'street', 'red', 'car', 'man', 'woman', 'pizza', 'table', 'tree', 'kite', 'bus', 'clock'];
const vocabulary: Vocabulary = {
  words,
  cumulative: Float64Array.from(words.map((_, index) => (index + 1) * (index + 2))),
  captions: [],
  source: 'test',
};

const saved = { ...PARALLEL_RANKING };
after(() => Object.assign(PARALLEL_RANKING, saved));

test('ranking split across threads by rowid range returns exactly the single-query ranking', async () => {
  const db = join(temporaryDirectory(), 'parallel.db');
  const builder = await createGlimpse({ db, embedder: null });
  await buildSyntheticStore(builder.store, vocabulary, 3000, {});
  await builder.close();

  const glimpse = await createGlimpse({ db, embedder: null });
  try {
    const queries = ['dog', 'red car', 'woman beach kite', 'clock -bus', '"red car"', 'pizza table tree bus'];
    const run = async (threads: number, options: { folder?: string } = {}) => {
      Object.assign(PARALLEL_RANKING, { above: 0, threads });
      const lists = [];
      for (const query of queries) lists.push((await glimpse.search(query, { limit: 40, ...options })).results.map((hit) => [hit.id, hit.score]));
      return lists;
    };
    const single = await run(1);
    const parallel = await run(3);
    assert.deepEqual(parallel, single);
    // The ranges after the first are ranked by worker threads: their rows must be among the results.
    assert.ok(single.flat().some(([id]) => id > 2000), 'results come from the last third of the rowids too');
    assert.ok(single.every((list) => list.length > 0));
    // With a filter, which joins the images table, the split ranking still agrees.
    assert.deepEqual(await run(3, { folder: '/synthetic/album-7' }), await run(1, { folder: '/synthetic/album-7' }));
  } finally {
    await glimpse.close();
  }
});
