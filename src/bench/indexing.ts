/**
 * Indexing cost: (1) the whole pipeline with an instant provider against plain sharp decode+resize of the same
 * images, and (2) throughput with a provider that takes a fixed 200 ms, at several concurrencies, against the ideal
 * (ceil(images / concurrency) × 200 ms), which shows whether the pipeline keeps slow providers busy.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { mapConcurrent } from '../eval/concurrency.js';
import { withTemporaryFolder } from '../eval/search.js';
import { createGlimpse } from '../glimpse.js';
import { fakeDescriber } from './fake-providers.js';
import type { BenchResult } from './results.js';
import { result } from './results.js';

const PROVIDER_SIZE = 512;
const CONCURRENCY = 2;

/** What any image pipeline must do at least: read, decode, orient and downscale to the provider's size. */
async function decodeAndResize(paths: readonly string[]): Promise<number> {
  const started = performance.now();
  await mapConcurrent(paths, CONCURRENCY, async (path) => {
    const bytes = await readFile(path);
    await sharp(bytes)
      .rotate()
      .resize({ width: PROVIDER_SIZE, height: PROVIDER_SIZE, fit: 'inside', withoutEnlargement: true })
      .raw()
      .toBuffer();
  });
  return performance.now() - started;
}

async function indexWith(paths: readonly string[], latencyMs: number, concurrency: number): Promise<number> {
  return withTemporaryFolder(async (folder) => {
    const glimpse = await createGlimpse({
      db: join(folder, 'bench.db'),
      provider: fakeDescriber({ latencyMs, preferredImageSize: PROVIDER_SIZE }),
      embedder: null,
      concurrency,
    });
    try {
      const started = performance.now();
      const summary = await glimpse.index([...paths], { concurrency });
      const ms = performance.now() - started;
      if (summary.indexed !== paths.length)
        throw new Error(
          `bench indexing described ${summary.indexed} of ${paths.length} images: ${JSON.stringify(summary.failures.slice(0, 2))}`,
        );
      return ms;
    } finally {
      await glimpse.close();
    }
  });
}

export async function measureIndexOverhead(
  paths: readonly string[],
  rounds: number,
  source: string,
): Promise<BenchResult[]> {
  // Warm up sharp, the file cache and the store code once.
  await decodeAndResize(paths.slice(0, 4));
  await indexWith(paths.slice(0, 4), 0, CONCURRENCY);
  const baseline: number[] = [];
  const pipeline: number[] = [];
  for (let round = 0; round < rounds; round++) {
    baseline.push(await decodeAndResize(paths));
    pipeline.push(await indexWith(paths, 0, CONCURRENCY));
  }
  // The fastest of several interleaved rounds: what the code costs, with the least interference from the machine.
  const baseMs = Math.min(...baseline);
  const indexMs = Math.min(...pipeline);
  const note = `${paths.length} ${source}, concurrency ${CONCURRENCY}, fastest of ${rounds}`;
  return [
    result('index-overhead-ratio', indexMs / baseMs, 'x', `${note}; aim ≤ 1.2`),
    result(
      'index-ms-per-image',
      indexMs / paths.length,
      'ms',
      'instant provider: read, hash, decode, EXIF, store (thumbnails are made on first view)',
    ),
    result(
      'decode-resize-ms-per-image',
      baseMs / paths.length,
      'ms',
      `plain sharp decode+resize to ${PROVIDER_SIZE} px`,
    ),
  ];
}

/**
 * `instantMsPerImage` (the pipeline's own wall time per image, from measureIndexOverhead) bounds what 2 cores can
 * do however slow the provider is; the note says so, since at high concurrency that, not waiting, is the limit.
 */
export async function measureThroughput(
  paths: readonly string[],
  counts: Record<number, number>,
  instantMsPerImage?: number,
): Promise<BenchResult[]> {
  const latency = 200;
  const results: BenchResult[] = [];
  for (const [concurrency, count] of Object.entries(counts).map(([c, n]) => [Number(c), n] as const)) {
    const subset = paths.slice(0, count);
    const ms = await indexWith(subset, latency, concurrency);
    const ideal = Math.ceil(subset.length / concurrency) * latency;
    const cpuBound = instantMsPerImage ? `, CPU allows ≈${(1000 / instantMsPerImage).toFixed(0)}` : '';
    const note = `${subset.length} images, 200 ms provider: ${(subset.length / (ms / 1000)).toFixed(1)} images/s, ideal ${(subset.length / (ideal / 1000)).toFixed(1)}${cpuBound}`;
    results.push(result(`throughput-ratio-c${concurrency}`, ideal / ms, 'of ideal', note));
  }
  return results;
}
