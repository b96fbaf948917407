/**
 * Looking an image up by id or path, and gathering everything stored about it (`glimpse show`).
 */
import { resolve } from 'node:path';
import { GlimpseError } from '../errors.js';
import type { ImageDetails } from '../types.js';
import type { ImageRecord, Store } from './store.js';

export function findImage(store: Store, idOrPath: string | number): ImageRecord {
  const asNumber = typeof idOrPath === 'number' ? idOrPath : /^\d+$/.test(idOrPath) ? Number(idOrPath) : undefined;
  const found =
    (asNumber !== undefined ? store.imageById(asNumber) : undefined) ??
    (typeof idOrPath === 'string' ? store.imageByPath(idOrPath) ?? store.imageByPath(resolve(idOrPath)) : undefined);
  if (!found) {
    throw new GlimpseError('IMAGE_NOT_INDEXED', `${idOrPath}: not in the index`, { path: String(idOrPath) });
  }
  return found;
}

export function imageDetails(store: Store, image: ImageRecord): ImageDetails {
  const description = store.description(image.sha256) ?? null;
  const userEdits = store.userEdits(image.sha256) ?? null;
  return {
    ...image,
    description,
    userEdits,
    caption: userEdits?.caption ?? description?.caption ?? null,
    tags: userEdits?.tags ?? description?.tags ?? [],
    duplicates: store.imagesBySha(image.sha256).filter((other) => other.id !== image.id).map((other) => other.path),
  };
}
