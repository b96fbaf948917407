/**
 * Reading the original file of an indexed image, for `/images/{id}/file` and for asking about an indexed image.
 * The path comes only from the store, never from the request. Even so, the file on disk may have been swapped for
 * a symlink since it was indexed, so the real path must still lie inside an allowed root — or, for an image whose
 * path is not under any allowed root (indexed by the CLI), inside the image's own folder — and the bytes must still be
 * an image. The file is read only if it is a regular file within the size limit, opened non-blocking and with a time
 * limit, so a FIFO or device swapped in answers an error at once and never ties up Node's file threads.
 */
import { resolve, sep } from 'node:path';
import { GlimpseError } from '../errors.js';
import { realPath } from '../images/fs-path.js';
import { readLocalFile } from '../images/read-input.js';
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
  const real = await realPath(image.path).catch(() => null);
  if (!real) throw notFound('the file is gone');
  const realRoots = (await Promise.all(allowedRoots.map((root) => realPath(root).catch(() => null)))).filter(
    (root): root is string => root !== null,
  );
  // An image under an --allow-index root (by its path as indexed) must really be inside one: a link inside the root
  // that leads elsewhere does not make the files behind it servable.
  const underRoot =
    allowedRoots.some((root) => isInside(image.path, resolve(root))) ||
    realRoots.some((root) => isInside(image.path, root));
  const roots = underRoot ? realRoots : [...realRoots, await realPath(image.folder).catch(() => null)];
  if (!roots.some((root) => root !== null && isInside(real, root)))
    throw notFound(
      underRoot ? 'the file now points outside the allowed roots' : 'the file now points outside its folder',
    );
  let bytes: Buffer;
  try {
    bytes = await readLocalFile(real);
  } catch (error) {
    if (
      GlimpseError.is(error, 'NOT_A_FILE') ||
      GlimpseError.is(error, 'FILE_TOO_LARGE') ||
      GlimpseError.is(error, 'READ_FAILED')
    )
      throw new GlimpseError(error.code, `Image ${image.id}: ${error.message.replace(`${real}: `, '')}`, {
        cause: error,
      });
    throw notFound('the file is no longer readable');
  }
  const type = sniffImageType(bytes);
  if (!type) throw notFound('the file is no longer a readable image');
  return { bytes, type };
}
export function isInside(path: string, root: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}
