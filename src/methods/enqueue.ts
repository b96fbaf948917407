/**
 * `index --enqueue`: one job per image in the library's queue, for workers (`glimpse worker`, on any machine that
 * reaches the database) to describe; returns at once. Files are queued by absolute path, so every worker must see
 * them at that path (a shared mount); URLs as they are. `followEnqueued` turns the jobs' ends into index progress.
 */
import { isUrl } from '../images/read-input.js';
import type { EnqueueSummary, IndexEvent, IndexSummary } from '../types.js';
import { describerToName, type Parts, requireQueue } from './parts.js';

export async function enqueueImages(
  parts: Parts,
  paths: string[],
  options: { force?: boolean } = {},
): Promise<EnqueueSummary> {
  const queue = await requireQueue(parts);
  // The describer is only named here (provider, model, prompt version): the workers call it, with their own keys.
  const describer = await describerToName(parts);
  const { discoverInputs } = await import('../pipeline/discover.js');
  const discovered = await discoverInputs(paths);
  for (const failure of discovered.failures)
    parts.store.recordFailure(failure.path, failure.error.code, failure.error.message, null);
  const key = {
    provider: describer.provider,
    requestedModel: describer.modelId,
    promptVersion: describer.promptVersion,
  };
  const queued = await queue.enqueue(
    key,
    discovered.files.map((location) => ({ source: isUrl(location) ? 'url' : 'path', location })),
    { force: options.force },
  );
  return {
    ...queued,
    provider: key.provider,
    model: key.requestedModel,
    promptVersion: key.promptVersion,
    failures: discovered.failures,
  };
}

/** Progress of queued jobs as workers end them; resolves when every one has ended. */
export async function followEnqueued(
  parts: Parts,
  batch: EnqueueSummary,
  options: { onProgress?: (event: IndexEvent) => void; signal?: AbortSignal } = {},
): Promise<IndexSummary> {
  const { followBatch } = await import('../queue/batch-progress.js');
  return followBatch(await requireQueue(parts), batch, options);
}
