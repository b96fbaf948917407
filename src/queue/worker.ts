/**
 * `glimpse worker`: take jobs from the queue of this worker's provider, model and prompt version, describe each image
 * with the pipeline's own code (pipeline/indexer.ts `indexImage`: read, hash, skip what is described already, describe,
 * commit in one transaction) and mark the job done.
 *
 * - Idempotent: a job whose content is described already by this provider, model and prompt version is skipped; two
 *   workers holding the same content (copies, or a job delivered again) meet at the store's claim, and the second
 *   keeps the first one's description.
 * - A failure comes back with backoff (the queue's retries); when it is not worth retrying (an unreadable file) or its
 *   retries are spent it is recorded in the store, so `glimpse status` lists it with its code.
 * - A refused key or a model server that is down stops the worker (exit 1): the job goes back for a worker that can.
 * - `signal` (SIGTERM): no new job is taken; the ones held are finished and committed, then it returns.
 * - Killed (-9): its jobs are no longer renewed and come back to another worker after the visibility timeout.
 */
import { type GlimpseError, isFatal, toGlimpseError } from '../errors.js';
import { indexImage, LEASE_MS } from '../pipeline/indexer.js';
import { turns } from '../pipeline/turns.js';
import type { Embedder, ImageDescriber } from '../providers/spec.js';
import type { DescriptionKey, Store } from '../storage/store.js';
import type { WorkerEvent, WorkerOptions, WorkerSummary } from '../types.js';
import { type JobQueue, queueName, type TakenJob } from './job-queue.js';
import { sleep } from './sleep.js';

export interface RunWorkerOptions extends WorkerOptions {
  store: Store;
  describer: ImageDescriber;
  embedder: Embedder | null;
  queue: JobQueue;
  maxPixels?: number;
}

/** How long a worker with nothing to do waits before asking the queue again. */
const IDLE_POLL_MS = 500;
/** How often to look again at an image another process is describing. */
const HELD_POLL_MS = 250;

