/**
 * `glimpse search` as a user types it: "-word" unquoted excludes a word, paging with --offset/--page, snippets on one
 * line and a 0–1 relevance in the table (the raw score stays in --json).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { glimpseBin, sample, temporaryDirectory, writeProviderModule } from '../../testing/fixtures.js';
import { oneLine, relevances } from './search.js';

function glimpse(args: string[]) {
  const result = spawnSync(process.execPath, [glimpseBin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', GLIMPSE_PROVIDER: '' },
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

let db: string;

before(() => {
  const dir = temporaryDirectory();
  const photos = join(dir, 'photos');
  mkdirSync(photos);
  const answers: Record<string, { caption: string; tags: string[]; detailed?: string }> = {
    'chelsea.png': { caption: 'A cat on a sofa', tags: ['cat'] },
    'horse.png': { caption: 'A cat and a dog in the grass', tags: ['cat', 'dog'] },
    'coffee.png': { caption: 'A cat next to a cup', tags: ['cat', 'cup'] },
    'rocket.jpg': {
      caption: 'A rocket',
      tags: ['rocket'],
      detailed: 'A tall rocket\n\non the launch pad,\n\tready for the countdown.',
    },
  };
  for (const file of Object.keys(answers)) copyFileSync(sample(file), join(photos, file));
  const provider = writeProviderModule(dir, { answers });
  db = join(dir, 'glimpse.db');
  const indexed = glimpse(['index', photos, '--db', db, '--provider', provider]);
  assert.equal(indexed.code, 0, indexed.stderr);
});

const paths = (stdout: string) =>
  JSON.parse(stdout).results.map((result: { path: string }) => result.path.split('/').pop());

describe('glimpse search', () => {
  test('cat -dog: an unquoted -word excludes it (it is not an unknown option)', () => {
    const all = glimpse(['search', 'cat', '--db', db, '--json']);
    assert.ok(paths(all.stdout).includes('horse.png'));
    const result = glimpse(['search', 'cat', '-dog', '--db', db, '--json']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).query, 'cat -dog');
    assert.deepEqual(paths(result.stdout).sort(), ['chelsea.png', 'coffee.png']);
    // Options after the -word still count; a mistyped --option is still an error.
    const table = glimpse(['search', 'cat', '-dog', '--db', db, '-n', '1']);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /1 results/);
    const typo = glimpse(['search', 'cat', '--jsn', '--db', db]);
    assert.equal(typo.code, 1);
    assert.match(typo.stderr, /unknown option '--jsn'/);
  });

  test('--offset and --page page through the same ranking; --json keeps the raw score', () => {
    const all = JSON.parse(glimpse(['search', 'cat', '--db', db, '--json']).stdout).results;
    assert.equal(all.length, 3);
    assert.equal(typeof all[0].score, 'number');
    const second = JSON.parse(glimpse(['search', 'cat', '--db', db, '--json', '--offset', '1', '-n', '1']).stdout);
    assert.deepEqual(
      second.results.map((result: { path: string }) => result.path),
      [all[1].path],
    );
    const page3 = JSON.parse(glimpse(['search', 'cat', '--db', db, '--json', '--page', '3', '-n', '1']).stdout);
    assert.deepEqual(
      page3.results.map((result: { path: string }) => result.path),
      [all[2].path],
    );
    const table = glimpse(['search', 'cat', '--db', db, '--page', '2', '-n', '2']);
    assert.match(table.stdout, /^ 3\. /m);
    assert.equal(glimpse(['search', 'cat', '--db', db, '--offset', '-1']).code, 1);
  });

  test('the table shows snippets on one line and a relevance from 0 to 1, not the raw score', () => {
    const table = glimpse(['search', 'launch pad countdown', '--db', db]);
    assert.equal(table.code, 0, table.stderr);
    const lines = table.stdout.split('\n');
    const first = lines.findIndex((line) => /rocket\.jpg/.test(line));
    assert.match(lines[first], /relevance 1\.00/);
    assert.doesNotMatch(table.stdout, /score/);
    assert.match(lines[first + 1], /\[launch\].*\[countdown\]/);
    assert.deepEqual(relevances([-2, -4, -6]), [1, 0.5, 0]);
    assert.deepEqual(relevances([4, 2]), [1, 0.5]);
    assert.equal(oneLine('a\n\n b\tc '), 'a b c');
  });
  test('results below the relevance floor come last, under "weaker matches"; --json marks them', () => {
    const table = glimpse(['--db', db, 'search', 'cat', 'sofa']);
    assert.equal(table.code, 0, table.stderr);
    const lines = table.stdout.split('\n');
    const heading = lines.findIndex((line) => line.startsWith('weaker matches'));
    assert.ok(heading > 0, table.stdout);
    assert.match(lines.slice(0, heading).join('\n'), /chelsea\.png/);
    assert.doesNotMatch(lines.slice(heading).join('\n'), /chelsea\.png/);
    const json = JSON.parse(glimpse(['--db', db, 'search', 'cat', 'sofa', '--json']).stdout);
    assert.deepEqual(
      json.results.map((result: { weaker: boolean }) => result.weaker),
      [false, ...json.results.slice(1).map(() => true)],
    );
  });
});
