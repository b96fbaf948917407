/**
 * `npm run bench [-- --quick] [-- --json] [-- --out FILE]`: Glimpse's own speed, as figures measured in one run
 * and, where a baseline exists, as ratios to it (so they mean the same on any machine). A figure measured several
 * times is printed as its median with the min and max beside it, so noise can be told from change:
 * indexing overhead and throughput, search latency at 10k/100k/1M descriptions (full text and hybrid) with the
 * store's build rate, the same search on PostgreSQL (100k and 1M; a database of its own on 127.0.0.1:5432, dropped
 * after), the built-in analyzer's images/s and memory, and the CLI's cold start.
 * Full mode takes a few minutes on 2 cores; --quick (under a minute) skips the 1M store and uses fewer images.
 */
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { measureBuiltin, profileBuiltin } from './builtin.js';
import { measureColdStart } from './cold-start.js';
import { benchImages } from './images.js';
import { measureIndexOverhead, measureThroughput } from './indexing.js';
import { benchReceipts, measureOcr } from './ocr.js';
import { measurePostgresSearch } from './postgres-search.js';
import { type BenchResult, formatTable, result } from './results.js';
import { measureSearch } from './search-latency.js';
import { loadVocabulary } from './vocabulary.js';
import { measureWorkers } from './workers.js';

const DEFAULT_OUT = fileURLToPath(new URL('../bench-results.json', import.meta.url));

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    out: { type: 'string', default: DEFAULT_OUT },
    only: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  process.stdout.write(`npm run bench -- [--quick] [--json] [--out FILE] [--only indexing,workers,search,postgres,builtin,ocr,cli]
  --quick   under a minute: fewer images, no 1M store
  --json    print {"results": [{"name", "value", "unit", "min", "median", "max", "runs"}]} instead of the table
  --out     where to write the JSON (default dist/bench-results.json)
`);
  process.exit(0);
}

