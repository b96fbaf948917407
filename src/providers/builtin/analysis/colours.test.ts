import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { colourName, objectColours, summariseColours, toHsl } from './colours.js';

function solid(width: number, height: number, rgb: [number, number, number]) {
  const data = new Uint8Array(width * height * 3);
  for (let index = 0; index < width * height; index++) data.set(rgb, index * 3);
  return { data, width, height };
}

describe('colours', () => {
  it('names basic colours', () => {
    assert.equal(colourName(...toHsl(220, 30, 30)), 'red');
    assert.equal(colourName(...toHsl(30, 60, 200)), 'blue');
    assert.equal(colourName(...toHsl(250, 250, 250)), 'white');
    assert.equal(colourName(...toHsl(10, 10, 10)), 'black');
    assert.equal(colourName(...toHsl(128, 128, 128)), 'grey');
    assert.equal(colourName(...toHsl(40, 160, 40)), 'green');
  });

  it('summarises an image and the colour inside a box', () => {
    const image = solid(40, 20, [30, 60, 200]);
    // Paint the left half red.
    for (let y = 0; y < 20; y++) for (let x = 0; x < 20; x++) image.data.set([220, 30, 30], (y * 40 + x) * 3);
    const summary = summariseColours(image);
    assert.deepEqual(summary.colours.map((colour) => colour.name).sort(), ['blue', 'red']);
    assert.deepEqual(
      objectColours(image, [{ x: 0, y: 0, width: 0.5, height: 1 }, { x: 0.5, y: 0, width: 0.5, height: 1 }, null]),
      ['red', 'blue', null],
    );
  });
});
