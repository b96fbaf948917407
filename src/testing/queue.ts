/**
 * Helpers for the job-queue tests: distinct small images (the queue skips copies by content), and the real `glimpse`
 * binary run as a worker or a one-shot command against a test database.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { glimpseBin, temporaryDirectory, writeProviderModule } from './fixtures.js';

/** `count` PNGs of distinct content (a colour each, and a stripe at a place of their own). */
export async function distinctImages(folder: string, count: number, prefix = 'image'): Promise<string[]> {
  mkdirSync(folder, { recursive: true });
  const paths: string[] = [];
  for (let index = 0; index < count; index++) {
    const pixels = Buffer.alloc(48 * 32 * 3, (index * 37) & 255);
    for (let x = 0; x < 48; x++) pixels[((index % 32) * 48 + x) * 3] = 255 - index;
    const path = join(folder, `${prefix}-${String(index).padStart(3, '0')}.png`);
    await sharp(pixels, { raw: { width: 48, height: 32, channels: 3 } })
      .png()
      .toFile(path);
    paths.push(path);
  }
  return paths;
}

/** Settings that make a test's queue quick: jobs of a killed worker come back in seconds, retries come soon. */
export const QUICK_QUEUE = {
  GLIMPSE_QUEUE_VISIBILITY_S: '4',
  GLIMPSE_QUEUE_MAINTENANCE_S: '1',
  GLIMPSE_QUEUE_RETRY_DELAY_S: '1',
  GLIMPSE_QUEUE_RETRIES: '2',
};

/** Run `glimpse ARGS` to its end; its exit code and output. */
export function runGlimpse(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = startGlimpse(args, env);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk) => (stdout += chunk));
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export function startGlimpse(args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [glimpseBin, ...args], {
    env: { ...process.env, ...QUICK_QUEUE, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/**
 * A test's queue: `count` distinct images in a fresh folder, a provider module that takes `latencyMs` a call and logs
 * each described file name to `calls`, and one job per image queued with it by the real binary.
 */
export async function queuedImages(
  url: string,
  count: number,
  latencyMs: number,
): Promise<{ dir: string; provider: string; calls: string; db: string[] }> {
  const dir = temporaryDirectory('glimpse-queue-');
  await distinctImages(join(dir, 'photos'), count);
  const provider = writeProviderModule(dir, { latencyMs });
  const db = ['--db', url];
  const queued = await runGlimpse([...db, 'index', join(dir, 'photos'), '--enqueue', '--provider', provider, '--json']);
  if (queued.code !== 0 || JSON.parse(queued.stdout).queued !== count)
    throw new Error(`queueing ${count} images failed: ${queued.stderr}`);
  return { dir, provider, calls: join(dir, 'calls.log'), db };
}
