/**
 * Reading what a person already wrote into a photo or its sidecar — a description and keywords in XMP
 * (dc:description, dc:subject), IPTC (Caption-Abstract, Keywords) or EXIF (ImageDescription) — so indexing can
 * import it as that person's own caption and tags. What Glimpse itself wrote (marked in its XMP namespace) is not
 * a person's and is skipped; so are the placeholders cameras put in ImageDescription ("OLYMPUS DIGITAL CAMERA").
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { readEmbeddedTags, readSidecarTags } from './embedded.js';
import { metadataTool } from './exiftool.js';
import { jpegMetadataSegments } from './jpeg-segments.js';
import { sidecarPath } from './write.js';

export interface PersonMetadata {
  caption: string | null;
  tags: string[] | null;
  /** The files they came from (the image, its sidecar). */
  sources: string[];
}

/** Where the provenance of imported descriptions says they came from. */
export const EMBEDDED_METADATA_SOURCE = 'embedded metadata';

export const READ_ARGS = [
  '-G1',
  '-XMP-dc:Description',
  '-XMP-dc:Subject',
  '-IPTC:Caption-Abstract',
  '-IPTC:Keywords',
  '-EXIF:ImageDescription',
  '-XMP-glimpse:all',
];

/** Camera firmware fills ImageDescription with these; nobody wrote them. */
const PLACEHOLDER =
  /^(?:|OLYMPUS DIGITAL CAMERA|SONY DSC|DIGITAL CAMERA|KODAK.*CAMERA|default|untitled|image|photo|DCIM.*)$/i;

type Raw = Record<string, unknown>;

function text(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  const string = String(value).replace(/\s+/g, ' ').trim();
  return PLACEHOLDER.test(string) ? null : string;
}

function list(value: unknown): string[] | null {
  if (value === undefined || value === null || value === '') return null;
  const items = (Array.isArray(value) ? value : String(value).split(/\s*[,;]\s*/))
    .map((item) => String(item).trim())
    .filter(Boolean);
  return items.length > 0 ? [...new Set(items)] : null;
}

function sameList(a: string[] | null, b: unknown): boolean {
  const other = list(b);
  return !!a && !!other && a.length === other.length && a.every((item, index) => item === other[index]);
}

/** A person's caption and tags in one file's metadata (XMP first, then IPTC, then EXIF). */
export function personFields(raw: Raw): { caption: string | null; tags: string[] | null } {
  let caption =
    text(raw['XMP-dc:Description']) ?? text(raw['IPTC:Caption-Abstract']) ?? text(raw['IFD0:ImageDescription']);
  let tags = list(raw['XMP-dc:Subject']) ?? list(raw['IPTC:Keywords']);
  // What Glimpse generated and wrote is not a person's (a caption the person wrote and Glimpse wrote back is).
  if (raw['XMP-glimpse:CaptionSource'] === 'generated' && caption === text(raw['XMP-glimpse:Caption'])) caption = null;
  if (raw['XMP-glimpse:TagsSource'] === 'generated' && sameList(tags, raw['XMP-glimpse:Tags'])) tags = null;
  return { caption, tags };
}

/** The two-byte id of EXIF's ImageDescription (0x010E) as it starts an IFD entry, in each byte order. */
const IMAGE_DESCRIPTION_II = Buffer.from([0x0e, 0x01]);
const IMAGE_DESCRIPTION_MM = Buffer.from([0x01, 0x0e]);

/** Text as an XMP packet may hold it: UTF-8, or UTF-16 in either byte order. */
function xmpEncodings(text: string): Buffer[] {
  const utf16 = Buffer.from(text, 'utf16le');
  return [Buffer.from(text, 'latin1'), utf16, Buffer.from(utf16).swap16()];
}
/** XMP-dc needs the Dublin Core namespace and a `description` or `subject` property, in the packet's encoding. */
const DUBLIN_CORE = xmpEncodings('purl.org/dc/elements/1.1');
const DUBLIN_CORE_FIELDS = [xmpEncodings('description'), xmpEncodings('subject')];
/** IPTC datasets 2:120 (Caption-Abstract) and 2:25 (Keywords). */
const IPTC_DATASETS = [Buffer.from([0x1c, 0x02, 0x78]), Buffer.from([0x1c, 0x02, 0x19])];
/**
 * Containers whose contents are compressed or hex-coded, so that nothing above shows: PNG's XMP chunk with its
 * compression flag set, ImageMagick's raw profiles, ExifTool's compressed EXIF chunk.
 */
const OPAQUE_CONTAINERS = [
  Buffer.from('XML:com.adobe.xmp\0\x01', 'latin1'),
  Buffer.from('Raw profile type', 'latin1'),
  Buffer.from('zxIf', 'latin1'),
];

/**
 * Whether a file's bytes may hold a person's caption or keywords for ExifTool to read (READ_ARGS). False only when
 * none of the byte sequences those fields need is there: then asking ExifTool (a Perl process, whose reading a file
 * costs about as much CPU as decoding the photo) cannot find anything. A false true costs one ExifTool call.
 */
export function mayHoldPersonMetadata(file: Buffer): boolean {
  // Gzip (an .svgz, say): everything inside is compressed.
  if (file.length >= 2 && file[0] === 0x1f && file[1] === 0x8b) return true;
  const bytes = metadataRegion(file);
  if (OPAQUE_CONTAINERS.some((marker) => bytes.includes(marker))) return true;
  const dublinCore = DUBLIN_CORE.some(
    (namespace, encoding) =>
      bytes.includes(namespace) && DUBLIN_CORE_FIELDS.some((field) => bytes.includes(field[encoding])),
  );
  return (
    dublinCore ||
    IPTC_DATASETS.some((dataset) => bytes.includes(dataset)) ||
    hasImageDescriptionEntry(bytes, IMAGE_DESCRIPTION_II, 2, 3) ||
    hasImageDescriptionEntry(bytes, IMAGE_DESCRIPTION_MM, 3, 2)
  );
}

