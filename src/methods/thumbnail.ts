/**
 * `thumbnail`: a small WebP of an indexed image. Made on first request and kept, so indexing does not spend time
 * on thumbnails nobody looks at.
 */
import { readLocalFile } from '../images/read-input.js';
import type { ImageRecord, ThumbnailOptions } from '../types.js';
import type { Parts } from './parts.js';
import { findImage } from './show.js';

export async function thumbnail(
  parts: Parts,
  idOrPath: string | number,
  options: ThumbnailOptions = {},
): Promise<Buffer | undefined> {
  const { store } = parts;
  const image = findImage(store, idOrPath);
  const stored = store.thumbnail(image.sha256);
  if (stored || options.read === false) return stored;
  const bytes = await (options.read ?? ((record: ImageRecord) => readLocalFile(record.path)))(image);
  const { prepareImage, THUMBNAIL_SIZE } = await import('../images/prepare.js');
  // A caller with its own reader (the server) may not want the path in an error message.
  const source = options.read ? `image ${image.id}` : image.path;
  const webp = await (await prepareImage(bytes, source, { maxSide: THUMBNAIL_SIZE })).thumbnail();
  store.saveThumbnail(image.sha256, webp);
  return webp;
}
