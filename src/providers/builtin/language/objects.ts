/**
 * From raw detections to what a sentence can rely on: which classes are present, how many of each, and how
 * salient each class is (big, central and confident objects first).
 */
import type { Box, DetectedObject } from '../../spec.js';

/** A class counts as present when its best detection reaches this score. */
export const PRESENT_SCORE = 0.3;
/** Further instances count when they reach this share of the best one's score (CenterNet repeats weak echoes). */
const INSTANCE_SHARE = 0.6;

export interface ObjectGroup {
  label: string;
  count: number;
  /** The instances counted, best first. */
  instances: DetectedObject[];
  salience: number;
  /** Union of the counted instances' boxes. */
  extent: Box | null;
  /** The colour all counted instances share, where one clearly dominates each. */
  colour: string | null;
}

export function groupObjects(
  objects: readonly DetectedObject[],
  minimumScore = PRESENT_SCORE,
  colours: readonly (string | null)[] = [],
): ObjectGroup[] {
  const colourOf = new Map(objects.map((object, index) => [object, colours[index] ?? null]));
  const byLabel = new Map<string, DetectedObject[]>();
  for (const object of objects) {
    const list = byLabel.get(object.label) ?? [];
    list.push(object);
    byLabel.set(object.label, list);
  }
  const groups: ObjectGroup[] = [];
  for (const [label, list] of byLabel) {
    list.sort((a, b) => b.score - a.score);
    const best = list[0].score;
    if (best < minimumScore) continue;
    const instances = list.filter((object) => object.score >= Math.max(minimumScore, best * INSTANCE_SHARE));
    const saliences = instances.map(instanceSalience).sort((a, b) => b - a);
    const salience = saliences[0] + 0.3 * saliences.slice(1).reduce((sum, value) => sum + value, 0);
    const instanceColours = new Set(instances.map((object) => colourOf.get(object) ?? null));
    const colour = instanceColours.size === 1 ? [...instanceColours][0] : null;
    groups.push({
      label,
      count: instances.length,
      instances,
      salience,
      extent: union(instances.map((object) => object.box)),
      colour,
    });
  }
  return groups.sort((a, b) => b.salience - a.salience);
}

/** Confidence × size × closeness to the centre. */
export function instanceSalience(object: DetectedObject): number {
  if (!object.box) return object.score * 0.1;
  const area = object.box.width * object.box.height;
  const centreX = object.box.x + object.box.width / 2;
  const centreY = object.box.y + object.box.height / 2;
  const offCentre = Math.hypot(centreX - 0.5, centreY - 0.5) / Math.SQRT1_2;
  return object.score * Math.sqrt(area) * (1 - 0.4 * offCentre);
}

function union(boxes: (Box | null)[]): Box | null {
  const present = boxes.filter((box): box is Box => box !== null);
  if (present.length === 0) return null;
  const left = Math.min(...present.map((box) => box.x));
  const top = Math.min(...present.map((box) => box.y));
  const right = Math.max(...present.map((box) => box.x + box.width));
  const bottom = Math.max(...present.map((box) => box.y + box.height));
  return { x: left, y: top, width: right - left, height: bottom - top };
}

/** "top left", "centre", "bottom right"… */
export function position(box: Box): string {
  const centreX = box.x + box.width / 2;
  const centreY = box.y + box.height / 2;
  const vertical = centreY < 0.36 ? 'top' : centreY > 0.64 ? 'bottom' : '';
  const horizontal = centreX < 0.36 ? 'left' : centreX > 0.64 ? 'right' : '';
  if (!vertical && !horizontal) return 'centre';
  return [vertical, horizontal].filter(Boolean).join(' ');
}

/** "large", "medium-sized", "small" by the share of the frame the box covers. */
export function size(box: Box): string {
  const area = box.width * box.height;
  return area > 0.35 ? 'large' : area > 0.08 ? 'medium-sized' : 'small';
}
