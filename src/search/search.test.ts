import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createGlimpse, type Glimpse } from '../glimpse.js';
import { glimpseParts } from '../methods/parts.js';
import type { Embedder } from '../providers/spec.js';
import { sample, temporaryDirectory } from '../testing/fixtures.js';
import { createRecordingProvider } from '../testing/recording-provider.js';
import { documentConcepts, namesVisibleThing, queryWordConcepts } from './concepts.js';
import { parseQuery, toFtsExpression } from './query.js';
import { baseForm, senses } from './wordnet.js';

/** Five photos with known captions; files are real images, descriptions come from the test provider. */
const LIBRARY: Record<string, { caption: string; tags: string[]; text?: string; detailed?: string }> = {
  'chelsea.png': { caption: 'A tabby cat looking at the camera', tags: ['cat', 'pet'] },
  'coffee.png': { caption: 'A cup of coffee on a saucer', tags: ['cup', 'drink'] },
  'rocket.jpg': { caption: 'A rocket standing on the launch pad', tags: ['rocket', 'space'], text: 'NASA' },
  'motorcycle_left.png': {
    caption: 'A red car parked in a garage',
    tags: ['car', 'vehicle'],
    detailed: 'A small red car next to a workbench.',
  },
  'horse.png': { caption: 'A puppy playing with a ball in the grass', tags: ['dog', 'ball'] },
};

let g: Glimpse;
let dir: string;
const path = (file: string) => join(dir, file);

before(async () => {
  dir = join(temporaryDirectory(), 'library');
  mkdirSync(join(dir, 'trips'), { recursive: true });
  for (const file of Object.keys(LIBRARY))
    copyFileSync(sample(file), join(file === 'rocket.jpg' ? join(dir, 'trips') : dir, file));
  g = await createGlimpse({
    db: join(dir, '..', 'search.db'),
    provider: createRecordingProvider({ respond: (request) => LIBRARY[request.image.source.split('/').pop()!] }),
  });
  await g.index([dir]);
});
after(() => g.close());

const top = async (query: string, options = {}) =>
  (await g.search(query, options)).results.map((result) => result.path.split('/').pop());

describe('full-text search', () => {
  test('finds by caption words with stemming, best first', async () => {
    assert.equal((await top('cats'))[0], 'chelsea.png');
    assert.equal((await top('parking cars'))[0], 'motorcycle_left.png');
    assert.equal((await top('coffee cup'))[0], 'coffee.png');
  });

  test('text in the image and file names are searchable', async () => {
    assert.deepEqual(await top('nasa'), ['rocket.jpg']);
    assert.deepEqual(await top('chelsea'), ['chelsea.png']);
  });

  test('caption and tag matches outrank matches in the detailed description', async () => {
    // "workbench" only appears in a detailed description; "cup" in a caption and a tag.
    const results = (await g.search('cup workbench')).results;
    assert.equal(results[0].path, path('coffee.png'));
    assert.equal(results[1].path, path('motorcycle_left.png'));
    // Each result is explained from its own text, not the first match's.
    assert.match(results[1].snippet, /«workbench»/);
    assert.deepEqual(results[1].why.fields, ['detailed']);
    assert.match(results[0].snippet, /«cup»/);
  });

  test('phrases in quotes, and -excluded words', async () => {
    assert.deepEqual(await top('"cup of coffee"'), ['coffee.png']);
    assert.deepEqual(await top('"coffee of cup"'), []);
    assert.ok(!(await top('red car -garage')).includes('motorcycle_left.png'));
  });

  test('any text is safe to type', async () => {
    for (const query of [
      'C++ "dog\'s" AND (',
      '"',
      'NEAR(',
      '*',
      'a OR',
      '))',
      "'; DROP TABLE images; --",
      '^',
      'col:umn',
      '',
    ]) {
      const response = await g.search(query);
      assert.ok(Array.isArray(response.results), query);
    }
    assert.equal(g.status().images, 5);
  });

  test('each result says why it matched, with the words marked', async () => {
    const [result] = (await g.search('tabby cat')).results;
    assert.ok(result.why.fields.includes('caption') && result.why.fields.includes('tags'), result.why.fields.join());
    assert.ok(!result.why.fields.includes('text'));
    assert.deepEqual(result.why.terms.sort(), ['cat', 'tabby']);
    assert.match(result.snippet, /A «tabby» «cat» looking/);
    assert.equal(result.why.fullTextRank, 1);
  });
});

