/**
 * Is a caption honest about what it names? Noun precision: of the things a caption names (the 80 COCO object
 * classes, in the words people use for them), the share that the human references also name. Noun recall: of the
 * things most references agree on (named by at least two, or by the only one), the share the caption names.
 * Scene precision and recall do the same for places ("kitchen", "beach", "street", "office"…).
 *
 * Words are matched as concepts, not strings: "puppy" names a dog, "man" and "skier" name a person, "sofa" a couch.
 * Hedged words ("an animal", "an object", "a vehicle") name no class and so count neither for nor against.
 * Pure functions over raw strings; tokenised as the COCO evaluation does.
 */
import { tokenizeCaption } from './tokenize.js';

/** Concept → the words (singular and plural) that name it. Two-word names are matched before single words. */
const OBJECT_CONCEPTS: Record<string, string[]> = {
  person: [
    'person',
    'people',
    'persons',
    'man',
    'men',
    'woman',
    'women',
    'boy',
    'boys',
    'girl',
    'girls',
    'child',
    'children',
    'kid',
    'kids',
    'guy',
    'guys',
    'lady',
    'ladies',
    'baby',
    'babies',
    'toddler',
    'adult',
    'adults',
    'player',
    'players',
    'skier',
    'skiers',
    'surfer',
    'surfers',
    'skateboarder',
    'skateboarders',
    'snowboarder',
    'snowboarders',
    'rider',
    'riders',
    'batter',
    'catcher',
    'pitcher',
    'umpire',
    'crowd',
    'couple',
    'family',
    'someone',
    'human',
    'humans',
    'gentleman',
    'student',
    'students',
    'chef',
    'cyclist',
    'motorcyclist',
    'tourists',
    'tourist',
    'officer',
    'teenager',
    'teen',
    'skater',
  ],
  bicycle: ['bicycle', 'bicycles', 'bike', 'bikes', 'cycle'],
  car: ['car', 'cars', 'automobile', 'automobiles', 'taxi', 'suv', 'van'],
  motorcycle: [
    'motorcycle',
    'motorcycles',
    'motorbike',
    'motorbikes',
    'motor bike',
    'scooter',
    'moped',
    'bike',
    'bikes',
  ],
  airplane: ['airplane', 'airplanes', 'plane', 'planes', 'jet', 'jets', 'aircraft', 'airliner', 'jetliner'],
  bus: ['bus', 'buses', 'busses'],
  train: ['train', 'trains', 'locomotive', 'tram', 'trolley', 'subway'],
  truck: ['truck', 'trucks', 'lorry', 'pickup'],
  boat: ['boat', 'boats', 'ship', 'ships', 'sailboat', 'sailboats', 'canoe', 'kayak', 'yacht', 'ferry'],
  'traffic light': ['traffic light', 'traffic lights', 'stoplight', 'stop light', 'signal', 'traffic signal'],
  'fire hydrant': ['fire hydrant', 'fire hydrants', 'hydrant', 'hydrants'],
  'stop sign': ['stop sign', 'stop signs'],
  'parking meter': ['parking meter', 'parking meters', 'meter', 'meters'],
  bench: ['bench', 'benches'],
  bird: ['bird', 'birds', 'pigeon', 'pigeons', 'seagull', 'seagulls', 'gull', 'duck', 'ducks', 'parrot', 'goose'],
  cat: ['cat', 'cats', 'kitten', 'kittens', 'kitty'],
  dog: ['dog', 'dogs', 'puppy', 'puppies', 'pup'],
  horse: ['horse', 'horses', 'pony', 'ponies'],
  sheep: ['sheep', 'lamb', 'lambs'],
  cow: ['cow', 'cows', 'cattle', 'bull', 'bulls', 'calf', 'ox', 'oxen'],
  elephant: ['elephant', 'elephants'],
  bear: ['bear', 'bears'],
  zebra: ['zebra', 'zebras'],
  giraffe: ['giraffe', 'giraffes'],
  backpack: ['backpack', 'backpacks', 'rucksack', 'bag', 'bags'],
  umbrella: ['umbrella', 'umbrellas', 'parasol', 'parasols'],
  handbag: ['handbag', 'handbags', 'purse', 'purses', 'bag', 'bags'],
  tie: ['tie', 'ties', 'necktie'],
  suitcase: ['suitcase', 'suitcases', 'luggage', 'bag', 'bags'],
  frisbee: ['frisbee', 'frisbees', 'disc'],
  skis: ['skis', 'ski', 'skiing', 'skier', 'skiers'],
  snowboard: ['snowboard', 'snowboards', 'snowboarding', 'snowboarder'],
  'sports ball': ['ball', 'balls', 'soccer ball', 'football', 'baseball', 'tennis ball'],
  kite: ['kite', 'kites'],
  'baseball bat': ['baseball bat', 'bat', 'bats'],
  'baseball glove': ['baseball glove', 'glove', 'gloves', 'mitt'],
  skateboard: ['skateboard', 'skateboards', 'skateboarding', 'skateboarder', 'board'],
  surfboard: ['surfboard', 'surfboards', 'surfing', 'surfer', 'surfers', 'board', 'boards', 'surf board'],
  'tennis racket': ['tennis racket', 'racket', 'rackets', 'racquet', 'racquets', 'tennis'],
  bottle: ['bottle', 'bottles'],
  'wine glass': ['wine glass', 'wine glasses', 'glass', 'glasses', 'wine'],
  cup: ['cup', 'cups', 'mug', 'mugs', 'coffee'],
  fork: ['fork', 'forks', 'utensils', 'silverware'],
  knife: ['knife', 'knives', 'utensils', 'silverware'],
  spoon: ['spoon', 'spoons', 'utensils', 'silverware'],
  bowl: ['bowl', 'bowls', 'dish', 'dishes'],
  banana: ['banana', 'bananas'],
  apple: ['apple', 'apples'],
  sandwich: ['sandwich', 'sandwiches', 'burger', 'hamburger', 'sub'],
  orange: ['orange', 'oranges'],
  broccoli: ['broccoli'],
  carrot: ['carrot', 'carrots'],
  'hot dog': ['hot dog', 'hot dogs', 'hotdog', 'hotdogs'],
  pizza: ['pizza', 'pizzas'],
  donut: ['donut', 'donuts', 'doughnut', 'doughnuts'],
  cake: ['cake', 'cakes', 'cupcake', 'cupcakes', 'dessert'],
  chair: ['chair', 'chairs', 'seat', 'seats', 'stool'],
  couch: ['couch', 'couches', 'sofa', 'sofas', 'loveseat'],
  'potted plant': ['potted plant', 'plant', 'plants', 'flowers', 'flower', 'houseplant'],
  bed: ['bed', 'beds'],
  'dining table': ['table', 'tables', 'dining table', 'desk', 'counter'],
  toilet: ['toilet', 'toilets'],
  tv: ['tv', 'tvs', 'television', 'televisions', 'monitor', 'monitors', 'screen', 'screens'],
  laptop: ['laptop', 'laptops', 'computer', 'computers', 'notebook'],
  mouse: ['mouse', 'computer mouse'],
  remote: ['remote', 'remotes', 'remote control', 'controller', 'controllers'],
  keyboard: ['keyboard', 'keyboards'],
  'cell phone': ['cell phone', 'cell phones', 'phone', 'phones', 'cellphone', 'cellphones', 'smartphone'],
  microwave: ['microwave', 'microwaves'],
  oven: ['oven', 'ovens', 'stove', 'stoves'],
  toaster: ['toaster', 'toasters'],
  sink: ['sink', 'sinks'],
  refrigerator: ['refrigerator', 'refrigerators', 'fridge', 'fridges'],
  book: ['book', 'books'],
  clock: ['clock', 'clocks'],
  vase: ['vase', 'vases'],
  scissors: ['scissors'],
  'teddy bear': ['teddy bear', 'teddy bears', 'stuffed animal', 'stuffed animals', 'teddy'],
  'hair drier': ['hair dryer', 'hair drier', 'blow dryer', 'hairdryer'],
  toothbrush: ['toothbrush', 'toothbrushes'],
};

