/**
 * One plain-English sentence from the signals: the most salient actor first (people, then animals or vehicles),
 * what it is doing where an object pair says so (person + horse → riding a horse), one more object, and the
 * setting. Counts, plurals and articles come from the vocabulary. Nothing is said that the signals do not support:
 * no genders, no ages, no invented places.
 */
import type { Box } from '../../spec.js';
import type { Signals } from '../analysis/signals.js';
import {
  groupObjects,
  isLookalikeOf,
  LOWEST_NAMING_SCORE,
  type ObjectGroup,
  PRESENT_SCORE,
  rivalOf,
  sureEnough,
} from './objects.js';

/**
 * Objects touching a person are named from this score (the pair makes a weak detection plausible). Measured on
 * coco-dev: 0.2 named too many phones and frisbees that were not there; 0.25 raised noun precision further
 * (0.868 → 0.881) but lost the activity — and with it the place — in right captions (scene recall 0.570 → 0.535).
 */
const RELATED_SCORE = 0.22;

import { inferSetting, type Setting } from './scene.js';
import { countPhrase, noun, withArticle } from './vocabulary.js';

interface Relation {
  /** Verb phrase; "{}" stands for the object ("riding {}" → "riding a horse"). */
  verb: string;
  /** Only when the two boxes touch (a person next to a horse is not riding it). */
  needsContact?: boolean;
  /** The action needs one actor per object: one tennis racket, one player, however many spectators. */
  onePerObject?: boolean;
  /** What people doing this are called, for tags and search ("surfer"). */
  roles?: string[];
}

/** What a person does with an object, most telling first. */
const PERSON_RELATIONS: [string, Relation][] = [
  ['surfboard', { verb: 'riding {}', onePerObject: true, roles: ['surfer', 'surfing'] }],
  ['skis', { verb: 'skiing', onePerObject: true, roles: ['skier', 'skiing'] }],
  ['snowboard', { verb: 'riding {}', onePerObject: true, roles: ['snowboarder', 'snowboarding'] }],
  ['skateboard', { verb: 'riding {}', onePerObject: true, roles: ['skateboarder', 'skateboarding', 'skater'] }],
  ['tennis racket', { verb: 'playing tennis', onePerObject: true, roles: ['tennis player', 'player', 'playing'] }],
  [
    'baseball bat',
    { verb: 'swinging {}', onePerObject: true, roles: ['batter', 'baseball player', 'player', 'playing'] },
  ],
  ['horse', { verb: 'riding {}', needsContact: true, roles: ['rider', 'riding'] }],
  ['motorcycle', { verb: 'riding {}', needsContact: true, roles: ['rider', 'motorcyclist', 'riding'] }],
  ['bicycle', { verb: 'riding {}', needsContact: true, roles: ['cyclist', 'rider', 'riding'] }],
  ['elephant', { verb: 'riding {}', needsContact: true, roles: ['rider', 'riding'] }],
  ['kite', { verb: 'flying {}', roles: ['flying'] }],
  ['frisbee', { verb: 'playing with {}', roles: ['player', 'playing', 'throwing', 'catching'] }],
  ['baseball glove', { verb: 'playing baseball', roles: ['baseball player', 'player', 'playing'] }],
  ['sports ball', { verb: 'playing with {}', roles: ['player', 'playing'] }],
  ['toothbrush', { verb: 'brushing their teeth', onePerObject: true }],
  ['umbrella', { verb: 'holding {}', needsContact: true }],
  ['laptop', { verb: 'using {}', needsContact: true }],
  ['cell phone', { verb: 'using {}', needsContact: true, onePerObject: true }],
  ['teddy bear', { verb: 'holding {}', needsContact: true }],
  ['remote', { verb: 'holding {}', needsContact: true, onePerObject: true }],
  ['dining table', { verb: 'sitting at {}', roles: ['sitting', 'eating'] }],
  ['couch', { verb: 'sitting on {}', needsContact: true }],
  ['bench', { verb: 'sitting on {}', needsContact: true }],
  ['bed', { verb: 'lying on {}', needsContact: true }],
];

/** Where an animal is, by the furniture it touches. */
const RESTING_PLACES = [
  'bed',
  'couch',
  'chair',
  'bench',
  'dining table',
  'suitcase',
  'car',
  'laptop',
  'keyboard',
  'toilet',
  'sink',
];
const GRAZERS = new Set(['sheep', 'cow', 'horse', 'zebra', 'giraffe', 'elephant', 'bear']);
const OUTDOOR_SETTINGS = new Set([
  'street',
  'field',
  'park',
  'snow',
  'airport',
  'railway',
  'baseball field',
  'tennis court',
  'grass',
]);

export interface CaptionParts {
  sentence: string;
  groups: ObjectGroup[];
  setting: Setting | null;
  /** Words for what people are doing ("riding", "surfer"), for tags. */
  activity: string[];
}

