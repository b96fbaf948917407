import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { writeSyntheticLibrary } from '../bench/synthetic-store.js';
import type { Vocabulary } from '../bench/vocabulary.js';
import { createGlimpse, type Glimpse } from '../glimpse.js';
import { glimpseParts } from '../methods/parts.js';
import { temporaryDirectory } from '../testing/fixtures.js';
import { PARALLEL_RANKING, RANKING_IN_ONE_CALL, rankFullText } from './full-text.js';
import { hasWeightedBm25, NATIVE_RANKING } from './native-ranking.js';
import { parseQuery, toWeightedExpression, type WeightedExpression } from './query.js';
import type { SearchIndex } from './search-index.js';

/** A small vocabulary (no ../shared needed), skewed so that a few words match most rows, as common words do. */
const words = [
  'dog',
  'beach',
  'street',
  'red',
  'car',
  'man',
  'woman',
  'pizza',
  'table',
  'tree',
  'kite',
  'bus',
  'clock',
];
const vocabulary: Vocabulary = {
  words,
  cumulative: Float64Array.from(words.map((_, index) => (index + 1) * (index + 2))),
  captions: [],
  source: 'test',
};

const saved = { parallel: { ...PARALLEL_RANKING }, native: { ...NATIVE_RANKING }, oneCall: { ...RANKING_IN_ONE_CALL } };
after(() => {
  Object.assign(PARALLEL_RANKING, saved.parallel);
  Object.assign(NATIVE_RANKING, saved.native);
  Object.assign(RANKING_IN_ONE_CALL, saved.oneCall);
});

test('a weighted expression numbers its phrases as FTS5 does: words, extra terms, phrases, then exclusions', () => {
  const query = parseQuery('red dog "tabby cat" -garage');
  const weighted = toWeightedExpression(query, ['n123'], (word) => (word === 'dog' ? 3 : 2))!;
  assert.equal(weighted.expression, '("red" OR "dog" OR "n123" OR "tabby cat") NOT "garage"');
  assert.deepEqual(weighted.weights, [2, 3, 1, 1, 0]);
  assert.equal(weighted.repeated, '("red" OR "red" OR "dog" OR "dog" OR "dog" OR "n123" OR "tabby cat") NOT "garage"');
  assert.equal(toWeightedExpression(parseQuery('  ')), null);
});

test('ranking split across threads by rowid range returns exactly the single-query ranking', async () => {
  const db = await writeSyntheticLibrary(join(temporaryDirectory(), 'parallel.db'), vocabulary, 3000);

  const glimpse = await createGlimpse({ db, embedder: null });
  try {
    const queries = ['dog', 'red car', 'woman beach kite', 'clock -bus', '"red car"', 'pizza table tree bus'];
    const run = async (threads: number, options: { folder?: string } = {}, native = true) => {
      Object.assign(PARALLEL_RANKING, { above: 0, threads });
      NATIVE_RANKING.enabled = native;
      const lists = [];
      for (const query of queries)
        lists.push((await glimpse.search(query, { limit: 40, ...options })).results.map((hit) => [hit.id, hit.score]));
      return lists;
    };
    const single = await run(1);
    const parallel = await run(3);
    assert.deepEqual(parallel, single);
    // The ranges after the first are ranked by worker threads: their rows must be among the results.
    assert.ok(
      single.flat().some(([id]) => id > 2000),
      'results come from the last third of the rowids too',
    );
    assert.ok(single.every((list) => list.length > 0));
    // With a filter, which joins the images table, the split ranking still agrees.
    assert.deepEqual(await run(3, { folder: '/synthetic/album-7' }), await run(1, { folder: '/synthetic/album-7' }));
    // In the background (every range on a worker thread, as hybrid search does), the rows are the same.
    const expression = toWeightedExpression(parseQuery('woman beach kite'), [], () => 2)!;
    Object.assign(PARALLEL_RANKING, { above: 0, threads: 2 });
    const background = await rankFullText(glimpseParts(glimpse).searchIndex, expression, noFilter, 40, {
      background: true,
    });
    PARALLEL_RANKING.threads = 1;
    assert.deepEqual(background, await rankFullText(glimpseParts(glimpse).searchIndex, expression, noFilter, 40));
    assert.equal(background.length, 40);
    // Stock bm25 over repeated phrases ranks the same, single-threaded and split.
    assert.deepEqual(await run(1, {}, false), single);
    assert.deepEqual(await run(3, {}, false), single);
  } finally {
    await glimpse.close();
  }
});

