import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { withTemporaryFolder } from '../eval/search.js';
import { createGlimpse } from '../glimpse.js';
import { glimpseParts } from '../methods/parts.js';
import { hashingEmbedder } from './fake-providers.js';
import { benchQueries, benchSentences, querySets } from './search-latency.js';
import { buildSyntheticStore, syntheticDescription } from './synthetic-store.js';
import { loadVocabulary, seededRandom, type Vocabulary } from './vocabulary.js';

/** A vocabulary without ../shared, so the test runs anywhere. */
const words = ['dog', 'cat', 'beach', 'street', 'red', 'car', 'man', 'woman', 'pizza', 'table', 'tree', 'kite'];
const vocabulary: Vocabulary = {
  words,
  cumulative: Float64Array.from(words.map((_, index) => index + 1)),
  captions: [],
  source: 'test',
};

test('bulk-built rows are what the search module builds, and search finds them', async () => {
  await withTemporaryFolder(async (folder) => {
    const embedder = hashingEmbedder(64);
    const db = join(folder, 'synthetic.db');
    const builder = await createGlimpse({ db, embedder: null });
    const built = await buildSyntheticStore(glimpseParts(builder).searchIndex.sqlite, vocabulary, 300, { embedder });
    assert.equal(built.count, 300);
    assert.equal(builder.status().images, 300);
    assert.equal(builder.status().described, 300);
    const first = builder.show(1);
    await builder.close();

    const query = first.caption!.split(' ').slice(0, 3).join(' ');
    const fullText = await createGlimpse({ db, embedder: null });
    const response = await fullText.search(query, { limit: 10 });
    assert.ok(response.results.length > 0);
    assert.ok(response.results.every((hit) => hit.why.vectorRank === null));
    await fullText.close();

    const hybrid = await createGlimpse({ db, embedder });
    const fused = await hybrid.search(query, { limit: 10 });
    assert.ok(
      fused.results.some((hit) => hit.why.vectorRank !== null),
      'the vectors take part in hybrid search',
    );
    await hybrid.close();
  });
});

test('synthetic descriptions and queries are deterministic', () => {
  const a = syntheticDescription(vocabulary, 3, seededRandom(1));
  const b = syntheticDescription(vocabulary, 3, seededRandom(1));
  assert.deepEqual(a, b);
  assert.equal(a.tags.length, 3);
  assert.deepEqual(benchQueries(vocabulary, 5), benchQueries(vocabulary, 5));
  assert.ok(loadVocabulary().words.length > 50);
});

test('whole-sentence queries come from the word list without captions, from the captions with them', () => {
  const sentences = benchSentences(vocabulary, 20);
  assert.deepEqual(sentences, benchSentences(vocabulary, 20));
  for (const sentence of sentences) {
    const length = sentence.split(' ').length;
    assert.ok(length >= 8 && length <= 13 && sentence.split(' ').every((word) => words.includes(word)), sentence);
  }
  const captions = ['a dog on a beach', 'two cats on a red car'];
  for (const sentence of benchSentences({ ...vocabulary, captions }, 10)) assert.ok(captions.includes(sentence));
  // Repeats are further sets of new queries: none the same as the first.
  const sets = querySets(vocabulary, 10, { repeats: 3, sentences: true });
  assert.equal(sets.repeats?.length, 2);
  assert.notDeepEqual(sets.repeats?.[0], sets.measured);
});

test('the hashing embedder is deterministic, normalised, and puts shared words closer', async () => {
  const embedder = hashingEmbedder(384);
  const [dog, dogAgain, dogBeach, pizza] = await embedder.embedTexts(
    ['a dog', 'a dog', 'a dog on a beach', 'pizza with olives'],
    'document',
  );
  assert.deepEqual(dog, dogAgain);
  const dot = (x: Float32Array, y: Float32Array) => x.reduce((sum, value, index) => sum + value * y[index], 0);
  assert.ok(Math.abs(dot(dog, dog) - 1) < 1e-5);
  assert.ok(dot(dog, dogBeach) > dot(dog, pizza) + 0.2);
});
