/**
 * `node dist/bench/queue-engines.js`: the measurement behind the choice of job queue (README, "Many workers"):
 * pg-boss on the PostgreSQL at 127.0.0.1:5432 against BullMQ on the Redis at 127.0.0.1:6379, with trivial jobs.
 * For each: enqueue rate (one batch insert), consume rate (8 concurrent handlers that do nothing), and how long a
 * job held by a process killed with -9 takes to reach another consumer when both are set to notice after 5 s.
 * Uses its own database (glimpse_queue_bench) and Redis key prefix, made and removed here.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Queue, Worker } from 'bullmq';
import pg from 'pg';
import PgBoss from 'pg-boss';

const ADMIN = 'postgres://postgres@127.0.0.1:5432/postgres';
const DATABASE = 'glimpse_queue_bench';
const URL_ = `postgres://postgres@127.0.0.1:5432/${DATABASE}`;
const REDIS = { host: '127.0.0.1', port: 6379 };
const PREFIX = 'glimpse-queue-bench';
const JOBS = Number(process.env.QUEUE_BENCH_JOBS ?? 2000);
const CONCURRENCY = 8;
const VISIBILITY_S = 5;
/** Workers to close once measured (a BullMQ worker keeps its Redis connections, and the process, alive). */
const closing: (() => Promise<void>)[] = [];

const bossOptions = {
  connectionString: URL_,
  expireInSeconds: VISIBILITY_S,
  maintenanceIntervalSeconds: 1,
  retryLimit: 5,
  supervise: true,
};

async function pgBossRates() {
  const boss = new PgBoss(bossOptions);
  boss.on('error', () => undefined);
  await boss.start();
  await boss.createQueue('rate');
  let started = performance.now();
  await boss.insert(Array.from({ length: JOBS }, (_, n) => ({ name: 'rate', data: { n } })));
  const enqueue = JOBS / ((performance.now() - started) / 1000);
  started = performance.now();
  let done = 0;
  // Our own loop (fetch as soon as a handler is free), the way the Glimpse worker uses it.
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (;;) {
        const [job] = await boss.fetch('rate');
        if (!job) return;
        await boss.complete('rate', job.id);
        done++;
      }
    }),
  );
  const consume = done / ((performance.now() - started) / 1000);
  await boss.stop({ graceful: false, wait: true });
  return { enqueue, consume };
}

async function bullRates() {
  const queue = new Queue('rate', { connection: REDIS, prefix: PREFIX });
  let started = performance.now();
  await queue.addBulk(Array.from({ length: JOBS }, (_, n) => ({ name: 'rate', data: { n } })));
  const enqueue = JOBS / ((performance.now() - started) / 1000);
  started = performance.now();
  let done = 0;
  await new Promise<void>((resolve) => {
    const worker = new Worker(
      'rate',
      async () => {
        if (++done === JOBS) resolve();
      },
      { connection: REDIS, prefix: PREFIX, concurrency: CONCURRENCY },
    );
    worker.on('closed', () => undefined);
    closing.push(() => worker.close());
  });
  const consume = done / ((performance.now() - started) / 1000);
  for (const close of closing.splice(0)) await close();
  await queue.obliterate({ force: true });
  await queue.close();
  return { enqueue, consume };
}

/** A child takes one job and is killed with -9; the time until a fresh consumer gets the same job. */
async function redelivery(engine: 'pg-boss' | 'bullmq'): Promise<number> {
  const child = fork(fileURLToPath(import.meta.url), ['--hold', engine], { stdio: 'inherit' });
  await new Promise((resolve) => child.once('message', resolve));
  child.kill('SIGKILL');
  const killed = performance.now();
  if (engine === 'pg-boss') {
    const boss = new PgBoss(bossOptions);
    boss.on('error', () => undefined);
    await boss.start();
    for (;;) {
      const [job] = await boss.fetch('hold');
      if (job) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const ms = performance.now() - killed;
    await boss.stop({ graceful: false, wait: true });
    return ms;
  }
  const ms = await new Promise<number>((resolve) => {
    const worker = new Worker('hold', async () => resolve(performance.now() - killed), {
      connection: REDIS,
      prefix: PREFIX,
      lockDuration: VISIBILITY_S * 1000,
      stalledInterval: 1000,
    });
    closing.push(() => worker.close());
  });
  for (const close of closing.splice(0)) await close();
  const queue = new Queue('hold', { connection: REDIS, prefix: PREFIX });
  await queue.obliterate({ force: true });
  await queue.close();
  return ms;
}

async function hold(engine: string) {
  if (engine === 'pg-boss') {
    const boss = new PgBoss(bossOptions);
    await boss.start();
    await boss.createQueue('hold');
    await boss.send('hold', {});
    const [job] = await boss.fetch('hold');
    if (!job) throw new Error('no job');
  } else {
    const queue = new Queue('hold', { connection: REDIS, prefix: PREFIX });
    await queue.add('hold', {});
    new Worker('hold', () => new Promise(() => undefined), {
      connection: REDIS,
      prefix: PREFIX,
      lockDuration: VISIBILITY_S * 1000,
      stalledInterval: 1000,
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  process.send?.('holding');
  await new Promise(() => undefined);
}

async function main() {
  const admin = new pg.Client({ connectionString: ADMIN });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${DATABASE}`);
  try {
    const rows = [] as string[];
    const boss = await pgBossRates();
    const bull = await bullRates();
    const bossRedelivery = await redelivery('pg-boss');
    const bullRedelivery = await redelivery('bullmq');
    rows.push(
      `pg-boss 10 (PostgreSQL): enqueue ${boss.enqueue.toFixed(0)} jobs/s, consume ${boss.consume.toFixed(0)} jobs/s, kill -9 → redelivered after ${(bossRedelivery / 1000).toFixed(1)} s`,
      `BullMQ 6 (Redis):        enqueue ${bull.enqueue.toFixed(0)} jobs/s, consume ${bull.consume.toFixed(0)} jobs/s, kill -9 → redelivered after ${(bullRedelivery / 1000).toFixed(1)} s`,
    );
    process.stdout.write(
      `${JOBS} trivial jobs, ${CONCURRENCY} concurrent handlers, visibility ${VISIBILITY_S} s\n${rows.join('\n')}\n`,
    );
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
    await admin.end();
  }
}

if (process.argv[2] === '--hold') await hold(process.argv[3]!);
else await main();
