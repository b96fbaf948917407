/**
 * Reading the original file of an indexed image, for `/images/{id}/file` and for asking about an indexed image.
 * The path comes only from the store, never from the request. Even so, the file on disk may have been swapped for
 * a symlink since it was indexed, so the real path must still lie inside the image's own folder or one of the
 * allowed roots, and the bytes must still be an image; anything else is reported as "not found".
 */
import { readFile, realpath } from 'node:fs/promises';
import { sep } from 'node:path';
import { GlimpseError } from '../errors.js';
import type { ImageRecord } from '../types.js';
import { type SniffedType, sniffImageType } from './sniff.js';

export async function readIndexedFile(
  image: ImageRecord,
  allowedRoots: string[],
): Promise<{ bytes: Buffer; type: SniffedType }> {
  const notFound = (why: string) =>
    new GlimpseError('IMAGE_NOT_INDEXED', `Image ${image.id}: ${why}`, {
      hint: 'Run `glimpse index` on its folder again.',
    });
  const real = await realpath(image.path).catch(() => null);
  if (!real) throw notFound('the file is gone');
  const roots = await Promise.all([image.folder, ...allowedRoots].map((root) => realpath(root).catch(() => null)));
  if (!roots.some((root) => root !== null && isInside(real, root)))
    throw notFound('the file now points outside its folder');
  const bytes = await readFile(real).catch(() => null);
  const type = bytes ? sniffImageType(bytes) : null;
  if (!bytes || !type) throw notFound('the file is no longer a readable image');
  return { bytes, type };
}

export function isInside(path: string, root: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}