const noFilter = { join: '', where: '', parameters: [] };

/** A synthetic library of `rows` rows ranked on this thread with the native function; closed after `body`. */
async function withNativeRanking(name: string, rows: number, body: (index: SearchIndex) => Promise<void>) {
  const db = await writeSyntheticLibrary(join(temporaryDirectory(), name), vocabulary, rows);
  const glimpse = await createGlimpse({ db, embedder: null });
  try {
    NATIVE_RANKING.enabled = true;
    Object.assign(PARALLEL_RANKING, { above: Number.MAX_SAFE_INTEGER });
    await body(glimpseParts(glimpse).searchIndex);
  } finally {
    await glimpse.close();
  }
}

/** Ranked in one call and row by row: the same rows and scores; returns them. */
async function sameBothWays(index: SearchIndex, expression: WeightedExpression, pool: number, message: string) {
  RANKING_IN_ONE_CALL.enabled = false;
  const rowByRow = await rankFullText(index, expression, noFilter, pool);
  RANKING_IN_ONE_CALL.enabled = true;
  assert.deepEqual(await rankFullText(index, expression, noFilter, pool), rowByRow, message);
  return rowByRow;
}

test('ranking in one call (weighted_bm25_top, max-score pruning) gives the rows and scores of ORDER BY weighted_bm25', async () => {
  await withNativeRanking('one-call.db', 3000, async (index) => {
    // Rare words with common ones (the common ones' rows are pruned), an exclusion, a phrase, a word no row has.
    const queries = [
      'clock',
      'clock kite bus dog beach',
      'clock bus -kite',
      '"red car" clock dog street',
      'pizza table tree bus woman man',
      'zeppelin dog',
    ];
    for (const text of queries) {
      const expression = toWeightedExpression(parseQuery(text), ['n123'], (word) => (word.length > 4 ? 3 : 2))!;
      for (const pool of [1, 10, 200])
        assert.ok((await sameBothWays(index, expression, pool, `${text}, ${pool} rows`)).length > 0, text);
    }
    // The excluded word's rows are left out.
    const kites = new Set(
      index.sqlite.db
        .prepare(`SELECT rowid FROM search_index WHERE search_index MATCH 'kite'`)
        .pluck()
        .all() as number[],
    );
    const expression = toWeightedExpression(parseQuery('clock bus -kite'))!;
    assert.ok((await rankFullText(index, expression, noFilter, 200)).every((row) => !kites.has(row.id)));
    // A rowid past the function's arrays: ranked row by row instead, found all the same.
    index.sqlite.db
      .prepare('INSERT INTO search_index (rowid, caption) VALUES (?, ?)')
      .run(200_000_000, 'zeppelin over the clock');
    const zeppelin = toWeightedExpression(parseQuery('zeppelin clock'))!;
    assert.equal((await sameBothWays(index, zeppelin, 5, 'past the arrays'))[0].id, 200_000_000);
  });
});

test('ranking in one call forgets found rows that cannot reach the k best, and still ranks as ORDER BY weighted_bm25', async () => {
  // Long queries over a small vocabulary: many rows found by the first phrases, most of them forgotten once the
  // common phrases that are left cannot lift them to the k best; many equal scores (ties go by rowid).
  await withNativeRanking('forgotten.db', 4000, async (index) => {
    let seed = 11;
    const next = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let query = 0; query < 30; query++) {
      const chosen = words.filter(() => next() < 0.6);
      const text = `${chosen.join(' ')}${query % 5 === 0 ? ' -tree' : ''}`;
      const expression = toWeightedExpression(parseQuery(text), [], (word) => 1 + (word.length % 3))!;
      if (!expression) continue;
      for (const pool of [1, 3, 20, 50]) await sameBothWays(index, expression, pool, `${text}, ${pool} rows`);
    }
  });
});

