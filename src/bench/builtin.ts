/**
 * The built-in analyzer's speed and memory: index real photos with it in a child process (so peak memory is its
 * own), the first image separately (it loads the models), then the rest.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type BenchResult, result } from './results.js';

const run = promisify(execFile);
const BUILTIN = fileURLToPath(new URL('../providers/builtin/index.js', import.meta.url));
const RUNNER = fileURLToPath(new URL('./builtin-run.js', import.meta.url));

export interface BuiltinRun {
  images: number;
  indexed: number;
  loadMs: number;
  ms: number;
  maxRssMb: number;
  failures: unknown[];
}

export async function measureBuiltin(paths: readonly string[], source: string): Promise<BenchResult[]> {
  if (!existsSync(BUILTIN)) {
    const note = 'the built-in analyzer (src/providers/builtin) is not built yet';
    return [result('builtin-images-per-s', null, 'images/s', note), result('builtin-peak-rss-mb', null, 'MB', note)];
  }
  try {
    const { stdout } = await run(process.execPath, [RUNNER, ...paths], { maxBuffer: 1 << 24, timeout: 15 * 60_000 });
    const measured = JSON.parse(stdout.trim().split('\n').pop()!) as BuiltinRun;
    const steady = measured.indexed - 1;
    const note = `${steady} ${source} after the first, default concurrency`;
    return [
      result(
        'builtin-images-per-s',
        steady > 0 ? steady / (measured.ms / 1000) : null,
        'images/s',
        measured.failures.length ? `${note}; ${measured.failures.length} failed` : note,
      ),
      result('builtin-first-image-ms', measured.loadMs, 'ms', 'first image, including loading the models'),
      result('builtin-peak-rss-mb', measured.maxRssMb, 'MB', 'peak resident memory of the indexing process'),
    ];
  } catch (error) {
    const note = `built-in analyzer failed: ${(error as Error).message.split('\n')[0].slice(0, 160)}`;
    return [result('builtin-images-per-s', null, 'images/s', note), result('builtin-peak-rss-mb', null, 'MB', note)];
  }
}
