import assert from 'node:assert/strict';
import test from 'node:test';
import { formatTable, repeated, result } from './results.js';

test('a repeated figure is its median, with the min and max beside it', () => {
  assert.deepEqual(repeated('search-p95-ms-1m', [9, 7.25, 30, 8], 'ms', 'aim < 20 ms'), {
    name: 'search-p95-ms-1m',
    value: 8.5,
    unit: 'ms',
    note: 'aim < 20 ms',
    min: 7.25,
    median: 8.5,
    max: 30,
    runs: 4,
  });
  assert.equal(repeated('x', [3, 1, 2], 'ms').value, 2);
  assert.equal(repeated('x', [], 'ms').value, null);
});

test('a figure measured once has the same min, median and max; one not measured has none', () => {
  assert.deepEqual(result('ratio', 1.23456, 'x'), {
    name: 'ratio',
    value: 1.235,
    unit: 'x',
    min: 1.235,
    median: 1.235,
    max: 1.235,
    runs: 1,
  });
  assert.deepEqual(result('missing', null, 'ms', 'full mode only'), {
    name: 'missing',
    value: null,
    unit: 'ms',
    note: 'full mode only',
  });
});

test('the table shows the spread of repeated figures', () => {
  const lines = formatTable([
    repeated('search-p95-ms-100k', [8, 9, 12], 'ms', 'aim < 10 ms'),
    result('node-start-ms', 85, 'ms'),
    result('search-p95-ms-1m', null, 'ms', 'full mode only'),
  ]).split('\n');
  assert.match(lines[0], /^search-p95-ms-100k\s+9\s+ms\s+8 \/ 9 \/ 12 \(3 runs\)\s+aim < 10 ms$/);
  assert.match(lines[1], /^node-start-ms\s+85\s+ms\s+1 run$/);
  assert.match(lines[2], /^search-p95-ms-1m\s+–\s+ms\s+full mode only$/);
});