/**
 * The part of a file that can hold metadata: in a plain JPEG the marker segments before its first scan
 * (jpeg-segments.ts); a JPEG with metadata markers after it, or a structure not understood, is read whole, as is any
 * other format.
 */
function metadataRegion(bytes: Buffer): Buffer {
  const walk = jpegMetadataSegments(bytes);
  return walk ? bytes.subarray(0, walk.firstScan) : bytes;
}

/** An IFD entry for tag 0x010E: the tag id followed by a TIFF field type (1–13) written in the same byte order. */
function hasImageDescriptionEntry(bytes: Buffer, tag: Buffer, typeLow: number, typeHigh: number): boolean {
  for (let at = bytes.indexOf(tag); at >= 0 && at + 4 <= bytes.length; at = bytes.indexOf(tag, at + 1)) {
    const type = bytes[at + typeLow];
    if (bytes[at + typeHigh] === 0 && type >= 1 && type <= 13) return true;
  }
  return false;
}

/**
 * GLIMPSE_METADATA_READER=exiftool: every file that may hold such metadata is read by ExifTool, as before the
 * JavaScript reader (the bench measures both; the equivalence check compares them).
 */
function exiftoolOnly(): boolean {
  return process.env.GLIMPSE_METADATA_READER === 'exiftool';
}

/**
 * Which sidecars may exist, from one listing per folder: an indexing run asks for each image it describes, and two
 * failed opens per image (`photo.jpg.xmp`, `photo.xmp`) cost more than the rest of the metadata reading of a photo
 * without a sidecar. A folder is listed only when the run holds at least `LISTED_FROM` of its images (so that
 * indexing one photo of a large folder does not list it); otherwise, or when the listing fails, each sidecar is
 * tried as before. Names are compared without regard to case, and a name found is still opened by the path asked
 * for: on a case-insensitive file system `photo.JPG.xmp` opens as `photo.jpg.xmp`, on another it fails as before. A
 * sidecar written after its folder was listed is seen by the next run that describes the image.
 */
export class SidecarFinder {
  static readonly LISTED_FROM = 8;
  private readonly images = new Map<string, number>();
  private readonly listings = new Map<string, Promise<Set<string> | null>>();

  /** `imagePaths`: the run's images, to count them per folder. */
  constructor(imagePaths: Iterable<string>) {
    for (const path of imagePaths) {
      const folder = dirname(path);
      this.images.set(folder, (this.images.get(folder) ?? 0) + 1);
    }
  }

  /** False only when the folder's listing says there is no such file. */
  async mayExist(path: string): Promise<boolean> {
    const folder = dirname(path);
    if ((this.images.get(folder) ?? 0) < SidecarFinder.LISTED_FROM) return true;
    let listing = this.listings.get(folder);
    if (!listing) {
      listing = readdir(folder).then(
        (names) => new Set(names.map((name) => name.toLowerCase())),
        () => null,
      );
      this.listings.set(folder, listing);
    }
    const names = await listing;
    return !names || names.has(basename(path).toLowerCase());
  }
}

/** The tags of one file: read in JavaScript when it understands the file, else by ExifTool (`undefined`: none). */
interface Candidate {
  path: string;
  tags?: Raw;
}

/**
 * The caption and tags a person wrote into an image file or its sidecar (`photo.jpg.xmp`, else `photo.xmp`); a
 * sidecar's values win over the file's, as in digiKam and darktable. Null when there are none. Never throws: a
 * file that cannot be read has no person's metadata. A JPEG and an XMP sidecar are read in JavaScript
 * (embedded.ts); any other file, or one that reader does not understand, by ExifTool — and only when its bytes may
 * hold such metadata (`mayHoldPersonMetadata`). `bytes`: the file's content, when the caller has read it already; `sidecars`: an indexing run's folder listings.
 */
export async function readPersonMetadata(
  imagePath: string,
  options: { bytes?: Buffer; sidecars?: SidecarFinder } = {},
): Promise<PersonMetadata | null> {
  if (/^https?:\/\//i.test(imagePath)) return null;
  const result: PersonMetadata = { caption: null, tags: null, sources: [] };
  const candidates: Candidate[] = [];
  const bytes = options.bytes ?? (await readFile(imagePath).catch(() => undefined));
  if (bytes) {
    const tags = exiftoolOnly() ? undefined : readEmbeddedTags(bytes);
    if (tags) candidates.push({ path: imagePath, tags });
    else if (mayHoldPersonMetadata(bytes)) candidates.push({ path: imagePath });
  }
  for (const sidecar of [sidecarPath(imagePath, 'image'), sidecarPath(imagePath, 'base')]) {
    if (options.sidecars && !(await options.sidecars.mayExist(sidecar))) continue;
    const content = await readFile(sidecar).catch(() => undefined);
    if (content) {
      candidates.push({ path: sidecar, tags: exiftoolOnly() ? undefined : readSidecarTags(content) });
      break;
    }
  }
  for (const file of candidates) {
    let raw: Raw;
    try {
      // ExifTool is started only when a file needs it.
      raw = file.tags ?? ((await (await metadataTool()).readRaw(file.path, { readArgs: READ_ARGS })) as Raw);
    } catch {
      continue;
    }
    const fields = personFields(raw);
    if (fields.caption || fields.tags) result.sources.push(file.path);
    result.caption = fields.caption ?? result.caption;
    result.tags = fields.tags ?? result.tags;
  }
  return result.caption || result.tags ? result : null;
}
