/**
 * Queue workers' throughput: `glimpse worker` processes with a provider that takes a fixed 200 ms, at 1, 2 and 4
 * workers, against the ideal (ceil(images / (workers × concurrency)) × 200 ms). Measured at two settings, each
 * labelled: every worker at --concurrency 1 (ideal 5, 10 and 20 images/s) and at the bench's concurrency (default 2:
 * ideal 10, 20 and 40 images/s — at 4 workers more than this 2-core machine decodes). Beside each, the ceiling of the
 * same machine in the same run: `index` in this one process at the same total concurrency, same images (what the
 * pipeline itself allows here; the queue's own cost is the gap to it). Each measurement gets a fresh PostgreSQL
 * database on the local server (GLIMPSE_TEST_POSTGRES), dropped after; the workers are started and warmed up (a first
 * small batch: ExifTool and sharp started, the provider module loaded) before the clock runs from queueing the jobs
 * to the last one ending. Repeated BENCH_WORKER_REPEATS times (default 2), alternating workers and `index`: min,
 * median and max are reported. Also the store's round trips per image (deterministic: what a job costs PostgreSQL).
 */
import { once } from 'node:events';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createGlimpse } from '../glimpse.js';
import { JobQueue, queueName, queueSettings } from '../queue/job-queue.js';
import { storeTraffic } from '../storage/postgres/connection.js';
import { writeProviderModule } from '../testing/fixtures.js';
import { createTestDatabase } from '../testing/postgres.js';
import { startGlimpse } from '../testing/queue.js';
import { fakeDescriber } from './fake-providers.js';
import { benchImages } from './images.js';
import { type BenchResult, repeated, result } from './results.js';

const LATENCY_MS = 200;
/** The key the provider module of testing/fixtures.ts describes with. */
const KEY = { provider: 'test-module', requestedModel: 'test-1', promptVersion: 'p1' };

export async function measureWorkers(
  scratch: string,
  options: { imagesPerWorker: number; workers: readonly number[]; concurrency: number; repeats?: number },
): Promise<BenchResult[]> {
  const repeats = Math.max(1, options.repeats ?? Number(process.env.BENCH_WORKER_REPEATS ?? 2));
  const settings = [...new Set([1, options.concurrency])];
  const most = Math.max(...options.workers) * options.imagesPerWorker;
  const warmUp = Math.max(...options.workers) * Math.max(...settings);
  const images = await benchImages(most + warmUp, scratch);
  const moduleFolder = join(scratch, 'worker-provider');
  await mkdir(moduleFolder, { recursive: true });
  const provider = writeProviderModule(moduleFolder, { latencyMs: LATENCY_MS });
  const results: BenchResult[] = [];
  let traffic: typeof storeTraffic | undefined;
  for (const concurrency of settings) {
    // The bench's own setting keeps the names earlier runs used; --concurrency 1 is labelled as such.
    const label = concurrency === options.concurrency ? '' : `-c${concurrency}`;
    for (const workers of options.workers) {
      const paths = images.paths.slice(0, workers * options.imagesPerWorker);
      const warm = images.paths.slice(most, most + workers * concurrency);
      const ideal = Math.ceil(paths.length / (workers * concurrency)) * LATENCY_MS;
      const viaQueue: number[] = [];
      const inProcess: number[] = [];
      for (let round = 0; round < repeats; round++) {
        viaQueue.push(await timeWorkers(paths, warm, workers, concurrency, provider));
        const index = await timeIndex(paths, warm, workers * concurrency);
        inProcess.push(index.ms);
        traffic ??= index.traffic;
      }
      const rate = (time: number) => (paths.length / (time / 1000)).toFixed(1);
      const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];
      const setting = `${workers} worker process${workers === 1 ? '' : 'es'} × --concurrency ${concurrency}`;
      results.push(
        repeated(
          `queue-workers${label}-ratio-w${workers}`,
          viaQueue.map((ms) => ideal / ms),
          'of ideal',
          `${setting}, ${paths.length} ${images.source}, 200 ms provider: ${rate(median(viaQueue))} images/s (median), ideal ${rate(ideal)}; aim ≥ 0.9`,
        ),
        repeated(
          `queue-workers${label}-index-ceiling-w${workers}`,
          inProcess.map((ms) => ideal / ms),
          'of ideal',
          `this machine's ceiling in the same run: \`index\` in one process at concurrency ${workers * concurrency}, same images: ${rate(median(inProcess))} images/s (median)`,
        ),
        repeated(
          `queue-workers${label}-vs-index-w${workers}`,
          viaQueue.map((ms, round) => inProcess[round] / ms),
          'x',
          `${setting} against that ceiling, round by round`,
        ),
      );
    }
  }
  if (traffic)
    results.push(
      result(
        'queue-store-waits-per-image',
        traffic.waits,
        'round trips',
        `PostgreSQL round trips the indexing thread waits for per new image (plus ${traffic.sent.toFixed(1)} sent without waiting; ${traffic.statements.toFixed(1)} statements)`,
      ),
    );
  return results;
}

