/**
 * Issue 18, item 4: two processes opening a new database at once. Each pair of real child processes opens the same
 * new file at the same instant; before migrations ran in a write transaction, about half the pairs failed with
 * "table images already exists" or "database is locked".
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { repoRoot, temporaryDirectory } from '../../testing/fixtures.js';

const databaseModule = pathToFileURL(join(repoRoot, 'dist', 'storage', 'sqlite', 'database.js')).href;

/** A child process that waits until `startAt` (ms since the epoch), then opens `path` and exits 0, or prints why not. */
function openAt(path: string, startAt: number): Promise<{ code: number | null; stderr: string }> {
  const script = `
    import { openDatabase } from ${JSON.stringify(databaseModule)};
    const wait = ${startAt} - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    try { openDatabase(process.argv[1]).close(); } catch (error) { console.error(error.message); process.exit(1); }
  `;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, path], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

test('pairs of processes opening the same new database at once all succeed', async () => {
  const dir = temporaryDirectory();
  const pairs = 8;
  const startAt = Date.now() + 1500; // after every child has loaded its modules
  const runs = await Promise.all(
    Array.from({ length: pairs }, (_, pair) => {
      const path = join(dir, `new-${pair}.db`);
      return Promise.all([openAt(path, startAt), openAt(path, startAt)]);
    }),
  );
  const failures = runs.flat().filter((run) => run.code !== 0);
  assert.deepEqual(
    failures.map((run) => run.stderr.trim()),
    [],
    `${failures.length} of ${pairs * 2} opens failed`,
  );
});