test('the native weighted ranking is built and loads (npm run build compiles native/weighted_bm25.c)', async () => {
  // CI has a C compiler; without one search still works (stock bm25), but this machine should have it.
  const glimpse = await createGlimpse({ db: join(temporaryDirectory(), 'native.db'), embedder: null });
  try {
    NATIVE_RANKING.enabled = true;
    assert.equal(hasWeightedBm25(glimpseParts(glimpse).searchIndex.sqlite.db), true);
  } finally {
    await glimpse.close();
  }
});

/** [id, score] of the results of `query`, ranked natively or with stock bm25. */
async function ranking(glimpse: Glimpse, query: string, native: boolean) {
  NATIVE_RANKING.enabled = native;
  return (await glimpse.search(query, { limit: 30 })).results.map((hit) => [hit.id, hit.score]);
}

test('the native ranking forgets cached row lengths when this or another connection changes the library', async () => {
  const db = await writeSyntheticLibrary(join(temporaryDirectory(), 'lengths.db'), vocabulary, 500);
  const glimpse = await createGlimpse({ db, embedder: null });
  const other = await createGlimpse({ db, embedder: null });
  try {
    Object.assign(PARALLEL_RANKING, { above: Number.MAX_SAFE_INTEGER });
    const before = await ranking(glimpse, 'red car', true); // fills the cache with the lengths of every row matching "red car"
    const top = before[0][0] as number;
    // A much longer caption for the best match changes its length, and so its bm25 score.
    glimpse.edit(top, { caption: `red car ${'with many more words in its caption '.repeat(6)}` });
    const afterOwnEdit = await ranking(glimpse, 'red car', true);
    assert.deepEqual(afterOwnEdit, await ranking(glimpse, 'red car', false));
    assert.notDeepEqual(afterOwnEdit, before);
    // The same through another connection (the worker threads' case: data_version tells).
    const second = afterOwnEdit[1][0] as number;
    other.edit(second, { caption: `red car ${'and a long story about the weather that day '.repeat(6)}` });
    const afterOtherEdit = await ranking(glimpse, 'red car', true);
    assert.deepEqual(afterOtherEdit, await ranking(glimpse, 'red car', false));
    assert.notDeepEqual(afterOtherEdit, afterOwnEdit);
  } finally {
    await other.close();
    await glimpse.close();
  }
});

test('the native ranking counts the rows holding a word again when this or another connection changes the library', async () => {
  const db = await writeSyntheticLibrary(join(temporaryDirectory(), 'counts.db'), vocabulary, 500);
  const glimpse = await createGlimpse({ db, embedder: null });
  const other = await createGlimpse({ db, embedder: null });
  try {
    Object.assign(PARALLEL_RANKING, { above: Number.MAX_SAFE_INTEGER });
    const index = glimpseParts(glimpse).searchIndex;
    // bm25 itself, before reranking: the weights make the two words' idfs count apart.
    const expression = toWeightedExpression(parseQuery('kite dog'), [], (word) => (word === 'kite' ? 3 : 1))!;
    const scores = async (native: boolean) => {
      NATIVE_RANKING.enabled = native;
      // Repeated phrases add up in another order than weights multiply: equal to the last few bits.
      return (await rankFullText(index, expression, { join: '', where: '', parameters: [] }, 500)).map(
        (row) => `${row.id}:${row.score.toFixed(9)}`,
      );
    };
    const holding = new Set(
      index.sqlite.db.prepare("SELECT rowid FROM search_index WHERE search_index MATCH 'kite'").pluck().all(),
    );
    await scores(true);
    const before = await scores(true); // the second query: with the counts kept by the first
    assert.deepEqual(before, await scores(false));
    const without = Array.from({ length: 50 }, (_, index) => index + 1).filter((id) => !holding.has(id));
    // One more row holding "kite" lowers its idf, and so the scores of the rows holding it.
    glimpse.edit(without[0], { caption: 'a kite' });
    const afterOwnEdit = await scores(true);
    assert.deepEqual(afterOwnEdit, await scores(false));
    assert.notDeepEqual(afterOwnEdit, before);
    other.edit(without[1], { caption: 'a kite' });
    const afterOtherEdit = await scores(true);
    assert.deepEqual(afterOtherEdit, await scores(false));
    assert.notDeepEqual(afterOtherEdit, afterOwnEdit);
  } finally {
    await other.close();
    await glimpse.close();
  }
});

