/**
 * Test support: the tiny random-weight models written by scripts/make-tiny-models.py, generated on first use into
 * `test-support/models/<hash of the script>/tiny/{vit-gpt2,florence-2,clip,minilm,siglip}` (gitignored). Keying the folder
 * by the script's hash regenerates them whenever the script changes. Parallel test files may race to generate:
 * each writes into its own temporary folder and moves it into place, and whoever comes second keeps the first.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TINY_MODELS = ['vit-gpt2', 'florence-2', 'clip', 'minilm', 'siglip'] as const;

const repository = fileURLToPath(new URL('../../', import.meta.url));
const script = join(repository, 'scripts', 'make-tiny-models.py');

/** Python with Debian's python3-onnx and python3-numpy (`GLIMPSE_PYTHON` overrides). */
function python(): string {
  return process.env.GLIMPSE_PYTHON ?? '/usr/bin/python3';
}

/** The model dir holding `tiny/<name>` for every tiny model; generates them when absent. */
export function tinyModelDirectory(): string {
  const hash = createHash('sha256').update(readFileSync(script)).digest('hex').slice(0, 12);
  const directory = join(repository, 'test-support', 'models', hash);
  if (TINY_MODELS.every((name) => existsSync(join(directory, 'tiny', name, 'config.json')))) return directory;

  mkdirSync(join(directory, 'tiny'), { recursive: true });
  const staging = mkdtempSync(join(directory, '.staging-'));
  try {
    const result = spawnSync(python(), [script, staging], { encoding: 'utf8' });
    if (result.status !== 0) {
      throw new Error(
        `Generating the tiny test models failed (${python()} ${script}): ${result.error?.message ?? result.stderr.trim()}\n` +
          "Install Debian's python3-onnx and python3-numpy (apt-get install python3-onnx python3-numpy).",
      );
    }
    for (const name of TINY_MODELS) {
      try {
        renameSync(join(staging, 'tiny', name), join(directory, 'tiny', name));
      } catch (error) {
        // Another test process moved its copy in first; both are identical (fixed seeds).
        if (!['ENOTEMPTY', 'EEXIST'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
      }
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  // Models from earlier versions of the script are of no further use.
  for (const entry of readdirSync(join(directory, '..'))) {
    if (/^[0-9a-f]{12}$/.test(entry) && entry !== hash)
      rmSync(join(directory, '..', entry), { recursive: true, force: true });
  }
  return directory;
}

export const samplePhoto = join(repository, 'samples', 'chelsea.png');
export const repositoryRoot = repository;
