/**
 * `show`: everything stored about one image, found by id or path.
 */
import { resolve } from 'node:path';
import { GlimpseError } from '../errors.js';
import type { ImageRecord, Store } from '../storage/store.js';
import type { ImageDetails } from '../types.js';
import type { Parts } from './parts.js';

export function show(parts: Parts, idOrPath: string | number): ImageDetails {
  return imageDetails(parts.store, findImage(parts.store, idOrPath));
}

/** An image by id (a number, or a string of digits) or by path (as given, then made absolute). */
export function findImage(store: Store, idOrPath: string | number): ImageRecord {
  const asNumber = typeof idOrPath === 'number' ? idOrPath : /^\d+$/.test(idOrPath) ? Number(idOrPath) : undefined;
  const found =
    (asNumber !== undefined ? store.imageById(asNumber) : undefined) ??
    (typeof idOrPath === 'string' ? (store.imageByPath(idOrPath) ?? store.imageByPath(resolve(idOrPath))) : undefined);
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
    duplicates: store
      .imagesBySha(image.sha256)
      .filter((other) => other.id !== image.id)
      .map((other) => other.path),
  };
}
