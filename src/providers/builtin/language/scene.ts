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
  return { name, phrase, room, tags };
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
    when: (labels) => any(labels, ...KITCHEN) || (labels.has('sink') && labels.has('dining table')),
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
  const labels = new Set(groups.map((group) => group.label));
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
