/**
 * How long `glimpse search` takes as a fresh process against a prepared database: what a user waits for. On a
 * shared or slow machine the figure moves with Node's own start, so an empty Node process is timed in turn with it
 * (same load) and the ratio reported too; and where the time goes, from cold-start-phases.ts in fresh processes.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type BenchResult, repeated } from './results.js';

const run = promisify(execFile);
const BINARY = fileURLToPath(new URL('../../bin/glimpse.js', import.meta.url));
const PHASES = fileURLToPath(new URL('./cold-start-phases.js', import.meta.url));

export async function measureColdStart(db: string, runs: number, size: string): Promise<BenchResult[]> {
  const query = ['dog', 'on', 'a', 'beach'];
  const timed = async (args: string[]) => {
    const started = performance.now();
    const { stdout } = await run(process.execPath, args);
    return { ms: performance.now() - started, stdout };
  };
  await timed([BINARY, 'search', ...query, '--db', db, '--json']); // the OS file cache, as for a user's second search
  const times: number[] = [];
  const bare: number[] = [];
  const phases: Record<string, number>[] = [];
  for (let index = 0; index < runs; index++) {
    bare.push((await timed(['-e', '0'])).ms);
    times.push((await timed([BINARY, 'search', ...query, '--db', db, '--json'])).ms);
    phases.push(JSON.parse((await timed([PHASES, db, ...query])).stdout));
  }
  const phase = (name: string) => phases.map((entry) => entry[name]);
  const first = phase('first');
  const again = phase('again');
  return [
    repeated('cli-search-cold-start-ms', times, 'ms', `\`glimpse search\` on a ${size} store, whole process`),
    repeated('node-start-ms', bare, 'ms', 'an empty Node.js process (`node -e 0`), timed in turn with the search'),
    repeated(
      'cli-search-cold-start-ratio',
      times.map((ms, index) => ms / bare[index]),
      '×',
      'the whole `glimpse search` over the empty Node.js process run just before it',
    ),
    repeated('cold-start-node-ms', phase('start'), 'ms', 'where one-shot time goes: Node starting, up to our code'),
    repeated('cold-start-modules-ms', phase('modules'), 'ms', 'loading the program, its search command and library'),
    repeated('cold-start-open-ms', phase('open'), 'ms', 'opening the library'),
    repeated(
      'cold-start-wordnet-ms',
      first.map((ms, index) => ms - again[index]),
      'ms',
      "the first query's one-time work: WordNet for its words and candidates (first query less the same again)",
    ),
    repeated('cold-start-query-ms', again, 'ms', 'the query itself, asked again in the same process'),
  ];
}
