/**
 * `worker`: take jobs from the library's queue and describe them until stopped (or, with `exitWhenIdle`, until none
 * is left). See queue/worker.ts for what it guarantees.
 */
import type { WorkerOptions, WorkerSummary } from '../types.js';
import { type Parts, requireQueue } from './parts.js';

export async function work(parts: Parts, options: WorkerOptions = {}): Promise<WorkerSummary> {
  const queue = await requireQueue(parts);
  const { runWorker } = await import('../queue/worker.js');
  return runWorker({
    store: parts.store,
    describer: await parts.describer(),
    embedder: await parts.embedder(),
    queue,
    maxPixels: parts.settings.maxPixels,
    ...options,
    concurrency: options.concurrency ?? parts.settings.concurrency,
  });
}
