/**
 * The job queue of a PostgreSQL library: pg-boss (10) in the same database, schema `pgboss`. One job per image to
 * describe; one queue per provider, model and prompt version, so a worker takes only jobs it describes the way they
 * were asked for. (Why pg-boss and not BullMQ on Redis: README, "Many workers"; measured by bench/queue-engines.ts.)
 *
 * Delivery: a job taken by a worker is `active` until completed or failed. A worker renews it while it holds it
 * (`touch`, a third of the visibility timeout); one that stops renewing — killed, its machine gone — loses it when the
 * timeout passes, and the next maintenance round (any worker's, every `maintenanceSeconds`) puts it back for another
 * worker, as a retry. Failed jobs come back with exponential backoff until their retries are spent.
 *
 * New jobs wake idle workers at once: `enqueue` sends a NOTIFY on NEW_JOBS_CHANNEL with the queue's name, and a worker
 * with nothing to do listens for it (`newJobs`) besides asking every half second. A notice lost (the listening
 * connection dropped) only means the worker finds the jobs at its next ask.
 *
 * Two statements below reach into pg-boss's own `job` table, because pg-boss 10 has no call for them: renewing a
 * held job (pg-boss 10 has no heartbeat) and ending a job without retries (an image that cannot be read will not be
 * readable on the fifth try). They depend on pg-boss 10's schema (`started_on`, `retry_limit`, `retry_count`).
 */
import { createHash, randomUUID } from 'node:crypto';
import pg from 'pg';
import PgBoss from 'pg-boss';
import { GlimpseError } from '../errors.js';
import { redactUrl } from '../storage/location.js';
import type { DescriptionKey } from '../storage/store.js';
import type { QueueCounts } from '../types.js';
import { sleep } from './sleep.js';

/** Every describe queue's name starts with this. */
export const QUEUE_PREFIX = 'glimpse-describe-';
const SCHEMA = 'pgboss';
/** The PostgreSQL notification channel on which `enqueue` announces new jobs (the payload: the queue's name). */
export const NEW_JOBS_CHANNEL = 'glimpse_new_jobs';

/** What a job asks for: one image, and how it is to be described. */
export interface DescribeJob {
  /** 'path': a file every worker reaches at this path (a shared mount); 'url': an http(s) address. */
  source: 'path' | 'url';
  location: string;
  provider: string;
  model: string;
  promptVersion: string;
  /** Describe again even when described already (`index --force`). */
  force?: boolean;
  /** The `index --enqueue` call (or server request) that queued it. */
  batch: string;
}

export interface TakenJob {
  id: string;
  queue: string;
  data: DescribeJob;
  /** Deliveries before this one (a failure, or a holder that vanished); the last allowed is `retryLimit`. */
  retryCount: number;
  retryLimit: number;
  expireInSeconds: number;
}

/** What a finished job records as its output: how it ended, for progress readers. */
export interface JobOutcome {
  status: 'indexed' | 'unchanged' | 'moved' | 'failed';
  code?: string;
  message?: string;
}

export interface QueueSettings {
  /** Seconds a taken job stays invisible without being renewed (default 60; GLIMPSE_QUEUE_VISIBILITY_S). */
  visibilitySeconds: number;
  /** Deliveries after the first (default 4; GLIMPSE_QUEUE_RETRIES). */
  retries: number;
  /** First retry after about this many seconds, doubling (default 5; GLIMPSE_QUEUE_RETRY_DELAY_S). */
  retryDelaySeconds: number;
  /** How often expired jobs are looked for (default 10; GLIMPSE_QUEUE_MAINTENANCE_S). */
  maintenanceSeconds: number;
}

export function queueSettings(environment: NodeJS.ProcessEnv = process.env): QueueSettings {
  const number = (name: string, fallback: number, minimum: number) => {
    const value = Number(environment[name] ?? fallback);
    if (!Number.isFinite(value) || value < minimum)
      throw new GlimpseError('USAGE', `${name} must be a number of at least ${minimum}, not "${environment[name]}"`);
    return value;
  };
  return {
    visibilitySeconds: number('GLIMPSE_QUEUE_VISIBILITY_S', 60, 3),
    retries: number('GLIMPSE_QUEUE_RETRIES', 4, 0),
    retryDelaySeconds: number('GLIMPSE_QUEUE_RETRY_DELAY_S', 5, 1),
    maintenanceSeconds: number('GLIMPSE_QUEUE_MAINTENANCE_S', 10, 1),
  };
}

/** The queue for one provider, model and prompt version: readable, and short enough for pg-boss. */
export function queueName(key: DescriptionKey): string {
  const digest = createHash('sha256')
    .update(`${key.provider}\0${key.requestedModel}\0${key.promptVersion}`)
    .digest('hex')
    .slice(0, 12);
  const readable = key.provider
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 24);
  return `${QUEUE_PREFIX}${readable}-${digest}`;
}

