/**
 * A caption read as a sentence, for reranking: its content words as WordNet lemmas (with two-word compounds joined,
 * so "skate board" is "skateboard" and "hot dog" is not a dog), and the things it names with how many there are
 * and their colour ("two black dogs": dog, 2, black). Full-text search stems words, so "dog" and "dogs" look the
 * same to it; whether a caption speaks of one thing or several is much of what tells two similar pictures apart.
 */
import { namesVisibleThing } from './concepts.js';
import { STOP_WORDS, tokenize } from './query.js';
import { NUMBER } from './similarity.js';
import { baseForm, isIrregularPlural, mayHaveNounBaseForm } from './wordnet.js';

export interface Word {
  /** A number for this word in this process (similarities are cached by it). */
  id: number;
  /** The lemma that stands for the word: "horses" → horse, "riding" → ride, "skate board" → skateboard. */
  lemma: string;
  /** Every form that counts as the same word: surface, noun lemma, verb lemma. */
  forms: readonly string[];
  /** The word as written (the last one for a joined compound). */
  surface: string;
}

/** How many of a thing: 1, an exact number, or MANY (a plural or "a group of" with no number). */
export const MANY = 99;

export interface Thing {
  word: Word;
  number: number;
  colour: string | null;
}

export interface Sentence {
  /** Content words in order (stop words left out). */
  words: Word[];
  /** Words naming visible things, with number and colour, in order: the first is usually the subject. */
  things: Thing[];
  /** The first number word of the sentence (0: none). */
  count: number;
}

const COLOURS = new Set(
  'white black brown red blue green yellow orange pink purple gray grey silver gold tan beige'.split(' '),
);

/** Words that say how many; MANY when they say "several" without a number. (Maps: a caption may say "constructor".) */
const COUNT_WORDS = new Map<string, number>(
  Object.entries({
    a: 1,
    an: 1,
    one: 1,
    single: 1,
    lone: 1,
    another: 1,
    two: 2,
    pair: 2,
    couple: 2,
    both: 2,
    twin: 2,
    three: 3,
    four: 4,
    five: 5,
    six: 6,
    seven: 7,
    eight: 8,
    nine: 9,
    ten: 10,
    several: MANY,
    many: MANY,
    group: MANY,
    herd: MANY,
    bunch: MANY,
    crowd: MANY,
    lot: MANY,
    lots: MANY,
    few: MANY,
    multiple: MANY,
    flock: MANY,
    various: MANY,
    some: MANY,
    team: MANY,
    row: MANY,
    line: MANY,
    pile: MANY,
    variety: MANY,
    assortment: MANY,
    stack: MANY,
    number: MANY,
    numerous: MANY,
    collection: MANY,
    set: MANY,
    fleet: MANY,
    pack: MANY,
    array: MANY,
  }),
);

/** The first number word of a caption: the coarser "how many" the reranker compares whole sentences by. */
const SENTENCE_COUNTS = new Map<string, number>(
  Object.entries({
    one: 1,
    single: 1,
    lone: 1,
    two: 2,
    pair: 2,
    couple: 2,
    both: 2,
    three: 3,
    four: 4,
    five: 5,
    six: 6,
    several: 7,
    many: 7,
    group: 7,
    herd: 7,
    bunch: 7,
    crowd: 7,
    lot: 7,
    lots: 7,
    few: 3,
    multiple: 7,
    flock: 7,
    team: 7,
  }),
);

const wordCache = new Map<string, Word>();
let nextWordId = 0;

/** A word with its lemmas; -ing and -ed words count as verbs when WordNet knows the verb ("riding" → ride). */
export function lemmaWord(surface: string): Word {
  let word = wordCache.get(surface);
  if (word) return word;
  const noun = baseForm(surface, 'noun');
  const verb = baseForm(surface, 'verb');
  const lemma = /(ing|ed)$/.test(surface) && verb ? verb : (noun ?? verb ?? surface);
  word = {
    id: nextWordId++,
    lemma,
    forms: [...new Set([surface, noun, verb].filter((form): form is string => !!form))],
    surface,
  };
  // A number (a file name's: one per image) is not kept, so that the words that recur stay (see NUMBER in similarity.ts).
  if (NUMBER.test(surface)) return word;
  if (wordCache.size > 200_000) wordCache.clear();
  wordCache.set(surface, word);
  return word;
}

