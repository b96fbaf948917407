/**
 * `search`: images that match a text query, best first, each saying why it matched.
 */
import type { SearchOptions, SearchResponse } from '../types.js';
import type { Parts } from './parts.js';

export async function search(parts: Parts, query: string, options: SearchOptions = {}): Promise<SearchResponse> {
  return parts.searchIndex.search(query, options, await embedderForSearch(parts));
}

/** Search uses an embedder only when the store already holds vectors from it; otherwise full text alone. */
async function embedderForSearch(parts: Parts) {
  if (!parts.settings.embedderAllowed || parts.store.embeddingSpaces().length === 0) return null;
  return parts.embedder();
}
