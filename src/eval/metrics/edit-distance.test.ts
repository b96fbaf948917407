import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  characterEdits,
  characterErrorRate,
  errorRate,
  levenshtein,
  wordEdits,
  wordErrorRate,
} from './edit-distance.js';

test('Levenshtein distance over characters and over words', () => {
  assert.equal(levenshtein('kitten', 'sitting'), 3);
  assert.equal(levenshtein('', 'abc'), 3);
  assert.equal(levenshtein('abc', 'abc'), 0);
  assert.equal(levenshtein(['the', 'cat', 'sat'], ['the', 'dog', 'sat', 'down']), 2);
});

test('CER and WER are normalised by the reference length', () => {
  assert.equal(characterErrorRate('sitting', 'kitten'), 3 / 6);
  assert.equal(wordErrorRate('the cat sat', 'the cat sat down'), 1 / 4);
  assert.equal(wordErrorRate('', 'two words'), 1);
  assert.equal(wordErrorRate('extra', ''), 1);
  assert.equal(characterErrorRate('', ''), 0);
});

test('whitespace runs count as one space; case matters unless asked otherwise', () => {
  assert.equal(characterErrorRate('TOTAL\n  12.00', 'TOTAL 12.00'), 0);
  assert.equal(characterErrorRate('HELLO World', 'hello world'), 6 / 11);
  assert.equal(characterErrorRate('HELLO World', 'hello world', { caseInsensitive: true }), 0);
  assert.equal(wordErrorRate('HELLO World', 'hello world', { caseInsensitive: true }), 0);
});

test('corpus rates pool edits and lengths', () => {
  const counts = [characterEdits('abc', 'abd'), characterEdits('a', 'abcdefghij')];
  assert.equal(errorRate(counts), (1 + 9) / (3 + 10));
  assert.deepEqual(wordEdits('a b', 'a c d'), { edits: 2, referenceLength: 3 });
});
