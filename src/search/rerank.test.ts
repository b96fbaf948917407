import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { createGlimpse, type Glimpse } from '../glimpse.js';
import { glimpseParts } from '../methods/parts.js';
import { temporaryDirectory } from '../testing/fixtures.js';
import { queryCoverage, RERANKING, rerank, rowSentences, rowTexts } from './rerank.js';
import { analyseSentence } from './sentence.js';

/** Captions stored as if a model had written them (no images needed: search reads only the text). */
const CAPTIONS = [
  'A dog sleeping on a couch.',
  'Dogs resting together on a leather couch in a living room.',
  'A white cat next to a black dog.',
  'A black cat next to a white dog.',
  'A man riding a horse on a beach.',
  'A man on a bench.',
  'A man on a surfboard.',
];

let g: Glimpse;
const byCaption = new Map<number, string>();

before(async () => {
  g = await createGlimpse({ db: join(temporaryDirectory(), 'rerank.db'), embedder: null });
  const ids = await g.importDescriptions(
    CAPTIONS.map((caption, index) => ({ path: `/library/${index}.jpg`, caption })),
  );
  ids.forEach((id, index) => byCaption.set(id, CAPTIONS[index]));
});
after(() => g.close());
afterEach(() => (RERANKING.depth = 50));

const ranked = async (query: string) =>
  (await g.search(query, { limit: 5 })).results.map((result) => byCaption.get(result.id));