export class JobQueue {
  private listener: Promise<pg.Client | null> | null = null;
  /** Per queue: resolved by the next notice of new jobs on it. */
  private readonly announced = new Map<string, { promise: Promise<void>; resolve: () => void }>();
  private closed = false;

  private constructor(
    private readonly boss: PgBoss,
    readonly settings: QueueSettings,
    readonly url: string,
  ) {}

  /**
   * The queue in the PostgreSQL database at `url` (its tables are made on first use). While open, the process takes
   * its turn at maintenance (pg-boss lets one process at a time do it). `onError`: what pg-boss reports in the
   * background (a lost connection, say), which it recovers from by itself.
   */
  static async open(
    url: string,
    options: { onError?: (error: Error) => void; settings?: QueueSettings } = {},
  ): Promise<JobQueue> {
    const settings = options.settings ?? queueSettings();
    const boss = new PgBoss({
      connectionString: url,
      schema: SCHEMA,
      max: 4,
      application_name: 'glimpse-queue',
      schedule: false,
      supervise: true,
      migrate: true,
      maintenanceIntervalSeconds: settings.maintenanceSeconds,
      expireInSeconds: settings.visibilitySeconds,
      retryLimit: settings.retries,
      retryDelay: settings.retryDelaySeconds,
      retryBackoff: true,
    });
    boss.on('error', (error: Error) => options.onError?.(error));
    try {
      await boss.start();
    } catch (error) {
      await boss.stop({ graceful: false, wait: true }).catch(() => undefined);
      throw new GlimpseError(
        'DATABASE_UNREACHABLE',
        `Cannot reach the job queue in the PostgreSQL database ${redactUrl(url)}: ${(error as Error)?.message ?? error}`,
        { cause: error },
      );
    }
    return new JobQueue(boss, settings, url);
  }

