import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cleanQuery, parseQuery, toFtsExpression } from './query.js';

test('control characters are no part of a query: only NUL is an empty query, NUL between words splits them', () => {
  assert.equal(cleanQuery('\0\0'), '');
  assert.equal(cleanQuery(' \x01\x1b[31m\x7f\t\n'), '[31m');
  assert.equal(cleanQuery('red\0car'), 'red car');
  assert.deepEqual(parseQuery('red\0car').words, ['red', 'car']);
  assert.equal(toFtsExpression(parseQuery('\0\0')), null);
  assert.equal(cleanQuery('grüne Äpfel 🍏'), 'grüne Äpfel 🍏', 'letters and emoji are kept');
});