/** Two adjacent words that WordNet knows as one noun: "skate board" → skateboard, "tennis court", "hot dog". */
const compoundCache = new Map<string, Word | null>();

function compound(first: string, second: string): Word | null {
  const key = `${first} ${second}`;
  let found = compoundCache.get(key);
  if (found !== undefined) return found;
  found = null;
  const a = lemmaWord(first).lemma;
  const b = lemmaWord(second).lemma;
  for (const candidate of [first + second, a + b, `${first} ${second}`, `${first} ${b}`]) {
    if (!mayHaveNounBaseForm(candidate)) continue;
    const lemma = baseForm(candidate, 'noun');
    if (lemma) {
      found = { id: nextWordId++, lemma, forms: [lemma], surface: second };
      compoundWords.add(found);
      break;
    }
  }
  if (NUMBER.test(first) || NUMBER.test(second)) return found;
  if (compoundCache.size > 200_000) compoundCache.clear();
  compoundCache.set(key, found);
  return found;
}

const sentenceCache = new Map<string, Sentence>();

export function analyseSentence(text: string): Sentence {
  let sentence = sentenceCache.get(text);
  if (sentence) return sentence;
  const tokens = tokenize(text);
  const words: Word[] = [];
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index];
    const next = tokens[index + 1];
    if (next !== undefined && !STOP_WORDS.has(token) && !STOP_WORDS.has(next)) {
      const joined = compound(token, next);
      if (joined) {
        words.push(joined);
        index++;
        continue;
      }
    }
    if (!STOP_WORDS.has(token)) words.push(lemmaWord(token));
  }
  const count = tokens.map((token) => SENTENCE_COUNTS.get(token) ?? 0).find((value) => value > 0) ?? 0;
  sentence = { words, things: things(tokens), count };
  if (sentenceCache.size > 50_000) sentenceCache.clear();
  sentenceCache.set(text, sentence);
  return sentence;
}

/** Words that end a noun phrase when reading backwards from its noun. */
const PHRASE_BREAKS = new Set(['the', 'of', 'with', 'on', 'in', 'and']);

/** Visible things with the number and colour said before them ("a group of three brown horses"). */
function things(tokens: string[]): Thing[] {
  const found: Thing[] = [];
  tokens.forEach((token, index) => {
    if (STOP_WORDS.has(token) && !COUNT_WORDS.has(token)) return;
    // WordNet's first sense of "white" or "black" is a person: in a caption they are colours.
    if (COLOURS.has(token) || !namesVisibleThing(token)) return;
    // "group of", "couple of": the count word itself is not the thing.
    if (COUNT_WORDS.has(token) && tokens[index + 1] === 'of') return;
    const word = lemmaWord(token);
    let number = 0;
    let colour: string | null = null;
    for (let before = index - 1; before >= Math.max(0, index - 4); before--) {
      const previous = tokens[before];
      if (COLOURS.has(previous) && !colour) colour = previous === 'grey' ? 'gray' : previous;
      if (previous === 'of' && before > 0 && COUNT_WORDS.has(tokens[before - 1])) {
        number = COUNT_WORDS.get(tokens[before - 1])!;
        break;
      }
      if (COUNT_WORDS.has(previous)) {
        number = COUNT_WORDS.get(previous)!;
        break;
      }
      if (PHRASE_BREAKS.has(previous)) break;
      if (!COLOURS.has(previous) && namesVisibleThing(previous)) break;
    }
    const plural = isIrregularPlural(token) || (word.lemma !== token && /s$/.test(token) && !/ss$/.test(token));
    if (plural && number <= 1) number = MANY;
    if (!number) number = 1;
    found.push({ word, number, colour });
  });
  return found;
}

/**
 * Bumped whenever analyseSentence would read a text differently (its rules, or the WordNet data it reads): analyses
 * stored by another version are not used (see documentSentences in documents.ts), and the text is analysed again.
 */
export const SENTENCE_FORMAT = 1;

