import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tokenizeCaption } from './tokenize.js';

test('lower-cases and drops punctuation as the COCO evaluation does', () => {
  assert.deepEqual(tokenizeCaption('A dog, running; on the beach!'), ['a', 'dog', 'running', 'on', 'the', 'beach']);
  assert.deepEqual(tokenizeCaption('Two dogs -- playing ... "outside" (maybe)?'), [
    'two',
    'dogs',
    'playing',
    'outside',
    'maybe',
  ]);
});

test('splits clitics like the PTB tokenizer and keeps them as tokens', () => {
  assert.deepEqual(tokenizeCaption("A man's dog isn't here."), ['a', 'man', "'s", 'dog', 'is', "n't", 'here']);
  assert.deepEqual(tokenizeCaption('The dog\u2019s ball'), ['the', 'dog', "'s", 'ball']);
  assert.deepEqual(tokenizeCaption("the dogs' bowls"), ['the', 'dogs', 'bowls']);
});

test('keeps word-internal hyphens, decimals and symbols', () => {
  assert.deepEqual(tokenizeCaption('A T-shirt costs $3.50 & more.'), [
    'a',
    't-shirt',
    'costs',
    '$',
    '3.50',
    '&',
    'more',
  ]);
  assert.deepEqual(tokenizeCaption('   '), []);
});
