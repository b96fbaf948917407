/**
 * Turning what a user typed (files, folders, URLs) into a list of image inputs. Folders are walked recursively for
 * image extensions; each real folder is walked once, however many links lead to it (so a link loop or a second link
 * to the same folder adds nothing); a broken or looping symlink becomes a failure that names it, and the walk goes on.
 * Only regular files within the file-size limit are listed: a device, FIFO or socket named like an image, or a file
 * above the limit, is a failure that names it, found before anything tries to read it. File names that are not
 * valid UTF-8 are kept reversibly (images/fs-path.ts). When discovery runs confined (`withinRoots`, the server's
 * --allow-index roots), links whose real target lies outside the roots are not followed.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Stats } from 'node:fs';
import { lstat, readdir, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { GlimpseError } from '../errors.js';
import { decodeFsName, fsPath, realPath } from '../images/fs-path.js';
import { checkReadable, describeFileError, isUrl } from '../images/read-input.js';
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
  /**
   * What discovery's stat of each file gave (size, modification time): the indexer's incremental check uses it
   * instead of a second stat per file. A file changed since is read as it is then, and its newer modification time
   * makes the next run look at it again.
   */
  stats: Map<string, Stats>;
}

const confinement = new AsyncLocalStorage<string[]>();

/**
 * Run `work` with every discovery inside it confined to `roots`: links that resolve outside them are not followed.
 * The server runs its indexing jobs this way, so a link inside an --allow-index root cannot lead out of it.
 */
export async function withinRoots<T>(roots: string[], work: () => Promise<T>): Promise<T> {
  const real = (await Promise.all(roots.map((root) => realPath(resolve(root)).catch(() => null)))).filter(
    (root): root is string => root !== null,
  );
  return confinement.run(real, work);
}

export async function discoverInputs(inputs: string[]): Promise<Discovered> {
  const files = new Set<string>();
  const stats = new Map<string, Stats>();
  const failures: FailureResult[] = [];
  const folders: string[] = [];
  const fail = (error: GlimpseError) => failures.push({ path: error.path ?? '', error: error.toJSON() });
  const roots = confinement.getStore();
  const walker: Walker = { files, stats, fail, visited: new Set(), roots };

  for (const input of inputs) {
    if (isUrl(input)) {
      files.add(input);
      continue;
    }
    const path = resolve(input);
    const info = await stat(fsPath(path)).catch(async (error) => {
      fail(await describeFileError(path, error));
      return null;
    });
    if (!info) continue;
    if (roots && !(await insideRoots(path, roots, fail))) continue;
    if (info.isDirectory()) {
      folders.push(path);
      await walk(path, walker);
    } else if (readable(path, info, fail)) {
      // A file named explicitly is tried whatever its extension: the user asked for it.
      files.add(path);
      stats.set(path, info);
    }
  }
  return { files: [...files], failures, folders, stats };
}

interface Walker {
  files: Set<string>;
  stats: Map<string, Stats>;
  fail: (error: GlimpseError) => void;
  /** Real paths of the folders walked so far. */
  visited: Set<string>;
  /** Real allowed roots, when confined. */
  roots: string[] | undefined;
}

async function walk(folder: string, walker: Walker): Promise<void> {
  const { files, stats, fail, visited, roots } = walker;
  const real = await realPath(folder).catch(() => folder);
  if (visited.has(real)) return; // a link back up the tree, or a second way to the same folder: walked already
  visited.add(real);
  let entries;
  try {
    entries = await readdir(fsPath(folder), { withFileTypes: true, encoding: 'buffer' });
  } catch (error) {
    fail(await describeFileError(folder, error));
    return;
  }
  const named = entries.map((entry) => ({ entry, name: decodeFsName(entry.name) }));
  named.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const { entry, name } of named) {
    if (name.startsWith('.')) continue; // .git, .thumbnails, editor files: never photos the user meant
    const path = join(folder, name);
    if (entry.isDirectory()) {
      await walk(path, walker);
    } else if (entry.isFile()) {
      if (hasImageExtension(path)) {
        const info = await stat(fsPath(path)).catch(async (error) => {
          fail(await describeFileError(path, error));
          return null;
        });
        if (info && readable(path, info, fail)) {
          files.add(path);
          stats.set(path, info);
        }
      }
    } else if (entry.isSymbolicLink()) {
      const target = await stat(fsPath(path)).catch(async (error) => {
        // Only complain about links that look like images or lead nowhere; a broken link to a text file is not ours.
        if (hasImageExtension(path) || (error as NodeJS.ErrnoException).code === 'ELOOP')
          fail(await describeFileError(path, error));
        return null;
      });
      if (!target) continue;
      if (!target.isDirectory() && !hasImageExtension(path)) continue;
      if (roots && !(await insideRoots(path, roots, fail))) continue;
      if (target.isDirectory()) await walk(path, walker);
      else if (readable(path, target, fail)) {
        files.add(path);
        stats.set(path, target);
      }
    } else if (hasImageExtension(path)) {
      // A FIFO, socket or device named like an image.
      const info = await lstat(fsPath(path)).catch(() => null);
      if (info) readable(path, info, fail);
    }
  }
}

/** A regular file within the size limit; anything else becomes a failure that names it. */
function readable(path: string, info: Stats, fail: (error: GlimpseError) => void): boolean {
  try {
    checkReadable(path, info);
    return true;
  } catch (error) {
    fail(error as GlimpseError);
    return false;
  }
}

async function insideRoots(path: string, roots: string[], fail: (error: GlimpseError) => void): Promise<boolean> {
  const real = await realPath(path).catch(() => null);
  if (real && roots.some((root) => real === root || real.startsWith(root.endsWith(sep) ? root : root + sep)))
    return true;
  fail(
    new GlimpseError('PATH_NOT_ALLOWED', `${path}: a link that leads outside the allowed roots; not followed`, {
      path,
      hint: 'The server follows links only to places inside its --allow-index roots; add the target as another --allow-index root to index it.',
    }),
  );
  return false;
}

/** lstat that never throws; for callers that only want to know whether a path still exists. */
export async function exists(path: string): Promise<boolean> {
  return (
    (await lstat(fsPath(path)).catch(() => null)) !== null && (await stat(fsPath(path)).catch(() => null)) !== null
  );
}
