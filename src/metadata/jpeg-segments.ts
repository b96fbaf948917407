/**
 * A JPEG's marker segments before its first scan, where all of its metadata is in a plain JPEG: after that scan comes
 * compressed data (where 0xFF is followed only by 0x00 or a restart marker, and a metadata marker's bytes turn up by
 * chance), tables and further scans. One walk for both of the metadata readers: the byte check that decides whether
 * ExifTool is asked (read.ts) and the JavaScript reader of those segments (embedded.ts).
 */

export interface Segment {
  marker: number;
  /** The segment's content, after its marker and length. */
  data: Buffer;
}

export interface MetadataSegments {
  segments: Segment[];
  /** Where the first scan's marker is: the bytes before it hold every segment. */
  firstScan: number;
}

/** Markers whose turning up after the first scan means metadata may be there too: end of image, APP1, APP13. */
function isLaterMarker(marker: number): boolean {
  return marker === 0xd9 || marker === 0xe1 || marker === 0xed;
}

/**
 * Undefined when the file is not a JPEG, its structure is not understood, or not all of its metadata is before the
 * first scan: an APP1 or APP13 marker, or an end of image before its last two bytes (a second image, a trailer).
 */
export function jpegMetadataSegments(bytes: Buffer): MetadataSegments | undefined {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  const end = bytes.length - 2;
  if (bytes[end] !== 0xff || bytes[end + 1] !== 0xd9) return undefined;
  const segments: Segment[] = [];
  let at = 2;
  for (;;) {
    if (at + 4 > end || bytes[at] !== 0xff) return undefined;
    const marker = bytes[at + 1];
    if (marker === 0xda) break;
    // Fill bytes and markers without a length.
    if (marker === 0xff) at++;
    else if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) at += 2;
    else {
      const length = bytes.readUInt16BE(at + 2);
      if (length < 2 || at + 2 + length > end) return undefined;
      segments.push({ marker, data: bytes.subarray(at + 4, at + 2 + length) });
      at += 2 + length;
    }
  }
  // One pass over the rest of the file (most of it): from each 0xFF byte to the next (memchr), looking at the byte
  // after it. Three searches for the two-byte markers cost a photo's whole metadata reading again.
  for (let found = bytes.indexOf(0xff, at); found >= 0 && found < end; found = bytes.indexOf(0xff, found + 1))
    if (isLaterMarker(bytes[found + 1])) return undefined;
  return { segments, firstScan: at };
}
