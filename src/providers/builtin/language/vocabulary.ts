/**
 * How to say each COCO class in English: the noun people use, its plural, search synonyms and the broader
 * categories a user might search for ("cat" → animal, pet). Written from general English usage, not from any
 * evaluation captions.
 */
import type { CocoLabel } from '../analysis/coco-labels.js';

export type Kind =
  | 'person'
  | 'animal'
  | 'vehicle'
  | 'food'
  | 'furniture'
  | 'electronics'
  | 'kitchenware'
  | 'sports'
  | 'accessory'
  | 'street'
  | 'household';

export interface Noun {
  singular: string;
  plural: string;
  kind: Kind;
  synonyms: string[];
  categories: string[];
}

const entries: Record<
  CocoLabel,
  [singular: string, plural: string, kind: Kind, synonyms: string[], categories: string[]]
> = {
  person: ['person', 'people', 'person', ['people', 'human'], []],
  bicycle: ['bicycle', 'bicycles', 'vehicle', ['bike', 'cycle'], ['vehicle']],
  car: ['car', 'cars', 'vehicle', ['automobile'], ['vehicle']],
  motorcycle: ['motorcycle', 'motorcycles', 'vehicle', ['motorbike', 'bike'], ['vehicle']],
  airplane: ['airplane', 'airplanes', 'vehicle', ['plane', 'aircraft', 'jet'], ['vehicle', 'aviation']],
  bus: ['bus', 'buses', 'vehicle', [], ['vehicle', 'transport']],
  train: ['train', 'trains', 'vehicle', ['railway', 'locomotive'], ['vehicle', 'transport']],
  truck: ['truck', 'trucks', 'vehicle', ['lorry'], ['vehicle']],
  boat: ['boat', 'boats', 'vehicle', ['ship'], ['vehicle', 'water']],
  'traffic light': ['traffic light', 'traffic lights', 'street', ['stoplight', 'signal'], ['street']],
  'fire hydrant': ['fire hydrant', 'fire hydrants', 'street', ['hydrant'], ['street']],
  'stop sign': ['stop sign', 'stop signs', 'street', ['sign'], ['street']],
  'parking meter': ['parking meter', 'parking meters', 'street', ['meter'], ['street']],
  bench: ['bench', 'benches', 'furniture', ['seat'], ['furniture']],
  bird: ['bird', 'birds', 'animal', [], ['animal']],
  cat: ['cat', 'cats', 'animal', ['kitten'], ['animal', 'pet']],
  dog: ['dog', 'dogs', 'animal', ['puppy'], ['animal', 'pet']],
  horse: ['horse', 'horses', 'animal', ['pony'], ['animal']],
  sheep: ['sheep', 'sheep', 'animal', ['lamb'], ['animal', 'livestock']],
  cow: ['cow', 'cows', 'animal', ['cattle'], ['animal', 'livestock']],
  elephant: ['elephant', 'elephants', 'animal', [], ['animal', 'wildlife']],
  bear: ['bear', 'bears', 'animal', [], ['animal', 'wildlife']],
  zebra: ['zebra', 'zebras', 'animal', [], ['animal', 'wildlife']],
  giraffe: ['giraffe', 'giraffes', 'animal', [], ['animal', 'wildlife']],
  backpack: ['backpack', 'backpacks', 'accessory', ['bag', 'rucksack'], ['bag']],
  umbrella: ['umbrella', 'umbrellas', 'accessory', ['parasol'], []],
  handbag: ['handbag', 'handbags', 'accessory', ['bag', 'purse'], ['bag']],
  tie: ['tie', 'ties', 'accessory', ['necktie'], ['clothing']],
  suitcase: ['suitcase', 'suitcases', 'accessory', ['luggage', 'bag'], ['travel']],
  frisbee: ['frisbee', 'frisbees', 'sports', ['disc'], ['sports']],
  skis: ['pair of skis', 'skis', 'sports', ['ski', 'skiing'], ['sports', 'snow']],
  snowboard: ['snowboard', 'snowboards', 'sports', ['snowboarding'], ['sports', 'snow']],
  'sports ball': ['ball', 'balls', 'sports', ['ball'], ['sports']],
  kite: ['kite', 'kites', 'sports', [], ['toy']],
  'baseball bat': ['baseball bat', 'baseball bats', 'sports', ['bat', 'baseball'], ['sports']],
  'baseball glove': ['baseball glove', 'baseball gloves', 'sports', ['glove', 'mitt', 'baseball'], ['sports']],
  skateboard: ['skateboard', 'skateboards', 'sports', ['skateboarding', 'skate'], ['sports']],
  surfboard: ['surfboard', 'surfboards', 'sports', ['surfing', 'surf', 'board'], ['sports', 'water']],
  'tennis racket': ['tennis racket', 'tennis rackets', 'sports', ['racket', 'racquet', 'tennis'], ['sports']],
  bottle: ['bottle', 'bottles', 'kitchenware', [], ['drink']],
  'wine glass': ['wine glass', 'wine glasses', 'kitchenware', ['glass', 'wine'], ['drink']],
  cup: ['cup', 'cups', 'kitchenware', ['mug'], ['drink']],
  fork: ['fork', 'forks', 'kitchenware', ['cutlery'], ['utensil']],
  knife: ['knife', 'knives', 'kitchenware', ['cutlery'], ['utensil']],
  spoon: ['spoon', 'spoons', 'kitchenware', ['cutlery'], ['utensil']],
  bowl: ['bowl', 'bowls', 'kitchenware', ['dish'], ['dish']],
  banana: ['banana', 'bananas', 'food', [], ['food', 'fruit']],
  apple: ['apple', 'apples', 'food', [], ['food', 'fruit']],
  sandwich: ['sandwich', 'sandwiches', 'food', [], ['food', 'meal']],
  orange: ['orange', 'oranges', 'food', [], ['food', 'fruit']],
  broccoli: ['broccoli', 'broccoli', 'food', [], ['food', 'vegetable']],
  carrot: ['carrot', 'carrots', 'food', [], ['food', 'vegetable']],
  'hot dog': ['hot dog', 'hot dogs', 'food', ['hotdog'], ['food', 'meal']],
  pizza: ['pizza', 'pizzas', 'food', [], ['food', 'meal']],
  donut: ['donut', 'donuts', 'food', ['doughnut'], ['food', 'dessert']],
  cake: ['cake', 'cakes', 'food', [], ['food', 'dessert']],
  chair: ['chair', 'chairs', 'furniture', ['seat'], ['furniture']],
  couch: ['couch', 'couches', 'furniture', ['sofa'], ['furniture']],
  'potted plant': ['potted plant', 'potted plants', 'household', ['plant', 'houseplant'], ['plant']],
  bed: ['bed', 'beds', 'furniture', [], ['furniture', 'bedroom']],
  'dining table': ['table', 'tables', 'furniture', ['dining table'], ['furniture']],
  toilet: ['toilet', 'toilets', 'household', [], ['bathroom']],
  tv: ['television', 'televisions', 'electronics', ['tv', 'screen', 'monitor'], ['electronics']],
  laptop: ['laptop', 'laptops', 'electronics', ['computer', 'notebook'], ['electronics']],
  mouse: ['computer mouse', 'computer mice', 'electronics', ['mouse'], ['electronics', 'computer']],
  remote: ['remote control', 'remote controls', 'electronics', ['remote', 'controller'], ['electronics']],
  keyboard: ['keyboard', 'keyboards', 'electronics', [], ['electronics', 'computer']],
  'cell phone': ['cell phone', 'cell phones', 'electronics', ['phone', 'smartphone', 'mobile'], ['electronics']],
  microwave: ['microwave', 'microwaves', 'household', [], ['appliance', 'kitchen']],
  oven: ['oven', 'ovens', 'household', ['stove'], ['appliance', 'kitchen']],
  toaster: ['toaster', 'toasters', 'household', [], ['appliance', 'kitchen']],
  sink: ['sink', 'sinks', 'household', [], []],
  refrigerator: ['refrigerator', 'refrigerators', 'household', ['fridge'], ['appliance', 'kitchen']],
  book: ['book', 'books', 'household', [], ['reading']],
  clock: ['clock', 'clocks', 'household', [], ['time']],
  vase: ['vase', 'vases', 'household', ['flowers'], ['decoration']],
  scissors: ['pair of scissors', 'scissors', 'household', ['scissors'], ['tool']],
  'teddy bear': ['teddy bear', 'teddy bears', 'household', ['toy', 'stuffed animal'], ['toy']],
  'hair drier': ['hair dryer', 'hair dryers', 'household', ['hairdryer'], ['bathroom']],
  toothbrush: ['toothbrush', 'toothbrushes', 'household', [], ['bathroom']],
};