async function timeWorkers(
  paths: readonly string[],
  warm: readonly string[],
  workers: number,
  concurrency: number,
  provider: string,
): Promise<number> {
  const database = await createTestDatabase('glimpse_bench_workers');
  const children = Array.from({ length: workers }, () =>
    startGlimpse(
      ['--db', database.url, 'worker', '--provider', provider, '--concurrency', String(concurrency), '--json'],
      {
        GLIMPSE_QUEUE_VISIBILITY_S: '60',
      },
    ),
  );
  let queue: JobQueue | undefined;
  try {
    await Promise.all(children.map((child) => started(child)));
    queue = await JobQueue.open(database.url, { settings: queueSettings({}) });
    await drain(queue, warm);
    const clock = performance.now();
    await drain(queue, paths);
    return performance.now() - clock;
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((child) => (child.exitCode === null ? once(child, 'exit') : undefined)));
    await queue?.close();
    await database.drop();
  }
}

/** Queue the images and wait until every job has ended. */
async function drain(queue: JobQueue, paths: readonly string[]): Promise<void> {
  await queue.enqueue(
    KEY,
    paths.map((location) => ({ source: 'path' as const, location })),
  );
  for (;;) {
    const counts = await queue.counts(queueName(KEY));
    if (counts.failed > 0) throw new Error(`bench workers: ${counts.failed} jobs failed`);
    if (counts.waiting === 0 && counts.active === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * `index` with the same concurrency in this process, into a fresh PostgreSQL database, warmed up the same way; with
 * the store's traffic per image in the timed part.
 */
async function timeIndex(
  paths: readonly string[],
  warm: readonly string[],
  concurrency: number,
): Promise<{ ms: number; traffic: typeof storeTraffic }> {
  const database = await createTestDatabase('glimpse_bench_index');
  const glimpse = await createGlimpse({
    db: database.url,
    provider: fakeDescriber({ latencyMs: LATENCY_MS }),
    embedder: null,
  });
  try {
    await glimpse.index([...warm], { concurrency });
    const before = { ...storeTraffic };
    const clock = performance.now();
    const summary = await glimpse.index([...paths], { concurrency });
    const ms = performance.now() - clock;
    if (summary.indexed !== paths.length)
      throw new Error(`bench index described ${summary.indexed} of ${paths.length}`);
    const per = (name: keyof typeof storeTraffic) => (storeTraffic[name] - before[name]) / paths.length;
    return { ms, traffic: { waits: per('waits'), sent: per('sent'), statements: per('statements') } };
  } finally {
    await glimpse.close();
    await database.drop();
  }
}

/** Resolves at the worker's 'started' event (its queue made, its store open); rejects if it exits first. */
function started(child: ReturnType<typeof startGlimpse>): Promise<void> {
  return new Promise((resolve, reject) => {
    let errors = '';
    child.stderr!.on('data', (chunk) => (errors += chunk));
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      if (line.includes('"type":"started"')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`a bench worker exited (${code}) before starting: ${errors}`)));
  });
}
