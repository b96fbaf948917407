/**
 * Decoding and downscaling. One decode per image: sharp reads the header (format, size — so a decompression bomb
 * is refused before any pixel is decoded), then decodes once to raw pixels at the provider's size; the upload
 * encoding and the thumbnail are made from those pixels, only when asked for.
 */
import sharp from 'sharp';
import { GlimpseError } from '../errors.js';
import type { ExifSummary, PreparedImage } from '../providers/spec.js';
import { readExif } from './exif.js';
import { readJpegHeader } from './jpeg-header.js';
import { imageLimits } from './limits.js';

type SharpPipeline = ReturnType<typeof sharp>;
type SharpMetadata = Awaited<ReturnType<SharpPipeline['metadata']>>;
type SharpRaw = { data: Buffer; info: { width: number; height: number } };

export const DEFAULT_MAX_PIXELS = 100_000_000; // 100 MP: any real camera, refuses 30000×30000 bombs
export const THUMBNAIL_SIZE = 320;

// Keep libvips from using more threads than the machine has; indexing parallelism comes from our own pool.
sharp.concurrency(1);

export interface PrepareOptions {
  /** Longest side after downscaling. */
  maxSide: number;
  /** Refuse images with more pixels than this (decompression bombs). */
  maxPixels?: number;
  /** Render SVG (default: the process's image limits, off unless --allow-svg / GLIMPSE_ALLOW_SVG). */
  allowSvg?: boolean;
}

export interface Prepared {
  image: PreparedImage;
  /** A small WebP for the web app, made on demand. */
  thumbnail(): Promise<Buffer>;
}

const HEIF_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1']);

export async function prepareImage(bytes: Buffer, source: string, options: PrepareOptions): Promise<Prepared> {
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  let input: SharpPipeline;
  let format: string;
  let width: number;
  let height: number;
  let orientation: number | undefined;
  // Only images that can carry alpha are decoded with four channels and checked for transparency.
  let mayHaveAlpha = true;
  let hasExif = false;

  if (isHeicNotAvif(bytes)) {
    // sharp's prebuilt libvips reads AVIF but not HEVC-coded HEIC (patents); decode those in WebAssembly instead.
    const decoded = await decodeHeic(bytes, source, maxPixels);
    input = sharp(decoded.data, { raw: { width: decoded.width, height: decoded.height, channels: 4 } });
    format = 'heic';
    ({ width, height } = decoded);
  } else {
    // A JPEG's header is read here (jpeg-header.ts); other formats', or an unusual JPEG's, by sharp.
    let metadata: Pick<SharpMetadata, 'format' | 'width' | 'height' | 'orientation' | 'hasAlpha'> & {
      hasExif: boolean;
    };
    const jpeg = readJpegHeader(bytes);
    if (jpeg) {
      metadata = { ...jpeg, hasAlpha: false };
    } else {
      try {
        const read = await sharp(bytes, { limitInputPixels: false }).metadata();
        metadata = { ...read, hasExif: read.exif !== undefined };
      } catch (error) {
        throw decodeError(error, source);
      }
    }
    format = metadata.format ?? 'unknown';
    width = metadata.width ?? 0;
    height = metadata.height ?? 0;
    orientation = metadata.orientation;
    mayHaveAlpha = metadata.hasAlpha ?? true;
    hasExif = metadata.hasExif;
    if (format === 'svg') {
      // SVG is a document, not pixels: refused unless allowed, never with external resources, and rendered
      // straight at the size the provider needs (within the pixel cap) instead of at its declared size.
      checkSvg(bytes, source, options.allowSvg ?? imageLimits().allowSvg);
      const scale = Math.min(
        1,
        options.maxSide / Math.max(1, width, height),
        Math.sqrt(maxPixels / Math.max(1, width * height)),
      );
      input = sharp(bytes, { density: Math.max(1, 72 * scale), limitInputPixels: maxPixels, failOn: 'warning' });
    } else {
      checkPixels(width, height, maxPixels, source);
      // failOn 'error' would accept truncated JPEGs silently as grey; 'warning' reports them, which users want to know.
      input = sharp(bytes, { limitInputPixels: maxPixels, failOn: 'warning', pages: 1 });
    }
  }

  let raw: SharpRaw;
  try {
    const resized = input
      .rotate() // apply EXIF orientation
      .resize({ width: options.maxSide, height: options.maxSide, fit: 'inside', withoutEnlargement: true })
      .toColourspace('srgb');
    raw = await (mayHaveAlpha ? resized.ensureAlpha() : resized.removeAlpha())
      .raw()
      .toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw decodeError(error, source);
  }

  const channels = mayHaveAlpha ? 4 : 3;
  const rawInput = { raw: { width: raw.info.width, height: raw.info.height, channels } as const };
  const hasAlpha = mayHaveAlpha && hasTransparency(raw.data);
  const exif = hasExif ? await readExif(bytes) : null;
  const swapped = orientation !== undefined && orientation >= 5;

  let encoded: Promise<{ data: Buffer; mediaType: 'image/jpeg' | 'image/png' }> | undefined;
  let rgb: Promise<{ data: Buffer; width: number; height: number; channels: 3 }> | undefined;

  const image: PreparedImage = {
    width: raw.info.width,
    height: raw.info.height,
    source,
    original: { width: swapped ? height : width, height: swapped ? width : height, format, bytes: bytes.length },
    exif: exif ?? null,
    encode() {
      // Output carries no metadata: sharp drops EXIF (and so GPS) unless asked to keep it.
      encoded ??= hasAlpha
        ? sharp(raw.data, rawInput)
            .png()
            .toBuffer()
            .then((data) => ({ data, mediaType: 'image/png' as const }))
        : sharp(raw.data, rawInput)
            .removeAlpha()
            .jpeg({ quality: 85, mozjpeg: false })
            .toBuffer()
            .then((data) => ({ data, mediaType: 'image/jpeg' as const }));
      return encoded;
    },
    pixels() {
      rgb ??=
        channels === 3
          ? Promise.resolve({ data: raw.data, width: raw.info.width, height: raw.info.height, channels: 3 as const })
          : sharp(raw.data, rawInput)
              .removeAlpha()
              .raw()
              .toBuffer({ resolveWithObject: true })
              .then(({ data, info }) => ({ data, width: info.width, height: info.height, channels: 3 as const }));
      return rgb;
    },
  };

  return {
    image,
    thumbnail: () =>
      sharp(raw.data, rawInput)
        .resize({ width: THUMBNAIL_SIZE, height: THUMBNAIL_SIZE, fit: 'inside', withoutEnlargement: true })
        .webp({ quality: 72, effort: 2 })
        .toBuffer(),
  };
}

