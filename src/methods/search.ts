/**
 * `search`: images that match a text query, best first, each saying why it matched. A query in another language
 * than the library's finds nothing; with a language model configured it is translated (the same rewrite as
 * ask-library's) and searched again, and the response says so. Without one, the notice says to use English.
 */
import { NOT_ENGLISH_NOTICE } from '../search/search.js';
import type { SearchOptions, SearchResponse } from '../types.js';
import type { Parts } from './parts.js';

export async function search(parts: Parts, query: string, options: SearchOptions = {}): Promise<SearchResponse> {
  const embedder = await embedderForSearch(parts);
  const response = await parts.searchIndex.search(query, options, embedder);
  if (response.notice !== NOT_ENGLISH_NOTICE || options.exact || options.translate === false) return response;
  const describer = await parts.describer();
  if (!describer.answer || !describer.rewriteQuestion) return response;
  let rewrite: Awaited<ReturnType<typeof import('./ask-library.js').rewriteOnce>>;
  try {
    // Loaded only here: its prompts and their schemas are most of a one-shot `glimpse search`'s start-up otherwise.
    const { rewriteOnce } = await import('./ask-library.js');
    rewrite = await rewriteOnce(parts, describer, query.trim(), undefined);
  } catch (error) {
    // The search itself worked: say that translating did not, and why.
    return {
      ...response,
      notice: `${response.notice} (Translating it with ${describer.provider} failed: ${(error as Error).message})`,
    };
  }
  const translated = await parts.searchIndex.search(rewrite.query, { ...options, exact: true }, embedder);
  return {
    ...translated,
    query: response.query,
    correctedQuery: rewrite.query,
    translation: { language: rewrite.language, model: rewrite.model },
    ms: response.ms + translated.ms,
  };
}

/** Search uses an embedder only when the store already holds vectors from it; otherwise full text alone. */
async function embedderForSearch(parts: Parts) {
  if (!parts.settings.embedderAllowed || parts.store.embeddingSpaces().length === 0) return null;
  return parts.embedder();
}
