/**
 * Where a one-shot `glimpse search` spends its time, in one fresh process that takes the CLI's own path step by
 * step: Node's start, loading the modules (the program with its search command, then what opening a library
 * imports), opening the library, the first query, and the same query again. The first query does the WordNet work
 * for its words and candidates' captions (then cached), which the second one skips: their difference is that work.
 * Run by cold-start.ts as `node cold-start-phases.js DB WORD…`; prints the phases in ms as JSON.
 */
const started = performance.now();
const [db, ...words] = process.argv.slice(2);
const phases: Record<string, number> = { start: started };
let last = performance.now();
const phase = (name: string) => {
  const now = performance.now();
  phases[name] = now - last;
  last = now;
};

const { buildProgram } = await import('../cli/main.js');
await buildProgram(['node', 'glimpse', 'search', ...words, '--db', db]);
// What openGlimpse (cli/context.ts) imports and asks before it opens the library.
const { createGlimpse } = await import('../glimpse.js');
const { chooseProvider } = await import('../config/cli-settings.js');
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
