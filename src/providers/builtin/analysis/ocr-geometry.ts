/**
 * The geometry around PaddleOCR's models, in plain TypeScript (no OpenCV): DB post-processing of the detector's
 * probability map into rotated text boxes (threshold, connected regions, minimum-area rectangle, box score, unclip)
 * and the cropping of a box out of the image, straightened and scaled to the recogniser's height.
 */
import type { Pixels } from './signals.js';

export type Point = [number, number];
/** Corners clockwise from the top left of the text: top-left, top-right, bottom-right, bottom-left. */
export type Quad = [Point, Point, Point, Point];

export interface DbOptions {
  /** Probability above which a pixel is text (PaddleOCR det_db_thresh). */
  threshold: number;
  /** Mean probability inside a region below which it is dropped (det_db_box_thresh). */
  boxThreshold: number;
  /** How far the shrunk text kernel is grown back: area × ratio ÷ perimeter (det_db_unclip_ratio). */
  unclipRatio: number;
  /** Regions with a shorter side (in map pixels) are dropped. */
  minSize: number;
  maxCandidates: number;
}

export const DB_DEFAULTS: DbOptions = {
  threshold: 0.3,
  boxThreshold: 0.6,
  unclipRatio: 1.5,
  minSize: 3,
  maxCandidates: 1000,
};

export interface DetectedBox {
  quad: Quad;
  score: number;
}

/** Text boxes in map coordinates from a width×height probability map. */
export function boxesFromMap(
  map: Float32Array,
  width: number,
  height: number,
  options: DbOptions = DB_DEFAULTS,
): DetectedBox[] {
  const labels = new Int32Array(width * height);
  const boxes: DetectedBox[] = [];
  const stack: number[] = [];
  let label = 0;
  for (let start = 0; start < map.length && label < options.maxCandidates; start++) {
    if (labels[start] !== 0 || map[start] <= options.threshold) continue;
    label++;
    // Flood fill (8-connected), keeping each row's leftmost and rightmost pixel: enough for the convex hull.
    const rowMin = new Map<number, number>();
    const rowMax = new Map<number, number>();
    let sum = 0;
    let count = 0;
    labels[start] = label;
    stack.push(start);
    while (stack.length > 0) {
      const index = stack.pop() as number;
      const x = index % width;
      const y = (index - x) / width;
      sum += map[index];
      count++;
      if (!(x >= (rowMin.get(y) ?? Number.POSITIVE_INFINITY))) rowMin.set(y, x);
      if (!(x <= (rowMax.get(y) ?? Number.NEGATIVE_INFINITY))) rowMax.set(y, x);
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= width) continue;
          const next = ny * width + nx;
          if (labels[next] === 0 && map[next] > options.threshold) {
            labels[next] = label;
            stack.push(next);
          }
        }
      }
    }
    if (count < options.minSize * options.minSize) continue;
    const points: Point[] = [];
    for (const [y, x] of rowMin) {
      // Pixel corners, so a one-pixel-high row still has a height.
      points.push([x, y], [x, y + 1]);
      const right = (rowMax.get(y) as number) + 1;
      points.push([right, y], [right, y + 1]);
    }
    const rect = minAreaRect(convexHull(points));
    if (Math.min(rect.width, rect.height) < options.minSize) continue;
    const score = sum / count;
    if (score < options.boxThreshold) continue;
    const distance = (rect.width * rect.height * options.unclipRatio) / (2 * (rect.width + rect.height));
    const grown = { ...rect, width: rect.width + 2 * distance, height: rect.height + 2 * distance };
    if (Math.min(grown.width, grown.height) < options.minSize + 2) continue;
    boxes.push({ quad: orderQuad(rectCorners(grown)), score });
  }
  return boxes;
}

interface Rect {
  cx: number;
  cy: number;
  width: number;
  height: number;
  /** Direction of the width side, radians. */
  angle: number;
}

/** Andrew's monotone chain. */
export function convexHull(points: Point[]): Point[] {
  const sorted = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (sorted.length < 3) return sorted;
  const cross = (o: Point, a: Point, b: Point) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower: Point[] = [];
  for (const point of sorted) {
    while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], point) <= 0) lower.pop();
    lower.push(point);
  }
  const upper: Point[] = [];
  for (let index = sorted.length - 1; index >= 0; index--) {
    const point = sorted[index];
    while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], point) <= 0) upper.pop();
    upper.push(point);
  }
  return [...lower.slice(0, -1), ...upper.slice(0, -1)];
}

/** The rectangle of least area around a convex hull (one of its sides lies on a hull edge). */
export function minAreaRect(hull: Point[]): Rect {
  let best: Rect | null = null;
  let bestArea = Number.POSITIVE_INFINITY;
  for (let index = 0; index < hull.length; index++) {
    const [ax, ay] = hull[index];
    const [bx, by] = hull[(index + 1) % hull.length];
    const length = Math.hypot(bx - ax, by - ay);
    if (length === 0) continue;
    const ux = (bx - ax) / length;
    const uy = (by - ay) / length;
    let minU = Number.POSITIVE_INFINITY;
    let maxU = Number.NEGATIVE_INFINITY;
    let minV = Number.POSITIVE_INFINITY;
    let maxV = Number.NEGATIVE_INFINITY;
    for (const [x, y] of hull) {
      const u = x * ux + y * uy;
      const v = -x * uy + y * ux;
      minU = Math.min(minU, u);
      maxU = Math.max(maxU, u);
      minV = Math.min(minV, v);
      maxV = Math.max(maxV, v);
    }
    const area = (maxU - minU) * (maxV - minV);
    if (area < bestArea) {
      bestArea = area;
      const cu = (minU + maxU) / 2;
      const cv = (minV + maxV) / 2;
      best = {
        cx: cu * ux - cv * uy,
        cy: cu * uy + cv * ux,
        width: maxU - minU,
        height: maxV - minV,
        angle: Math.atan2(uy, ux),
      };
    }
  }
  if (best) return best;
  const [x, y] = hull[0] ?? [0, 0];
  return { cx: x, cy: y, width: 0, height: 0, angle: 0 };
}

