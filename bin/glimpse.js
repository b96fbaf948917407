#!/usr/bin/env node
// The `glimpse` command. The CLI is written in TypeScript and compiled to dist/ by `npm install` (prepare) or `npm run build`.
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  console.error('glimpse: dist/ is missing — run `npm run build` in the Glimpse folder first.');
  process.exit(1);
}
// `glimpse search x | head`: the reader went away; stop quietly, as other command-line tools do.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
// A one-shot search runs from the bundled CLI (see dist/cli/search-bundle.js); everything else from the modules.
const { runsBundled, loadBundle } = await import(new URL('../dist/cli/search-bundle.js', import.meta.url).href);
const run = (runsBundled(process.argv) && loadBundle()?.run) || (await import(main.href)).run;
process.exitCode = await run(process.argv);
