/**
 * Where a one-shot `glimpse search` spends its time, in one fresh process that takes the CLI's own path step by
 * step: Node's start, loading the program (the bundled CLI with its code cache, as bin/glimpse.js runs a search, or
 * the modules: the program with its search command, then what opening a library imports), opening the library, the first query, and the same query again. The first query does the WordNet work
 * for its words and candidates' captions (then cached), which the second one skips: their difference is that work.
 * Run by cold-start.ts as `node cold-start-phases.js DB WORD…`; prints the phases in ms as JSON.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const started = performance.now();
const [db, ...words] = process.argv.slice(2);
const phases: Record<string, number> = { start: started };
let last = performance.now();
const phase = (name: string) => {
  const now = performance.now();
  phases[name] = now - last;
  last = now;
};

const argv = ['node', 'glimpse', 'search', ...words, '--db', db];
// As bin/glimpse.js does: the bundled CLI (cli/search-bundle.ts, required as the build's CommonJS copy of it,
// search-start.cjs) where it runs searches, else the ES modules.
const start = fileURLToPath(new URL('../cli/search-start.cjs', import.meta.url));
const { runsBundled, loadBundle }: typeof import('../cli/search-bundle.js') = existsSync(start)
  ? createRequire(import.meta.url)(start)
  : await import('../cli/search-bundle.js');
const bundle = runsBundled(argv) ? loadBundle() : null;
const { buildProgram, createGlimpse, chooseProvider } = bundle ?? {
  ...(await import('../cli/main.js')),
  // What openGlimpse (cli/context.ts) imports and asks before it opens the library.
  ...(await import('../glimpse.js')),
  ...(await import('../config/cli-settings.js')),
};
await buildProgram(argv);
const chosen = await chooseProvider({});
phase('modules');
const glimpse = await createGlimpse({
  db,
  provider: chosen.provider,
  providerSettings: chosen.settingsFor,
  providerSource: chosen.source,
});
phase('open');
const query = words.join(' ');
await glimpse.search(query, { limit: 10 });
phase('first');
await glimpse.search(query, { limit: 10 });
phase('again');
await glimpse.close();
phase('close');
process.stdout.write(`${JSON.stringify(phases)}\n`);
