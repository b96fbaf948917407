/**
 * Indexing cost: (1) the whole pipeline with an instant provider against plain sharp decode+resize of the same
 * images, with where the pipeline's time goes (per-stage timers in the indexer), and (2) throughput with a provider
 * that takes a fixed 200 ms, at several concurrencies, against the ideal (ceil(images / concurrency) × 200 ms), which
 * shows whether the pipeline keeps slow providers busy.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { mapConcurrent } from '../eval/concurrency.js';
import { withTemporaryFolder } from '../eval/search.js';
import { closeMetadataTool } from '../metadata/exiftool.js';
import { type IndexStage, type IndexTimings, runIndex } from '../pipeline/indexer.js';
import { openStore } from '../storage/open-store.js';
import { fakeDescriber } from './fake-providers.js';
import type { BenchResult } from './results.js';
import { repeated, result } from './results.js';

const PROVIDER_SIZE = 512;
const CONCURRENCY = 2;

/**
 * CPU milliseconds used so far by this process (all its threads: libvips decodes in its own) and by its children that
 * have ended (ExifTool, which each index run starts and stops). On a shared machine CPU time stays put when wall
 * time swings with other people's load. Children's time is read from /proc (Linux; elsewhere it counts as 0).
 */
function cpuMs(): number {
  return ownCpuMs() + childrenCpuMs();
}

function ownCpuMs(): number {
  const own = process.cpuUsage();
  return (own.user + own.system) / 1000;
}

function childrenCpuMs(): number {
  try {
    // Fields after the command name: cutime and cstime are the 14th and 15th, in clock ticks (100 a second).
    const fields = readFileSync('/proc/self/stat', 'latin1').split(') ')[1].split(' ');
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100;
  } catch {
    return 0;
  }
}

interface Cost {
  ms: number;
  /** CPU time, this process's and its ended children's. */
  cpu: number;
  /** Of which the children's (ExifTool). */
  children: number;
}

/** What any image pipeline must do at least: read, decode, orient and downscale to the provider's size. */
async function decodeAndResize(paths: readonly string[], concurrency = CONCURRENCY): Promise<Cost> {
  const cpu = cpuMs();
  const started = performance.now();
  await mapConcurrent(paths, concurrency, async (path) => {
    const bytes = await readFile(path);
    await sharp(bytes)
      .rotate()
      .resize({ width: PROVIDER_SIZE, height: PROVIDER_SIZE, fit: 'inside', withoutEnlargement: true })
      .raw()
      .toBuffer();
  });
  return { ms: performance.now() - started, cpu: cpuMs() - cpu, children: 0 };
}

/** What `glimpse.index` runs, in a fresh library (and a fresh ExifTool, as a new `glimpse index` process has). */
async function indexWith(
  paths: readonly string[],
  latencyMs: number,
  concurrency: number,
  breakdown?: IndexTimings,
): Promise<Cost> {
  return withTemporaryFolder(async (folder) => {
    const store = await openStore(join(folder, 'bench.db'));
    const cpu = cpuMs();
    const children = childrenCpuMs();
    try {
      const started = performance.now();
      const summary = await runIndex({
        store,
        describer: fakeDescriber({ latencyMs, preferredImageSize: PROVIDER_SIZE }),
        embedder: null,
        paths: [...paths],
        concurrency,
        // One image at a time, so that each stage's CPU time is its own.
        ...(breakdown ? { timings: breakdown, inFlight: 1 } : {}),
      });
      const ms = performance.now() - started;
      if (summary.indexed !== paths.length)
        throw new Error(
          `bench indexing described ${summary.indexed} of ${paths.length} images: ${JSON.stringify(summary.failures.slice(0, 2))}`,
        );
      // ExifTool's start and end (a new `glimpse index` process pays both) count in the run's CPU time; its CPU
      // time is known once the process is reaped, a moment after it ended.
      await closeMetadataTool();
      await new Promise((resolve) => setTimeout(resolve, 20));
      return { ms, cpu: cpuMs() - cpu, children: childrenCpuMs() - children };
    } finally {
      await closeMetadataTool();
      store.close();
    }
  });
}

/** Runs `work` with a person's metadata read by ExifTool only, as before the JavaScript reader. */
async function withExifToolReader<T>(work: () => Promise<T>): Promise<T> {
  const before = process.env.GLIMPSE_METADATA_READER;
  process.env.GLIMPSE_METADATA_READER = 'exiftool';
  try {
    return await work();
  } finally {
    if (before === undefined) delete process.env.GLIMPSE_METADATA_READER;
    else process.env.GLIMPSE_METADATA_READER = before;
  }
}