export function noun(label: string): Noun {
  // Two classes the analyzer cannot choose between: "dog|cat" → "dog or cat".
  if (label.includes('|')) {
    const [first, second] = label.split('|').map((part) => noun(part));
    return {
      singular: `${first.singular} or ${second.singular}`,
      plural: `${first.plural} or ${second.plural}`,
      kind: first.kind,
      synonyms: [],
      categories: [...new Set([...first.categories, ...second.categories])],
    };
  }
  const entry = entries[label as CocoLabel];
  if (!entry) return { singular: label, plural: `${label}s`, kind: 'household', synonyms: [], categories: [] };
  const [singular, plural, kind, synonyms, categories] = entry;
  return { singular, plural, kind, synonyms, categories };
}

/** "an" before a vowel sound. Our nouns have no silent-h or "uni-" words, so the first letter decides. */
export function article(word: string): 'a' | 'an' {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}

export function withArticle(word: string): string {
  return `${article(word)} ${word}`;
}

const NUMBER_WORDS = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
];

export function numberWord(count: number): string {
  return NUMBER_WORDS[count] ?? String(count);
}

/** Collective nouns for larger groups: "a herd of cows", "a flock of birds". */
const GROUPS: Partial<Record<CocoLabel, string>> = {
  person: 'group',
  sheep: 'herd',
  cow: 'herd',
  elephant: 'herd',
  zebra: 'herd',
  horse: 'herd',
  giraffe: 'group',
  bird: 'flock',
};

