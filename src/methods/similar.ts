/**
 * `similar`: images nearest to a given one by image embedding (CLIP-like models, or the built-in analyzer's own
 * look-alike vectors: what it detects, colour and layout), so look-alikes and near-duplicates come first. The
 * query image may be indexed (its stored vector is used) or any file.
 */
import { GlimpseError } from '../errors.js';
import type { Store } from '../storage/store.js';
import type { SearchResponse } from '../types.js';
import type { Parts } from './parts.js';
import { findImage } from './show.js';

export async function similar(
  parts: Parts,
  image: string | number,
  options: { limit?: number } = {},
): Promise<SearchResponse> {
  const { store } = parts;
  const embedder = await parts.embedder();
  const maxPixels = parts.settings.maxPixels;
  const started = performance.now();
  const limit = Math.max(1, Math.min(options.limit ?? 20, 1000));
  // The embedder's image vectors (CLIP-like), else the provider's own look-alike vectors (the built-in analyzer's).
  const images = store.embeddingSpaces().filter((candidate) => candidate.kind === 'image');
  const space = images.find((candidate) => candidate.model === embedder?.modelId) ?? images[0];
  if (!space) {
    throw new GlimpseError('UNSUPPORTED_TASK', 'The index holds no image embeddings', {
      hint: 'Index with the built-in analyzer (`glimpse index <folder> --provider builtin`, its look-alike vectors) or an image embedding model (`--embedder local --embedding-model clip`).',
    });
  }
  let self: number | undefined;
  let vector: Float32Array | undefined;
  const known = typeof image === 'number' || !/^https?:/i.test(image) ? tryFind(store, image) : undefined;
  if (known) {
    self = known.id;
    vector = store.vector(space.id, known.id);
  }
  if (!vector) {
    if (!embedder?.embedImages || typeof image === 'number') {
      throw new GlimpseError('UNSUPPORTED_TASK', `${image}: no image embedding stored for it`, {
        hint: 'Index it with an image embedding model first, or pass --embedder.',
      });
    }
    const { loadImage } = await import('../images/load-image.js');
    const loaded = await loadImage(image, { maxSide: 512, maxPixels });
    [vector] = await embedder.embedImages([loaded.prepared.image]);
  }
  const hits = store
    .nearest(space.id, vector, limit + 1)
    .filter((hit) => hit.imageId !== self)
    .slice(0, limit);
  const results = hits.map((hit, index) => {
    const record = store.imageById(hit.imageId)!;
    const description = store.description(record.sha256);
    const edits = store.userEdits(record.sha256);
    const similarity = Math.round((1 - hit.distance) * 1000) / 1000;
    return {
      id: record.id,
      path: record.path,
      score: similarity,
      caption: edits?.caption ?? description?.caption ?? null,
      tags: edits?.tags ?? description?.tags ?? [],
      snippet: similarity > 0.95 ? 'near-duplicate' : `image similarity ${similarity}`,
      weaker: false,
      why: {
        fields: ['image'],
        terms: [],
        concepts: [],
        coverage: null,
        fullTextRank: null,
        vectorRank: index + 1,
        vectorSimilarity: similarity,
      },
    };
  });
  return { query: String(image), results, ms: Math.round(performance.now() - started) };
}

function tryFind(store: Store, image: string | number) {
  try {
    return findImage(store, image);
  } catch {
    return undefined;
  }
}