/**
 * An image's format and size as shown (EXIF rotation applied), from its header only: no pixel is decoded.
 * For callers that need the facts of a file whose description they already have (moves, copies, cost estimates).
 */
export async function readImageHeader(
  bytes: Buffer,
  source: string,
): Promise<{ width: number; height: number; format: string }> {
  try {
    const metadata = await sharp(bytes, { limitInputPixels: false }).metadata();
    const swapped = (metadata.orientation ?? 1) >= 5;
    return {
      width: (swapped ? metadata.height : metadata.width) ?? 0,
      height: (swapped ? metadata.width : metadata.height) ?? 0,
      format: metadata.format ?? 'unknown',
    };
  } catch (error) {
    throw decodeError(error, source);
  }
}

function checkPixels(width: number, height: number, maxPixels: number, source: string) {
  if (width * height > maxPixels) {
    throw new GlimpseError(
      'IMAGE_TOO_LARGE',
      `${source}: ${width}×${height} is ${((width * height) / 1e6).toFixed(0)} megapixels, above the limit of ${(maxPixels / 1e6).toFixed(0)}`,
      { path: source },
    );
  }
}

/** References to anything outside the document: other files, URLs, external entities, stylesheet imports. */
const SVG_EXTERNAL =
  /(?:href|src)\s*=\s*["']\s*(?!#|data:)[^"'\s]|url\(\s*["']?\s*(?!#|data:)[^)"'\s]|<!ENTITY|@import|<xi:include|<foreignObject/i;

function checkSvg(bytes: Buffer, source: string, allowed: boolean): void {
  if (!allowed)
    throw new GlimpseError('SVG_NOT_ALLOWED', `${source}: is an SVG document (judged by its bytes)`, { path: source });
  if (SVG_EXTERNAL.test(bytes.toString('utf8'))) {
    throw new GlimpseError(
      'SVG_NOT_ALLOWED',
      `${source}: the SVG refers to external files or URLs, which Glimpse does not load`,
      {
        path: source,
        hint: 'Embed images as data: URLs and inline styles, or convert the SVG to PNG first.',
      },
    );
  }
}

function hasTransparency(rgba: Buffer): boolean {
  for (let i = 3; i < rgba.length; i += 4) if (rgba[i] !== 255) return true;
  return false;
}

function isHeicNotAvif(bytes: Buffer): boolean {
  if (bytes.length < 12 || bytes.toString('latin1', 4, 8) !== 'ftyp') return false;
  const brand = bytes.toString('latin1', 8, 12);
  return HEIF_BRANDS.has(brand) && !bytes.subarray(8, 64).toString('latin1').includes('avif');
}

async function decodeHeic(bytes: Buffer, source: string, maxPixels: number) {
  try {
    const { default: decode } = await import('heic-decode');
    const image = await libraryLogsToStderr(() => decode({ buffer: bytes }));
    checkPixels(image.width, image.height, maxPixels, source);
    return {
      width: image.width,
      height: image.height,
      data: Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength),
    };
  } catch (error) {
    if (error instanceof GlimpseError) throw error;
    throw new GlimpseError('CORRUPT_IMAGE', `${source}: could not decode HEIC image (${(error as Error).message})`, {
      path: source,
      cause: error,
    });
  }
}

let quieted = 0;
let originalLog: typeof console.log = console.log;

/**
 * libheif (WebAssembly) reports a file it cannot parse with console.log ("Could not parse HEIF file …"), which
 * would land in the middle of `--json` output on stdout. While it decodes, console.log goes to stderr. (Glimpse's
 * own output is written with process.stdout.write, so nothing of ours is moved.)
 */
async function libraryLogsToStderr<T>(work: () => Promise<T>): Promise<T> {
  if (quieted++ === 0) {
    originalLog = console.log;
    console.log = (...args: unknown[]) => console.error(...args);
  }
  try {
    return await work();
  } finally {
    if (--quieted === 0) console.log = originalLog;
  }
}

function decodeError(error: unknown, source: string): GlimpseError {
  const message = (error as Error)?.message ?? String(error);
  if (/unsupported image format|bad seek|not a known file format/i.test(message)) {
    return new GlimpseError('NOT_AN_IMAGE', `${source}: not an image Glimpse can read`, { path: source, cause: error });
  }
  if (/pixel limit|exceeds pixel/i.test(message)) {
    return new GlimpseError('IMAGE_TOO_LARGE', `${source}: image is larger than the pixel limit`, {
      path: source,
      cause: error,
    });
  }
  const firstLine = message.split('\n').find((line) => line.trim()) ?? message;
  return new GlimpseError('CORRUPT_IMAGE', `${source}: damaged or truncated image (${firstLine.trim()})`, {
    path: source,
    cause: error,
  });
}

export type { ExifSummary };
