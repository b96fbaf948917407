import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createGlimpse, type Glimpse } from '../glimpse.js';
import { sample, temporaryDirectory } from '../testing/fixtures.js';
import { createRecordingProvider } from '../testing/recording-provider.js';
import { NOT_ENGLISH_NOTICE } from './search.js';
import { correctedText, damerauLevenshtein, nearestWord } from './spelling.js';

/** Sample photos with known captions (the files are real images; descriptions come from the test provider). */
const LIBRARY: Record<string, { caption: string; tags: string[] }> = {
  'coffee.png': { caption: 'A slice of pizza on a plate', tags: ['pizza', 'food'] },
  'horse.png': { caption: 'A dog lying on the grass', tags: ['dog', 'grass'] },
  'flower.jpg': { caption: 'A giraffe standing next to a tree', tags: ['giraffe', 'animal'] },
  'chelsea.png': { caption: 'A tabby cat looking at the camera', tags: ['cat', 'pet'] },
};

let g: Glimpse;

before(async () => {
  const dir = join(temporaryDirectory(), 'library');
  mkdirSync(dir, { recursive: true });
  for (const file of Object.keys(LIBRARY)) copyFileSync(sample(file), join(dir, file));
  g = await createGlimpse({
    db: join(dir, '..', 'spelling.db'),
    provider: createRecordingProvider({ respond: (request) => LIBRARY[request.image.source.split('/').pop()!] }),
  });
  await g.index([dir]);
});
after(() => g.close());

const files = (response: { results: { path: string }[] }) =>
  response.results.map((result) => result.path.split('/').pop());

describe('spelling correction', () => {
  test('a misspelt word is searched as the library word it is nearest to, and the response says so', async () => {
    const response = await g.search('pizzza', {});
    assert.equal(response.correctedQuery, 'pizza');
    assert.equal(files(response)[0], 'coffee.png');
    assert.equal(response.notice, undefined);
  });

  test('transposed letters in a longer query: "a dgo on the grass"', async () => {
    const response = await g.search('a dgo on the grass', {});
    assert.equal(response.correctedQuery, 'a dog on the grass');
    assert.equal(files(response)[0], 'horse.png');
  });

  test('exact turns correction off', async () => {
    const response = await g.search('pizzza', { exact: true });
    assert.equal(response.correctedQuery, undefined);
    assert.deepEqual(response.results, []);
    assert.equal(response.notice, undefined, 'a typo is no foreign word');
  });

  test('a correctly spelt query is not corrected', async () => {
    const response = await g.search('dog on the grass', {});
    assert.equal(response.correctedQuery, undefined);
    assert.equal(files(response)[0], 'horse.png');
    assert.equal((await g.search('pizza', {})).correctedQuery, undefined);
  });

  test('"giraff" still finds the giraffe through stemming, uncorrected', async () => {
    const response = await g.search('giraff', {});
    assert.equal(response.correctedQuery, undefined);
    assert.equal(files(response)[0], 'flower.jpg');
  });

  test('a word WordNet knows is left to concept matching, not corrected into a library word', async () => {
    // "puppy" is no word of the library, but WordNet relates it to dogs.
    const response = await g.search('puppy', {});
    assert.equal(response.correctedQuery, undefined);
    assert.equal(files(response)[0], 'horse.png');
  });

  test('the correction follows the library as it changes', async () => {
    const image = (await g.search('pizza', {})).results[0];
    g.edit(image.path, { caption: 'A slice of pizzeria bread', tags: ['bread'] });
    try {
      assert.equal((await g.search('pizzeriaa', {})).correctedQuery, 'pizzeria');
    } finally {
      g.edit(image.path, { caption: null, tags: null });
    }
  });
});

describe('queries in another language', () => {
  test('"perro" and "gato" find nothing and say that the library is English', async () => {
    for (const query of ['perro', 'gato', 'un perro en la hierba']) {
      const response = await g.search(query, {});
      assert.deepEqual(response.results, [], query);
      assert.equal(response.correctedQuery, undefined, query);
      assert.equal(response.notice, NOT_ENGLISH_NOTICE, query);
    }
  });

  test('no notice when something was found, or for an English word the library lacks', async () => {
    assert.equal((await g.search('dog', {})).notice, undefined);
    const bicycle = await g.search('bicycle', {});
    assert.deepEqual(bicycle.results, []);
    assert.equal(bicycle.notice, undefined);
  });
});

describe('edit distance', () => {
  test('Damerau-Levenshtein counts a transposition as one edit', () => {
    assert.equal(damerauLevenshtein('dgo', 'dog'), 1);
    assert.equal(damerauLevenshtein('pizzza', 'pizza'), 1);
    assert.equal(damerauLevenshtein('kitten', 'sitting'), 3);
    assert.equal(damerauLevenshtein('kitten', 'sitting', 1), 2);
  });

  test('short words allow one edit, longer ones two; frequent words win ties', () => {
    const words = new Map([
      ['cat', 5],
      ['car', 9],
      ['person', 40],
      ['elephant', 2],
    ]);
    assert.equal(nearestWord('cqr', words), 'car');
    assert.equal(nearestWord('caat', words), 'cat');
    assert.equal(nearestWord('cax', words), 'car');
    assert.equal(nearestWord('perro', words), null);
    assert.equal(nearestWord('elefant', words), 'elephant');
    assert.equal(nearestWord('ox', words), null);
  });

  test('the corrected text replaces whole words only', () => {
    assert.equal(correctedText('Pizzza and pizzzas', new Map([['pizzza', 'pizza']])), 'pizza and pizzzas');
    assert.equal(correctedText('dog', new Map()), null);
  });
});
