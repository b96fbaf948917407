/**
 * Where a photo was probably taken, inferred from objects that go together (an oven means a kitchen, skis mean
 * snow) and from colour (mostly green below means grass). Each rule is common-sense knowledge about the world;
 * the first that applies wins, so the more specific rules come first.
 */
import type { Signals } from '../analysis/signals.js';
import type { ObjectGroup } from './objects.js';

export interface Setting {
  /** Short name for tags and the detailed description: "kitchen", "street", "snow". */
  name: string;
  /** Prepositional phrase that ends a caption: "in a kitchen", "on a snowy slope". */
  phrase: string;
  /** The place as a noun phrase for "The setting looks like …": "a kitchen", "a snowy slope", "the sky". */
  scene: string;
  /** Room settings can head a caption of their own: "A kitchen with an oven and a sink." */
  room: boolean;
  /** Extra search words for the setting. */
  tags: string[];
}

interface Rule {
  when(labels: Set<string>, signals: Signals): boolean;
  setting: Setting;
}

const any = (labels: Set<string>, ...wanted: string[]) => wanted.some((label) => labels.has(label));
const count = (labels: Set<string>, ...wanted: string[]) => wanted.filter((label) => labels.has(label)).length;

const VEHICLES_ON_ROADS = [
  'car',
  'bus',
  'truck',
  'motorcycle',
  'traffic light',
  'stop sign',
  'fire hydrant',
  'parking meter',
];
const GRAZING_ANIMALS = ['sheep', 'cow', 'horse', 'zebra', 'giraffe', 'elephant'];
const FOOD = ['banana', 'apple', 'sandwich', 'orange', 'broccoli', 'carrot', 'hot dog', 'pizza', 'donut', 'cake'];
const KITCHEN = ['oven', 'microwave', 'refrigerator', 'toaster'];

function setting(name: string, phrase: string, tags: string[] = [], room = false): Setting {
  // The noun phrase is the prepositional phrase without its preposition: "in a kitchen" → "a kitchen".
  const scene = phrase.replace(/^(in|on|at) (the )?/, (_, _preposition, the) => the ?? '');
  return {
    name,
    phrase,
    room,
    tags,
    scene: /^(a|an|the) /.test(scene) || /^water$/.test(scene) ? scene : `a ${scene}`,
  };
}