export function composeCaption(signals: Signals): CaptionParts {
  // Evidence of the place: classes present (from PRESENT_SCORE), named or not.
  const detected = groupObjects(signals.objects, PRESENT_SCORE, signals.objectColours ?? []);
  // Only what the analyzer is sure enough of is named (a big box from a lower score); the rest is left to the
  // detailed description, hedged there.
  let groups = nameableGroups(groupObjects(signals.objects, LOWEST_NAMING_SCORE, signals.objectColours ?? []), signals);
  if (groups.length === 0)
    return {
      sentence: nothingRecognised(signals),
      groups,
      setting: inferSetting(detected, signals),
      activity: [],
    };
  const activity: string[] = [];

  const used = new Set<string>();
  const subject = chooseSubject(groups);
  used.add(subject.label);
  // Parts of the sentence: "<subject> [and <companion>] [<action>] [with <thing>] [<place>]".
  // A big box named from below PRESENT_SCORE is said as a likeness, not a fact.
  const unsure = (group: ObjectGroup) => group.instances[0].score < PRESENT_SCORE;
  let subjectPhrase = `${unsure(subject) ? 'possibly ' : ''}${phrase(subject)}`;
  let action = '';
  let place: string | null = null;
  let placeFromObjects = false;

  if (subject.label === 'person') {
    // An object a person is touching is likely what they are doing, so it may be named at a lower score.
    const relation = personRelation(subject, groupObjects(signals.objects, RELATED_SCORE, signals.objectColours ?? []));
    if (relation) {
      used.add(relation.object.label);
      if (!groups.some((group) => group.label === relation.object.label)) groups = [...groups, relation.object];
      const actors = relation.relation.onePerObject ? Math.min(subject.count, relation.object.count) : subject.count;
      const objectPhrase =
        relation.relation.onePerObject && actors > 1
          ? noun(relation.object.label).plural
          : objectCount(relation.object);
      subjectPhrase = countPhrase('person', actors);
      action = relation.relation.verb.replace('{}', objectPhrase);
      activity.push(action.split(' ')[0], ...(relation.relation.roles ?? []));
      // "sitting at a table … at a table": the relation already says where.
      if (['dining table', 'couch', 'bench', 'bed'].includes(relation.object.label)) placeFromObjects = true;
    }
  } else if (noun(subject.label).kind === 'animal') {
    const restingOn = groups.find(
      (group) => RESTING_PLACES.includes(group.label) && touches(subject.extent, group.extent),
    );
    if (restingOn) {
      used.add(restingOn.label);
      place = `${restingOn.label === 'car' ? 'in' : 'on'} ${withArticle(noun(restingOn.label).singular)}`;
      placeFromObjects = true;
      if (['bed', 'couch', 'chair'].includes(restingOn.label)) action = 'lying';
    }
  }

  // Where: from everything detected, named or not (a bus too unsure to name is still a sign of a street).
  const setting = inferSetting([...detected, ...groups], signals);
  if (!placeFromObjects) place = setting?.phrase ?? null;
  else if (subject.label === 'person' && setting && !['table', 'bedroom', 'living room'].includes(setting.name))
    place = setting.phrase;
  // The table is the subject because what stands on it was too unsure to name: "things on a table", not "a table
  // on a table".
  if (subject.label === 'dining table' && setting?.name === 'table') subjectPhrase = 'things';

  if (noun(subject.label).kind === 'vehicle') {
    if (subject.label === 'airplane' && flying(subject, signals)) place = 'flying in the sky';
  } else if (noun(subject.label).kind !== 'person' && noun(subject.label).kind !== 'animal') {
    if (setting?.room && !['table', 'desk'].includes(setting.name)) {
      // Objects only, in a recognisable room: the room heads the sentence.
      const items = groups.filter((group) => group.label !== subject.label).slice(0, 1);
      const listed = [subject, ...items].map((group) => countPhrase(group.label, group.count));
      return { sentence: finish(`${withArticle(setting.name)} with ${joinAnd(listed)}`), groups, setting, activity };
    }
    if (setting?.name === 'table') used.add('dining table');
  }
  if (
    !action &&
    (subject.label === 'person' || GRAZERS.has(subject.label)) &&
    setting &&
    OUTDOOR_SETTINGS.has(setting.name)
  )
    action = 'standing';

  // One more object: the most salient not yet mentioned, not implied by the place, and not a rival activity.
  const extra = groups.find(
    (group) =>
      !used.has(group.label) &&
      !(setting?.name === 'table' && group.label === 'dining table') &&
      group.salience >= subject.salience * 0.2 &&
      !(action && noun(group.label).kind === 'sports') &&
      !(
        setting &&
        ['tennis court', 'baseball field', 'snow', 'ocean'].includes(setting.name) &&
        noun(group.label).kind === 'vehicle'
      ) &&
      !(setting?.name === 'street' && noun(group.label).kind === 'street'),
  );
  let companion = '';
  let thing = '';
  if (extra) {
    const animate = ['person', 'animal'].includes(noun(extra.label).kind);
    const sameKind = noun(extra.label).kind === noun(subject.label).kind;
    if (animate || (sameKind && !action)) companion = phrase(extra);
    else thing = objectCount(extra);
  }
  // People and animals are "next to" big things and "with" things they can hold.
  const beside =
    extra &&
    ['person', 'animal'].includes(noun(subject.label).kind) &&
    ['vehicle', 'furniture', 'household', 'street'].includes(noun(extra.label).kind);
  const sentence = [
    subjectPhrase,
    companion && `and ${companion}`,
    action,
    thing && `${beside ? 'next to' : 'with'} ${thing}`,
    place,
  ]
    .filter(Boolean)
    .join(' ');
  if (action && !activity.length) activity.push(action.split(' ')[0]);
  return { sentence: finish(sentence), groups, setting, activity };
}

