/**
 * Queue workers' throughput: `glimpse worker` processes with a provider that takes a fixed 200 ms, at 1, 2 and 4
 * workers, against the ideal (ceil(images / (workers × concurrency)) × 200 ms), and against `index` run in this
 * process at the same total concurrency on the same machine in the same run (what the pipeline itself allows
 * here: the queue's own cost is the gap to it). Each size gets a fresh PostgreSQL database on the local server
 * (GLIMPSE_TEST_POSTGRES), dropped after. The workers are started and warmed up (a first small batch: ExifTool and
 * sharp started, the provider module loaded) before the clock runs from queueing the jobs to the last one ending.
 */
import { once } from 'node:events';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createGlimpse } from '../glimpse.js';
import { JobQueue, queueName, queueSettings } from '../queue/job-queue.js';
import { writeProviderModule } from '../testing/fixtures.js';
import { createTestDatabase } from '../testing/postgres.js';
import { startGlimpse } from '../testing/queue.js';
import { fakeDescriber } from './fake-providers.js';
import { benchImages } from './images.js';
import { type BenchResult, result } from './results.js';

const LATENCY_MS = 200;
/** The key the provider module of testing/fixtures.ts describes with. */
const KEY = { provider: 'test-module', requestedModel: 'test-1', promptVersion: 'p1' };

export async function measureWorkers(
  scratch: string,
  options: { imagesPerWorker: number; workers: readonly number[]; concurrency: number },
): Promise<BenchResult[]> {
  const { concurrency } = options;
  const most = Math.max(...options.workers) * options.imagesPerWorker;
  const warmUp = Math.max(...options.workers) * concurrency;
  const images = await benchImages(most + warmUp, scratch);
  const moduleFolder = join(scratch, 'worker-provider');
  await mkdir(moduleFolder, { recursive: true });
  const provider = writeProviderModule(moduleFolder, { latencyMs: LATENCY_MS });
  const results: BenchResult[] = [];
  for (const workers of options.workers) {
    const paths = images.paths.slice(0, workers * options.imagesPerWorker);
    const warm = images.paths.slice(most, most + workers * concurrency);
    const ms = await timeWorkers(paths, warm, workers, concurrency, provider);
    const inProcessMs = await timeIndex(paths, warm, workers * concurrency);
    const ideal = Math.ceil(paths.length / (workers * concurrency)) * LATENCY_MS;
    const rate = (time: number) => (paths.length / (time / 1000)).toFixed(1);
    results.push(
      result(
        `queue-workers-ratio-w${workers}`,
        ideal / ms,
        'of ideal',
        `${workers} worker process${workers === 1 ? '' : 'es'} × --concurrency ${concurrency}, ${paths.length} ${images.source}, 200 ms provider: ${rate(ms)} images/s, ideal ${rate(ideal)}; aim ≥ 0.9`,
      ),
      result(
        `queue-workers-vs-index-w${workers}`,
        inProcessMs / ms,
        'x',
        `against \`index\` at concurrency ${workers * concurrency} in one process, same images, same run: ${rate(inProcessMs)} images/s`,
      ),
    );
  }
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

/** `index` with the same concurrency in this process, into a fresh PostgreSQL database, warmed up the same way. */
async function timeIndex(paths: readonly string[], warm: readonly string[], concurrency: number): Promise<number> {
  const database = await createTestDatabase('glimpse_bench_index');
  const glimpse = await createGlimpse({
    db: database.url,
    provider: fakeDescriber({ latencyMs: LATENCY_MS }),
    embedder: null,
  });
  try {
    await glimpse.index([...warm], { concurrency });
    const clock = performance.now();
    const summary = await glimpse.index([...paths], { concurrency });
    if (summary.indexed !== paths.length)
      throw new Error(`bench index described ${summary.indexed} of ${paths.length}`);
    return performance.now() - clock;
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