describe('concept matching from WordNet', () => {
  test('puppy finds dogs, automobile finds cars, kitten finds cats, beverage finds coffee', async () => {
    assert.equal((await top('dog'))[0], 'horse.png', 'the puppy photo is tagged dog');
    assert.equal((await top('automobile'))[0], 'motorcycle_left.png');
    assert.equal((await top('kitten'))[0], 'chelsea.png');
    assert.equal((await top('beverage'))[0], 'coffee.png');
    assert.equal((await top('animal'))[0] !== undefined, true);
  });

  test('concept matches rank below exact matches and say so', async () => {
    const results = (await g.search('puppy')).results;
    assert.equal(results[0].path, path('horse.png'), 'the exact word first');
    const kitten = (await g.search('kitten')).results[0];
    assert.deepEqual(kitten.why.fields, ['concepts']);
    assert.ok(
      kitten.why.concepts.some((concept) => concept === 'kitten→cat'),
      kitten.why.concepts.join(),
    );
  });

  test('a concept match does not drag in unrelated things', async () => {
    assert.ok(!(await top('dog')).includes('chelsea.png'), 'a dog query does not return the cat');
  });

  test('WordNet look-ups: base forms, senses, concepts', () => {
    assert.equal(baseForm('puppies', 'noun'), 'puppy');
    assert.equal(baseForm('people', 'noun'), 'person');
    assert.equal(baseForm('sitting', 'verb'), 'sit');
    assert.ok(senses('automobile', 'noun').length > 0);
    const [car] = senses('car', 'noun');
    assert.ok(documentConcepts('a red car').split(' ').includes(`n${car}`));
    assert.ok(queryWordConcepts('automobile').tokens.includes(`n${car}`), 'automobile and car share a synset');
    assert.deepEqual(queryWordConcepts('zzzzqqq').tokens, []);
    assert.ok(
      namesVisibleThing('dogs') && namesVisibleThing('cup') && namesVisibleThing('woman') && namesVisibleThing('pizza'),
    );
    assert.ok(
      !namesVisibleThing('riding') &&
        !namesVisibleThing('beauty') &&
        !namesVisibleThing('red') &&
        !namesVisibleThing('the'),
    );
  });
});

describe('filters', () => {
  test('by tag, by text found, by folder', async () => {
    assert.deepEqual(await top('', { tags: ['drink'] }), ['coffee.png']);
    assert.deepEqual(await top('a', { tags: ['DOG'] }), ['horse.png']);
    assert.deepEqual(await top('', { hasText: true }), ['rocket.jpg']);
    assert.deepEqual(await top('', { folder: join(dir, 'trips') }), ['rocket.jpg']);
    assert.deepEqual(await top('rocket', { folder: join(dir, 'elsewhere') }), []);
  });

  test('by date (taken, else added)', async () => {
    const today = new Date().toISOString().slice(0, 10);
    assert.equal((await top('', { after: '2000-01-01', limit: 50 })).length, 5);
    assert.equal((await top('', { before: '2000-01-01' })).length, 0);
    assert.equal((await top('cat', { before: today })).length, 1, 'a bare date as upper bound includes that whole day');
  });
});

