/**
 * A JPEG's size, EXIF orientation and whether it has EXIF, read from its marker segments in JavaScript: what
 * prepare.ts asked `sharp().metadata()` for before decoding (to refuse a decompression bomb before any pixel is
 * decoded). For a photo that header call cost about a twentieth of its decode (a trip through libvips' thread pool
 * and its metadata object); this reads a few dozen bytes. Undefined for anything unusual: then sharp is asked.
 */

export interface JpegHeader {
  format: 'jpeg';
  width: number;
  height: number;
  /** EXIF orientation 1–8, when the EXIF says so. */
  orientation?: number;
  hasExif: boolean;
}

const EXIF_HEADER = Buffer.from('Exif\0\0', 'latin1');

/** Start-of-frame markers: baseline, extended, progressive, lossless, arithmetic (not DHT 0xC4, JPG 0xC8, DAC 0xCC). */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

export function readJpegHeader(bytes: Buffer): JpegHeader | undefined {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  let orientation: number | undefined;
  let hasExif = false;
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return undefined;
    const marker = bytes[at + 1];
    if (marker === 0xff) {
      at++;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return undefined; // a scan before any frame header
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      at += 2;
      continue;
    }
    const length = bytes.readUInt16BE(at + 2);
    const end = at + 2 + length;
    if (length < 2 || end > bytes.length) return undefined;
    const data = bytes.subarray(at + 4, end);
    if (marker === 0xe1 && !hasExif && data.subarray(0, EXIF_HEADER.length).equals(EXIF_HEADER)) {
      hasExif = true;
      orientation = exifOrientation(data.subarray(EXIF_HEADER.length));
    } else if (isStartOfFrame(marker)) {
      if (data.length < 6) return undefined;
      const height = data.readUInt16BE(1);
      const width = data.readUInt16BE(3);
      // A height of 0 (to be given by a DNL marker later) is left to libvips.
      if (width === 0 || height === 0) return undefined;
      return { format: 'jpeg', width, height, ...(orientation ? { orientation } : {}), hasExif };
    }
    at = end;
  }
  return undefined;
}

/**
 * IFD0's Orientation (0x0112, SHORT) in a TIFF structure, clipped to 1–8 as libvips does (so that the rotation sharp
 * applies and the size reported here agree); undefined when absent.
 */
function exifOrientation(tiff: Buffer): number | undefined {
  if (tiff.length < 8) return undefined;
  const order = tiff.toString('latin1', 0, 2);
  if (order !== 'II' && order !== 'MM') return undefined;
  const little = order === 'II';
  const u16 = (at: number) => (little ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const ifd = little ? tiff.readUInt32LE(4) : tiff.readUInt32BE(4);
  if (ifd + 2 > tiff.length) return undefined;
  const entries = u16(ifd);
  for (let index = 0; index < entries; index++) {
    const entry = ifd + 2 + index * 12;
    if (entry + 12 > tiff.length) return undefined;
    if (u16(entry) !== 0x0112) continue;
    if (u16(entry + 2) !== 3) return undefined;
    return Math.min(8, Math.max(1, u16(entry + 8)));
  }
  return undefined;
}
