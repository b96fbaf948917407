/**
 * `index`: describe and store what is new or changed under the given files, folders and URLs.
 */
import type { IndexOptions, IndexSummary } from '../types.js';
import type { Parts } from './parts.js';

export async function indexImages(parts: Parts, paths: string[], options: IndexOptions = {}): Promise<IndexSummary> {
  const { runIndex } = await import('../pipeline/indexer.js');
  return runIndex({
    store: parts.store,
    describer: await parts.describer(),
    embedder: await parts.embedder(),
    paths,
    maxPixels: parts.settings.maxPixels,
    concurrency: options.concurrency ?? parts.settings.concurrency,
    ...options,
  });
}
