/**
 * `status`: what the library holds, which providers described it, which files failed and why.
 */
import type { QueueCounts, StatusReport } from '../types.js';
import type { Parts } from './parts.js';

export function status(parts: Parts): StatusReport {
  const { store, searchIndex, settings } = parts;
  const counts = store.counts();
  return {
    db: settings.location,
    images: counts.images,
    described: counts.described,
    failed: store.failures().map(({ path, code, message }) => ({ path, code, message })),
    providers: store.providersUsed(),
    defaultProvider: settings.providerName,
    providerSource: settings.providerSource,
    embeddings: store.embeddingSpaces().map(({ model, kind, dimensions }) => ({ model, kind, dimensions })),
    ranking: searchIndex.ranking(),
    interrupted: store.interruptedRuns(),
  };
}

/** `status --clear-failures`: forget every recorded failure (they come back if the next run fails again). */
export function clearFailures(parts: Parts): number {
  const failures = parts.store.failures();
  for (const failure of failures) parts.store.clearFailure(failure.path);
  return failures.length;
}

/** The job queue's counts (waiting, active, failed), or null when the library has no queue (it is not in PostgreSQL). */
export async function queueStatus(parts: Parts): Promise<QueueCounts | null> {
  if (!parts.queue) return null;
  return (await parts.queue()).counts();
}
