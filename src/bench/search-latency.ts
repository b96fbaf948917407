/**
 * Search latency on synthetic libraries of 10k, 100k and 1M described images: p50/p95 of the library's `search`
 * (full text with concept expansion; and hybrid, fusing a sqlite-vec nearest-neighbour list from a deterministic
 * embedder), plus how fast the store was built. Queries are 1–3 words drawn by corpus frequency, as people type.
 */
import { join } from 'node:path';
import { percentile } from '../eval/statistics.js';
import { createGlimpse, type Glimpse } from '../glimpse.js';
import { hashingEmbedder } from './fake-providers.js';
import { result, type BenchResult } from './results.js';
import { buildSyntheticStore } from './synthetic-store.js';
import { sampleWord, seededRandom, type Vocabulary } from './vocabulary.js';

export function benchQueries(vocabulary: Vocabulary, count: number, seed = 7): string[] {
  const random = seededRandom(seed);
  // Skip the commonest words ("a", "of", "on"): nobody searches for them alone.
  return Array.from({ length: count }, () => Array.from({ length: 1 + Math.floor(random() * 3) }, () => sampleWord(vocabulary, random, 20)).join(' '));
}

async function latencies(glimpse: Glimpse, queries: readonly string[]): Promise<number[]> {
  for (const query of queries.slice(0, 10)) await glimpse.search(query, { limit: 10 }); // warm the page cache
  const measured: number[] = [];
  for (const query of queries) {
    const started = performance.now();
    await glimpse.search(query, { limit: 10 });
    measured.push(performance.now() - started);
  }
  return measured;
}

const label = (size: number) => (size >= 1_000_000 ? `${size / 1_000_000}m` : `${size / 1000}k`);

/**
 * Build a store of `size` descriptions in `folder` and measure it. With `hybrid`, vectors are stored too and the
 * same queries run again through the embedder. Returns the results and the database path (for the cold-start bench).
 */
export async function measureSearch(
  folder: string,
  vocabulary: Vocabulary,
  size: number,
  options: { hybrid: boolean; queries: number; onProgress?: (text: string) => void },
): Promise<{ results: BenchResult[]; db: string }> {
  const db = join(folder, `search-${label(size)}.db`);
  const embedder = hashingEmbedder(384);
  const builder = await createGlimpse({ db, embedder: null });
  let build;
  try {
    build = await buildSyntheticStore(builder.store, vocabulary, size, {
      embedder: options.hybrid ? embedder : undefined,
      onProgress: (done) => options.onProgress?.(`building ${label(size)}: ${done}/${size}`),
    });
    builder.store.db.pragma('wal_checkpoint(TRUNCATE)');
    builder.store.db.exec('ANALYZE');
  } finally {
    await builder.close();
  }
  const queries = benchQueries(vocabulary, options.queries);
  const results: BenchResult[] = [
    result(`index-build-per-s-${label(size)}`, build.perSecond, 'images/s', `${size} synthetic descriptions${options.hybrid ? ' + 384-d vectors' : ''} (${vocabulary.source})`),
  ];
  const fullText = await createGlimpse({ db, embedder: null });
  try {
    const measured = await latencies(fullText, queries);
    results.push(result(`search-p50-ms-${label(size)}`, percentile(measured, 50), 'ms', `full text, ${queries.length} queries`));
    results.push(result(`search-p95-ms-${label(size)}`, percentile(measured, 95), 'ms', size === 100_000 ? 'aim < 20 ms' : size === 1_000_000 ? 'aim < 50 ms' : undefined));
  } finally {
    await fullText.close();
  }
  if (options.hybrid) {
    const hybrid = await createGlimpse({ db, embedder });
    try {
      const measured = await latencies(hybrid, queries);
      results.push(result(`hybrid-p50-ms-${label(size)}`, percentile(measured, 50), 'ms', 'full text + sqlite-vec (384-d, brute force) fused'));
      results.push(result(`hybrid-p95-ms-${label(size)}`, percentile(measured, 95), 'ms'));
    } finally {
      await hybrid.close();
    }
  }
  return { results, db };
}
