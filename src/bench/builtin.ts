/**
 * The built-in analyzer's speed and memory: index real photos with it in a child process (so peak memory is its
 * own), the first image separately (it loads the models), then the rest.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { BuiltinProfile } from './builtin-profile.js';
import { type BenchResult, result } from './results.js';

const run = promisify(execFile);
const BUILTIN = fileURLToPath(new URL('../providers/builtin/index.js', import.meta.url));
const RUNNER = fileURLToPath(new URL('./builtin-run.js', import.meta.url));
const PROFILER = fileURLToPath(new URL('./builtin-profile.js', import.meta.url));
const OCR_DEV = fileURLToPath(new URL('../../../shared/data/ocr-dev/', import.meta.url));

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

/** A few images with text: street signs and receipts from ../shared/data/ocr-dev, when present. */
function textImages(count: number): string[] {
  const pick = (folder: string, wanted: number) =>
    existsSync(join(OCR_DEV, folder))
      ? readdirSync(join(OCR_DEV, folder))
          .filter((name) => name.endsWith('.jpg'))
          .sort()
          .slice(0, wanted)
          .map((name) => join(OCR_DEV, folder, name))
      : [];
  return [...pick('icdar2015', Math.ceil(count / 2)), ...pick('sroie', Math.floor(count / 2))];
}

/**
 * Where the time of one image goes: mean milliseconds per stage (stages run one after another on one thread), and
 * each stage's share of the sum, for photos and for images with text.
 */
export async function profileBuiltin(photos: readonly string[], texts: number): Promise<BenchResult[]> {
  if (!existsSync(PROFILER)) return [];
  const inputs = [...photos.map((path) => `photo:${path}`), ...textImages(texts).map((path) => `text:${path}`)];
  try {
    const { stdout } = await run(process.execPath, [PROFILER, ...inputs], { maxBuffer: 1 << 24, timeout: 15 * 60_000 });
    const profile = JSON.parse(stdout.trim().split('\n').pop()!) as BuiltinProfile;
    return Object.entries(profile.kinds).flatMap(([kind, { images, ms }]) => {
      const total = Object.values(ms).reduce((sum, value) => sum + value, 0);
      return [
        result(`builtin-${kind}-ms`, total, 'ms', `per image, all stages in turn on one thread (${images} images)`),
        ...Object.entries(ms)
          .sort((a, b) => b[1] - a[1])
          .map(([stage, value]) =>
            result(`  ${kind}: ${stage}`, value, 'ms', `${((value / total) * 100).toFixed(1)}% of the ${kind} time`),
          ),
      ];
    });
  } catch (error) {
    return [result('builtin-profile', null, 'ms', `profile failed: ${(error as Error).message.split('\n')[0]}`)];
  }
}
