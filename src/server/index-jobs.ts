/**
 * Indexing runs started over HTTP. They run one after another (one store, one provider), keep their progress
 * events so a client that connects late — or reconnects with Last-Event-ID — sees everything, and are stopped
 * when the server closes.
 *
 * A library in PostgreSQL has a job queue: there a job queues one job per image for `glimpse worker` processes (on
 * any machine) and its progress events are the queue's — each image as a worker ends it. Such jobs do not wait for
 * one another; closing the server stops following them, and the workers go on.
 */
import { randomUUID } from 'node:crypto';
import { GlimpseError, toGlimpseError } from '../errors.js';
import type { Glimpse } from '../glimpse.js';
import { withinRoots } from '../pipeline/discover.js';
import type { IndexEvent, IndexSummary } from '../types.js';

export type JobEvent =
  | { id: number; event: 'progress'; data: IndexEvent }
  | { id: number; event: 'done'; data: IndexSummary }
  | { id: number; event: 'failed'; data: { code: string; message: string } };

export interface IndexJob {
  id: string;
  path: string;
  state: 'queued' | 'running' | 'done' | 'failed';
  createdAt: string;
  finishedAt: string | null;
  done: number;
  total: number | null;
  summary: IndexSummary | null;
  error: { code: string; message: string } | null;
}

/** Events kept per job; beyond this the oldest per-image events are dropped (counts stay right in the job). */
const MAX_KEPT_EVENTS = 5000;
const MAX_KEPT_JOBS = 50;

interface JobEntry {
  job: IndexJob;
  events: JobEvent[];
  nextEventId: number;
  listeners: Set<(event: JobEvent) => void>;
}

export class IndexJobs {
  private readonly jobs = new Map<string, JobEntry>();
  private readonly stop = new AbortController();
  private queue: Promise<void> = Promise.resolve();
  /** Jobs handed to the library's job queue, being followed. */
  private readonly following = new Set<Promise<void>>();

  constructor(private readonly glimpse: Glimpse) {}

  /**
   * Queue a job. `within`: the roots links may lead into (the server's --allow-index roots); by default the job's
   * own folder. Links that resolve outside them are not followed.
   */
  start(path: string, options: { force?: boolean; prune?: boolean; within?: string[] }): IndexJob {
    const job: IndexJob = {
      id: randomUUID(),
      path,
      state: 'queued',
      createdAt: new Date().toISOString(),
      finishedAt: null,
      done: 0,
      total: null,
      summary: null,
      error: null,
    };
    const entry: JobEntry = { job, events: [], nextEventId: 1, listeners: new Set() };
    this.jobs.set(job.id, entry);
    this.forgetOldJobs();
    if (this.glimpse.hasQueue) {
      const following = this.run(entry, options);
      this.following.add(following);
      void following.finally(() => this.following.delete(following));
    } else this.queue = this.queue.then(() => this.run(entry, options));
    return job;
  }

  get(id: string): IndexJob | undefined {
    return this.jobs.get(id)?.job;
  }

  list(): IndexJob[] {
    return [...this.jobs.values()].map((entry) => entry.job).reverse();
  }

  /** Events after `afterId`, then live ones until the job ends; returns a function that stops listening. */
  follow(id: string, afterId: number, listener: (event: JobEvent) => void): () => void {
    const entry = this.jobs.get(id);
    if (!entry) throw new GlimpseError('NOT_FOUND', `No indexing job ${id}`);
    for (const event of entry.events) if (event.id > afterId) listener(event);
    if (entry.job.state === 'done' || entry.job.state === 'failed') return () => {};
    entry.listeners.add(listener);
    return () => entry.listeners.delete(listener);
  }

  /** Stop running jobs and wait for them to wind down. */
  async close(): Promise<void> {
    this.stop.abort();
    await Promise.all([this.queue, ...this.following].map((running) => running.catch(() => undefined)));
  }

  private async run(
    entry: JobEntry,
    { within, ...options }: { force?: boolean; prune?: boolean; within?: string[] },
  ): Promise<void> {
    const { job } = entry;
    if (this.stop.signal.aborted)
      return this.finish(entry, 'failed', { code: 'USAGE', message: 'The server stopped before the job started' });
    job.state = 'running';
    try {
      const onProgress = (event: IndexEvent) => {
        if (event.type === 'discovered') job.total = event.total;
        if (event.type === 'image') job.done = event.done;
        this.emit(entry, { event: 'progress', data: event });
      };
      const summary = await withinRoots(within?.length ? within : [job.path], async () => {
        if (!this.glimpse.hasQueue)
          return this.glimpse.index([job.path], { ...options, signal: this.stop.signal, onProgress });
        const batch = await this.glimpse.enqueue([job.path], { force: options.force });
        return this.glimpse.followEnqueued(batch, { signal: this.stop.signal, onProgress });
      });
      job.summary = summary;
      this.finish(entry, 'done', summary);
    } catch (error) {
      this.finish(entry, 'failed', toGlimpseError(error, job.path).toJSON());
    }
  }

  private finish(
    entry: JobEntry,
    state: 'done' | 'failed',
    data: IndexSummary | { code: string; message: string },
  ): void {
    entry.job.state = state;
    entry.job.finishedAt = new Date().toISOString();
    if (state === 'failed') entry.job.error = data as { code: string; message: string };
    this.emit(
      entry,
      state === 'done'
        ? { event: 'done', data: data as IndexSummary }
        : { event: 'failed', data: data as { code: string; message: string } },
    );
    entry.listeners.clear();
  }

  private emit(entry: JobEntry, event: Omit<JobEvent, 'id'>): void {
    const full = { ...event, id: entry.nextEventId++ } as JobEvent;
    entry.events.push(full);
    // Keep the first event (the total) and the newest ones.
    if (entry.events.length > MAX_KEPT_EVENTS) entry.events.splice(1, 1);
    for (const listener of entry.listeners) listener(full);
  }

  private forgetOldJobs(): void {
    for (const [id, entry] of this.jobs) {
      if (this.jobs.size <= MAX_KEPT_JOBS) break;
      if (entry.job.state === 'done' || entry.job.state === 'failed') this.jobs.delete(id);
    }
  }
}
