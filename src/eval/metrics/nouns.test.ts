import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scoreCaptions } from './captions.js';
import { namedObjects, namedScenes, namingScores } from './nouns.js';

test('named objects are concepts: synonyms, plurals and people words; hedges name nothing', () => {
  assert.deepEqual([...namedObjects('A puppy sleeping on a sofa.')].sort(), ['couch', 'dog']);
  assert.deepEqual([...namedObjects('Two men riding horses.')].sort(), ['horse', 'person']);
  // "teddy bear" is one thing, not also a bear.
  assert.deepEqual([...namedObjects('A teddy bear on a bed.')].sort(), ['bed', 'teddy bear']);
  assert.deepEqual([...namedObjects('An animal next to an object.')], []);
  assert.deepEqual([...namedScenes('A man riding a wave in the ocean on a city street.')].sort(), ['beach', 'street']);
});

test('noun precision counts a wrong name against the caption; a hedge counts neither way', () => {
  const references = ['A cat sitting on a couch.', 'A kitten on the sofa.', 'A grey cat resting.'];
  const wrong = namingScores([{ candidate: 'A dog on a couch.', references }]);
  assert.equal(wrong.named, 2);
  assert.equal(wrong.correct, 1);
  assert.equal(wrong.precision, 0.5);
  // cat (3 references) and couch (2) are agreed; the caption names the couch only.
  assert.equal(wrong.agreed, 2);
  assert.equal(wrong.recall, 0.5);
  const hedged = namingScores([{ candidate: 'An animal on a couch.', references }]);
  assert.equal(hedged.precision, 1);
  assert.equal(hedged.recall, 0.5);
  const none = namingScores([{ candidate: 'Mostly grey.', references }]);
  assert.ok(Number.isNaN(none.precision));
  assert.equal(none.recall, 0);
});

test('a word with two meanings is one naming, right when either meaning is ("bike")', () => {
  const scores = namingScores([{ candidate: 'A bike.', references: ['A red motorcycle parked.', 'A motorbike.'] }]);
  assert.deepEqual([scores.named, scores.correct, scores.agreed, scores.found], [1, 1, 1, 1]);
});

test('micro-averaged over the corpus, and part of scoreCaptions', () => {
  const items = [
    { candidate: 'A dog.', references: ['A cat.', 'A cat on a mat.'] },
    { candidate: 'A cat in a kitchen.', references: ['A cat in the kitchen.', 'A kitchen with a cat.'] },
  ];
  const scores = namingScores(items);
  assert.equal(scores.precision, 1 / 2);
  const metrics = scoreCaptions(items).metrics;
  assert.equal(metrics['noun precision'], 1 / 2);
  assert.equal(metrics['scene precision'], 1);
  assert.equal(metrics['scene recall'], 1);
});