/** Places people name in captions, grouped by what they mean. */
const SCENE_CONCEPTS: Record<string, string[]> = {
  kitchen: ['kitchen', 'kitchens'],
  bathroom: ['bathroom', 'bathrooms', 'restroom', 'restrooms'],
  bedroom: ['bedroom', 'bedrooms', 'hotel room'],
  'living room': ['living room', 'living rooms', 'lounge'],
  office: ['office', 'offices', 'desk', 'workstation', 'cubicle'],
  street: ['street', 'streets', 'road', 'roads', 'city street', 'intersection', 'highway', 'sidewalk', 'avenue'],
  beach: ['beach', 'beaches', 'ocean', 'sea', 'shore', 'wave', 'waves', 'surf'],
  snow: ['snow', 'snowy', 'slope', 'slopes', 'ski slope'],
  field: ['field', 'fields', 'pasture', 'meadow', 'grassland'],
  park: ['park', 'parks'],
  airport: ['airport', 'runway', 'tarmac', 'airfield'],
  railway: ['station', 'platform', 'tracks', 'track', 'railroad', 'railway'],
  'tennis court': ['tennis court', 'court'],
  'baseball field': ['baseball field', 'baseball diamond', 'diamond', 'baseball game', 'ball field'],
  water: ['water', 'lake', 'river', 'harbor', 'harbour', 'dock', 'marina', 'pond'],
};

