/**
 * A person's caption and keywords read from a JPEG's own bytes in JavaScript: XMP (APP1), IPTC (APP13, Photoshop
 * resource 0x0404) and EXIF's ImageDescription (APP1, IFD0), named and shaped as ExifTool's JSON gives them
 * (`-G1 -json`: a list of one item is a plain string), with ExifTool's decoding rules (IPTC text is Windows Latin 1
 * unless its CodedCharacterSet says UTF-8; EXIF text is taken as UTF-8). Indexing used to start ExifTool (a Perl
 * process, whose reading a file costs about as much CPU as decoding the photo) for every file that might hold such
 * metadata; a JPEG is now read here in well under a millisecond.
 *
 * Undefined means "not understood here, ask ExifTool": any other format, a JPEG whose structure is unusual (data
 * after its first scan, several EXIF or IPTC segments, extended XMP), XML this reader does not handle.
 */

import { GLIMPSE_XMP_NAMESPACE } from './exiftool.js';
import { jpegMetadataSegments } from './jpeg-segments.js';
import { XmlError } from './xml.js';
import { type RawTags, readXmpPacket } from './xmp.js';

const EXIF_HEADER = Buffer.from('Exif\0\0', 'latin1');
const XMP_HEADER = Buffer.from('http://ns.adobe.com/xap/1.0/\0', 'latin1');
const XMP_EXTENSION_HEADER = Buffer.from('http://ns.adobe.com/xmp/extension/\0', 'latin1');
const PHOTOSHOP_HEADER = Buffer.from('Photoshop 3.0\0', 'latin1');

/** What ExifTool takes for XMP in an APP1 segment that is neither EXIF nor extended XMP. */
function xmpPacket(data: Buffer): string | undefined {
  if (data.subarray(0, XMP_HEADER.length).equals(XMP_HEADER)) return data.toString('utf8', XMP_HEADER.length);
  const head = data.toString('latin1', 0, 5);
  if (head.startsWith('http') || head.startsWith('XMP\0') || /<(?:exif:|\?xpacket)/.test(data.toString('latin1'))) {
    // A non-standard header (ExifTool warns and reads it all the same): the XML starts at the first '<'.
    const start = data.indexOf(0x3c);
    return start < 0 ? undefined : data.toString('utf8', start);
  }
  return undefined;
}

class Unsupported extends Error {}

/** Glimpse's namespace URI without its version (xmp.ts accepts another version, as ExifTool does). */
const GLIMPSE_NAMESPACE_STEM = GLIMPSE_XMP_NAMESPACE.replace(/\d+\.\d+\/$/, '');

/**
 * The properties read are matched by namespace URI and local name, so a packet that does not name Glimpse's namespace,
 * nor Dublin Core's together with one of the three Dublin Core names read (case matters: `rdf:Description` is not
 * `dc:description`), holds none of them: its XML (tens of kilobytes from Lightroom or Photoshop, often with only
 * `dc:format` of Dublin Core) need not be parsed.
 */
function mayHoldProperties(packet: string): boolean {
  if (packet.includes(GLIMPSE_NAMESPACE_STEM)) return true;
  return (
    packet.includes('purl.org/dc/elements/') &&
    (packet.includes('description') || packet.includes('subject') || packet.includes('title'))
  );
}

/** Every tag the readers below may return, by ExifTool's group-qualified name (`-G1`). */
export const EMBEDDED_TAG_NAMES = [
  'XMP-dc:Description',
  'XMP-dc:Subject',
  'XMP-dc:Title',
  'IPTC:Caption-Abstract',
  'IPTC:Keywords',
  'IPTC:ObjectName',
  'IFD0:ImageDescription',
  'XMP-glimpse:Caption',
  'XMP-glimpse:CaptionSource',
  'XMP-glimpse:Tags',
  'XMP-glimpse:TagsSource',
];

/** The person's-metadata tags of a JPEG (none found: an empty object); undefined: ask ExifTool. */
export function readEmbeddedTags(bytes: Buffer): RawTags | undefined {
  const segments = jpegMetadataSegments(bytes)?.segments;
  if (!segments) return undefined;
  const tags: RawTags = {};
  const app1 = segments.filter((segment) => segment.marker === 0xe1);
  const exif = app1.filter((segment) => startsWith(segment.data, EXIF_HEADER));
  const app13 = segments.filter((segment) => segment.marker === 0xed);
  if (exif.length > 1 || app13.length > 1) return undefined;
  if (app1.some((segment) => startsWith(segment.data, XMP_EXTENSION_HEADER))) return undefined;
  try {
    if (exif.length === 1) {
      const description = imageDescription(exif[0].data.subarray(EXIF_HEADER.length));
      if (description !== undefined) tags['IFD0:ImageDescription'] = description;
    }
    if (app13.length === 1) readIptc(app13[0].data, tags);
    for (const segment of app1) {
      if (segment === exif[0]) continue;
      const packet = xmpPacket(segment.data);
      if (packet !== undefined && mayHoldProperties(packet)) readXmpPacket(packet, tags);
    }
  } catch (error) {
    if (error instanceof XmlError || error instanceof Unsupported || error instanceof RangeError) return undefined;
    throw error;
  }
  return tags;
}

/** A sidecar's tags (an .xmp file is one XMP packet); undefined: ask ExifTool. */
export function readSidecarTags(bytes: Buffer): RawTags | undefined {
  // UTF-16 sidecars (a byte-order mark, or zero bytes between ASCII ones) are left to ExifTool.
  if (bytes.includes(0)) return undefined;
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  try {
    return readXmpPacket(bytes.toString('utf8', start));
  } catch (error) {
    if (error instanceof XmlError) return undefined;
    throw error;
  }
}