export async function measureIndexOverhead(
  paths: readonly string[],
  rounds: number,
  source: string,
): Promise<BenchResult[]> {
  // Warm up sharp, the file cache and the store code once.
  await decodeAndResize(paths.slice(0, 4));
  await indexWith(paths.slice(0, 4), 0, CONCURRENCY);
  // Three arms, interleaved round by round so that the machine's load falls on all alike: plain decode+resize, the
  // indexer, and the indexer reading metadata with ExifTool only (GLIMPSE_METADATA_READER=exiftool, as before the
  // JavaScript reader) — the before/after of that change in the same run.
  const baseline: Cost[] = [];
  const pipeline: Cost[] = [];
  const exiftoolReader: Cost[] = [];
  for (let round = 0; round < rounds; round++) {
    baseline.push(await decodeAndResize(paths));
    pipeline.push(await indexWith(paths, 0, CONCURRENCY));
    exiftoolReader.push(await withExifToolReader(() => indexWith(paths, 0, CONCURRENCY)));
  }
  const indexMs = Math.min(...pipeline.map((round) => round.ms));
  const baseMs = Math.min(...baseline.map((round) => round.ms));
  const ratios = (arm: Cost[], of: 'ms' | 'cpu') => arm.map((round, index) => round[of] / baseline[index][of]);
  const note = `${paths.length} ${source}, concurrency ${CONCURRENCY}, ${rounds} interleaved rounds, each against that round's plain decode+resize`;
  return [
    repeated('index-overhead-ratio', ratios(pipeline, 'ms'), 'x', `${note}: wall time; aim ≤ 1.1`),
    repeated(
      'index-overhead-cpu-ratio',
      ratios(pipeline, 'cpu'),
      'x',
      "CPU time incl. ExifTool's (steadier than wall time when the machine is shared)",
    ),
    repeated(
      'index-overhead-ratio-exiftool-reader',
      ratios(exiftoolReader, 'ms'),
      'x',
      "the same with GLIMPSE_METADATA_READER=exiftool (a person's metadata read by ExifTool, as before): wall time",
    ),
    repeated(
      'index-overhead-cpu-ratio-exiftool-reader',
      ratios(exiftoolReader, 'cpu'),
      'x',
      "the same, CPU time incl. ExifTool's",
    ),
    result(
      'index-ms-per-image',
      indexMs / paths.length,
      'ms',
      'instant provider, fastest round: read, hash, decode, EXIF, metadata, store (thumbnails are made on first view)',
    ),
    result(
      'decode-resize-ms-per-image',
      baseMs / paths.length,
      'ms',
      `plain sharp decode+resize to ${PROVIDER_SIZE} px, fastest round`,
    ),
    ...(await breakdown(paths)),
  ];
}

const STAGES: Record<IndexStage, string> = {
  lookup: 'stat and the library lookups that decide whether to read the file',
  read: 'reading the file',
  hash: 'sha256 of the bytes read',
  decode: 'header, decode and resize once, EXIF (exifr)',
  describe: 'the provider (instant here)',
  metadata:
    "a person's caption and keywords: JPEG segments read in JavaScript, sidecars looked up in one listing per folder (ExifTool for other formats)",
  store:
    'claim, one transaction (description, file row, search row), release; one image at a time here, so each commits alone (in a run, images that finish together share a commit)',
};

/**
 * Where indexing's CPU time goes: the images once more, one at a time, each stage timed by this process's CPU clock
 * (libvips' threads included), ExifTool's process apart, and the rest of the run (discovery, run rows, scheduling,
 * garbage collection) as what the stages leave; against plain decode+resize one at a time.
 */
async function breakdown(paths: readonly string[]): Promise<BenchResult[]> {
  const base = await decodeAndResize(paths, 1);
  const timings: IndexTimings = { ms: {}, clock: ownCpuMs };
  const run = await indexWith(paths, 0, 1, timings);
  const perImage = (ms: number) => ms / paths.length;
  const share = (ms: number) => `${((100 * ms) / run.cpu).toFixed(0)} % of indexing's CPU`;
  const staged = Object.values(timings.ms).reduce((sum, ms) => sum + (ms ?? 0), 0);
  const other = run.cpu - run.children - staged;
  return [
    result(
      'index-cpu-ms-per-image',
      perImage(run.cpu),
      'ms',
      `one image at a time: ${(run.cpu / base.cpu).toFixed(2)}× plain decode+resize's ${perImage(base.cpu).toFixed(1)} ms`,
    ),
    ...(Object.keys(STAGES) as IndexStage[]).map((stage) => {
      const ms = timings.ms[stage] ?? 0;
      return result(`index-cpu-${stage}-ms`, perImage(ms), 'ms', `${share(ms)}: ${STAGES[stage]}`);
    }),
    result(
      'index-cpu-exiftool-ms',
      perImage(run.children),
      'ms',
      `${share(run.children)}: ExifTool's own process (start, files read, end)`,
    ),
    result('index-cpu-other-ms', perImage(other), 'ms', `${share(other)}: discovery, run rows, scheduling, GC`),
  ];
}

/**
 * `instantMsPerImage` (the pipeline's own wall time per image, from measureIndexOverhead) bounds what 2 cores can
 * do however slow the provider is; the note says so, since at high concurrency that, not waiting, is the limit.
 * Each concurrency runs `rounds` times (a fresh library each), so that one slow round shows as the spread it is.
 */
export async function measureThroughput(
  paths: readonly string[],
  counts: Record<number, number>,
  instantMsPerImage?: number,
  rounds = 3,
): Promise<BenchResult[]> {
  const latency = 200;
  const results: BenchResult[] = [];
  for (const [concurrency, count] of Object.entries(counts).map(([c, n]) => [Number(c), n] as const)) {
    const subset = paths.slice(0, count);
    const ideal = Math.ceil(subset.length / concurrency) * latency;
    const ratios: number[] = [];
    for (let round = 0; round < rounds; round++)
      ratios.push(ideal / (await indexWith(subset, latency, concurrency)).ms);
    const cpuBound = instantMsPerImage ? `, CPU allows ≈${(1000 / instantMsPerImage).toFixed(0)}` : '';
    // The indexer sends the first describe call alone (a refused key costs one request, not `concurrency`): the
    // others wait for its answer, so the run takes at least one round more than the ideal counts.
    const gated = (1 + Math.ceil((subset.length - 1) / concurrency)) * latency;
    const best = Math.max(...ratios);
    const note = `${subset.length} images, 200 ms provider: ${((best * subset.length) / (ideal / 1000)).toFixed(1)} images/s at best, ideal ${(subset.length / (ideal / 1000)).toFixed(1)}; first call alone: at most ${(ideal / gated).toFixed(2)} of ideal${cpuBound}`;
    results.push(repeated(`throughput-ratio-c${concurrency}`, ratios, 'of ideal', note));
  }
  return results;
}
