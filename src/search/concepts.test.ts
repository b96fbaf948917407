import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isKindOf } from './concepts.js';
import { baseForm, senses, synset } from './wordnet.js';

/** isKindOf as it was first written: a breadth-first walk up "is a kind of", eight levels at most. */
function walkedKindOf(specific: string, general: string): boolean {
  const target = senses(baseForm(general, 'noun') ?? general, 'noun')[0];
  const start = senses(baseForm(specific, 'noun') ?? specific, 'noun')[0];
  if (target === undefined || start === undefined || target === start) return false;
  let level = [start];
  for (let depth = 0; depth < 8 && level.length > 0; depth++) {
    level = level.flatMap((offset) => synset(offset, 'noun').hypernyms);
    if (level.includes(target)) return true;
  }
  return false;
}

test('isKindOf: dogs are animals, pizza is food, not the reverse, and no word is a kind of itself', () => {
  assert.equal(isKindOf('dog', 'animal'), true);
  assert.equal(isKindOf('dogs', 'animal'), true);
  assert.equal(isKindOf('pizza', 'food'), true);
  assert.equal(isKindOf('man', 'person'), true);
  assert.equal(isKindOf('animal', 'dog'), false);
  assert.equal(isKindOf('dog', 'dog'), false);
  assert.equal(isKindOf('qwzx', 'animal'), false);
});

test('isKindOf answers as the walk up the tree does, for every pair of a few hundred caption words', () => {
  const words = (
    'dog cat puppy kitten horse cow sheep bird animal man woman person people child boy girl player skier surfer ' +
    'pizza food sandwich banana fruit vegetable broccoli cake dessert meal dish plate bowl cup mug glass bottle ' +
    'car truck bus vehicle train bicycle motorcycle boat airplane plane kite umbrella bag suitcase luggage ' +
    'table chair sofa couch bed furniture seat bench room kitchen bathroom toilet sink building house street ' +
    'tree plant flower grass field beach ocean water sky snow mountain hill park road sign clock phone computer ' +
    'laptop keyboard television screen book racket ball bat glove frisbee skateboard surfboard board ski elephant ' +
    'giraffe zebra bear tennis baseball game sport hat shirt jacket tie clothing object thing structure artifact ' +
    'organism entity matter substance equipment device container instrumentality implement tool'
  ).split(' ');
  let kinds = 0;
  for (const specific of words)
    for (const general of words) {
      const expected = walkedKindOf(specific, general);
      assert.equal(isKindOf(specific, general), expected, `${specific} a kind of ${general}`);
      if (expected) kinds++;
    }
  assert.ok(kinds > 200, `${kinds} pairs are kinds`);
});