const RULES: Rule[] = [
  {
    when: (labels) => any(labels, 'skis', 'snowboard'),
    setting: setting('snow', 'on a snowy slope', ['snow', 'winter', 'skiing', 'mountain', 'outdoors']),
  },
  {
    when: (labels) => labels.has('surfboard'),
    setting: setting('ocean', 'in the ocean', ['ocean', 'sea', 'wave', 'water', 'beach', 'outdoors']),
  },
  {
    when: (labels) => labels.has('tennis racket'),
    setting: setting('tennis court', 'on a tennis court', ['tennis', 'court', 'sports', 'outdoors']),
  },
  {
    when: (labels) => any(labels, 'baseball bat', 'baseball glove'),
    setting: setting('baseball field', 'on a baseball field', ['baseball', 'field', 'game', 'sports']),
  },
  {
    when: (labels) =>
      labels.has('toilet') || (labels.has('sink') && !any(labels, ...KITCHEN) && !labels.has('dining table')),
    setting: setting('bathroom', 'in a bathroom', ['bathroom', 'indoors'], true),
  },
  {
    // One appliance alone is weak evidence (an "oven" behind a birthday cake, a "microwave" that is a monitor):
    // two kitchen things, or an appliance by a sink or a table.
    when: (labels) =>
      count(labels, ...KITCHEN, 'sink') >= 2 || (any(labels, ...KITCHEN) && any(labels, 'bowl', 'bottle', 'cup')),
    setting: setting('kitchen', 'in a kitchen', ['kitchen', 'indoors'], true),
  },
  { when: (labels) => labels.has('bed'), setting: setting('bedroom', 'in a bedroom', ['bedroom', 'indoors'], true) },
  {
    when: (labels) => labels.has('train'),
    setting: setting('railway', 'on the tracks', ['railway', 'tracks', 'station']),
  },
  {
    when: (labels) => labels.has('airplane') && !any(labels, 'car', 'bus'),
    setting: setting('airport', 'at an airport', ['airport', 'runway', 'aviation']),
  },
  { when: (labels) => labels.has('boat'), setting: setting('water', 'on the water', ['water', 'harbor', 'outdoors']) },
  {
    // Beach umbrellas and kites: people, no road, and a bright open frame of sand, sea and sky rather than a dark
    // street (umbrellas in the rain) or green grass (a park).
    when: (labels, signals) =>
      labels.has('person') &&
      any(labels, 'umbrella', 'kite') &&
      !any(labels, ...VEHICLES_ON_ROADS, 'bench', 'dining table') &&
      !greenery(signals) &&
      share(signals, ['black']) < 0.2 &&
      share(signals, ['white', 'light blue', 'blue', 'beige', 'teal']) >= 0.45,
    setting: setting('beach', 'on a beach', ['beach', 'sand', 'sea', 'outdoors']),
  },
  {
    when: (labels) =>
      labels.has('dining table') &&
      any(labels, ...FOOD, 'cup', 'bowl', 'fork', 'knife', 'spoon', 'wine glass', 'bottle'),
    setting: setting('table', 'on a table', ['table', 'meal', 'food', 'indoors']),
  },
  {
    when: (labels) => any(labels, 'couch', 'tv') && !labels.has('dining table'),
    setting: setting('living room', 'in a living room', ['living room', 'indoors'], true),
  },
  {
    when: (labels) => any(labels, 'laptop', 'keyboard', 'mouse'),
    setting: setting('desk', 'on a desk', ['desk', 'computer', 'office', 'indoors']),
  },
  {
    when: (labels) => any(labels, ...VEHICLES_ON_ROADS),
    setting: setting('street', 'on a city street', ['street', 'road', 'city', 'outdoors']),
  },
  {
    when: (labels, signals) => any(labels, ...GRAZING_ANIMALS) && greenery(signals),
    setting: setting('field', 'in a grassy field', ['field', 'grass', 'outdoors', 'nature']),
  },
  {
    when: (labels) => any(labels, ...GRAZING_ANIMALS),
    setting: setting('field', 'in a field', ['field', 'outdoors', 'nature']),
  },
  {
    when: (labels, signals) => any(labels, 'frisbee', 'kite', 'sports ball', 'bench') && greenery(signals),
    setting: setting('park', 'in a grassy park', ['park', 'grass', 'outdoors']),
  },
  {
    when: (labels, signals) => labels.has('kite') && sky(signals),
    setting: setting('sky', 'in the sky', ['sky', 'outdoors']),
  },
  { when: (labels) => labels.has('dining table'), setting: setting('table', 'at a table', ['table', 'indoors']) },
  {
    when: (labels, signals) => labels.has('person') && share(signals, ['green', 'dark green']) >= 0.4,
    setting: setting('grass', 'on the grass', ['grass', 'outdoors']),
  },
];

export function inferSetting(groups: readonly ObjectGroup[], signals: Signals): Setting | null {
  // A class too uncertain to name is still evidence of its kind of place (a bus or a truck: a street either way).
  const labels = new Set(groups.map((group) => group.detectedLabel ?? group.label));
  return RULES.find((rule) => rule.when(labels, signals))?.setting ?? null;
}

function share(signals: Signals, names: string[]): number {
  return signals.colours.filter((colour) => names.includes(colour.name)).reduce((sum, colour) => sum + colour.share, 0);
}

function greenery(signals: Signals): boolean {
  return share(signals, ['green', 'dark green', 'olive']) >= 0.2;
}

function sky(signals: Signals): boolean {
  return share(signals, ['light blue', 'blue', 'white']) >= 0.3;
}