function startsWith(data: Buffer, header: Buffer): boolean {
  return data.length >= header.length && data.subarray(0, header.length).equals(header);
}

/** EXIF "ASCII" text as ExifTool gives it: up to the first zero byte, as UTF-8 (bytes that are not: '?'). */
function exifText(data: Buffer): string {
  const zero = data.indexOf(0);
  const text = zero >= 0 ? data.subarray(0, zero) : data;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(text);
  } catch {
    return [...text].map((byte) => (byte < 0x80 ? String.fromCharCode(byte) : '?')).join('');
  }
}

/** IFD0's ImageDescription (tag 0x010E) in a TIFF structure. */
function imageDescription(tiff: Buffer): string | undefined {
  const order = tiff.toString('latin1', 0, 2);
  if (order !== 'II' && order !== 'MM') throw new Unsupported('byte order');
  const little = order === 'II';
  const u16 = (at: number) => (little ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const u32 = (at: number) => (little ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
  const ifd = u32(4);
  const entries = u16(ifd);
  for (let index = 0; index < entries; index++) {
    const entry = ifd + 2 + index * 12;
    if (u16(entry) !== 0x010e) continue;
    const type = u16(entry + 2);
    // ASCII, BYTE or UNDEFINED: text; any other type is unusual enough to leave to ExifTool.
    if (type !== 2 && type !== 1 && type !== 7) throw new Unsupported('ImageDescription type');
    const count = u32(entry + 4);
    const at = count <= 4 ? entry + 8 : u32(entry + 8);
    if (at + count > tiff.length) throw new Unsupported('ImageDescription outside the segment');
    return exifText(tiff.subarray(at, at + count));
  }
  return undefined;
}

/** IPTC datasets read: record 2's Caption-Abstract (120), Keywords (25, repeatable), ObjectName (5). */
const IPTC_TAGS = new Map([
  [120, 'IPTC:Caption-Abstract'],
  [25, 'IPTC:Keywords'],
  [5, 'IPTC:ObjectName'],
]);
/** CodedCharacterSet (1:90) for UTF-8: ESC % G. */
const UTF8_CHARSET = '\x1b%G';
/** Shift bytes of ISO 2022 character sets, which ExifTool leaves undecoded (with a warning). */
const ISO_2022_SHIFTS = new Set([0x14, 0x15, 0x1b]);

/** Photoshop's image resources in an APP13 segment; resource 0x0404 holds IPTC-IIM datasets. */
function readIptc(app13: Buffer, tags: RawTags): void {
  if (!startsWith(app13, PHOTOSHOP_HEADER)) {
    if (app13.includes(Buffer.from([0x1c, 0x02]))) throw new Unsupported('APP13 without a Photoshop header');
    return;
  }
  let iptc: Buffer | undefined;
  for (let at = PHOTOSHOP_HEADER.length; at + 12 <= app13.length; ) {
    // ExifTool stops at a resource without a known signature too (warning "Bad Photoshop IRB resource").
    const signature = app13.toString('latin1', at, at + 4);
    if (!/^(?:8BIM|PHUT|DCSR|AgHg|MeSa)$/.test(signature)) break;
    const id = app13.readUInt16BE(at + 4);
    const nameLength = app13[at + 6];
    const sizeAt = at + 6 + ((nameLength + 2) & ~1);
    const size = app13.readUInt32BE(sizeAt);
    const data = app13.subarray(sizeAt + 4, sizeAt + 4 + size);
    if (data.length !== size) throw new Unsupported('truncated resource');
    if (id === 0x0404 && signature === '8BIM') {
      if (iptc) throw new Unsupported('two IPTC resources');
      iptc = data;
    }
    at = sizeAt + 4 + size + (size & 1);
  }
  if (iptc) readIptcDatasets(iptc, tags);
}

function readIptcDatasets(iptc: Buffer, tags: RawTags): void {
  const values = new Map<string, Buffer[]>();
  let utf8 = false;
  for (let at = 0; at + 5 <= iptc.length; ) {
    if (iptc[at] !== 0x1c) {
      // Padding after the last dataset is fine; anything else is not understood.
      if (iptc.subarray(at).some((byte) => byte !== 0)) throw new Unsupported('IPTC dataset marker');
      break;
    }
    const record = iptc[at + 1];
    const dataset = iptc[at + 2];
    const length = iptc.readUInt16BE(at + 3);
    if (length & 0x8000) throw new Unsupported('extended IPTC dataset');
    const data = iptc.subarray(at + 5, at + 5 + length);
    if (data.length !== length) throw new Unsupported('truncated IPTC dataset');
    if (record === 1 && dataset === 90) {
      const charset = data.toString('latin1');
      if (charset === UTF8_CHARSET) utf8 = true;
      // Other ISO 2022 character sets: ExifTool leaves the bytes as they are and warns; so do not guess here.
      else if (charset.startsWith('\x1b%')) throw new Unsupported('IPTC character set');
    }
    const tag = record === 2 ? IPTC_TAGS.get(dataset) : undefined;
    if (tag) values.set(tag, [...(values.get(tag) ?? []), data]);
    at += 5 + length;
  }
  const latin = new TextDecoder('windows-1252');
  for (const [tag, items] of values) {
    const texts = items.map((data) => {
      const trimmed = data.subarray(0, data.length - trailingZeros(data));
      if (trimmed.some((byte) => ISO_2022_SHIFTS.has(byte))) throw new Unsupported('ISO 2022 shifts');
      return utf8 ? trimmed.toString('utf8') : latin.decode(trimmed);
    });
    tags[tag] = texts.length === 1 ? texts[0] : texts;
  }
}

function trailingZeros(data: Buffer): number {
  let count = 0;
  while (count < data.length && data[data.length - 1 - count] === 0) count++;
  return count;
}
