/**
 * Turning what a user typed (files, folders, URLs) into a list of image inputs. Folders are walked recursively for
 * image extensions; symlinked folders are followed once (loops are cut by real path); a broken or looping symlink
 * becomes a failure that names it, and the walk goes on.
 */
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import type { GlimpseError } from '../errors.js';
import { describeFileError, isUrl } from '../images/read-input.js';
import type { FailureResult } from '../types.js';

export const IMAGE_EXTENSIONS = new Set([
  '.jpg',
  '.jpeg',
  '.jpe',
  '.png',
  '.webp',
  '.gif',
  '.avif',
  '.tif',
  '.tiff',
  '.heic',
  '.heif',
]);

export function hasImageExtension(path: string): boolean {
  return IMAGE_EXTENSIONS.has(extname(path).toLowerCase());
}

export interface Discovered {
  /** Absolute paths and URLs, in a stable order, without repeats. */
  files: string[];
  failures: FailureResult[];
  /** Folders that were walked (absolute), for --prune. */
  folders: string[];
}

export async function discoverInputs(inputs: string[]): Promise<Discovered> {
  const files = new Set<string>();
  const failures: FailureResult[] = [];
  const folders: string[] = [];
  const fail = (error: GlimpseError) => failures.push({ path: error.path ?? '', error: error.toJSON() });

  for (const input of inputs) {
    if (isUrl(input)) {
      files.add(input);
      continue;
    }
    const path = resolve(input);
    const info = await stat(path).catch(async (error) => {
      fail(await describeFileError(path, error));
      return null;
    });
    if (!info) continue;
    if (info.isDirectory()) {
      folders.push(path);
      await walk(path, files, fail, new Set([await realpath(path)]));
    } else {
      // A file named explicitly is tried whatever its extension: the user asked for it.
      files.add(path);
    }
  }
  return { files: [...files], failures, folders };
}

async function walk(
  folder: string,
  files: Set<string>,
  fail: (error: GlimpseError) => void,
  visited: Set<string>,
): Promise<void> {
  let entries;
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (error) {
    fail(await describeFileError(folder, error));
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue; // .git, .thumbnails, editor files: never photos the user meant
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      await walk(path, files, fail, visited);
    } else if (entry.isFile()) {
      if (hasImageExtension(path)) files.add(path);
    } else if (entry.isSymbolicLink()) {
      const target = await stat(path).catch(async (error) => {
        // Only complain about links that look like images or lead nowhere; a broken link to a text file is not ours.
        if (hasImageExtension(path) || (error as NodeJS.ErrnoException).code === 'ELOOP')
          fail(await describeFileError(path, error));
        return null;
      });
      if (!target) continue;
      if (target.isDirectory()) {
        const real = await realpath(path);
        if (visited.has(real)) continue; // a link back up the tree: already walked
        visited.add(real);
        await walk(path, files, fail, visited);
      } else if (target.isFile() && hasImageExtension(path)) {
        files.add(path);
      }
    }
  }
}

/** lstat that never throws; for callers that only want to know whether a path still exists. */
export async function exists(path: string): Promise<boolean> {
  return (await lstat(path).catch(() => null)) !== null && (await stat(path).catch(() => null)) !== null;
}