const quick = values.quick;
const only = values.only ? new Set(values.only.split(',')) : null;
const wanted = (part: string) => !only || only.has(part);
const log = (text: string) => {
  if (!values.json)
    process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0).padStart(3)} s] ${text}\n`);
};

const plan = quick
  ? {
      overheadImages: 16,
      rounds: 3,
      throughput: { 1: 6, 4: 16, 16: 48 },
      sizes: [10_000, 100_000],
      hybridUpTo: 100_000,
      queries: 60,
      repeats: 3,
      builtinImages: 6,
      ocrImages: 4,
      coldRuns: 3,
      imagesPerWorker: 15,
      postgresSizes: [10_000],
    }
  : {
      overheadImages: 60,
      rounds: 5,
      // 18 rounds at 16 (the coco-dev set holds 300): the first call, which goes alone, is one round of 19 (of 11 with
      // 160 images), as in a real run of thousands it is a small share.
      throughput: { 1: 20, 4: 60, 16: 288 },
      sizes: [10_000, 100_000, 1_000_000],
      hybridUpTo: 1_000_000,
      queries: 200,
      repeats: 5,
      builtinImages: 30,
      ocrImages: 12,
      coldRuns: 7,
      imagesPerWorker: 40,
      postgresSizes: [100_000, 1_000_000],
    };

const started = performance.now();
const scratch = await mkdtemp(join(tmpdir(), 'glimpse-bench-'));
const results: BenchResult[] = [];
try {
  if (wanted('indexing')) {
    const images = await benchImages(Math.max(plan.overheadImages, ...Object.values(plan.throughput)), scratch);
    log(`indexing overhead: ${plan.overheadImages} images (${images.source})`);
    const overhead = await measureIndexOverhead(images.paths.slice(0, plan.overheadImages), plan.rounds, images.source);
    results.push(...overhead);
    log('throughput with a 200 ms provider');
    const perImage = overhead.find((entry) => entry.name === 'index-ms-per-image')?.value ?? undefined;
    results.push(...(await measureThroughput(images.paths, plan.throughput, perImage)));
  }

  if (wanted('workers')) {
    log(
      `queue workers: 1, 2 and 4 worker processes, ${plan.imagesPerWorker} images each, 200 ms provider (PostgreSQL)`,
    );
    results.push(
      ...(await measureWorkers(scratch, {
        imagesPerWorker: plan.imagesPerWorker,
        workers: [1, 2, 4],
        concurrency: Number(process.env.BENCH_WORKER_CONCURRENCY ?? 2),
      })),
    );
  }

  let coldStartDb: string | null = null;
  if (wanted('search') || wanted('cli')) {
    const vocabulary = loadVocabulary();
    for (const size of wanted('search') ? plan.sizes : [10_000]) {
      log(`search: ${size} synthetic descriptions`);
      const measured = await measureSearch(scratch, vocabulary, size, {
        hybrid: size <= plan.hybridUpTo,
        queries: size >= 1_000_000 ? Math.min(plan.queries, 100) : plan.queries,
        repeats: size >= 1_000_000 ? Math.min(plan.repeats, 3) : plan.repeats,
        onProgress: (text) => (process.stderr.isTTY && !values.json ? process.stderr.write(`\r${text}`) : undefined),
      });
      if (process.stderr.isTTY && !values.json) process.stderr.write('\n');
      if (wanted('search')) results.push(...measured.results);
      if (size === 10_000) coldStartDb = measured.db;
      else {
        // The database, its WAL files and its vector index files (hundreds of MB at 1M): free the disk before the next size.
        const files = (await readdir(scratch)).filter((name) => name.startsWith(basename(measured.db)));
        await Promise.all(files.map((name) => rm(join(scratch, name), { force: true })));
      }
    }
    if (quick && wanted('search')) {
      results.push(
        result('search-p95-ms-1m', null, 'ms', 'full mode only (building 1M descriptions takes about two minutes)'),
      );
    }
    if (wanted('cli') && coldStartDb) {
      log('CLI cold start');
      results.push(...(await measureColdStart(coldStartDb, plan.coldRuns, '10k')));
    }
  }

  if (wanted('postgres')) {
    const vocabulary = loadVocabulary();
    for (const size of plan.postgresSizes) {
      log(`search on PostgreSQL: ${size} synthetic descriptions`);
      results.push(
        ...(await measurePostgresSearch(vocabulary, size, {
          queries: size >= 1_000_000 ? Math.min(plan.queries, 100) : plan.queries,
          onProgress: (text) => (process.stderr.isTTY && !values.json ? process.stderr.write(`\r${text}`) : undefined),
        })),
      );
      if (process.stderr.isTTY && !values.json) process.stderr.write('\n');
    }
  }

  if (wanted('builtin')) {
    const images = await benchImages(plan.builtinImages, scratch);
    log(`built-in analyzer: ${images.paths.length} images`);
    results.push(...(await measureBuiltin(images.paths, images.source, quick ? 1 : 2)));
    log('built-in analyzer: where the time goes');
    results.push(...(await profileBuiltin(images.paths, quick ? 2 : 6)));
  }

  if (wanted('ocr')) {
    const receipts = await benchReceipts(plan.ocrImages, scratch);
    const photos = await benchImages(plan.ocrImages, scratch);
    log(
      `OCR: ${receipts.paths.length} receipts and ${photos.paths.length} photos, built-in reader against tesseract.js`,
    );
    results.push(...(await measureOcr(receipts, photos)));
  }
} finally {
  await rm(scratch, { recursive: true, force: true });
}

const report = {
  mode: quick ? 'quick' : 'full',
  machine: {
    cpus: cpus().length,
    model: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    platform: process.platform,
  },
  seconds: Math.round((performance.now() - started) / 100) / 10,
  results,
};
await mkdir(dirname(values.out), { recursive: true });
await writeFile(values.out, `${JSON.stringify(report, null, 2)}\n`);
if (values.json) process.stdout.write(`${JSON.stringify(report)}\n`);
else
  process.stdout.write(
    `${formatTable(results)}\n\n${report.mode} run, ${report.seconds} s; written to ${values.out}\n`,
  );