function rectCorners(rect: Rect): Point[] {
  const ux = Math.cos(rect.angle);
  const uy = Math.sin(rect.angle);
  const hw = rect.width / 2;
  const hh = rect.height / 2;
  return [
    [rect.cx - ux * hw + uy * hh, rect.cy - uy * hw - ux * hh],
    [rect.cx + ux * hw + uy * hh, rect.cy + uy * hw - ux * hh],
    [rect.cx + ux * hw - uy * hh, rect.cy + uy * hw + ux * hh],
    [rect.cx - ux * hw - uy * hh, rect.cy - uy * hw + ux * hh],
  ];
}

/** Corners as PaddleOCR orders them: the two leftmost are the left side (upper first), the others the right. */
export function orderQuad(corners: Point[]): Quad {
  const byX = [...corners].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const [leftA, leftB] = byX[0][1] <= byX[1][1] ? [byX[0], byX[1]] : [byX[1], byX[0]];
  const [rightA, rightB] = byX[2][1] <= byX[3][1] ? [byX[2], byX[3]] : [byX[3], byX[2]];
  return [leftA, rightA, rightB, leftB];
}

/** The quad scaled from map to image coordinates and kept inside the image. */
export function scaleQuad(quad: Quad, scaleX: number, scaleY: number, width: number, height: number): Quad {
  return quad.map(([x, y]) => [
    Math.min(Math.max(x * scaleX, 0), width),
    Math.min(Math.max(y * scaleY, 0), height),
  ]) as Quad;
}

export const quadWidth = (quad: Quad) =>
  Math.max(
    Math.hypot(quad[1][0] - quad[0][0], quad[1][1] - quad[0][1]),
    Math.hypot(quad[2][0] - quad[3][0], quad[2][1] - quad[3][1]),
  );
export const quadHeight = (quad: Quad) =>
  Math.max(
    Math.hypot(quad[3][0] - quad[0][0], quad[3][1] - quad[0][1]),
    Math.hypot(quad[2][0] - quad[1][0], quad[2][1] - quad[1][1]),
  );

/**
 * The quad cut out of RGB pixels, straightened and scaled to `outHeight` rows: an RGB crop of `width × outHeight`.
 * A box much taller than wide is read as vertical text, turned a quarter (as PaddleOCR does).
 * Downscaling averages a grid of samples per output pixel, so small print is not aliased away.
 */
export function cropQuad(
  pixels: Pixels,
  quad: Quad,
  outHeight: number,
): { data: Float32Array; width: number; height: number } {
  let [tl, tr, br, bl] = quad;
  let width = quadWidth(quad);
  let height = quadHeight(quad);
  if (height >= 1.5 * width) {
    // Turn so that the text runs left to right: the right side becomes the top.
    [tl, tr, br, bl] = [tr, br, bl, tl];
    [width, height] = [height, width];
  }
  const scale = outHeight / Math.max(height, 1);
  const outWidth = Math.max(1, Math.round(width * scale));
  const samples = Math.min(4, Math.max(1, Math.ceil(1 / scale)));
  const out = new Float32Array(outWidth * outHeight * 3);
  const { data, width: imageWidth, height: imageHeight } = pixels;
  // Affine map: (u, v) in 0..1 → tl + u (tr − tl) + v (bl − tl).
  const ax = tr[0] - tl[0];
  const ay = tr[1] - tl[1];
  const bx = bl[0] - tl[0];
  const by = bl[1] - tl[1];
  for (let row = 0; row < outHeight; row++) {
    for (let column = 0; column < outWidth; column++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let sy = 0; sy < samples; sy++) {
        const v = (row + (sy + 0.5) / samples) / outHeight;
        for (let sx = 0; sx < samples; sx++) {
          const u = (column + (sx + 0.5) / samples) / outWidth;
          const x = Math.min(Math.max(tl[0] + u * ax + v * bx - 0.5, 0), imageWidth - 1);
          const y = Math.min(Math.max(tl[1] + u * ay + v * by - 0.5, 0), imageHeight - 1);
          const x0 = Math.floor(x);
          const y0 = Math.floor(y);
          const x1 = Math.min(x0 + 1, imageWidth - 1);
          const y1 = Math.min(y0 + 1, imageHeight - 1);
          const fx = x - x0;
          const fy = y - y0;
          const i00 = (y0 * imageWidth + x0) * 3;
          const i01 = (y0 * imageWidth + x1) * 3;
          const i10 = (y1 * imageWidth + x0) * 3;
          const i11 = (y1 * imageWidth + x1) * 3;
          const w00 = (1 - fx) * (1 - fy);
          const w01 = fx * (1 - fy);
          const w10 = (1 - fx) * fy;
          const w11 = fx * fy;
          r += data[i00] * w00 + data[i01] * w01 + data[i10] * w10 + data[i11] * w11;
          g += data[i00 + 1] * w00 + data[i01 + 1] * w01 + data[i10 + 1] * w10 + data[i11 + 1] * w11;
          b += data[i00 + 2] * w00 + data[i01 + 2] * w01 + data[i10 + 2] * w10 + data[i11 + 2] * w11;
        }
      }
      const n = samples * samples;
      const at = (row * outWidth + column) * 3;
      out[at] = r / n;
      out[at + 1] = g / n;
      out[at + 2] = b / n;
    }
  }
  return { data: out, width: outWidth, height: outHeight };
}
