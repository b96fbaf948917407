/**
 * Where to look again at a photo with a few text boxes: the neighbourhood of each box (grown by a margin that
 * scales with the box's own height, so the lines above and below a found one and the rest of a sign are inside),
 * overlapping neighbourhoods merged into one rectangle. The second, enlarged detection then runs on these
 * rectangles instead of the whole image: on coco-dev photos with a few boxes they cover a tenth of the image, so
 * the second look costs a tenth as much.
 */
import type { Quad } from './ocr-geometry.js';
import type { Pixels } from './signals.js';

export interface Region {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Margin around a box, in box heights (and at least MIN_MARGIN pixels). */
export const REGION_MARGIN = 1;
const MIN_MARGIN = 16;

/** Rectangles (whole pixels, inside the image) around the boxes; overlapping ones merged. */
export function regionsAround(quads: readonly Quad[], width: number, height: number, margin = REGION_MARGIN): Region[] {
  let rectangles = quads.map((quad) => {
    const xs = quad.map(([x]) => x);
    const ys = quad.map(([, y]) => y);
    const grow = Math.max(MIN_MARGIN, margin * (Math.max(...ys) - Math.min(...ys)));
    return {
      left: Math.max(0, Math.floor(Math.min(...xs) - grow)),
      top: Math.max(0, Math.floor(Math.min(...ys) - grow)),
      right: Math.min(width, Math.ceil(Math.max(...xs) + grow)),
      bottom: Math.min(height, Math.ceil(Math.max(...ys) + grow)),
    };
  });
  // Merge until no two overlap (a merged rectangle can reach one it did not touch before).
  for (let merged = true; merged; ) {
    merged = false;
    const next: typeof rectangles = [];
    for (const rectangle of rectangles) {
      const other = next.find(
        (kept) =>
          kept.left < rectangle.right &&
          rectangle.left < kept.right &&
          kept.top < rectangle.bottom &&
          rectangle.top < kept.bottom,
      );
      if (!other) {
        next.push({ ...rectangle });
        continue;
      }
      other.left = Math.min(other.left, rectangle.left);
      other.top = Math.min(other.top, rectangle.top);
      other.right = Math.max(other.right, rectangle.right);
      other.bottom = Math.max(other.bottom, rectangle.bottom);
      merged = true;
    }
    rectangles = next;
  }
  return rectangles
    .map(({ left, top, right, bottom }) => ({ x: left, y: top, width: right - left, height: bottom - top }))
    .filter((region) => region.width > 0 && region.height > 0);
}

/** The region's pixels, copied row by row. */
export function cropRegion(pixels: Pixels, region: Region): Pixels {
  const data = new Uint8Array(region.width * region.height * 3);
  for (let row = 0; row < region.height; row++) {
    const from = ((region.y + row) * pixels.width + region.x) * 3;
    data.set(pixels.data.subarray(from, from + region.width * 3), row * region.width * 3);
  }
  return { data, width: region.width, height: region.height };
}