/** A secondary object: "a cup", "two cups", or for larger numbers just "cups" (exact counts of clutter distract). */
function objectCount(group: ObjectGroup): string {
  return group.count > 3 ? noun(group.label).plural : phrase(group);
}

/**
 * Count and noun. Colour adjectives were tried here and measured worse: a box's main colour is often the
 * windows, shadow or background (red buses came out "black"), so colours stay in the detailed description.
 */
function phrase(group: ObjectGroup): string {
  return countPhrase(group.label, group.count);
}

function chooseSubject(groups: ObjectGroup[]): ObjectGroup {
  const top = groups[0].salience;
  const rank = (group: ObjectGroup) => {
    const kind = noun(group.label).kind;
    return kind === 'person' ? 0 : kind === 'animal' ? 1 : kind === 'vehicle' ? 2 : 3;
  };
  const actors = groups.filter((group) => rank(group) < 3 && group.salience >= top * 0.3);
  actors.sort((a, b) => rank(a) - rank(b) || b.salience - a.salience);
  // A tiny far-away person does not outrank a big animal or vehicle.
  if (actors.length > 1 && rank(actors[0]) === 0 && actors[1].salience > actors[0].salience * 2.5) return actors[1];
  // A table is where things are, not what the photo is of.
  return actors[0] ?? groups.find((group) => group.label !== 'dining table') ?? groups[0];
}

function personRelation(
  person: ObjectGroup,
  groups: ObjectGroup[],
): { relation: Relation; object: ObjectGroup } | null {
  for (const [label, relation] of PERSON_RELATIONS) {
    const object = groups.find((group) => group.label === label);
    if (!object) continue;
    const weak = object.instances[0].score < PRESENT_SCORE;
    if ((relation.needsContact || weak) && !touches(person.extent, object.extent)) continue;
    return { relation, object };
  }
  return null;
}

function touches(a: Box | null, b: Box | null): boolean {
  if (!a || !b) return false;
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

function flying(group: ObjectGroup, signals: Signals): boolean {
  const box = group.extent;
  if (!box) return false;
  const skyShare = signals.colours
    .filter((colour) => ['light blue', 'blue', 'white', 'grey'].includes(colour.name))
    .reduce((sum, colour) => sum + colour.share, 0);
  return box.y + box.height < 0.8 && skyShare > 0.6;
}

/**
 * Groups a caption may name: those sure enough for their size and kind. A near tie between look-alikes on one spot
 * is named as both ("a dog or cat", the likelier first); the rest is left to the detailed description's
 * "possibly also … (low confidence)".
 */
function nameableGroups(detected: ObjectGroup[], signals: Signals): ObjectGroup[] {
  const kept: ObjectGroup[] = [];
  for (const group of detected) {
    if (!sureEnough(group)) continue;
    // The weaker side of a look-alike pair on one spot is the same thing seen twice: the stronger side speaks.
    if (signals.objects.some((other) => other.score > group.instances[0].score && isLookalikeOf(group, other)))
      continue;
    const rival = rivalOf(group, signals.objects);
    kept.push(rival ? { ...group, label: `${group.label}|${rival.label}`, detectedLabel: group.label } : group);
  }
  return kept;
}

function nothingRecognised(signals: Signals): string {
  const lines = signals.text?.lines ?? [];
  if (lines.length >= 4) return 'A document with several lines of printed text.';
  if (lines.length > 0) return finish(`Text reading "${truncate(lines.join(' '), 60)}"`);
  const colours = signals.colours.slice(0, 2).map((colour) => colour.name);
  return finish(`No objects the offline analyzer recognises; mostly ${joinAnd(colours)}`);
}

export function joinAnd(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function finish(sentence: string): string {
  const trimmed = sentence.trim().replace(/\s+/g, ' ');
  return `${trimmed[0].toUpperCase()}${trimmed.slice(1)}${/[.!?"]$/.test(trimmed) ? '' : '.'}`;
}

export function truncate(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const cut = text.slice(0, limit - 1);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), limit / 2))}…`;
}
