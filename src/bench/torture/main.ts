/**
 * `npm run torture [-- --seed N] [-- --quick] [-- --parts hostile,kills,concurrent,server] [-- --json]`: the
 * fuzzing and fault campaign of issue 18, kept with the project. A seeded generator of corrupt and hostile files
 * indexed by the real CLI under a time limit and a memory cap; `kill -9`s at random points of `glimpse index` and a
 * consistency check after them; concurrent indexers on a new database (no duplicate model calls); and attacks on a
 * running server (traversal, Host/Origin, NUL queries, oversized bodies, a FIFO in place of an indexed file).
 * Prints a table of tries, failures and peak memory; exits 1 on any failure. Not part of `npm test`. Bounded: a
 * few minutes by default on 2 cores, --quick in about a minute, and it stops itself at --budget seconds (600).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  type CampaignSettings,
  concurrentIndexers,
  hostileFiles,
  killsAndConsistency,
  type Row,
  serverAttacks,
} from './campaigns.js';
import { liveChildren } from './child.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '18' },
    quick: { type: 'boolean', default: false },
    parts: { type: 'string', default: 'hostile,kills,concurrent,server' },
    budget: { type: 'string', default: '600' },
    json: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  process.stdout.write(`npm run torture -- [--seed N] [--quick] [--parts hostile,kills,concurrent,server] [--budget S] [--json] [--keep]
  --seed    the generator's seed (default 18): the same seed writes the same files and kills at the same points
  --quick   fewer fuzzed files and kills
  --parts   which parts to run
  --budget  stop after this many seconds, failing what did not run (default 600)
  --keep    keep the temporary folder (its path is printed)
`);
  process.exit(0);
}

const started = performance.now();
const log = (text: string) => {
  if (!values.json)
    process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0).padStart(3)} s] ${text}\n`);
};
const root = mkdtempSync(join(tmpdir(), 'glimpse-torture-'));
const settings: CampaignSettings = {
  root,
  seed: Number(values.seed),
  fuzzCount: values.quick ? 30 : 250,
  kills: values.quick ? 4 : 10,
  killImages: values.quick ? 20 : 40,
  concurrentRounds: values.quick ? 1 : 3,
  indexTimeoutMs: 90_000,
  memoryCapMb: 2048,
  log,
};
const parts: Record<string, (settings: CampaignSettings) => Promise<Row[]>> = {
  hostile: hostileFiles,
  kills: killsAndConsistency,
  concurrent: concurrentIndexers,
  server: serverAttacks,
};

const budgetMs = Number(values.budget) * 1000;
const rows: Row[] = [];
let peakOfCampaign = 0;
const sampler = setInterval(() => {
  peakOfCampaign = Math.max(peakOfCampaign, process.memoryUsage().rss / 2 ** 20);
}, 200);
sampler.unref();
const budget = setTimeout(() => {
  rows.push({ part: 'campaign', what: 'time budget', tries: 1, failures: [`over ${values.budget} s`], peakMb: 0 });
  finish();
}, budgetMs);
budget.unref();

log(`seed ${settings.seed}, files in ${root}`);
for (const name of values.parts.split(',').map((part) => part.trim())) {
  const part = parts[name];
  if (!part) {
    rows.push({ part: name, what: 'unknown part', tries: 1, failures: [`no part "${name}"`], peakMb: 0 });
    continue;
  }
  log(`${name}…`);
  try {
    rows.push(...(await part(settings)));
  } catch (error) {
    rows.push({ part: name, what: 'the part itself', tries: 1, failures: [(error as Error).message], peakMb: 0 });
  }
}
finish();

function finish(): never {
  for (const child of liveChildren) child.kill('SIGKILL');
  const failed = rows.reduce((sum, row) => sum + (row.failures.length ? 1 : 0), 0);
  const seconds = Math.round((performance.now() - started) / 1000);
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ seed: settings.seed, seconds, rows }, null, 2)}\n`);
  } else {
    const table = [
      ['part', 'what', 'tries', 'failures', 'peak MB'],
      ...rows.map((row) => [
        row.part,
        row.what,
        String(row.tries),
        String(row.failures.length),
        row.peakMb ? String(row.peakMb) : '-',
      ]),
    ];
    const widths = table[0].map((_, column) => Math.max(...table.map((line) => line[column].length)));
    const format = (line: string[]) =>
      line
        .map((cell, column) => (column >= 2 ? cell.padStart(widths[column]) : cell.padEnd(widths[column])))
        .join('  ');
    const lines = [
      format(table[0]),
      widths.map((width) => '-'.repeat(width)).join('  '),
      ...table.slice(1).map(format),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    for (const row of rows.filter((row) => row.failures.length)) {
      process.stdout.write(`\n${row.part} / ${row.what}:\n`);
      for (const failure of row.failures.slice(0, 12)) process.stdout.write(`  - ${failure}\n`);
      if (row.failures.length > 12) process.stdout.write(`  … and ${row.failures.length - 12} more\n`);
    }
    process.stdout.write(
      `\nseed ${settings.seed}, ${seconds} s, campaign process peak ${Math.round(peakOfCampaign)} MB: ${failed ? `${failed} row(s) failed` : 'all held'}\n`,
    );
  }
  if (!values.keep) rmSync(root, { recursive: true, force: true });
  process.exit(failed ? 1 : 0);
}
