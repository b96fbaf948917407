/**
 * Nearest-neighbour search for large vector spaces: every vector held in memory as int8 and scanned exactly with
 * usearch's SIMD kernels. Each vector is normalised and multiplied by one scale for the whole space (chosen so the
 * largest components of nearly all vectors fit in ±127), so the plain int8 inner product ranks like cosine; that
 * kernel is faster than usearch's int8 cosine. The best candidates are then re-ranked by the cosine of their
 * int8 vectors, which undoes the rounding and the odd clipped component. sqlite-vec's vec0 table stays the
 * source of truth; this is a cache of it, kept in a file beside the database so a new process need not re-read the
 * table (`<db>.vectors-<space>.i8`).
 *
 * Why an exact int8 scan and not a graph index (HNSW): on the bench's vectors, usearch HNSW missed a large share
 * of the true 50 nearest even at high expansion, where it was no faster, and took a long time to build on a small
 * machine; the int8 scan finds nearly all of them (the bench reports its recall@50) and needs no build beyond
 * quantising.
 *
 * The file is trusted only when its stamp (space, the space's creation time, dimensions, change generation) matches
 * the database and its CRC-32 checks out; anything else is rebuilt from the table.
 */
import { closeSync, mkdirSync, openSync, readSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

// The package's ESM entry locates its native build by walking up from a stack-derived path, which fails under
// some working directories; the CommonJS entry uses __dirname and always finds the prebuilt binary.
type Usearch = typeof import('usearch');
let loadedUsearch: Usearch | null = null;
/** usearch (a native module, ~10 ms to load) is loaded on the first vector search, not by every `glimpse` command. */
function usearch(): Usearch {
  return (loadedUsearch ??= createRequire(import.meta.url)('usearch') as Usearch);
}

/** zlib's CRC-32, loaded with the first vector file read or written: a search without vectors does without zlib. */
function crc32(data: Uint8Array, value?: number): number {
  return (createRequire(import.meta.url)('node:zlib') as typeof import('node:zlib')).crc32(data, value);
}

export interface IndexStamp {
  space: number;
  /** The space row's created_at: a database deleted and made anew gets a different one. */
  createdAt: string;
  dimensions: number;
  /** The space's change generation the vectors reflect (see vectors.ts: vector_changes). */
  generation: number;
}

export type SpaceIdentity = Omit<IndexStamp, 'generation'>;

const MAGIC = Buffer.from('GLIMPSE-I8-VECTORS-1\n');

/**
 * Candidates re-ranked per wanted neighbour: re-ranking only the wanted number loses neighbours that int8 rounding
 * pushed just past the cut; twice as many recovers them (the bench's recall@50 against float cosine shows it).
 */
const CANDIDATES_PER_RESULT = 2;

export class QuantizedVectors {
  readonly dimensions: number;
  /** What a unit vector is multiplied by before rounding (see scaleFor). */
  readonly scale: number;
  generation: number;
  private codes: Int8Array;
  private ids: Float64Array;
  private readonly slots = new Map<number, number>();
  private size = 0;

  constructor(dimensions: number, generation: number, scale: number, capacity = 1024) {
    this.dimensions = dimensions;
    this.generation = generation;
    this.scale = scale;
    this.codes = new Int8Array(Math.max(1, capacity) * dimensions);
    this.ids = new Float64Array(Math.max(1, capacity));
  }

  get count(): number {
    return this.size;
  }

  has(id: number): boolean {
    return this.slots.has(id);
  }

  /** Add or replace the vector of an image. */
  set(id: number, vector: Float32Array): void {
    if (vector.length !== this.dimensions)
      throw new Error(`vector of ${vector.length} dimensions in a ${this.dimensions}-d index`);
    let slot = this.slots.get(id);
    if (slot === undefined) {
      slot = this.size++;
      this.ensureCapacity(this.size);
      this.slots.set(id, slot);
      this.ids[slot] = id;
    }
    quantize(vector, this.scale, this.codes, slot * this.dimensions);
  }

  remove(id: number): void {
    const slot = this.slots.get(id);
    if (slot === undefined) return;
    // Keep the slots dense: the last vector moves into the hole.
    const last = --this.size;
    if (slot !== last) {
      this.codes.copyWithin(slot * this.dimensions, last * this.dimensions, (last + 1) * this.dimensions);
      this.ids[slot] = this.ids[last];
      this.slots.set(this.ids[slot], slot);
    }
    this.slots.delete(id);
  }

  /** The `limit` nearest images by cosine distance (of the int8 vectors: within about 0.01 of the float one). */
  nearest(vector: Float32Array, limit: number): { imageId: number; distance: number }[] {
    const k = Math.min(Math.max(0, Math.trunc(limit)), this.size);
    if (k === 0) return [];
    const dimensions = this.dimensions;
    const query = new Int8Array(dimensions);
    quantize(vector, this.scale, query, 0);
    const candidates = Math.min(this.size, Math.max(k * CANDIDATES_PER_RESULT, k + 20));
    // usearch reads a typed array from the start of its ArrayBuffer (it ignores byteOffset), so both arrays must
    // begin at offset 0: `subarray(0, n)` and a fresh query do. One thread: under load a second one cost more than
    // it saved on this 2-core machine.
    const { exactSearch, MetricKind } = usearch();
    const matches = exactSearch(
      this.codes.subarray(0, this.size * dimensions),
      query,
      dimensions,
      candidates,
      MetricKind.IP,
      1,
    );
    let queryNorm = 0;
    for (let index = 0; index < dimensions; index++) queryNorm += query[index] * query[index];
    queryNorm = Math.sqrt(queryNorm) || 1;
    const codes = this.codes;
    const ranked: { imageId: number; distance: number }[] = [];
    for (const key of matches.keys) {
      const slot = Number(key);
      if (slot >= this.size) continue;
      let dot = 0;
      let norm = 0;
      for (let index = 0, offset = slot * dimensions; index < dimensions; index++, offset++) {
        dot += codes[offset] * query[index];
        norm += codes[offset] * codes[offset];
      }
      ranked.push({ imageId: this.ids[slot], distance: 1 - dot / (Math.sqrt(norm) * queryNorm || 1) });
    }
    return ranked.sort((a, b) => a.distance - b.distance).slice(0, k);
  }

  /** Write atomically (temporary file, then rename): a crash leaves the old file or the new one, never half of one. */
  save(path: string, stamp: IndexStamp): void {
    mkdirSync(dirname(path), { recursive: true });
    const header = Buffer.from(`${JSON.stringify({ ...stamp, scale: this.scale, count: this.size })}\n`);
    const ids = Buffer.from(this.ids.buffer, 0, this.size * 8);
    const codes = Buffer.from(this.codes.buffer, 0, this.size * this.dimensions);
    let checksum = 0;
    for (const part of [MAGIC, header, ids, codes]) checksum = crc32(part, checksum);
    const trailer = Buffer.alloc(4);
    trailer.writeUInt32LE(checksum >>> 0);
    const temporary = `${path}.${process.pid}.tmp`;
    const handle = openSync(temporary, 'w');
    try {
      for (const part of [MAGIC, header, ids, codes, trailer]) writeSync(handle, part);
    } finally {
      closeSync(handle);
    }
    renameSync(temporary, path);
  }

  /**
   * The saved vectors if the file exists, is whole, and belongs to this space; otherwise null (the caller rebuilds).
   * Their `generation` says which change they reflect: the caller catches up from there or rebuilds.
   */
  static load(path: string, stamp: SpaceIdentity): QuantizedVectors | null {
    let handle: number;
    try {
      handle = openSync(path, 'r');
    } catch {
      return null;
    }
    try {
      const fileSize = statSync(path).size;
      const head = Buffer.alloc(Math.min(fileSize, 4096));
      readSync(handle, head, 0, head.length, 0);
      if (!head.subarray(0, MAGIC.length).equals(MAGIC)) return null;
      const newline = head.indexOf(10, MAGIC.length);
      if (newline < 0) return null;
      const header = parseHeader(head.subarray(MAGIC.length, newline + 1).toString());
      if (!header || !sameStamp(header, stamp)) return null;
      const headerBytes = newline + 1;
      if (fileSize !== headerBytes + header.count * (8 + stamp.dimensions) + 4) return null;
      const vectors = new QuantizedVectors(stamp.dimensions, header.generation, header.scale, header.count);
      const ids = Buffer.from(vectors.ids.buffer, 0, header.count * 8);
      const codes = Buffer.from(vectors.codes.buffer, 0, header.count * stamp.dimensions);
      readFully(handle, ids, headerBytes);
      readFully(handle, codes, headerBytes + ids.length);
      const trailer = Buffer.alloc(4);
      readFully(handle, trailer, fileSize - 4);
      let checksum = 0;
      for (const part of [head.subarray(0, headerBytes), ids, codes]) checksum = crc32(part, checksum);
      if (trailer.readUInt32LE() !== checksum >>> 0) return null;
      for (let slot = 0; slot < header.count; slot++) {
        const id = vectors.ids[slot];
        if (!Number.isSafeInteger(id) || vectors.slots.has(id)) return null;
        vectors.slots.set(id, slot);
      }
      vectors.size = header.count;
      return vectors;
    } catch {
      return null;
    } finally {
      closeSync(handle);
    }
  }

  static remove(path: string): void {
    rmSync(path, { force: true });
  }

  private ensureCapacity(wanted: number): void {
    if (wanted <= this.ids.length) return;
    const capacity = Math.max(wanted, Math.ceil(this.ids.length * 1.5));
    const codes = new Int8Array(capacity * this.dimensions);
    codes.set(this.codes);
    const ids = new Float64Array(capacity);
    ids.set(this.ids);
    this.codes = codes;
    this.ids = ids;
  }
}

/**
 * The space's scale: 127 over the largest component of a normalised vector, taken at the 99.9th percentile of a
 * sample so one odd vector cannot coarsen all the others (its largest components are clipped instead). Without a
 * sample, a value that suits typical embeddings: components of a random unit vector rarely pass 5/√d.
 */
export function scaleFor(sample: readonly Float32Array[], dimensions: number): number {
  const largest = sample
    .map((vector) => {
      let norm = 0;
      let top = 0;
      for (const value of vector) {
        norm += value * value;
        top = Math.max(top, Math.abs(value));
      }
      return norm > 0 ? top / Math.sqrt(norm) : 0;
    })
    .filter((value) => value > 0 && Number.isFinite(value))
    .sort((a, b) => a - b);
  const typical =
    largest.length > 0
      ? largest[Math.min(largest.length - 1, Math.floor(largest.length * 0.999))]
      : Math.min(1, 5 / Math.sqrt(dimensions));
  return 127 / typical;
}

/** Normalise, multiply by the space's scale, round and clip to ±127. */
export function quantize(vector: Float32Array, scale: number, into: Int8Array, offset: number): void {
  const length = vector.length;
  let norm = 0;
  for (let index = 0; index < length; index++) norm += vector[index] * vector[index];
  const factor = norm > 0 && Number.isFinite(norm) ? scale / Math.sqrt(norm) : 0;
  for (let index = 0; index < length; index++) {
    const value = Math.round(vector[index] * factor);
    into[offset + index] = value > 127 ? 127 : Math.max(value, -127);
  }
}

function readFully(handle: number, into: Buffer, position: number): void {
  let done = 0;
  while (done < into.length) {
    const read = readSync(handle, into, done, into.length - done, position + done);
    if (read === 0) throw new Error('unexpected end of file');
    done += read;
  }
}

function parseHeader(text: string): (IndexStamp & { count: number; scale: number }) | null {
  try {
    const value = JSON.parse(text) as IndexStamp & { count: number; scale: number };
    return Number.isSafeInteger(value.count) && value.count >= 0 && Number.isFinite(value.scale) && value.scale > 0
      ? value
      : null;
  } catch {
    return null;
  }
}

function sameStamp(a: IndexStamp, b: SpaceIdentity): boolean {
  return (
    a.space === b.space &&
    a.createdAt === b.createdAt &&
    a.dimensions === b.dimensions &&
    Number.isSafeInteger(a.generation) &&
    a.generation >= 0
  );
}
