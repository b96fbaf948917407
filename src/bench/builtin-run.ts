/**
 * Child process of the built-in analyzer bench: index the given images with provider "builtin" into a temporary
 * store and print one JSON line with timings and peak memory (maxRSS of this process). The first images, one per
 * analysis worker, are indexed apart: each worker loads its models on its first image.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { withTemporaryFolder } from '../eval/search.js';
import { createGlimpse } from '../glimpse.js';
import type { BuiltinRun } from './builtin.js';

const paths = process.argv.slice(2);
// The analysis pool's default size (AnalysisPool): one worker per core, at most two.
const warmed = Math.min(2, availableParallelism(), Math.max(1, paths.length - 1));
const measured = await withTemporaryFolder(async (folder): Promise<BuiltinRun> => {
  const glimpse = await createGlimpse({ db: join(folder, 'builtin.db'), provider: 'builtin', embedder: null });
  try {
    let started = performance.now();
    const first = await glimpse.index(paths.slice(0, warmed));
    const loadMs = performance.now() - started;
    started = performance.now();
    const cpu = process.cpuUsage();
    const rest = await glimpse.index(paths.slice(warmed));
    const ms = performance.now() - started;
    const used = process.cpuUsage(cpu);
    return {
      images: paths.length,
      warmed,
      indexed: first.indexed + rest.indexed,
      loadMs,
      ms,
      cpuMs: (used.user + used.system) / 1000,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
      failures: [...first.failures, ...rest.failures],
    };
  } finally {
    await glimpse.close();
  }
});
process.stdout.write(`${JSON.stringify(measured)}\n`);