  /**
   * Make the queue if it is not there yet. Workers starting together may make it at the same moment: pg-boss's
   * partition DDL can then deadlock, and PostgreSQL stops one of them, which tries again.
   */
  async ensure(name: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        if (!(await this.boss.getQueue(name))) await this.boss.createQueue(name);
        return;
      } catch (error) {
        const message = String((error as Error)?.message);
        if (attempt >= 8 || !/deadlock detected|already exists|duplicate key/i.test(message)) throw error;
        await sleep(50 + Math.random() * 200 * attempt);
      }
    }
  }

  /** Queue one job per item; returns how many. Inserted a thousand at a time. */
  async enqueue(
    key: DescriptionKey,
    items: readonly { source: DescribeJob['source']; location: string }[],
    options: { force?: boolean; batch?: string } = {},
  ): Promise<{ queue: string; batch: string; queued: number }> {
    const name = queueName(key);
    const batch = options.batch ?? randomUUID();
    await this.ensure(name);
    for (let start = 0; start < items.length; start += 1000) {
      await this.boss.insert(
        items.slice(start, start + 1000).map(({ source, location }) => ({
          name,
          data: {
            source,
            location,
            provider: key.provider,
            model: key.requestedModel,
            promptVersion: key.promptVersion,
            force: options.force || undefined,
            batch,
          } satisfies DescribeJob,
          retryLimit: this.settings.retries,
          retryDelay: this.settings.retryDelaySeconds,
          retryBackoff: true,
          expireInSeconds: this.settings.visibilitySeconds,
        })),
      );
    }
    if (items.length > 0)
      await this.boss
        .getDb()
        .executeSql('SELECT pg_notify($1, $2)', [NEW_JOBS_CHANNEL, name])
        .catch(() => undefined); // Workers still find the jobs at their next ask.
    return { queue: name, batch, queued: items.length };
  }

  /**
   * Resolves at the next announcement of new jobs on queue `name` (any process's `enqueue`) after this call, or never:
   * the caller races it with its own timer. The first call opens a connection that LISTENs; when it cannot, or it
   * drops, nothing is announced until a later call opens it again.
   */
  newJobs(name: string): Promise<void> {
    if (this.closed) return new Promise(() => undefined);
    this.listener ??= this.listen();
    let next = this.announced.get(name);
    if (!next) {
      let resolve: () => void = () => undefined;
      const promise = new Promise<void>((done) => {
        resolve = done;
      });
      next = { promise, resolve };
      this.announced.set(name, next);
    }
    return next.promise;
  }

  private listen(): Promise<pg.Client | null> {
    const client = new pg.Client({ connectionString: this.url, application_name: 'glimpse-queue-listen' });
    const lost = () => {
      if (this.listener === opened) this.listener = null;
      client.end().catch(() => undefined);
    };
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', (notice) => {
      if (notice.channel !== NEW_JOBS_CHANNEL || !notice.payload) return;
      const next = this.announced.get(notice.payload);
      this.announced.delete(notice.payload);
      next?.resolve();
    });
    const opened = (async () => {
      try {
        await client.connect();
        await client.query(`LISTEN ${NEW_JOBS_CHANNEL}`);
        return client;
      } catch {
        lost();
        return null;
      }
    })();
    return opened;
  }

  /** Up to `limit` due jobs of the queue, now held by this process (none when none is due). */
  async take(name: string, limit = 1): Promise<TakenJob[]> {
    const jobs = await this.boss.fetch<DescribeJob>(name, { includeMetadata: true, batchSize: limit });
    return jobs.map((job) => ({
      id: job.id,
      queue: name,
      data: job.data,
      retryCount: job.retryCount,
      retryLimit: job.retryLimit,
      expireInSeconds: Number((job as unknown as { expireInSeconds?: number }).expireInSeconds) || 0,
    }));
  }

  /** Still working on these: their visibility timeout starts again. */
  async touch(name: string, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.boss
      .getDb()
      .executeSql(
        `UPDATE ${SCHEMA}.job SET started_on = now() WHERE name = $1 AND id = ANY($2::uuid[]) AND state = 'active'`,
        [name, ids],
      );
  }

  async complete(job: TakenJob, outcome: JobOutcome): Promise<void> {
    await this.boss.complete(job.queue, job.id, outcome as unknown as object);
  }

  /** Failed this time: it comes back after a backoff unless `final` (or its retries are spent). */
  async fail(job: TakenJob, outcome: JobOutcome, options: { final?: boolean } = {}): Promise<void> {
    if (options.final)
      await this.boss
        .getDb()
        .executeSql(`UPDATE ${SCHEMA}.job SET retry_limit = retry_count WHERE name = $1 AND id = $2::uuid`, [
          job.queue,
          job.id,
        ]);
    await this.boss.fail(job.queue, job.id, outcome as unknown as object);
  }

  /** Jobs of one queue (or all of Glimpse's) by state. */
  async counts(name?: string): Promise<QueueCounts> {
    const { rows } = await this.boss.getDb().executeSql(
      `SELECT state::text AS state, count(*)::int AS count FROM ${SCHEMA}.job
       WHERE ${name ? 'name = $1' : 'starts_with(name, $1)'} GROUP BY state`,
      [name ?? QUEUE_PREFIX],
    );
    const by = Object.fromEntries(rows.map((row) => [row.state as string, row.count as number]));
    return { waiting: (by.created ?? 0) + (by.retry ?? 0), active: by.active ?? 0, failed: by.failed ?? 0 };
  }

  /** Queues other than `except` with jobs waiting, and what they were queued for (the first waiting job's key). */
  async otherWaiting(except: string): Promise<{ queue: string; provider: string; model: string; waiting: number }[]> {
    const { rows } = await this.boss.getDb().executeSql(
      `SELECT name, count(*)::int AS waiting, min(data->>'provider') AS provider, min(data->>'model') AS model
       FROM ${SCHEMA}.job WHERE starts_with(name, $1) AND name <> $2 AND state IN ('created', 'retry')
       GROUP BY name ORDER BY name`,
      [QUEUE_PREFIX, except],
    );
    return rows.map((row) => ({
      queue: row.name as string,
      provider: row.provider as string,
      model: row.model as string,
      waiting: row.waiting as number,
    }));
  }

  /** The jobs of a batch that have ended (completed or failed for good), with their outcome. */
  async finishedInBatch(name: string, batch: string): Promise<{ id: string; location: string; outcome: JobOutcome }[]> {
    const { rows } = await this.boss.getDb().executeSql(
      `SELECT id::text, data->>'location' AS location, state::text AS state, output FROM ${SCHEMA}.job
       WHERE name = $1 AND data->>'batch' = $2 AND state IN ('completed', 'failed', 'cancelled')`,
      [name, batch],
    );
    return rows.map((row) => {
      // A job whose holders all vanished ends with pg-boss's own output: { value: { message } }.
      const output = (row.output ?? {}) as Partial<JobOutcome> & { value?: { message?: string } };
      const failed = row.state !== 'completed';
      return {
        id: row.id as string,
        location: row.location as string,
        outcome: {
          status: failed ? 'failed' : (output.status ?? 'indexed'),
          ...(failed
            ? { code: output.code ?? 'INTERNAL', message: output.message ?? output.value?.message ?? 'the job failed' }
            : {}),
        },
      };
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const listener = await this.listener;
    this.listener = null;
    await listener?.end().catch(() => undefined);
    await this.boss.stop({ graceful: false, wait: true, close: true });
  }
}
