import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Quad } from './ocr-geometry.js';
import { cropRegion, regionsAround } from './ocr-regions.js';

const box = (x: number, y: number, width: number, height: number): Quad => [
  [x, y],
  [x + width, y],
  [x + width, y + height],
  [x, y + height],
];

describe('second-look regions', () => {
  it('grows each box by its height (at least 16 px) and keeps it inside the image', () => {
    assert.deepEqual(regionsAround([box(100, 100, 50, 20)], 640, 480), [{ x: 80, y: 80, width: 90, height: 60 }]);
    assert.deepEqual(regionsAround([box(10, 400, 60, 40)], 640, 480), [{ x: 0, y: 360, width: 110, height: 120 }]);
    assert.deepEqual(regionsAround([box(100, 100, 50, 20)], 640, 480, 2), [{ x: 60, y: 60, width: 130, height: 100 }]);
  });

  it('merges neighbourhoods that overlap, also when a merge reaches a third', () => {
    const regions = regionsAround([box(100, 100, 40, 10), box(150, 100, 40, 10), box(400, 300, 40, 10)], 640, 480);
    assert.deepEqual(regions, [
      { x: 84, y: 84, width: 122, height: 42 },
      { x: 384, y: 284, width: 72, height: 42 },
    ]);
    // A and C do not overlap, B overlaps both: one region.
    const chained = regionsAround([box(100, 100, 20, 10), box(300, 100, 20, 10), box(130, 90, 160, 30)], 640, 480);
    assert.equal(chained.length, 1);
    assert.deepEqual(chained[0], { x: 84, y: 60, width: 252, height: 90 });
  });

  it('crops the region row by row', () => {
    const pixels = { data: Uint8Array.from({ length: 4 * 3 * 3 }, (_, index) => index), width: 4, height: 3 };
    const crop = cropRegion(pixels, { x: 1, y: 1, width: 2, height: 2 });
    assert.deepEqual([crop.width, crop.height], [2, 2]);
    assert.deepEqual([...crop.data], [15, 16, 17, 18, 19, 20, 27, 28, 29, 30, 31, 32]);
  });
});