test('a query over a fifth of a large table reads every row length in one pass, and ranks as bm25 does', async () => {
  // 12,000 rows of a 13-word vocabulary: every word matches a large share, which makes weighted_bm25 fill its
  // length cache from the docsize table at once (see native/weighted_bm25.c) instead of row by row.
  const db = await writeSyntheticLibrary(join(temporaryDirectory(), 'fill.db'), vocabulary, 12_000);
  const glimpse = await createGlimpse({ db, embedder: null });
  try {
    Object.assign(PARALLEL_RANKING, { above: Number.MAX_SAFE_INTEGER });
    for (const query of ['dog', 'red car', 'clock bus kite', 'woman'])
      assert.deepEqual(await ranking(glimpse, query, true), await ranking(glimpse, query, false), query);
    const top = (await ranking(glimpse, 'woman', true))[0][0] as number;
    glimpse.edit(top, { caption: `woman ${'walking her bicycle along the long river path '.repeat(5)}` });
    assert.deepEqual(await ranking(glimpse, 'woman', true), await ranking(glimpse, 'woman', false), 'after an edit');
  } finally {
    await glimpse.close();
  }
});

test('ranking in one call from kept row lists of common phrases gives the same rows and scores, and forgets them on a write', async () => {
  await withNativeRanking('kept-lists.db', 4000, async (index) => {
    const db = index.sqlite.db;
    assert.ok(hasWeightedBm25(db));
    const lists = (settings: number[] = []) =>
      db
        .prepare(`SELECT weighted_bm25_lists(${settings.map(() => '?').join(', ')})`)
        .pluck()
        .get(...settings) as number;
    // Keep the list of any phrase of 50 rows or more (every word here), without a cap worth speaking of.
    lists([50, 1 << 30]);
    let seed = 5;
    const next = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const queries = ['clock kite bus dog beach', 'pizza table tree bus woman man', '"red car" clock dog -kite'];
    for (let query = 0; query < 12; query++) queries.push(words.filter(() => next() < 0.5).join(' ') || 'dog');
    const expressions = queries.map(
      (text) => toWeightedExpression(parseQuery(text), [], (word) => 1 + (word.length % 3))!,
    );
    const rankAll = async (label: string) => {
      const all = [];
      for (const [at, expression] of expressions.entries())
        for (const pool of [1, 10, 60])
          all.push(await sameBothWays(index, expression, pool, `${label}: ${queries[at]}, ${pool}`));
      return all;
    };
    const first = await rankAll('filling the lists');
    assert.ok(lists() > 0, 'lists are kept');
    // Read from the kept lists this time: the same rows and scores as row by row, and as the first time.
    assert.deepEqual(await rankAll('from the lists'), first);
    // A write: the lists are dropped (and filled again) at the next query, whose scores follow the new row.
    const top = first[0][0].id;
    index.sqlite.db.prepare('UPDATE search_index SET caption = ? WHERE rowid = ?').run('clock kite', top);
    const afterWrite = await rankAll('after a write');
    assert.notDeepEqual(afterWrite, first);
    // Under a small cap, lists are evicted and kept again as queries go: rankings still the same.
    lists([50, 20_000]);
    assert.deepEqual(await rankAll('evicting'), afterWrite);
    assert.ok(lists() <= 20_000);
  });
});
