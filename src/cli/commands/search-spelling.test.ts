/**
 * `glimpse search` with a misspelt or non-English query: "Showing results for …", --exact, and the English-only notice.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { glimpseBin, sample, temporaryDirectory, writeProviderModule } from '../../testing/fixtures.js';

function glimpse(args: string[]) {
  const result = spawnSync(process.execPath, [glimpseBin, ...args, '--db', db], {
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
  const answers = {
    'coffee.png': { caption: 'A slice of pizza on a plate', tags: ['pizza'] },
    'horse.png': { caption: 'A dog lying on the grass', tags: ['dog'] },
  };
  for (const file of Object.keys(answers)) copyFileSync(sample(file), join(photos, file));
  const provider = writeProviderModule(dir, { answers });
  db = join(dir, 'glimpse.db');
  const indexed = spawnSync(process.execPath, [glimpseBin, 'index', photos, '--db', db, '--provider', provider], {
    encoding: 'utf8',
    env: { ...process.env, GLIMPSE_PROVIDER: '' },
  });
  assert.equal(indexed.status, 0, indexed.stderr);
});

test('a misspelt query shows results for the correction and says so; --exact searches as typed', () => {
  const corrected = glimpse(['search', 'pizzza']);
  assert.equal(corrected.code, 0, corrected.stderr);
  assert.match(corrected.stdout, /^Showing results for "pizza"/);
  assert.match(corrected.stdout, /coffee\.png/);
  const json = JSON.parse(glimpse(['search', 'a', 'dgo', 'on', 'the', 'grass', '--json']).stdout);
  assert.equal(json.correctedQuery, 'a dog on the grass');
  assert.match(json.results[0].path, /horse\.png$/);
  const exact = glimpse(['search', 'pizzza', '--exact']);
  assert.doesNotMatch(exact.stdout, /Showing results for/);
  assert.match(exact.stdout, /No images match "pizzza"/);
  assert.doesNotMatch(glimpse(['search', 'pizza']).stdout, /Showing results for/);
});

test('a query in another language says that the library is English', () => {
  const spanish = glimpse(['search', 'perro']);
  assert.match(spanish.stdout, /No images match "perro"/);
  assert.match(spanish.stdout, /in English/);
  assert.match(JSON.parse(glimpse(['search', 'gato', '--json']).stdout).notice, /in English/);
});
