/**
 * The image type of some bytes, from their magic numbers — never from a file name or a Content-Type header, which
 * the sender controls. Only the raster formats Glimpse decodes pass; SVG and everything else are refused.
 */
export interface SniffedType {
  mediaType: string;
  extension: string;
  /** Browsers can show it in an <img> as it is. */
  browserViewable: boolean;
}

const HEIF_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1']);

export function sniffImageType(bytes: Uint8Array): SniffedType | null {
  const ascii = (start: number, end: number) => String.fromCharCode(...bytes.subarray(start, end));
  if (bytes.length < 12) return null;
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff)
    return { mediaType: 'image/jpeg', extension: 'jpg', browserViewable: true };
  if (ascii(0, 8) === '\x89PNG\r\n\x1a\n') return { mediaType: 'image/png', extension: 'png', browserViewable: true };
  if (ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a')
    return { mediaType: 'image/gif', extension: 'gif', browserViewable: true };
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP')
    return { mediaType: 'image/webp', extension: 'webp', browserViewable: true };
  if (ascii(0, 4) === 'II*\0' || ascii(0, 4) === 'MM\0*')
    return { mediaType: 'image/tiff', extension: 'tiff', browserViewable: false };
  if (ascii(4, 8) === 'ftyp') {
    const brand = ascii(8, 12);
    if (brand === 'avif' || brand === 'avis')
      return { mediaType: 'image/avif', extension: 'avif', browserViewable: true };
    if (HEIF_BRANDS.has(brand)) return { mediaType: 'image/heic', extension: 'heic', browserViewable: false };
  }
  return null;
}
