import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lemmaWord } from '../search/sentence.js';
import { ReferenceIndex } from './relevance.js';

const REFERENCES = [
  ['A dog runs on the beach.', 'A puppy playing in the sand by the sea.'],
  ['Two dogs asleep on a sofa.', 'A pair of dogs sleeping on a couch.'],
  ['A man rides a bicycle down the street.', 'A person on a bike in the city.'],
  ['People standing on a beach with surfboards.', 'A group of surfers on the shore.'],
  ['A bus parked on a street.', 'A city bus by the road.'],
  ['A man on the beach with his dog.', 'A dog and its owner by the sea.'],
];

test('an image is about a word when a reference uses it or a synonym', () => {
  const index = new ReferenceIndex(REFERENCES);
  assert.equal(index.mentions(2, lemmaWord('bike')), true);
  assert.equal(index.mentions(2, lemmaWord('bicycle')), true);
  assert.equal(index.mentions(1, lemmaWord('sofa')), true);
  assert.equal(index.mentions(1, lemmaWord('couch')), true, 'a synonym counts');
  assert.equal(index.mentions(4, lemmaWord('dog')), false);
  assert.equal(ReferenceIndex.subject('A man holding a tennis racquet')?.lemma, 'man');
  assert.equal(ReferenceIndex.subject('on the'), null);
});

test('word queries: frequent visible things alone and in pairs, each with its answer set', () => {
  const index = new ReferenceIndex([...REFERENCES, ...REFERENCES, ...REFERENCES]);
  const queries = new Map(
    index.wordQueries({ minImages: 3, maxShare: 1 }).map((query) => [query.query, query.answers]),
  );
  assert.ok(queries.has('dog') && queries.has('beach'), [...queries.keys()].join(', '));
  const beach = queries.get('beach')!;
  assert.deepEqual(
    [...beach].sort((a, b) => a - b),
    [0, 3, 5, 6, 9, 11, 12, 15, 17],
  );
  const pair = [...queries.keys()].find((query) => query.includes(' and '));
  assert.ok(pair, 'pairs of things that occur together');
  const [a, b] = pair!.split(' and ');
  for (const image of queries.get(pair!)!) {
    assert.ok(index.mentions(image, lemmaWord(a)) && index.mentions(image, lemmaWord(b)));
  }
});