/** "a cat", "two cats", "a group of people", "many cars"; with a colour, "an orange cat", "two red buses". */
export function countPhrase(label: string, count: number, colour: string | null = null): string {
  const word = noun(label);
  const adjective = colour ? `${colour} ` : '';
  if (count <= 1) return withArticle(`${adjective}${word.singular}`);
  const group = GROUPS[label as CocoLabel];
  if (count >= 4 && group) return `${withArticle(group)} of ${word.plural}`;
  if (count > 6) return `many ${adjective}${word.plural}`;
  return `${numberWord(count)} ${adjective}${word.plural}`;
}

/** Things whose colour people mention ("a red bus", "a black cat"); not people, food or rooms. */
const COLOURED = new Set<string>([
  'bicycle',
  'car',
  'motorcycle',
  'airplane',
  'bus',
  'train',
  'truck',
  'boat',
  'fire hydrant',
  'cat',
  'dog',
  'horse',
  'bird',
  'umbrella',
  'kite',
  'surfboard',
  'frisbee',
  'couch',
  'teddy bear',
  'suitcase',
  'backpack',
  'vase',
]);
/** Detector-level colour names mapped to the plain words a caption uses; murky hues are not worth saying. */
const PLAIN_COLOURS: Record<string, string | null> = {
  'dark red': 'red',
  red: 'red',
  pink: 'pink',
  magenta: 'pink',
  orange: 'orange',
  brown: 'brown',
  yellow: 'yellow',
  green: 'green',
  'dark green': 'green',
  blue: 'blue',
  'dark blue': 'blue',
  'light blue': 'blue',
  purple: 'purple',
  white: 'white',
  black: 'black',
  grey: 'grey',
  olive: null,
  teal: null,
  beige: null,
};

/** The colour word to put before this object's noun, or null. */
export function colourWord(label: string, colour: string | null): string | null {
  if (!colour || !COLOURED.has(label)) return null;
  return plainColour(colour);
}

export function plainColour(colour: string): string | null {
  return PLAIN_COLOURS[colour] ?? null;
}

/** Words in questions that mean people; not tags, since the detector cannot tell a man from a child. */
const PERSON_WORDS = new Set([
  'man',
  'woman',
  'men',
  'women',
  'persons',
  'humans',
  'kids',
  'kid',
  'children',
  'child',
  'boy',
  'boys',
  'girl',
  'girls',
  'adults',
  'adult',
  'someone',
  'anyone',
  'anybody',
  'somebody',
  'player',
  'players',
]);

/** Every label a word can name: singular, plural or synonym ("people" → person, "sofa" → couch). */
export function labelsForWord(word: string): string[] {
  const wanted = word.toLowerCase().trim();
  const found: string[] = [];
  for (const [label, [singular, plural, , synonyms, categories]] of Object.entries(entries)) {
    if (label === wanted || singular === wanted || plural === wanted || synonyms.includes(wanted)) found.push(label);
    else if (categories.includes(wanted)) found.push(label);
  }
  if (found.length === 0 && PERSON_WORDS.has(wanted)) return ['person'];
  if (found.length === 0 && wanted.endsWith('s')) return labelsForWord(wanted.slice(0, -1));
  return found;
}
