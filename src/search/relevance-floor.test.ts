/**
 * The relevance floor (issue 15): "people on a beach" listed buses and a bathroom through weak WordNet relations.
 * Results holding less of the query come after the others, marked `weaker`; the explanation names the relation
 * that matched this image ("people→man"), not every relative of the query's words ("people→soul").
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createGlimpse, type Glimpse } from '../glimpse.js';
import { sample, temporaryDirectory } from '../testing/fixtures.js';
import { createRecordingProvider } from '../testing/recording-provider.js';
import { isKindOf, queryWordConcepts } from './concepts.js';
import { RELEVANCE_FLOOR } from './search.js';

const LIBRARY: Record<string, { caption: string; tags: string[] }> = {
  'chelsea.png': { caption: 'People walking on a sandy beach', tags: ['person', 'beach'] },
  'coffee.png': { caption: 'A man standing on the beach with a surfboard', tags: ['person', 'surfboard'] },
  'rocket.jpg': { caption: 'A man standing next to a red bus', tags: ['person', 'bus'] },
  'horse.png': { caption: 'A woman in a bathroom', tags: ['person', 'sink'] },
  'flower.jpg': { caption: 'A group of elephants in a field', tags: ['elephant'] },
};

let glimpse: Glimpse;
before(async () => {
  const dir = join(temporaryDirectory(), 'library');
  mkdirSync(dir, { recursive: true });
  for (const file of Object.keys(LIBRARY)) copyFileSync(sample(file), join(dir, file));
  glimpse = await createGlimpse({
    db: join(dir, '..', 'floor.db'),
    provider: createRecordingProvider({ respond: (request) => LIBRARY[request.image.source.split('/').pop()!] }),
  });
  await glimpse.index([dir]);
});
after(() => glimpse.close());

const name = (path: string) => path.split('/').pop();

test('"people on a beach": the beach photos are results, the bus and the bathroom weaker matches after them', async () => {
  const { results } = await glimpse.search('people on a beach');
  const strong = results.filter((result) => !result.weaker).map((result) => name(result.path));
  const weaker = results.filter((result) => result.weaker).map((result) => name(result.path));
  assert.deepEqual(strong.sort(), ['chelsea.png', 'coffee.png']);
  assert.ok(weaker.includes('rocket.jpg') && weaker.includes('horse.png'), `weaker: ${weaker}`);
  assert.ok(!weaker.includes('flower.jpg') && !strong.includes('flower.jpg'), 'elephants are no people');
  // Weaker matches come after every other result, and say how much of the query they hold.
  const firstWeaker = results.findIndex((result) => result.weaker);
  assert.ok(results.slice(firstWeaker).every((result) => result.weaker));
  for (const result of results.filter((result) => result.weaker))
    assert.ok(result.why.coverage !== null && result.why.coverage < RELEVANCE_FLOOR.coverage);
});

test('a kind of what was asked for holds it fully: the man on the beach is one of "people"', async () => {
  assert.ok(isKindOf('man', 'people') && isKindOf('dog', 'animal') && isKindOf('pizza', 'food'));
  assert.ok(!isKindOf('animal', 'dog') && !isKindOf('bus', 'people'));
  const { results } = await glimpse.search('people on a beach');
  const man = results.find((result) => name(result.path) === 'coffee.png')!;
  assert.equal(man.why.coverage, 1);
});

test('the explanation names the relation that matched this image, not every relative of the query', async () => {
  const { results } = await glimpse.search('people on a beach');
  const all = results.flatMap((result) => result.why.concepts);
  assert.ok(!all.some((relation) => /soul|formation|group/.test(relation)), all.join(', '));
  const bus = results.find((result) => name(result.path) === 'rocket.jpg')!;
  assert.deepEqual(bus.why.concepts, ['people→man', 'people→person']);
  // A word whose sense is no visible thing reaches no further up WordNet's tree: "people" finds people and kinds
  // of people, not what "person" is a kind of ("organism", "causal agent").
  const people = queryWordConcepts('people').tokens.filter((token) => token.startsWith('n'));
  assert.equal(people.length, 1, people.join(' '));
  assert.ok(queryWordConcepts('puppy').tokens.filter((token) => token.startsWith('n')).length > 1, 'puppy → dog');
});

test('with the floor at 0 nothing is a weaker match (the setting eval search measures with)', async () => {
  const saved = RELEVANCE_FLOOR.coverage;
  RELEVANCE_FLOOR.coverage = 0;
  try {
    const { results } = await glimpse.search('people on a beach');
    assert.ok(results.length >= 4 && results.every((result) => !result.weaker));
  } finally {
    RELEVANCE_FLOOR.coverage = saved;
  }
});

test('no query lists the library newest first (date taken, else file time)', async () => {
  const { results } = await glimpse.search('', { limit: 10 });
  assert.equal(results.length, 5);
  const times = results.map((result) => glimpse.show(result.id).mtimeMs ?? 0);
  assert.deepEqual(
    times,
    [...times].sort((a, b) => b - a),
  );
});

test('a two-word compound is held by a row with both words apart: "coffee cup" finds coffee.png, not as weaker', async () => {
  // WordNet joins "coffee cup" into one word; alone it would count only as a kind of the caption's "cup" (0.6).
  const dir = join(temporaryDirectory(), 'compound');
  mkdirSync(dir, { recursive: true });
  copyFileSync(sample('coffee.png'), join(dir, 'coffee.png'));
  copyFileSync(sample('rocket.jpg'), join(dir, 'rocket.jpg'));
  const library = await createGlimpse({
    db: join(dir, '..', 'compound.db'),
    provider: createRecordingProvider({
      answers: {
        'coffee.png': { caption: 'A cup on a table.', tags: ['cup', 'table'] },
        'rocket.jpg': { caption: 'A cup of tea on a saucer.', tags: ['cup', 'tea'] },
      },
    }),
  });
  try {
    await library.index([dir]);
    const { results } = await library.search('coffee cup');
    const coffee = results.find((result) => name(result.path) === 'coffee.png');
    assert.ok(coffee, 'coffee.png is found');
    assert.equal(coffee.weaker, false, `coverage ${coffee.why.coverage}`);
    assert.equal(name(results[0].path), 'coffee.png');
    // The tea cup holds "cup" but not "coffee": still a weaker match.
    assert.equal(results.find((result) => name(result.path) === 'rocket.jpg')?.weaker, true);
  } finally {
    await library.close();
  }
});
