#!/usr/bin/env node
/**
 * Builds native/weighted_bm25.c (an FTS5 ranking function, see its header) into dist/native/, against the SQLite
 * headers that better-sqlite3 ships, with the system's C compiler ($CC, else cc). Part of `npm run build`.
 * Optional: when there is no compiler the build goes on, and search ranks with stock bm25 (same results, slower).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const headers = join(dirname(require.resolve('better-sqlite3/package.json')), 'deps', 'sqlite3');
const suffix = process.platform === 'win32' ? 'dll' : process.platform === 'darwin' ? 'dylib' : 'so';
const output = join(root, 'dist', 'native', `weighted_bm25.${suffix}`);
mkdirSync(dirname(output), { recursive: true });

const compiler = process.env.CC || 'cc';
const flags = process.platform === 'darwin' ? ['-dynamiclib', '-undefined', 'dynamic_lookup'] : ['-shared', '-fPIC'];
const result = spawnSync(
  compiler,
  ['-O2', ...flags, '-I', headers, join(root, 'native', 'weighted_bm25.c'), '-o', output, '-lm'],
  {
    stdio: ['ignore', 'inherit', 'inherit'],
  },
);
if (result.status !== 0) {
  process.stderr.write(
    `glimpse: could not build native/weighted_bm25.c with ${compiler} (${result.error?.message ?? `exit code ${result.status}`}).\n` +
      '  Search still works (stock bm25 with repeated phrases, same results, slower on large libraries).\n' +
      '  To build it, install a C compiler (Debian: apt install gcc) and run npm run build.\n',
  );
}
