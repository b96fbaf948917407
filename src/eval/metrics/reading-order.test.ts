import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readingRows, textInReadingOrder } from './reading-order.js';

const box = (text: string, x0: number, y0: number, x1: number, y1: number) => ({
  text,
  polygon: [x0, y0, x1, y0, x1, y1, x0, y1],
});

test('rows top to bottom, left to right within a row, whatever order the pieces come in', () => {
  const pieces = [
    box('11:45', 436, 545, 491, 567),
    box('TOTAL', 20, 600, 120, 622),
    box('DD: 21/08/2017', 253, 546, 415, 568),
    box('73.55', 400, 603, 460, 621),
    box('VE0514', 25, 385, 111, 407),
  ];
  assert.equal(textInReadingOrder(pieces), 'VE0514\nDD: 21/08/2017 11:45\nTOTAL 73.55');
});

test('a tall piece beside two rows does not merge them', () => {
  const rows = readingRows(
    [box('big', 0, 0, 50, 100), box('one', 60, 0, 100, 20), box('two', 60, 30, 100, 50)],
    (piece) => piece.polygon,
  );
  assert.equal(rows.flat().length, 3);
  assert.ok(
    !rows.some((row) => row.some((piece) => piece.text === 'one') && row.some((piece) => piece.text === 'two')),
  );
});