describe('hybrid search', () => {
  test('vectors from an embedder are fused with full text and change the ranking', async () => {
    // A toy embedder: each text is a bag of 3 "meanings"; "feline" means the same as "cat".
    const meaning = (text: string) => {
      const lower = text.toLowerCase();
      return new Float32Array([
        /cat|feline|tabby/.test(lower) ? 1 : 0,
        /coffee|zorblat|cup/.test(lower) ? 1 : 0,
        /rocket|car|launch/.test(lower) ? 1 : 0.01,
      ]);
    };
    const embedder: Embedder = {
      specificationVersion: 'v1',
      provider: 'toy',
      modelId: 'toy-embedding-1',
      dimensions: 3,
      async embedTexts(texts) {
        return texts.map(meaning);
      },
    };
    const hybridDir = join(temporaryDirectory(), 'hybrid');
    mkdirSync(hybridDir);
    for (const file of ['chelsea.png', 'coffee.png', 'rocket.jpg']) copyFileSync(sample(file), join(hybridDir, file));
    const hybrid = await createGlimpse({
      db: join(hybridDir, 'h.db'),
      embedder,
      provider: createRecordingProvider({ respond: (request) => LIBRARY[request.image.source.split('/').pop()!] }),
    });
    await hybrid.index([hybridDir]);
    assert.deepEqual(hybrid.status().embeddings, [{ model: 'toy-embedding-1', kind: 'text', dimensions: 3 }]);
    // No caption says "zorblat" and WordNet has never heard of it; the toy vectors know it means coffee.
    const results = (await hybrid.search('zorblat')).results;
    assert.equal(results[0].path, join(hybridDir, 'coffee.png'));
    assert.equal(results[0].why.vectorRank, 1);
    assert.equal(results[0].why.fullTextRank, null);
    // Full text alone (no embedder) finds nothing for it.
    const plain = await createGlimpse({ db: join(hybridDir, 'h.db'), embedder: null });
    assert.equal((await plain.search('zorblat')).results.length, 0);
    await plain.close();
    await hybrid.close();
  });

  test('switching the embedding model re-embeds into its own space', async () => {
    const make = (modelId: string, dimensions: number): Embedder => ({
      specificationVersion: 'v1',
      provider: 'toy',
      modelId,
      dimensions,
      async embedTexts(texts) {
        return texts.map(() => new Float32Array(dimensions).fill(1));
      },
    });
    const folder = join(temporaryDirectory(), 'switch');
    mkdirSync(folder);
    copyFileSync(sample('coffee.png'), join(folder, 'coffee.png'));
    const db = join(folder, 's.db');
    let glimpse = await createGlimpse({ db, embedder: make('model-a', 4), provider: createRecordingProvider() });
    await glimpse.index([folder]);
    await glimpse.close();
    glimpse = await createGlimpse({ db, embedder: make('model-b', 8), provider: createRecordingProvider() });
    const summary = await glimpse.index([folder]);
    assert.equal(summary.unchanged, 1, 'the description is kept');
    const spaces = glimpse
      .status()
      .embeddings.map((space) => `${space.model}:${space.dimensions}`)
      .sort();
    assert.deepEqual(spaces, ['model-a:4', 'model-b:8']);
    assert.ok(
      glimpseParts(glimpse).searchIndex.store.hasVector(
        glimpseParts(glimpse).searchIndex.store.embeddingSpace('model-b', 'text', 8),
        1,
      ),
    );
    await glimpse.close();
  });
});

describe('query parsing', () => {
  test('quotes every term so FTS5 syntax cannot leak through', () => {
    assert.equal(toFtsExpression(parseQuery('C++ "dog\'s" AND (')), '"dog"');
    assert.equal(
      toFtsExpression(parseQuery('say "hi" "beach')),
      '("say" OR "hi" OR "beach")',
      'a lone quote is a character',
    );
    const parsed = parseQuery('the red "tabby cat" -dog AND');
    assert.deepEqual(parsed.words, ['red']);
    assert.deepEqual(parsed.phrases, [['tabby', 'cat']]);
    assert.deepEqual(parsed.excluded, ['dog']);
    assert.equal(toFtsExpression(parsed), '("red" OR "tabby cat") NOT "dog"');
    assert.equal(toFtsExpression(parseQuery('the who')), '("the" OR "who")', 'only stop words: search for them');
    assert.equal(toFtsExpression(parseQuery('  ')), null);
  });
});
