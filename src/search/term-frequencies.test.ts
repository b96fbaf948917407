import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeSyntheticLibrary } from '../bench/synthetic-store.js';
import type { Vocabulary } from '../bench/vocabulary.js';
import { createGlimpse } from '../glimpse.js';
import { temporaryDirectory } from '../testing/fixtures.js';
import { documentFrequencies } from './term-frequencies.js';

const words = ['dog', 'beach', 'red', 'car', 'kite'];
const vocabulary: Vocabulary = { words, cumulative: Float64Array.from(words.map((_, index) => index + 1)), captions: [], source: 'test' };

test('term counts are the index counts, and follow changes made here or through another connection', async () => {
  const db = await writeSyntheticLibrary(join(temporaryDirectory(), 'terms.db'), vocabulary, 200);
  const glimpse = await createGlimpse({ db, embedder: null });
  const other = await createGlimpse({ db, embedder: null });
  try {
    const count = (term: string) => glimpse.store.db.prepare('SELECT count(*) FROM search_index WHERE search_index MATCH ?').pluck().get(`"${term}"`);
    const counts = documentFrequencies(glimpse.store, ['dog', 'kite', 'zebra']);
    assert.deepEqual([...counts.values()], [count('dog'), count('kite'), 0]);
    assert.ok(counts.get('dog')! > 0);

    glimpse.edit(1, { caption: 'a zebra' });
    assert.equal(documentFrequencies(glimpse.store, ['zebra']).get('zebra'), 1, 'an edit on this connection is seen');
    other.edit(2, { caption: 'another zebra' });
    assert.equal(documentFrequencies(glimpse.store, ['zebra']).get('zebra'), 2, "another connection's commit is seen");
  } finally {
    await other.close();
    await glimpse.close();
  }
});
