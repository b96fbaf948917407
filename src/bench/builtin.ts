/**
 * The built-in analyzer's speed and memory: index real photos with it in a child process (so peak memory is its
 * own), the first images separately (one per worker: each loads the models), then the rest. The previous pipeline
 * (GLIMPSE_BUILTIN_PIPELINE=previous: TensorFlow.js detector and safety screen, OCR as below) and the OCR before its
 * speed work (GLIMPSE_BUILTIN_PIPELINE=whole-look: ONNX models, but the second look at signs over the whole image and
 * two onnxruntime threads per OCR session in each worker) and the models' graphs as exported
 * (GLIMPSE_BUILTIN_PIPELINE=exported: hard swish and the convolutions' scales not fused, see onnx-rewrite.ts; the
 * older arms run them so too) are indexed in the same run, all alternating, so that the
 * ratios hold on a loaded machine; CPU milliseconds per image (all threads of the process)
 * are reported too, as they are less sensitive to load than images per second.
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
  /** Images indexed before the measured part (one per worker, loading the models). */
  warmed: number;
  indexed: number;
  loadMs: number;
  ms: number;
  /** CPU time of the whole process (main thread and workers) while indexing the images after the warm-up. */
  cpuMs: number;
  maxRssMb: number;
  failures: unknown[];
}

type Pipeline = 'current' | 'whole-look' | 'previous' | 'exported';

async function indexOnce(paths: readonly string[], pipeline: Pipeline): Promise<BuiltinRun> {
  const env = { ...process.env, GLIMPSE_BUILTIN_PIPELINE: pipeline === 'current' ? '' : pipeline };
  const { stdout } = await run(process.execPath, [RUNNER, ...paths], {
    maxBuffer: 1 << 24,
    timeout: 15 * 60_000,
    env,
  });
  return JSON.parse(stdout.trim().split('\n').pop()!) as BuiltinRun;
}

export async function measureBuiltin(paths: readonly string[], source: string, rounds = 2): Promise<BenchResult[]> {
  if (!existsSync(BUILTIN)) {
    const note = 'the built-in analyzer (src/providers/builtin) is not built yet';
    return [result('builtin-images-per-s', null, 'images/s', note), result('builtin-peak-rss-mb', null, 'MB', note)];
  }
  try {
    const runs: Record<Pipeline, BuiltinRun[]> = { current: [], 'whole-look': [], previous: [], exported: [] };
    const pipelines: Pipeline[] = ['current', 'exported', 'whole-look', 'previous'];
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? pipelines : [...pipelines].reverse();
      for (const pipeline of order) runs[pipeline].push(await indexOnce(paths, pipeline));
    }
    const rate = (measured: BuiltinRun) => (measured.indexed - measured.warmed) / (measured.ms / 1000);
    const cpu = (measured: BuiltinRun) => measured.cpuMs / Math.max(1, measured.indexed - measured.warmed);
    const ratiosTo = (other: Pipeline) =>
      runs.current.map((measured, index) => rate(measured) / rate(runs[other][index])).sort((a, b) => a - b);
    const ratios = ratiosTo('previous');
    const lookRatios = ratiosTo('whole-look');
    const exportedRatios = ratiosTo('exported');
    const exportedCpuRatios = runs.current
      .map((measured, index) => cpu(measured) / cpu(runs.exported[index]))
      .sort((a, b) => a - b);
    const cpuRatios = runs.current
      .map((measured, index) => cpu(measured) / cpu(runs['whole-look'][index]))
      .sort((a, b) => a - b);
    const [latest] = runs.current;
    const steady = latest.indexed - latest.warmed;
    const failed = runs.current.reduce((sum, measured) => sum + measured.failures.length, 0);
    const note = `${steady} ${source} after ${latest.warmed} warming the workers, default concurrency, median of ${rounds}`;
    return [
      result(
        'builtin-images-per-s',
        median(runs.current.map(rate)),
        'images/s',
        failed ? `${note}; ${failed} failed` : note,
      ),
      result(
        'builtin-speed-ratio-exported',
        median(exportedRatios),
        '×',
        `current ÷ exported graphs (hard swish and scales not fused), rounds alternating (min ${exportedRatios[0].toFixed(2)}, max ${exportedRatios[exportedRatios.length - 1].toFixed(2)})`,
      ),
      result(
        'builtin-cpu-ratio-exported',
        median(exportedCpuRatios),
        '×',
        `CPU per image, current ÷ exported (min ${exportedCpuRatios[0].toFixed(2)}, max ${exportedCpuRatios[exportedCpuRatios.length - 1].toFixed(2)})`,
      ),
      result(
        'builtin-whole-look-images-per-s',
        median(runs['whole-look'].map(rate)),
        'images/s',
        'OCR second look over the whole image, 2 OCR threads per worker',
      ),
      result(
        'builtin-speed-ratio-whole-look',
        median(lookRatios),
        '×',
        `current ÷ whole-look, rounds alternating (min ${lookRatios[0].toFixed(2)}, max ${lookRatios[lookRatios.length - 1].toFixed(2)})`,
      ),
      result(
        'builtin-cpu-ratio-whole-look',
        median(cpuRatios),
        '×',
        `CPU per image, current ÷ whole-look (min ${cpuRatios[0].toFixed(2)}, max ${cpuRatios[cpuRatios.length - 1].toFixed(2)})`,
      ),
      result(
        'builtin-previous-images-per-s',
        median(runs.previous.map(rate)),
        'images/s',
        'TF.js detector and screen, OCR as whole-look',
      ),
      result(
        'builtin-speed-ratio',
        median(ratios),
        '×',
        `current ÷ previous, rounds alternating (min ${ratios[0].toFixed(2)}, max ${ratios[ratios.length - 1].toFixed(2)})`,
      ),
      result(
        'builtin-cpu-ms-per-image',
        median(runs.current.map(cpu)),
        'ms',
        'CPU of all threads (indexing included), after the warm-up',
      ),
      result(
        'builtin-whole-look-cpu-ms-per-image',
        median(runs['whole-look'].map(cpu)),
        'ms',
        'same, whole-look pipeline',
      ),
      result('builtin-previous-cpu-ms-per-image', median(runs.previous.map(cpu)), 'ms', 'same, previous pipeline'),
      result('builtin-first-images-ms', latest.loadMs, 'ms', `first ${latest.warmed}, including loading the models`),
      result(
        'builtin-peak-rss-mb',
        Math.max(...runs.current.map((measured) => measured.maxRssMb)),
        'MB',
        'peak resident memory of the indexing process',
      ),
      result(
        'builtin-previous-peak-rss-mb',
        Math.max(...runs.previous.map((measured) => measured.maxRssMb)),
        'MB',
        'same, previous pipeline',
      ),
    ];
  } catch (error) {
    const note = `built-in analyzer failed: ${(error as Error).message.split('\n')[0].slice(0, 160)}`;
    return [result('builtin-images-per-s', null, 'images/s', note), result('builtin-peak-rss-mb', null, 'MB', note)];
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
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
        result(`builtin-${kind}-cpu-ms`, total, 'ms', `CPU per image, stages in turn on one thread (${images} images)`),
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
