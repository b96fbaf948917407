import assert from 'node:assert/strict';
import { test } from 'node:test';
import { corpusBleu } from './bleu.js';

const words = (text: string) => text.split(' ');

test('brevity penalty applies when the candidate is shorter than the closest reference', () => {
  const result = corpusBleu([{ candidate: words('a b c'), references: [words('a b c d')] }]);
  const penalty = Math.exp(1 - 4 / 3);
  assert.ok(Math.abs(result.brevityPenalty - penalty) < 1e-9);
  // Every 1-, 2- and 3-gram matches; there is no 4-gram, which pycocoevalcap scores as tiny/small = 1e-6.
  assert.ok(Math.abs(result.scores[0] - penalty) < 1e-9);
  assert.ok(Math.abs(result.scores[2] - penalty) < 1e-9);
  assert.ok(Math.abs(result.scores[3] - 1e-6 ** 0.25 * penalty) < 1e-6);
});

test('counts are clipped by the largest count in any single reference', () => {
  const result = corpusBleu([
    { candidate: words('the the the the'), references: [words('the cat'), words('the the cat')] },
  ]);
  // "the" may match at most twice (second reference); "the the" at most once; closest length 3 < 4, no penalty.
  assert.equal(result.brevityPenalty, 1);
  assert.ok(Math.abs(result.scores[0] - 2 / 4) < 1e-9);
  assert.ok(Math.abs(result.scores[1] - Math.sqrt((2 / 4) * (1 / 3))) < 1e-9);
});

test('the closest reference length wins, and ties go to the shorter reference', () => {
  const result = corpusBleu([{ candidate: words('a b c'), references: [words('a b'), words('a b c d')] }]);
  assert.equal(result.referenceLength, 2);
  assert.equal(result.brevityPenalty, 1);
  assert.ok(Math.abs(result.scores[0] - 1) < 1e-9);
});

test('precisions and brevity penalty are pooled over the corpus, not averaged per sentence', () => {
  const result = corpusBleu([
    { candidate: words('x y'), references: [words('x y')] },
    { candidate: words('p q r s'), references: [words('p z z z z z')] },
  ]);
  // 3 of 6 unigrams match; lengths 6 against 2 + 6 = 8.
  assert.equal(result.candidateLength, 6);
  assert.equal(result.referenceLength, 8);
  assert.ok(Math.abs(result.scores[0] - 0.5 * Math.exp(1 - 8 / 6)) < 1e-9);
});
