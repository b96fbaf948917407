/**
 * `edit`: a person's own caption and tags for an image. They are kept apart from generated ones (never
 * overwritten by indexing) and apply to every copy of the same content.
 */
import type { ImageDetails, ImageEdits } from '../types.js';
import type { Parts } from './parts.js';
import { findImage, imageDetails } from './show.js';

export function edit(parts: Parts, idOrPath: string | number, edits: ImageEdits): ImageDetails {
  const { store, searchIndex } = parts;
  const image = findImage(store, idOrPath);
  store.saveUserEdits(image.sha256, edits);
  for (const copy of store.imagesBySha(image.sha256)) searchIndex.refresh(copy);
  return imageDetails(store, image);
}