describe('reranking the best full-text matches', () => {
  test('several things asked for: a caption of several outranks a shorter one of one', async () => {
    RERANKING.depth = 0;
    // bm25 alone prefers the short caption (stemming makes "dogs" and "dog" the same word)...
    assert.equal((await ranked('three dogs on a couch'))[0], CAPTIONS[0]);
    RERANKING.depth = 50;
    // ...reranking sees that one dog is not three.
    assert.equal((await ranked('three dogs on a couch'))[0], CAPTIONS[1]);
  });

  test('colours belong to the things they are said of', async () => {
    RERANKING.depth = 0;
    // The same words in both captions: bm25 cannot tell them apart...
    const [first, second] = (await g.search('a black cat and a white dog', { limit: 2 })).results;
    assert.equal(first.score, second.score);
    RERANKING.depth = 50;
    // ...but only one has the black cat.
    assert.deepEqual((await ranked('a black cat and a white dog')).slice(0, 2), [CAPTIONS[3], CAPTIONS[2]]);
  });

  test('a word the query lacks counts when a definition relates it to a query word', async () => {
    const scoreOf = async (caption: string) =>
      (await g.search('a man riding a wave')).results.find((result) => byCaption.get(result.id) === caption)!.score;
    RERANKING.depth = 0;
    // bm25 sees only "man" in both captions...
    assert.equal(await scoreOf(CAPTIONS[5]), await scoreOf(CAPTIONS[6]));
    RERANKING.depth = 50;
    // ...WordNet defines a surfboard as a board for riding surf (waves).
    assert.ok((await scoreOf(CAPTIONS[6])) > (await scoreOf(CAPTIONS[5])));
  });

  test('reranking keeps every full-text match and only reorders them', async () => {
    const rows = [...byCaption.keys()].map((id, index) => ({ id, score: 10 - index }));
    const reranked = rerank(glimpseParts(g).searchIndex, 'a black cat and a white dog', rows);
    assert.deepEqual(reranked.map((row) => row.id).sort(), rows.map((row) => row.id).sort());
    for (let index = 1; index < reranked.length; index++)
      assert.ok(reranked[index - 1].score >= reranked[index].score, 'scores go down');
    // Rows past the reranked depth stay below the reranked ones, in their own order.
    RERANKING.depth = 2;
    const partial = rerank(glimpseParts(g).searchIndex, 'a black cat and a white dog', rows);
    assert.deepEqual(
      partial.slice(2).map((row) => row.id),
      rows.slice(2).map((row) => row.id),
    );
    assert.deepEqual(new Set(partial.slice(0, 2).map((row) => row.id)), new Set(rows.slice(0, 2).map((row) => row.id)));
  });

  test('the texts read once for both (rowTexts) rerank and judge coverage as each read by itself does', () => {
    const index = glimpseParts(g).searchIndex;
    const rows = [...byCaption.keys()].map((id, index) => ({ id, score: 10 - index }));
    const ids = rows.map((row) => row.id);
    const texts = rowTexts(index, ids);
    assert.deepEqual([...texts.reranked.keys()].sort(), [...ids].sort());
    assert.ok([...texts.reranked.values()].every((text) => byCaption.has(ids[0]) && text.length > 0));
    // Coverage reads more of each row than the reranker (the file name too).
    for (const id of ids) assert.ok(texts.covered.get(id)!.startsWith(texts.reranked.get(id)!));
    for (const query of ['a black cat and a white dog', 'man on a beach', 'three dogs']) {
      assert.deepEqual(rerank(index, query, rows, texts.reranked), rerank(index, query, rows));
      assert.deepEqual(queryCoverage(index, query, ids, texts.covered), queryCoverage(index, query, ids));
    }
  });

  test('a query with only excluded or stop words is left alone', async () => {
    const rows = [...byCaption.keys()].map((id, index) => ({ id, score: 10 - index }));
    assert.deepEqual(rerank(glimpseParts(g).searchIndex, 'the of', rows), rows);
    assert.deepEqual(await ranked('horse -couch'), [CAPTIONS[4]]);
  });

  test('each row is read as sentences when written, and searched the same without its stored reading', async () => {
    const index = glimpseParts(g).searchIndex;
    const db = index.sqlite.db;
    const ids = [...byCaption.keys()];
    const stored = db.prepare('SELECT count(*) FROM search_sentences').pluck().get() as number;
    assert.equal(stored, ids.length, 'every search row has its reading');
    const withStored = rowSentences(index, ids);
    const texts = rowTexts(index, ids);
    const lemmas = (sentence: { words: { lemma: string }[] }) => sentence.words.map((word) => word.lemma);
    for (const id of ids) {
      assert.deepEqual(lemmas(withStored.reranked.get(id)!), lemmas(analyseSentence(texts.reranked.get(id)!)));
      assert.deepEqual(lemmas(withStored.covered.get(id)!), lemmas(analyseSentence(texts.covered.get(id)!)));
    }
    const queries = ['three dogs on a couch', 'a black cat and a white dog', 'a man riding a wave'];
    const answers = async () => {
      const all = [];
      for (const query of queries)
        all.push((await g.search(query)).results.map((r) => [r.id, r.score, r.why.coverage]));
      return all;
    };
    const before = await answers();
    // A library written before migration 7 (or a row without a reading): analysed as it is searched, same answers.
    const saved = db.prepare('SELECT id, analysis FROM search_sentences').all() as { id: number; analysis: string }[];
    db.prepare('DELETE FROM search_sentences').run();
    try {
      assert.deepEqual(await answers(), before);
    } finally {
      const insert = db.prepare('INSERT INTO search_sentences (id, analysis) VALUES (?, ?)');
      for (const row of saved) insert.run(row.id, row.analysis);
    }
  });

  test("a row's stored reading follows its text: replaced when the row is rewritten, dropped with it", async () => {
    const { id } = (await g.search('surfboard')).results[0];
    const analysis = () =>
      glimpseParts(g)
        .searchIndex.sqlite.db.prepare('SELECT analysis FROM search_sentences WHERE id = ?')
        .pluck()
        .get(id);
    assert.match(analysis() as string, /surfboard/);
    g.edit(id, { caption: 'Three brown horses on a beach' });
    try {
      assert.doesNotMatch(analysis() as string, /surfboard/);
      const reading = rowSentences(glimpseParts(g).searchIndex, [id]).reranked.get(id)!;
      assert.deepEqual(
        reading.things.map((thing) => [thing.word.lemma, thing.number, thing.colour]),
        [
          ['horse', 3, 'brown'],
          ['beach', 1, null],
        ],
      );
    } finally {
      g.edit(id, { caption: null });
    }
    assert.match(analysis() as string, /surfboard/);
  });
});
