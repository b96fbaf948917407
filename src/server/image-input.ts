/**
 * The image a describe/ask request is about: a multipart upload (field `image`) or a JSON `url` fetched safely.
 * Its type is decided from its bytes; SVG and other non-raster files are refused before any decoder sees them.
 */
import { basename } from 'node:path';
import type { Context } from 'hono';
import { GlimpseError } from '../errors.js';
import { imageLimits } from '../images/limits.js';
import { fetchUrlSafely } from '../images/url-fetch.js';
import type { ResolvedServerOptions } from './options.js';
import { sniffImageType } from './sniff.js';

export interface ImageUpload {
  bytes: Buffer;
  name: string;
}

export type RequestBody =
  | { kind: 'form'; fields: Record<string, string>; image: ImageUpload | null }
  | { kind: 'json'; value: unknown };

/** Parse a multipart form or a JSON body; anything else is a 400 that says what to send. */
export async function readRequestBody(c: Context, options: ResolvedServerOptions): Promise<RequestBody> {
  const type = (c.req.header('content-type') ?? '').toLowerCase();
  if (type.startsWith('multipart/form-data')) {
    const form = await c.req.parseBody().catch((error) => {
      throw new GlimpseError('USAGE', `Could not read the multipart body: ${(error as Error).message}`);
    });
    const fields: Record<string, string> = {};
    let image: ImageUpload | null = null;
    for (const [key, value] of Object.entries(form)) {
      if (typeof value === 'string') fields[key] = value;
      else if (key === 'image' && value instanceof File) image = await uploadFromFile(value, options);
    }
    return { kind: 'form', fields, image };
  }
  if (type.startsWith('application/json')) {
    const value = await c.req.json().catch(() => {
      throw new GlimpseError('USAGE', 'The body is not valid JSON');
    });
    return { kind: 'json', value };
  }
  throw new GlimpseError('USAGE', 'Send multipart/form-data with an "image" file field, or application/json', {
    hint: 'e.g. curl -F image=@photo.jpg …, or -H "content-type: application/json" -d \'{"url":"https://…"}\'',
  });
}

async function uploadFromFile(file: File, options: ResolvedServerOptions): Promise<ImageUpload> {
  const name = safeName(file.name);
  if (file.size > options.maxUploadBytes) throw tooLarge(name, options.maxUploadBytes);
  return checkedImage(Buffer.from(await file.arrayBuffer()), name);
}

export async function imageFromUrl(url: string, options: ResolvedServerOptions): Promise<ImageUpload> {
  const bytes = await fetchUrlSafely(url, {
    maxBytes: options.maxUploadBytes,
    timeoutMs: options.urlTimeoutMs,
    allowPrivate: options.allowPrivateUrls,
  });
  return checkedImage(bytes, url);
}

export function checkedImage(bytes: Buffer, name: string): ImageUpload {
  if (bytes.length === 0)
    throw new GlimpseError('EMPTY_FILE', `${name}: the upload is empty (0 bytes)`, { path: name });
  if (!sniffImageType(bytes)) {
    // SVG follows the one policy of images/limits.ts: refused unless allowed; then prepareImage renders it safely.
    if (looksLikeSvg(bytes)) {
      if (imageLimits().allowSvg) return { bytes, name };
      throw new GlimpseError('SVG_NOT_ALLOWED', `${name}: is an SVG document (judged by its bytes)`, { path: name });
    }
    throw new GlimpseError(
      'NOT_AN_IMAGE',
      `${name}: not a JPEG, PNG, WebP, GIF, AVIF, TIFF or HEIC image (judged by its bytes)`,
      { path: name },
    );
  }
  return { bytes, name };
}

export function tooLarge(name: string, maxBytes: number): GlimpseError {
  return new GlimpseError(
    'IMAGE_TOO_LARGE',
    `${name}: larger than the ${Math.round(maxBytes / 1024 / 1024)} MB upload limit`,
    {
      path: name,
      hint: 'Send a smaller image, or start the server with a larger --max-upload-mb.',
    },
  );
}

/** A file name from the client is only a label: keep its last segment, printable and short. */
function safeName(name: string): string {
  const cleaned = basename(name.replace(/\\/g, '/'))
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this removes
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .slice(0, 120);
  return cleaned || 'upload';
}

/** An SVG document: XML or an <svg> element near the start (after an optional BOM, comments and whitespace). */
export function looksLikeSvg(bytes: Buffer): boolean {
  const head = bytes
    .subarray(0, 4096)
    .toString('utf8')
    .replace(/^\uFEFF/, '');
  return /^\s*(?:<\?xml[^>]*>\s*)?(?:<!--[\s\S]*?-->\s*|<!DOCTYPE[^>]*>\s*)*<svg[\s>]/i.test(head);
}
