/**
 * What the full-text index holds for an image: the caption (a person's own instead of the generated one), tags and object labels, the
 * detailed description and alt text, the text read in the image, and the file name split into words.
 */
import type {
  FillSearchReadingsOptions,
  ImageRecord,
  SearchDocument,
  SearchFields,
  SearchReadingsFill,
  Store,
} from '../storage/store.js';
import { documentConcepts } from './concepts.js';
import { documentSentenceTexts } from './rerank.js';
import { encodeDocumentSentences, SENTENCE_FORMAT } from './sentence.js';

/**
 * The readable fields of an image's search document (everything but the concept tokens). A person's own words win:
 * their caption replaces the generated caption, detailed description and alt text (generated text they contradicted
 * must not match), and their tags replace the generated tags and object labels. Text read in the image and the file
 * name stay.
 */
function readableFields(store: Store, image: ImageRecord): SearchFields {
  const description = store.description(image.sha256);
  const edits = store.userEdits(image.sha256);
  const ownCaption = edits?.caption ? edits.caption : null;
  const ownTags = edits?.tags && edits.tags.length > 0 ? edits.tags : null;
  const caption = ownCaption ?? description?.caption ?? '';
  const tags = [
    ...new Set(
      ownTags ?? [...(description?.tags ?? []), ...(description?.objects ?? []).map((object) => object.label)],
    ),
  ].join(', ');
  const detailed = ownCaption ? '' : [description?.detailed, description?.alt].filter(Boolean).join('\n');
  return { caption, tags, detailed, text: description?.text ?? '', path: pathWords(image.path) };
}

export function buildSearchDocument(store: Store, image: ImageRecord): SearchDocument {
  const fields = readableFields(store, image);
  return {
    ...fields,
    concepts: documentConcepts(`${fields.caption} ${fields.tags}`),
    // Worked out only when a store keeps it (SQLite); PostgreSQL analyses the rows it reranks as it searches.
    get sentences() {
      return documentSentences(fields);
    },
  };
}

/** The row as the reranker and query coverage read it, analysed once here rather than at every search that ranks it. */
export function documentSentences(fields: SearchFields): string {
  const texts = documentSentenceTexts(fields);
  return encodeDocumentSentences(texts.reranked, texts.covered);
}

export function refreshSearchDocument(store: Store, image: ImageRecord): void {
  store.saveSearchDocument(image.id, buildSearchDocument(store, image));
}

/** The text an embedding model sees for an image (for hybrid search). */
export function searchDocumentText(store: Store, image: ImageRecord): string {
  const fields = readableFields(store, image);
  return [fields.caption, fields.tags, fields.detailed, fields.text].filter(Boolean).join('\n');
}

/** "/photos/2024 Beach-Day/IMG_0042.jpg" → "2024 Beach Day IMG 0042 jpg": folder and file name as words. */
export function pathWords(path: string): string {
  const parts = path
    .replace(/^https?:\/\/[^/]+/i, '')
    .split(/[\\/]/)
    .filter(Boolean)
    .slice(-2);
  return parts
    .join(' ')
    .replace(/[_\-.+]+/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2');
}

/**
 * Stores the reading (see documentSentences) of every search row that has none in this format: rows of a library
 * written before migration 7 (or in another SENTENCE_FORMAT), which search otherwise analyses at every query that
 * reranks them. Once per library (a one-row check after that); null when there was nothing to do. See
 * Store.fillSearchReadings.
 */
export function fillSearchReadings(
  store: Store,
  options: Pick<FillSearchReadingsOptions, 'onProgress' | 'signal' | 'batch'> = {},
): Promise<SearchReadingsFill | null> {
  return store.fillSearchReadings({ ...options, format: SENTENCE_FORMAT, read: documentSentences });
}
