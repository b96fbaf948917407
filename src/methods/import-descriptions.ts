/**
 * `importDescriptions`: store descriptions made elsewhere — human captions, another tool's output — so they are
 * searched like generated ones. The evaluation uses it to build its "perfect captions" library; a pipeline that
 * already has captions can use it to make them searchable without describing the images again.
 */
import { createHash } from 'node:crypto';
import type { Description } from '../providers/spec.js';
import type { ImportedDescription, ImportOptions } from '../types.js';
import type { Parts } from './parts.js';

/** Returns the image ids, in the order given. Everything is written in one transaction. */
export async function importDescriptions(
  parts: Parts,
  items: readonly ImportedDescription[],
  options: ImportOptions = {},
): Promise<number[]> {
  const { store, searchIndex } = parts;
  const source = options.source ?? 'import';
  const key = { provider: source, requestedModel: source, promptVersion: `${source}-1` };
  const ids = store.transaction(() =>
    items.map((item, index) => {
      const sha256 = item.sha256 ?? createHash('sha256').update(`${source}\0${index}\0${item.path}`).digest('hex');
      const id = store.upsertImage({
        path: item.path,
        sha256,
        sizeBytes: 0,
        mtimeMs: null,
        width: 0,
        height: 0,
        format: 'jpeg',
        exif: null,
      });
      const description: Description = {
        caption: item.caption,
        detailed: item.detailed ?? null,
        alt: null,
        tags: item.tags ?? [],
        objects: [],
        text: item.text ?? null,
        safety: null,
        model: source,
      };
      store.saveDescription(sha256, description, key, 0);
      searchIndex.refresh(store.imageById(id)!);
      return id;
    }),
  );
  const embedder = options.embed === false ? null : await parts.embedder();
  if (embedder) {
    const space = store.embeddingSpace(embedder.modelId, 'text', embedder.dimensions);
    const batch = 64;
    for (let start = 0; start < ids.length; start += batch) {
      const slice = ids.slice(start, start + batch);
      const texts = slice.map((id) => searchIndex.documentText(store.imageById(id)!));
      const vectors = await embedder.embedTexts(texts, 'document');
      store.transaction(() => slice.forEach((id, position) => store.saveVector(space, id, vectors[position])));
      options.onProgress?.('embedding', Math.min(ids.length, start + batch), ids.length);
    }
  }
  return ids;
}
