/**
 * Look-alike vectors without CLIP: what the built-in analyzer already computes, pooled into one vector per image, so
 * `glimpse similar` works with the models shipped on npm.
 *
 * Four blocks, each scaled to unit length and weighted, then the whole to unit length (cosine = dot product):
 * - what: the object detector's strongest response per COCO class over the image (80; two photos of giraffes);
 * - texture: the detector head's channel means (128; the same pass, no extra network);
 * - colour: a 4×4×4 RGB histogram, square-rooted (64; a sunset, a snowfield);
 * - layout: the mean colour of each cell of a 4×4 grid, centred on the image's mean (48; sky above, grass below).
 * Measured in src/eval/README.md (the share of an image's 5 nearest that name one of its COCO classes, against random).
 */
import type { Pixels } from './signals.js';

/** The embedding space's model name: bump the version whenever the vector's recipe changes. */
export const APPEARANCE_MODEL = 'builtin-appearance-v1';
export const APPEARANCE_DIMENSIONS = 80 + 128 + 64 + 48;

/** Block weights (squared, they sum to 1): chosen on coco-dev's look-alike figure, see the README. */
export const APPEARANCE_WEIGHTS = { what: 0.85, texture: 0.35, colour: 0.25, layout: 0.25 };

/** `pooled`: the detector's 128 head means followed by its 80 class maxima (ObjectDetector.detectAndPool). */
export function appearanceVector(pixels: Pixels, pooled: Float32Array): number[] {
  const texture = Array.from(pooled.subarray(0, 128));
  const what = Array.from(pooled.subarray(128, 208));
  const { histogram, grid } = colourAndLayout(pixels);
  const blocks: [number[], number][] = [
    [what, APPEARANCE_WEIGHTS.what],
    [texture, APPEARANCE_WEIGHTS.texture],
    [histogram.map(Math.sqrt), APPEARANCE_WEIGHTS.colour],
    [centred(grid), APPEARANCE_WEIGHTS.layout],
  ];
  const vector = blocks.flatMap(([block, weight]) => unit(block).map((value) => value * weight));
  return unit(vector).map((value) => Math.round(value * 1e5) / 1e5);
}

function colourAndLayout(pixels: Pixels): { histogram: number[]; grid: number[] } {
  const histogram = new Array<number>(64).fill(0);
  const grid = new Array<number>(48).fill(0);
  const counts = new Array<number>(16).fill(0);
  const { data, width, height } = pixels;
  // Every pixel of a large photo is more than a summary needs: a step keeps the cost near 64k samples.
  const step = Math.max(1, Math.floor(Math.sqrt((width * height) / 65_536)));
  for (let y = 0; y < height; y += step) {
    const row = Math.min(3, Math.floor((y * 4) / height));
    for (let x = 0; x < width; x += step) {
      const at = (y * width + x) * 3;
      const [r, g, b] = [data[at], data[at + 1], data[at + 2]];
      histogram[(r >> 6) * 16 + (g >> 6) * 4 + (b >> 6)]++;
      const cell = row * 4 + Math.min(3, Math.floor((x * 4) / width));
      grid[cell * 3] += r;
      grid[cell * 3 + 1] += g;
      grid[cell * 3 + 2] += b;
      counts[cell]++;
    }
  }
  const samples = Math.max(
    1,
    counts.reduce((sum, count) => sum + count, 0),
  );
  return {
    histogram: histogram.map((count) => count / samples),
    grid: grid.map((sum, index) => sum / Math.max(1, counts[Math.floor(index / 3)]) / 255),
  };
}

function centred(values: number[]): number[] {
  const mean = values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
  return values.map((value) => value - mean);
}

function unit(values: number[]): number[] {
  const length = Math.sqrt(values.reduce((sum, value) => sum + value * value, 0));
  return length > 0 ? values.map((value) => value / length) : values;
}
