#!/usr/bin/env node
// The `glimpse` command. The CLI is written in TypeScript and compiled to dist/ by `npm install` (prepare) or `npm run build`.
// CommonJS (bin/package.json): a one-shot search starts without Node.js's ES module loader (see below).
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');

const main = join(__dirname, '..', 'dist', 'cli', 'main.js');
if (!existsSync(main)) {
  console.error('glimpse: dist/ is missing — run `npm run build` in the Glimpse folder first.');
  process.exit(1);
}

/**
 * A one-shot search runs from the bundled CLI (see dist/cli/search-bundle.js), told and loaded by that module's
 * CommonJS build, search-start.cjs, which the build writes with the bundle; everything else from the ES modules.
 */
function bundled() {
  const start = join(__dirname, '..', 'dist', 'cli', 'search-start.cjs');
  if (!existsSync(start)) return null;
  const { runsBundled, loadBundle } = require(start);
  return runsBundled(process.argv) ? loadBundle() : null;
}

async function glimpse() {
  const bundle = bundled();
  let run;
  if (bundle) {
    // Its output is written without making process.stdout where that can be (see writeStdoutDirectly in
    // cli/output.ts), which then stops quietly on a closed pipe as below.
    bundle.writeStdoutDirectly();
    run = bundle.run;
  } else {
    // `glimpse search x | head`: the reader went away; stop quietly, as other command-line tools do.
    process.stdout.on('error', (error) => {
      if (error.code === 'EPIPE') process.exit(0);
      throw error;
    });
    run = (await import(pathToFileURL(main).href)).run;
  }
  process.exitCode = await run(process.argv);
}

glimpse().catch((error) => {
  // As an ES module's top-level await did: the error and its stack, and a failed exit.
  process.exitCode = 1;
  throw error;
});