type Lexicon = Map<string, Set<string>>;

function lexicon(concepts: Record<string, string[]>): Lexicon {
  const byWords: Lexicon = new Map();
  for (const [concept, words] of Object.entries(concepts))
    for (const word of words) {
      const key = word.toLowerCase();
      const set = byWords.get(key) ?? new Set<string>();
      set.add(concept);
      byWords.set(key, set);
    }
  return byWords;
}

const OBJECTS = lexicon(OBJECT_CONCEPTS);
const SCENES = lexicon(SCENE_CONCEPTS);

/** One naming: the concepts a word can mean ("bike" → bicycle or motorcycle). */
type Naming = ReadonlySet<string>;

/**
 * What a text names, each distinct word-meaning once. A word that can name several concepts ("bag", "bike") is
 * one naming that is right when any of its concepts is; two-word names come first and use up their words
 * ("teddy bear" is not also a bear).
 */
function namingsIn(text: string, words: Lexicon): Naming[] {
  const tokens = tokenizeCaption(text);
  const found = new Map<string, Naming>();
  for (let index = 0; index < tokens.length; index++) {
    let naming = index + 1 < tokens.length ? words.get(`${tokens[index]} ${tokens[index + 1]}`) : undefined;
    if (naming) index++;
    else naming = words.get(tokens[index]);
    if (naming) found.set([...naming].sort().join('|'), naming);
  }
  return merge([...found.values()]);
}

/** Namings that share a concept are one thing named ("bike" and "bicycle"). */
function merge(namings: Naming[]): Naming[] {
  const groups: Set<string>[] = [];
  for (const naming of namings) {
    const overlapping = groups.filter((group) => intersects(group, naming));
    const merged = new Set([...naming, ...overlapping.flatMap((group) => [...group])]);
    for (const group of overlapping) groups.splice(groups.indexOf(group), 1);
    groups.push(merged);
  }
  return groups;
}

function intersects(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  for (const value of a) if (b.has(value)) return true;
  return false;
}

/** The object classes a caption names, e.g. "A puppy on a sofa." → dog, couch. */
export function namedObjects(text: string): Set<string> {
  return new Set(namingsIn(text, OBJECTS).flatMap((naming) => [...naming]));
}

/** The places a caption names, e.g. "A man surfing a wave." → beach. */
export function namedScenes(text: string): Set<string> {
  return new Set(namingsIn(text, SCENES).flatMap((naming) => [...naming]));
}

export interface NamingItem {
  candidate: string;
  references: readonly string[];
}

export interface NamingScores {
  /** Things named that the references also name ÷ things named; NaN when no caption names anything. */
  precision: number;
  /** Agreed reference things the candidate names ÷ agreed reference things; NaN when there are none. */
  recall: number;
  /** How many things the candidates named, and how many of those were right. */
  named: number;
  correct: number;
  /** How many things the references agreed on, and how many of those the candidates named. */
  agreed: number;
  found: number;
}

/**
 * Micro-averaged over the corpus. A thing named is right when any reference names it; a reference thing is
 * agreed when at least two references name it (or the only reference does).
 */
export function namingScores(items: readonly NamingItem[], kind: 'objects' | 'scenes' = 'objects'): NamingScores {
  const words = kind === 'objects' ? OBJECTS : SCENES;
  let named = 0;
  let correct = 0;
  let agreed = 0;
  let found = 0;
  for (const item of items) {
    const candidate = namingsIn(item.candidate, words);
    const perReference = item.references.map((reference) => namingsIn(reference, words));
    const needed = Math.min(2, perReference.length);
    const mentions = (naming: Naming) =>
      perReference.filter((namings) => namings.some((other) => intersects(other, naming))).length;
    const agreedHere = merge(perReference.flat().filter((naming) => mentions(naming) >= needed));
    named += candidate.length;
    correct += candidate.filter((naming) => mentions(naming) > 0).length;
    agreed += agreedHere.length;
    found += agreedHere.filter((naming) => candidate.some((other) => intersects(other, naming))).length;
  }
  return {
    precision: named === 0 ? Number.NaN : correct / named,
    recall: agreed === 0 ? Number.NaN : found / agreed,
    named,
    correct,
    agreed,
    found,
  };
}
