/**
 * What the full-text index holds for an image: the caption (a person's own first), tags and object labels, the
 * detailed description and alt text, the text read in the image, and the file name split into words.
 */
import type { ImageRecord, Store } from '../storage/store.js';
import type { SearchDocument } from '../storage/store.js';
import { documentConcepts } from './concepts.js';

export function buildSearchDocument(store: Store, image: ImageRecord): SearchDocument {
  const description = store.description(image.sha256);
  const edits = store.userEdits(image.sha256);
  const captions = [edits?.caption, description?.caption].filter(Boolean).join('\n');
  const tags = [...new Set([...(edits?.tags ?? []), ...(description?.tags ?? []), ...(description?.objects ?? []).map((object) => object.label)])].join(', ');
  const detailed = [description?.detailed, description?.alt].filter(Boolean).join('\n');
  return {
    caption: captions,
    tags,
    detailed,
    text: description?.text ?? '',
    concepts: documentConcepts(`${captions} ${tags}`),
    path: pathWords(image.path),
  };
}

export function refreshSearchDocument(store: Store, image: ImageRecord): void {
  store.saveSearchDocument(image.id, buildSearchDocument(store, image));
}

/** The text an embedding model sees for an image (for hybrid search). */
export function searchDocumentText(store: Store, image: ImageRecord): string {
  const document = buildSearchDocument(store, image);
  return [document.caption, document.tags, document.detailed, document.text].filter(Boolean).join('\n');
}

/** "/photos/2024 Beach-Day/IMG_0042.jpg" → "2024 Beach Day IMG 0042 jpg": folder and file name as words. */
export function pathWords(path: string): string {
  const parts = path.replace(/^https?:\/\/[^/]+/i, '').split(/[\\/]/).filter(Boolean).slice(-2);
  return parts.join(' ').replace(/[_\-.+]+/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2');
}