/**
 * A word as stored, with all lemmaWord found for it, so that reading it back needs no WordNet lookup (a file name's
 * number is a new word for every image): a word that is its own lemma and only form by its surface; another as
 * [surface, lemma, its other forms...]; a joined compound (made by compound()) as [0, lemma, surface].
 */
type StoredWord = string | [string, string, ...string[]] | [0, string, string];

function storedWord(word: Word): StoredWord {
  if (compoundWords.has(word)) return [0, word.lemma, word.surface];
  if (word.lemma === word.surface && word.forms.length === 1) return word.surface;
  return [word.surface, word.lemma, ...word.forms.slice(1)];
}

/** Compounds made by compound() or read back: they are stored as [0, lemma, surface]. */
const compoundWords = new WeakSet<Word>();

const storedCompounds = new Map<string, Word>();

function compoundWord(lemma: string, surface: string): Word {
  const key = `${lemma}\u0000${surface}`;
  let word = storedCompounds.get(key);
  if (!word) {
    word = { id: nextWordId++, lemma, forms: [lemma], surface };
    compoundWords.add(word);
    if (storedCompounds.size > 200_000) storedCompounds.clear();
    storedCompounds.set(key, word);
  }
  return word;
}

/** The word lemmaWord(surface) gives, from what it gave when the row was written (the same, without the lookups). */
function storedLemmaWord(surface: string, lemma: string, forms: readonly string[]): Word {
  let word = wordCache.get(surface);
  if (word) return word;
  word = { id: nextWordId++, lemma, forms, surface };
  // A number (a file name's: one per image) is not kept, so that the words that recur stay (see NUMBER in similarity.ts).
  if (NUMBER.test(surface)) return word;
  if (wordCache.size > 200_000) wordCache.clear();
  wordCache.set(surface, word);
  return word;
}

function decodeWord(stored: StoredWord): Word {
  if (typeof stored === 'string') return storedLemmaWord(stored, stored, [stored]);
  if (stored[0] === 0) return compoundWord(stored[1], stored[2]);
  const [surface, lemma, ...others] = stored as string[];
  return storedLemmaWord(surface, lemma, [surface, ...others]);
}

/**
 * An image's two readings, worked out when its search row is written so that a search need not analyse the rows it
 * reranks: its caption and tags as the reranker reads them, and every readable column as query coverage reads them
 * (of which only the words count; they usually begin with the first reading's words, which are then not repeated).
 */
export function encodeDocumentSentences(reranked: string, covered: string): string {
  const first = analyseSentence(reranked);
  const second = analyseSentence(covered).words.map(storedWord);
  const words = first.words.map(storedWord);
  let shared = 0;
  while (shared < words.length && shared < second.length && sameStored(words[shared], second[shared])) shared++;
  const things = first.things.map((thing) =>
    thing.colour ? [thing.word.surface, thing.number, thing.colour] : [thing.word.surface, thing.number],
  );
  return JSON.stringify([SENTENCE_FORMAT, first.count, words, things, shared, second.slice(shared)]);
}

function sameStored(a: StoredWord, b: StoredWord): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  return a.length === b.length && a.every((part, index) => part === b[index]);
}

/** The readings encodeDocumentSentences stored, or null when they are of another format (then analysed again). */
export function decodeDocumentSentences(encoded: string): { reranked: Sentence; covered: Sentence } | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(encoded);
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed[0] !== SENTENCE_FORMAT) return null;
  const [, count, words, things, shared, rest] = parsed as [
    number,
    number,
    StoredWord[],
    [string, number, string?][],
    number,
    StoredWord[],
  ];
  const decoded = words.map(decodeWord);
  const reranked: Sentence = {
    words: decoded,
    things: things.map(([surface, number, colour]) => ({
      word: wordCache.get(surface) ?? lemmaWord(surface),
      number,
      colour: colour ?? null,
    })),
    count,
  };
  // Coverage reads only the words of the second reading (see queryCoverage).
  const covered: Sentence = { words: [...decoded.slice(0, shared), ...rest.map(decodeWord)], things: [], count: 0 };
  return { reranked, covered };
}
