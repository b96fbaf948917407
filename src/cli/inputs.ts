/**
 * Checks on the paths a user typed, made before (or after) a run so that a typo or a folder without photos gets a
 * clear message and exit 1 rather than a quiet success or a failure recorded in the library.
 */
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { GlimpseError } from '../errors.js';
import { hasImageExtension, IMAGE_EXTENSIONS } from '../pipeline/discover.js';

const isUrl = (input: string) => /^https?:\/\//i.test(input);

/** A path that does not exist is a usage error (a mistyped name), not a failed image. */
export async function requireExistingPaths(inputs: string[]): Promise<void> {
  for (const input of inputs) {
    if (isUrl(input)) continue;
    const error = await stat(resolve(input)).then(
      () => null,
      (error: NodeJS.ErrnoException) => error,
    );
    if (error?.code === 'ENOENT' || error?.code === 'ENOTDIR')
      throw new GlimpseError('USAGE', `No such file or folder: ${input}`, {
        hint: 'Check the path; quote paths that contain spaces.',
      });
  }
}

/** The error for a run that found no image in what it was given: which files were passed over, and why. */
export async function noImagesError(inputs: string[]): Promise<GlimpseError> {
  const skipped: string[] = [];
  for (const input of inputs) if (!isUrl(input)) await collectSkipped(resolve(input), skipped, 0);
  const where = inputs.join(', ');
  const shown = skipped.slice(0, 3).join(', ') + (skipped.length > 3 ? ', …' : '');
  const detail = skipped.length > 0 ? ` (${skipped.length} files skipped: ${shown})` : ' (the folder is empty)';
  return new GlimpseError('USAGE', `no images found in ${where}${detail}`, {
    hint: `Glimpse reads ${[...IMAGE_EXTENSIONS].join(' ')} files; name a folder of photos or an image file.`,
  });
}

async function collectSkipped(path: string, skipped: string[], depth: number): Promise<void> {
  if (depth > 32 || skipped.length > 10_000) return;
  const info = await stat(path).catch(() => null);
  if (!info) return;
  if (!info.isDirectory()) {
    if (!hasImageExtension(path)) skipped.push(path.split(/[\\/]/).pop()!);
    return;
  }
  const entries = await readdir(path).catch(() => [] as string[]);
  for (const name of entries.sort()) {
    if (name.startsWith('.')) continue;
    await collectSkipped(join(path, name), skipped, depth + 1);
  }
}
