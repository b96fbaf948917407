/**
 * Reading what a person already wrote into a photo or its sidecar — a description and keywords in XMP
 * (dc:description, dc:subject), IPTC (Caption-Abstract, Keywords) or EXIF (ImageDescription) — so indexing can
 * import it as that person's own caption and tags. What Glimpse itself wrote (marked in its XMP namespace) is not
 * a person's and is skipped; so are the placeholders cameras put in ImageDescription ("OLYMPUS DIGITAL CAMERA").
 */
import { access } from 'node:fs/promises';
import { metadataTool } from './exiftool.js';
import { sidecarPath } from './write.js';

export interface PersonMetadata {
  caption: string | null;
  tags: string[] | null;
  /** The files they came from (the image, its sidecar). */
  sources: string[];
}

/** Where the provenance of imported descriptions says they came from. */
export const EMBEDDED_METADATA_SOURCE = 'embedded metadata';

const READ_ARGS = [
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
function personFields(raw: Raw): { caption: string | null; tags: string[] | null } {
  let caption =
    text(raw['XMP-dc:Description']) ?? text(raw['IPTC:Caption-Abstract']) ?? text(raw['IFD0:ImageDescription']);
  let tags = list(raw['XMP-dc:Subject']) ?? list(raw['IPTC:Keywords']);
  // What Glimpse generated and wrote is not a person's (a caption the person wrote and Glimpse wrote back is).
  if (raw['XMP-glimpse:CaptionSource'] === 'generated' && caption === text(raw['XMP-glimpse:Caption'])) caption = null;
  if (raw['XMP-glimpse:TagsSource'] === 'generated' && sameList(tags, raw['XMP-glimpse:Tags'])) tags = null;
  return { caption, tags };
}

async function readable(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** The two-byte id of EXIF's ImageDescription (0x010E) as it starts an IFD entry, in each byte order. */
const IMAGE_DESCRIPTION_II = Buffer.from([0x0e, 0x01]);
const IMAGE_DESCRIPTION_MM = Buffer.from([0x01, 0x0e]);

/**
 * Byte sequences without which ExifTool finds none of READ_ARGS' fields in a file: the Dublin Core namespace of
 * XMP-dc (in UTF-8 and UTF-16 packets), IPTC datasets 2:120 (Caption-Abstract) and 2:25 (Keywords), and the keywords
 * of containers whose contents are compressed or hex-coded (PNG's XMP chunk with its compression flag set,
 * ImageMagick's raw profiles, ExifTool's compressed EXIF chunk).
 */
const PERSON_METADATA_MARKERS = [
  Buffer.from('purl.org/dc/elements/1.1', 'latin1'),
  Buffer.from('purl.org/dc/elements/1.1', 'utf16le'),
  Buffer.from('purl.org/dc/elements/1.1', 'utf16le').swap16(),
  Buffer.from([0x1c, 0x02, 0x78]),
  Buffer.from([0x1c, 0x02, 0x19]),
  Buffer.from('XML:com.adobe.xmp\0\x01', 'latin1'),
  Buffer.from('Raw profile type', 'latin1'),
  Buffer.from('zxIf', 'latin1'),
];

/**
 * Whether a file's bytes may hold a person's caption or keywords for ExifTool to read. False only when none of the
 * markers above is there and no IFD entry could be an ImageDescription: then asking ExifTool (a Perl process, as
 * costly per image as decoding it) cannot find anything. A false true costs one ExifTool call, nothing more.
 */
export function mayHoldPersonMetadata(bytes: Buffer): boolean {
  // Gzip (an .svgz, say): the markers would be compressed.
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) return true;
  if (PERSON_METADATA_MARKERS.some((marker) => bytes.includes(marker))) return true;
  return (
    hasImageDescriptionEntry(bytes, IMAGE_DESCRIPTION_II, 2, 3) ||
    hasImageDescriptionEntry(bytes, IMAGE_DESCRIPTION_MM, 3, 2)
  );
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
 * The caption and tags a person wrote into an image file or its sidecar (`photo.jpg.xmp`, else `photo.xmp`); a
 * sidecar's values win over the file's, as in digiKam and darktable. Null when there are none. Never throws: a
 * file ExifTool cannot read has no person's metadata. Given the file's `bytes` (the indexer has read them already),
 * ExifTool reads the file only when they may hold such metadata (`mayHoldPersonMetadata`).
 */
export async function readPersonMetadata(
  imagePath: string,
  options: { bytes?: Buffer } = {},
): Promise<PersonMetadata | null> {
  if (/^https?:\/\//i.test(imagePath)) return null;
  const result: PersonMetadata = { caption: null, tags: null, sources: [] };
  const candidates = !options.bytes || mayHoldPersonMetadata(options.bytes) ? [imagePath] : [];
  for (const sidecar of [sidecarPath(imagePath, 'image'), sidecarPath(imagePath, 'base')]) {
    if (await readable(sidecar)) {
      candidates.push(sidecar);
      break;
    }
  }
  // ExifTool is started only when there is something to read.
  if (candidates.length === 0) return null;
  const tool = await metadataTool();
  for (const file of candidates) {
    let raw: Raw;
    try {
      raw = (await tool.readRaw(file, { readArgs: READ_ARGS })) as Raw;
    } catch {
      continue;
    }
    const fields = personFields(raw);
    if (fields.caption || fields.tags) result.sources.push(file);
    result.caption = fields.caption ?? result.caption;
    result.tags = fields.tags ?? result.tags;
  }
  return result.caption || result.tags ? result : null;
}
