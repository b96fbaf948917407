/** How long `glimpse search` takes as a fresh process against a prepared database: what a user waits for. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type BenchResult, repeated } from './results.js';

const run = promisify(execFile);
const BINARY = fileURLToPath(new URL('../../bin/glimpse.js', import.meta.url));

export async function measureColdStart(db: string, runs: number, size: string): Promise<BenchResult[]> {
  const times: number[] = [];
  const query = ['dog', 'on', 'a', 'beach'];
  await run(process.execPath, [BINARY, 'search', ...query, '--db', db, '--json']); // the OS file cache, as for a user's second search
  for (let index = 0; index < runs; index++) {
    const started = performance.now();
    await run(process.execPath, [BINARY, 'search', ...query, '--db', db, '--json']);
    times.push(performance.now() - started);
  }
  const bare: number[] = [];
  for (let index = 0; index < Math.min(runs, 3); index++) {
    const started = performance.now();
    await run(process.execPath, ['-e', '0']);
    bare.push(performance.now() - started);
  }
  return [
    repeated('cli-search-cold-start-ms', times, 'ms', `\`glimpse search\` on a ${size} store, whole process`),
    repeated('node-start-ms', bare, 'ms', 'an empty Node.js process, for scale'),
  ];
}
