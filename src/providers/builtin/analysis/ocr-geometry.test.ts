import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { boxesFromMap, convexHull, cropQuad, minAreaRect, orderQuad, type Quad } from './ocr-geometry.js';

/** A probability map with the given filled rectangles (x0, y0, x1, y1, probability). */
function map(width: number, height: number, ...rects: [number, number, number, number, number][]): Float32Array {
  const values = new Float32Array(width * height);
  for (const [x0, y0, x1, y1, p] of rects)
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) values[y * width + x] = p;
  return values;
}

describe('DB post-processing', () => {
  it('finds each text kernel and grows it back by the unclip distance', () => {
    const boxes = boxesFromMap(map(100, 60, [10, 10, 70, 20, 0.9], [10, 40, 40, 46, 0.8]), 100, 60);
    assert.equal(boxes.length, 2);
    const [first] = boxes.sort((a, b) => a.quad[0][1] - b.quad[0][1]);
    // 60×10 kernel: distance = 600 × 1.5 / (2 × 70) ≈ 6.4 on every side.
    const [tl, tr, br, bl] = first.quad;
    assert.ok(Math.abs(tl[0] - (10 - 6.43)) < 0.1 && Math.abs(tl[1] - (10 - 6.43)) < 0.1, JSON.stringify(tl));
    assert.ok(Math.abs(br[0] - (70 + 6.43)) < 0.1 && Math.abs(br[1] - (20 + 6.43)) < 0.1, JSON.stringify(br));
    assert.ok(tr[0] > tl[0] && bl[1] > tl[1]);
    assert.ok(Math.abs(first.score - 0.9) < 1e-6);
  });

  it('drops faint regions, specks and regions below the box threshold', () => {
    assert.equal(boxesFromMap(map(50, 50, [5, 5, 40, 15, 0.25]), 50, 50).length, 0); // under the pixel threshold
    assert.equal(boxesFromMap(map(50, 50, [5, 5, 40, 15, 0.5]), 50, 50).length, 0); // under the box threshold
    assert.equal(boxesFromMap(map(50, 50, [5, 5, 7, 7, 0.9]), 50, 50).length, 0); // a speck
  });

  it('fits the least-area rectangle around slanted text', () => {
    // A thin band along the diagonal: its rectangle is long and narrow, not the bounding square.
    const points: [number, number][] = [];
    for (let i = 0; i < 50; i++) points.push([i, i], [i + 4, i]);
    const rect = minAreaRect(convexHull(points));
    assert.ok(Math.max(rect.width, rect.height) > 65, JSON.stringify(rect));
    assert.ok(Math.min(rect.width, rect.height) < 4, JSON.stringify(rect));
  });

  it('orders corners from the top left, clockwise', () => {
    assert.deepEqual(
      orderQuad([
        [10, 20],
        [0, 0],
        [10, 0],
        [0, 20],
      ]),
      [
        [0, 0],
        [10, 0],
        [10, 20],
        [0, 20],
      ],
    );
  });
});

describe('cropping a box for the recogniser', () => {
  const width = 40;
  const height = 20;
  // Left half black, right half white.
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 20; x < width; x++) data.fill(255, (y * width + x) * 3, (y * width + x) * 3 + 3);
  const pixels = { data, width, height };
  const box = (x0: number, y0: number, x1: number, y1: number): Quad => [
    [x0, y0],
    [x1, y0],
    [x1, y1],
    [x0, y1],
  ];

  it('scales the box to the recogniser height, keeping its proportions', () => {
    const crop = cropQuad(pixels, box(0, 0, 40, 20), 48);
    assert.equal(crop.height, 48);
    assert.equal(crop.width, 96);
    assert.ok(crop.data[(10 * 96 + 5) * 3] < 1, 'left stays black');
    assert.ok(crop.data[(10 * 96 + 90) * 3] > 254, 'right stays white');
  });

  it('turns a box much taller than wide a quarter, so vertical text reads left to right', () => {
    const crop = cropQuad(pixels, box(15, 0, 25, 20), 10);
    assert.equal(crop.height, 10);
    assert.equal(crop.width, 20);
    // The right (white) side of the box is now the top row.
    assert.ok(crop.data[(1 * 20 + 10) * 3] > 200);
    assert.ok(crop.data[(8 * 20 + 10) * 3] < 50);
  });
});
