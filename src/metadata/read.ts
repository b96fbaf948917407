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

/**
 * The caption and tags a person wrote into an image file or its sidecar (`photo.jpg.xmp`, else `photo.xmp`); a
 * sidecar's values win over the file's, as in digiKam and darktable. Null when there are none. Never throws: a
 * file ExifTool cannot read has no person's metadata.
 */
export async function readPersonMetadata(imagePath: string): Promise<PersonMetadata | null> {
  if (/^https?:\/\//i.test(imagePath)) return null;
  const tool = await metadataTool();
  const result: PersonMetadata = { caption: null, tags: null, sources: [] };
  const candidates = [imagePath];
  for (const sidecar of [sidecarPath(imagePath, 'image'), sidecarPath(imagePath, 'base')]) {
    if (await readable(sidecar)) {
      candidates.push(sidecar);
      break;
    }
  }
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