export async function runWorker(options: RunWorkerOptions): Promise<WorkerSummary> {
  const started = performance.now();
  const { store, describer, queue } = options;
  const emit = (event: WorkerEvent) => options.onEvent?.(event);
  const key: DescriptionKey = {
    provider: describer.provider,
    requestedModel: describer.modelId,
    promptVersion: describer.promptVersion,
  };
  const name = queueName(key);
  await queue.ensure(name);
  const concurrency = Math.max(1, Math.min(64, options.concurrency ?? 4));
  // At most `concurrency` describe calls at once (what the model server is sized for), but three times as many jobs
  // held: while `concurrency` are described, as many are committed and marked done and as many are read and decoded,
  // ready for the next turn. With only twice as many, a new job was taken only once a described one was committed,
  // and its reading and decoding then had to fit in what was left of a describe call; on a busy machine it did not,
  // and the model waited (measured: 1 worker at --concurrency 1 on a loaded 2-core machine, 0.72–0.83 of ideal with
  // twice, 0.84–0.96 with three times, alternating runs).
  const held = concurrency * 3;
  const describeTurn = turns(concurrency);
  const summary = { indexed: 0, unchanged: 0, failed: 0, retried: 0 };
  const stopping = new AbortController();
  const stop = () => stopping.abort();
  if (options.signal?.aborted) stop();
  else options.signal?.addEventListener('abort', stop, { once: true });
  let fatal: GlimpseError | undefined;

  const runId = store.startRun(describer.provider, describer.modelId);
  // The store's claims on images being described, and the run row, stay alive while the worker runs.
  const leases = setInterval(() => {
    try {
      store.renewLeases(LEASE_MS);
    } catch (error) {
      emit({ type: 'warning', message: `could not renew claims: ${(error as Error).message}` });
    }
  }, LEASE_MS / 4);
  leases.unref();

  emit({
    type: 'started',
    queue: name,
    provider: key.provider,
    model: key.requestedModel,
    promptVersion: key.promptVersion,
    waiting: (await queue.counts(name)).waiting,
  });

  // One loop asks the queue for as many jobs as there are free places (one query, whatever the concurrency), runs
  // them, and asks again as soon as one ends; with nothing to do it asks again when jobs are announced (job-queue.ts
  // `newJobs`), and every IDLE_POLL_MS in any case (retries coming due, jobs of a vanished worker put back).
  const running = new Set<Promise<void>>();
  let reportedIdle = false;
  const takeJobs = async () => {
    while (!stopping.signal.aborted) {
      const free = held - running.size;
      if (free === 0) {
        await Promise.race(running);
        continue;
      }
      // Listened for before asking, so that jobs announced while the queue answers wake this loop too.
      const announced = queue.newJobs(name);
      let jobs: TakenJob[];
      try {
        jobs = await queue.take(name, free);
      } catch (error) {
        // The database restarting, say: wait, then ask again (pg-boss reconnects by itself).
        emit({ type: 'warning', message: `the queue did not answer: ${(error as Error).message}` });
        await sleep(2000, stopping.signal);
        continue;
      }
      if (jobs.length === 0) {
        if (running.size === 0) {
          if (options.exitWhenIdle && (await idle())) return;
          if (!reportedIdle) {
            reportedIdle = true;
            emit({ type: 'idle', otherQueues: await queue.otherWaiting(name).catch(() => []) });
          }
        }
        await Promise.race([sleep(IDLE_POLL_MS * (0.75 + Math.random() / 2), stopping.signal), announced, ...running]);
        continue;
      }
      reportedIdle = false;
      for (const job of jobs) {
        const working: Promise<void> = work(job).finally(() => running.delete(working));
        running.add(working);
      }
    }
  };

  // Nothing waiting and nothing held by anyone (a job a killed worker held still counts until it comes back).
  const idle = async () => {
    try {
      const counts = await queue.counts(name);
      return counts.waiting === 0 && counts.active === 0;
    } catch {
      return false;
    }
  };

  const work = async (job: TakenJob) => {
    const jobStarted = performance.now();
    const path = job.data.location;
    // Renew the job while it is held, well within its visibility timeout.
    const renewEvery = Math.max(1000, ((job.expireInSeconds || queue.settings.visibilitySeconds) * 1000) / 3);
    const renewal = setInterval(() => {
      queue.touch(name, [job.id]).catch((error) => {
        emit({ type: 'warning', message: `could not renew job ${job.id}: ${(error as Error).message}` });
      });
    }, renewEvery);
    try {
      let outcome = (
        await indexImage(path, {
          store,
          describer,
          embedder: options.embedder,
          force: job.data.force,
          maxPixels: options.maxPixels,
          describeTurn,
        })
      ).outcome;
      while (outcome === 'held') {
        // Another process is describing the same content: its description will do (or its claim lapses).
        await sleep(HELD_POLL_MS);
        outcome = (
          await indexImage(path, {
            store,
            describer,
            embedder: options.embedder,
            force: false,
            maxPixels: options.maxPixels,
            describeTurn,
          })
        ).outcome;
      }
      const status = outcome === 'moved' ? 'moved' : outcome;
      summary[status === 'indexed' ? 'indexed' : 'unchanged']++;
      await settle(() => queue.complete(job, { status }));
      emit({ type: 'job', path, status, ms: performance.now() - jobStarted });
    } catch (error) {
      const glimpseError = toGlimpseError(error, path);
      const failure = { code: glimpseError.code, message: glimpseError.message };
      if (isFatal(glimpseError.code)) {
        // Not the image's fault: give the job back for a worker whose key or server works, and stop.
        fatal ??= glimpseError;
        stop();
        await settle(() => queue.fail(job, { status: 'failed', ...failure }));
        return;
      }
      const final = !glimpseError.isRetryable || job.retryCount >= job.retryLimit;
      if (final) {
        summary.failed++;
        try {
          store.recordFailure(path, glimpseError.code, glimpseError.message, runId);
        } catch (storeError) {
          emit({ type: 'warning', message: `could not record the failure: ${(storeError as Error).message}` });
        }
      } else summary.retried++;
      await settle(() => queue.fail(job, { status: 'failed', ...failure }, { final }));
      emit({
        type: 'job',
        path,
        status: final ? 'failed' : 'retrying',
        ms: performance.now() - jobStarted,
        error: failure,
      });
    } finally {
      clearInterval(renewal);
    }
  };

  // Marking a job done must not be lost to a blip (the database restarting): try a few times; if it still fails,
  // the job comes back after its timeout and is skipped then, its description being stored.
  const settle = async (write: () => Promise<void>) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await write();
      } catch (error) {
        if (attempt >= 5) {
          emit({ type: 'warning', message: `could not update the queue: ${(error as Error).message}` });
          return;
        }
        await sleep(500 * attempt);
      }
    }
  };

  try {
    await takeJobs();
    // Stopping: what is held is finished and committed.
    await Promise.all(running);
  } finally {
    clearInterval(leases);
    options.signal?.removeEventListener('abort', stop);
    try {
      store.finishRun(runId, { indexed: summary.indexed, unchanged: summary.unchanged, failed: summary.failed });
    } catch {
      // The database is gone at the very end: the run shows as interrupted, nothing else is lost.
    }
  }
  if (fatal) throw fatal;
  return { ...summary, ms: Math.round(performance.now() - started) };
}
