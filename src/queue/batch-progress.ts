/**
 * Following a batch of queued jobs (`index --enqueue`, the server's index endpoint) as `index` progress: one 'image'
 * event per job that ended — whichever worker, on whichever machine, ended it — read from the queue itself, and a
 * summary when every job of the batch has ended.
 */
import { GlimpseError } from '../errors.js';
import type { EnqueueSummary, FailureResult, IndexEvent, IndexSummary } from '../types.js';
import type { JobQueue } from './job-queue.js';
import { sleep } from './sleep.js';

export async function followBatch(
  queue: JobQueue,
  batch: Pick<EnqueueSummary, 'queue' | 'batch' | 'queued' | 'failures'>,
  options: { onProgress?: (event: IndexEvent) => void; signal?: AbortSignal; pollMs?: number } = {},
): Promise<IndexSummary> {
  const started = performance.now();
  const emit = (event: IndexEvent) => options.onProgress?.(event);
  const total = batch.queued + batch.failures.length;
  const counts = { indexed: 0, unchanged: 0, failed: 0 };
  const failures: FailureResult[] = [];
  let done = 0;
  emit({ type: 'discovered', total });
  for (const failure of batch.failures) {
    failures.push(failure);
    counts.failed++;
    emit({ type: 'image', path: failure.path, status: 'failed', done: ++done, total, error: failure.error });
  }
  const seen = new Set<string>();
  let misses = 0;
  while (seen.size < batch.queued) {
    if (options.signal?.aborted)
      throw new GlimpseError('USAGE', 'Stopped following the queued jobs; the workers go on with them', {
        hint: '`glimpse status` shows the queue and what has been described.',
      });
    let finished: Awaited<ReturnType<JobQueue['finishedInBatch']>> = [];
    try {
      finished = await queue.finishedInBatch(batch.queue, batch.batch);
      misses = 0;
    } catch (error) {
      // The database restarting: keep following unless it stays away.
      if (++misses > 30) throw error;
    }
    for (const job of finished) {
      if (seen.has(job.id)) continue;
      seen.add(job.id);
      const { status } = job.outcome;
      if (status === 'failed') {
        const error = { code: job.outcome.code ?? 'INTERNAL', message: job.outcome.message ?? 'the job failed' };
        failures.push({ path: job.location, error });
        counts.failed++;
        emit({ type: 'image', path: job.location, status, done: ++done, total, error });
      } else {
        counts[status === 'indexed' ? 'indexed' : 'unchanged']++;
        emit({ type: 'image', path: job.location, status, done: ++done, total });
      }
    }
    if (seen.size < batch.queued) await sleep(options.pollMs ?? 500, options.signal);
  }
  return {
    runId: 0,
    total,
    ...counts,
    pruned: 0,
    failures,
    ms: Math.round(performance.now() - started),
    usage: { inputTokens: 0, outputTokens: 0, costUsd: 0 },
  };
}
