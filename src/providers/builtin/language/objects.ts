/**
 * From raw detections to what a sentence can rely on: which classes are present, how many of each, and how
 * salient each class is (big, central and confident objects first).
 */
import type { Box, DetectedObject } from '../../spec.js';
import { type Kind, noun } from './vocabulary.js';

/** A class counts as present when its best detection reaches this score. */
export const PRESENT_SCORE = 0.3;
/*
 * Honest captions: a class present (above) is named in the caption only when it is sure enough, by rules chosen by
 * measurement on coco-dev (README of this provider, "Honest captions"): the share of named objects that the people
 * who captioned the photo also named (noun precision), with CIDEr-D not allowed to fall. Measured there: raising
 * the bar for every class by size (0.45 for boxes under 2 % of the frame) lifted noun precision only 0.849 → 0.858
 * and cost CIDEr-D 0.579 → 0.546, because most small weak detections are people, who are usually there; the rules
 * below aim at the detections that were mostly wrong.
 */
/** Boxes under this share of the frame (far-off "birds" on a pagoda, a 0.36 "clock" on a rocket) need SMALL_SCORE. */
const SMALL_AREA = 0.02;
const SMALL_SCORE = 0.4;
/**
 * Kinds whose weak detections were mostly wrong on coco-dev (kitchenware, accessories and household things at
 * 0.3–0.45 matched a reference about 1 time in 5), named only from these scores unless the box is big.
 */
const KIND_SCORE: Partial<Record<Kind, number>> = { kitchenware: 0.6, accessory: 0.45, household: 0.6 };
/** From this share of the frame the kind's score no longer applies: a cup filling a quarter of the frame is a cup. */
const KIND_EXEMPT_AREA = 0.2;
/**
 * Look-alikes: among animals (and teddy bears) a second class on the same spot is usually a real confusion — a cat
 * seen as a dog, a poodle as a teddy bear. Among vehicles it mostly means two right answers (a pickup is a car
 * and a truck): hedging those cost CIDEr-D without making captions more right, so only animals are compared.
 */
const isLookalike = (label: string) => noun(label).kind === 'animal' || label === 'teddy bear';
/** A look-alike on the same spot with at least this share of the best score makes the name a coin toss… */
const RIVAL_SHARE = 0.4;
/** …unless the best score reaches this. */
const SURE_SCORE = 0.6;

/**
 * A box covering a fifth of the frame is named from this score, below PRESENT_SCORE, and said as a likeness
 * ("possibly two elephants"): two elephants filling the frame scored 0.26 and the caption said nothing was there.
 */
export const LOWEST_NAMING_SCORE = 0.25;
const BIG_AREA = 0.2;

/** The score needed to name a class with this box in a caption. */
export function namingScore(box: Box | null, label: string): number {
  const area = box ? box.width * box.height : 0;
  const small = area < SMALL_AREA && label !== 'person' ? SMALL_SCORE : 0;
  const byKind = area < KIND_EXEMPT_AREA ? (KIND_SCORE[noun(label).kind] ?? 0) : 0;
  const floor = area >= BIG_AREA ? LOWEST_NAMING_SCORE : PRESENT_SCORE;
  return Math.max(floor, small, byKind);
}

/** Whether a caption may name this class: sure enough for its size and kind (a near tie aside, see rivalOf). */
export function sureEnough(group: ObjectGroup): boolean {
  const best = group.instances[0];
  return best.score >= namingScore(best.box, best.label);
}

/**
 * A look-alike detected on the same spot, close enough in score that the name is a coin toss (Chelsea the cat:
 * dog 0.48 and cat 0.22 on one box → "a dog or cat", not "a dog").
 */
export function rivalOf(group: ObjectGroup, objects: readonly DetectedObject[]): DetectedObject | undefined {
  const best = group.instances[0];
  if (best.score >= SURE_SCORE) return undefined;
  return objects.find((other) => other.score >= best.score * RIVAL_SHARE && isLookalikeOf(group, other));
}

/** Another class of look-alike whose box covers most of this group's best box (or the other way round). */
export function isLookalikeOf(group: ObjectGroup, other: DetectedObject): boolean {
  const best = group.instances[0];
  return (
    other.label !== best.label &&
    isLookalike(best.label) &&
    isLookalike(other.label) &&
    best.box !== null &&
    other.box !== null &&
    intersectionOverSmaller(best.box, other.box) >= 0.6
  );
}

function intersectionOverSmaller(a: Box, b: Box): number {
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  if (width <= 0 || height <= 0) return 0;
  return (width * height) / Math.min(a.width * a.height, b.width * b.height);
}

/** Further instances count when they reach this share of the best one's score (CenterNet repeats weak echoes). */
const INSTANCE_SHARE = 0.6;

export interface ObjectGroup {
  label: string;
  /** The class detected, where `label` is only its kind ("animal") because the class was too uncertain to name. */
  detectedLabel?: string;
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
