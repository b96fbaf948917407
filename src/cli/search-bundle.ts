/**
 * A one-shot `glimpse search` runs the CLI from dist/cli/search.cjs, the whole program in one CommonJS file
 * (scripts/bundle-cli.mjs writes it at build time), compiled with V8's code cache of it. The command is mostly
 * start-up: loading the program as sixty ES modules, and compiling the functions a first query runs, cost more
 * than the query. One file is read and compiled at once; the code cache (bytecode of every function the last such
 * run compiled, kept beside the bundle) spares compiling again. Every other command, and `search --help`, loads the
 * ES modules as before, and so does search where the bundle cannot be used: missing, GLIMPSE_BUNDLE=0, or a
 * Node.js whose require() cannot load ES module packages (which the bundle requires). bin/glimpse.js requires this
 * module as the CommonJS copy the build writes beside it (search-start.cjs), to start without the ES module loader.
 */
import { isAscii } from 'node:buffer';
import { readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { commandNamed } from './command-name.js';

export type Run = (argv: string[]) => Promise<number>;

/** What the bundle exports: the CLI's run, and the steps cold-start-phases.ts (the bench) times one by one. */
export interface Bundle {
  run: Run;
  buildProgram: typeof import('./main.js').buildProgram;
  createGlimpse: typeof import('../glimpse.js').createGlimpse;
  chooseProvider: typeof import('../config/cli-settings.js').chooseProvider;
  writeStdoutDirectly: typeof import('./output.js').writeStdoutDirectly;
}

export const BUNDLE_PATH = fileURLToPath(new URL('./search.cjs', import.meta.url));

/** Whether `argv` is run from the bundle: a search, not its help, where the bundle can run. */
export function runsBundled(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): boolean {
  return (
    env.GLIMPSE_BUNDLE !== '0' &&
    process.features.require_module === true &&
    commandNamed(argv) === 'search' &&
    !argv.some((argument) => argument === '--help' || argument === '-h')
  );
}

/**
 * The bundle at `path`, or null when there is none. Its code cache is read from beside it when
 * it was made for this very bundle file and Node.js; otherwise one is written there as this process exits (quietly
 * not, where the folder is read-only).
 */
export function loadBundle(path: string = BUNDLE_PATH): Bundle | null {
  let source: string;
  let stamp: string;
  try {
    // Read as bytes, in one read: as text, Node.js reads a file in 8 KB steps. The build keeps the bundle ASCII
    // (scripts/bundle-cli.mjs), which latin1 decodes as is.
    const bytes = readFileSync(path);
    source = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
    const info = statSync(path);
    // V8 checks a cache against its source's length only: the file's own identity tells a rebuilt bundle apart.
    stamp = JSON.stringify([process.version, process.arch, info.size, info.mtimeMs, info.ino]);
  } catch {
    return null;
  }
  const cachePath = `${path}.v8cache`;
  const cached = readCache(cachePath, stamp);
  const script = new Script(
    `(function (exports, require, module, __filename, __dirname, __glimpseImport) {"use strict";${source}\n})`,
    { filename: path, cachedData: cached },
  );
  if (!cached || script.cachedDataRejected)
    process.once('exit', () => writeCache(cachePath, stamp, script.createCachedData()));
  const module = { exports: {} as Partial<Bundle> };
  script.runInThisContext()(
    module.exports,
    createRequire(path),
    module,
    path,
    dirname(path),
    // The bundle's own import() would fail (its code comes from the cache): packages are imported from here, whose
    // folder finds the same node_modules.
    (specifier: string) => import(specifier),
  );
  return module.exports.run ? (module.exports as Bundle) : null;
}

/** The cache file: a line naming the bundle and Node.js it was made for, then V8's data. */
function readCache(path: string, stamp: string): Buffer | undefined {
  let contents: Buffer;
  try {
    contents = readFileSync(path);
  } catch {
    return undefined;
  }
  const newline = contents.indexOf(10);
  if (newline < 0 || contents.toString('utf8', 0, newline) !== stamp) return undefined;
  return contents.subarray(newline + 1);
}

function writeCache(path: string, stamp: string, data: Buffer): void {
  // Written aside and renamed: another search starting meanwhile reads the old cache or the new one, never half.
  const partial = `${path}.${process.pid}.partial`;
  try {
    writeFileSync(partial, Buffer.concat([Buffer.from(`${stamp}\n`), data]));
    renameSync(partial, path);
  } catch {
    // A read-only install: searches compile the bundle each time, as the ES modules would be.
    try {
      unlinkSync(partial);
    } catch {}
  }
}
