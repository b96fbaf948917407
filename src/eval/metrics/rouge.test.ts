import assert from 'node:assert/strict';
import { test } from 'node:test';
import { longestCommonSubsequence, rougeL } from './rouge.js';

const words = (text: string) => text.split(' ');

test('longest common subsequence', () => {
  assert.equal(longestCommonSubsequence(words('a c e d f'), words('a b c d')), 3);
  assert.equal(longestCommonSubsequence(words('a b c'), words('x y')), 0);
  assert.equal(longestCommonSubsequence([], words('a')), 0);
});

test('ROUGE-L is the F-measure with beta 1.2 of LCS precision and recall', () => {
  const precision = 3 / 4;
  const recall = 3 / 5;
  const expected = ((1 + 1.44) * precision * recall) / (recall + 1.44 * precision);
  assert.ok(Math.abs(rougeL(words('a b c d'), [words('a c e d f')]) - expected) < 1e-12);
});

test('precision and recall are each the best over the references, as pycocoevalcap takes them', () => {
  // First reference gives precision 1 (recall 0.5), second recall 1 (precision 0.25): together F = 1.
  assert.equal(rougeL(words('a b c d'), [words('a b c d x y z w'), words('a')]), 1);
  assert.equal(rougeL(words('a b'), [words('c d')]), 0);
  assert.equal(rougeL([], [words('a')]), 0);
});
