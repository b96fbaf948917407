/**
 * Issue 15, "Commands that surprise": the real `glimpse` binary, run as a user would.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { glimpseBin, sample, temporaryDirectory, writeProviderModule } from '../testing/fixtures.js';

function glimpse(args: string[], env: Record<string, string> = {}) {
  const clean: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', GLIMPSE_PROVIDER: '', ...env };
  for (const name of ['OPENAI_API_KEY', 'GLIMPSE_OPENAI_API_KEY']) if (!(name in env)) delete clean[name];
  const result = spawnSync(process.execPath, [glimpseBin, ...args], {
    encoding: 'utf8',
    env: clean as NodeJS.ProcessEnv,
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function photosIn(dir: string, files = ['chelsea.png', 'coffee.png']) {
  const photos = join(dir, 'photos');
  mkdirSync(photos);
  for (const file of files) copyFileSync(sample(file), join(photos, file));
  return photos;
}

describe('commands that surprise (issue 15)', () => {
  test('index --dry-run with a cloud provider needs no API key', () => {
    const dir = temporaryDirectory();
    const photos = photosIn(dir);
    const home = join(dir, 'home');
    mkdirSync(home);
    const env = { HOME: home, XDG_CONFIG_HOME: join(home, '.config') };
    const result = glimpse(['index', photos, '--db', join(dir, 'g.db'), '--provider', 'openai', '--dry-run'], env);
    assert.equal(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stderr, /API key/);
    assert.match(result.stdout, /2 of 2 images would be described with openai/);
    const json = glimpse(
      ['index', photos, '--db', join(dir, 'g.db'), '--provider', 'openai', '--dry-run', '--json'],
      env,
    );
    assert.equal(json.code, 0, json.stderr);
    assert.equal(JSON.parse(json.stdout).toDescribe, 2);
  });
});

describe('caption --task json', () => {
  test('prints one JSON object per image, without --json', () => {
    const dir = temporaryDirectory();
    const photos = photosIn(dir);
    const provider = writeProviderModule(dir, {
      answers: {
        'chelsea.png': { caption: 'A cat', tags: ['cat'] },
        'coffee.png': { caption: 'A cup', tags: ['cup'] },
      },
    });
    const result = glimpse(['caption', photos, '--task', 'json', '--provider', provider]);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trim().split('\n');
    assert.equal(lines.length, 2);
    const parsed = lines.map((line) => JSON.parse(line));
    assert.deepEqual(parsed.map((item) => item.caption).sort(), ['A cat', 'A cup']);
  });
});

describe('read-only commands never create a database', () => {
  test('status, search, show, similar, export and ask --library on a missing --db: a clear error, exit 1', () => {
    const dir = temporaryDirectory();
    const db = join(dir, 'nonexistent', 'dir', 'x.db');
    for (const args of [
      ['status'],
      ['search', 'cat'],
      ['show', '1'],
      ['similar', '1'],
      ['export'],
      ['ask', '--library', 'any cats?', '--extractive'],
    ]) {
      const result = glimpse(['--db', db, ...args]);
      assert.equal(result.code, 1, `${args[0]}: ${result.stderr}`);
      assert.match(result.stderr, /No library at .*x\.db/, args[0]);
      assert.equal(existsSync(join(dir, 'nonexistent')), false, `${args[0]} created folders`);
    }
  });
});

describe('a folder with no images', () => {
  test('caption and index say "no images found" with the files skipped, and exit 1', () => {
    const dir = temporaryDirectory();
    const folder = join(dir, 'notes');
    mkdirSync(folder);
    writeFileSync(join(folder, 'readme.txt'), 'hello');
    writeFileSync(join(folder, 'list.md'), '# list');
    const provider = writeProviderModule(dir, { answers: {} });
    const caption = glimpse(['caption', folder, '--provider', provider]);
    assert.equal(caption.code, 1, caption.stderr);
    assert.match(caption.stderr, /no images found in .*notes \(2 files skipped: list\.md, readme\.txt\)/);
    const index = glimpse(['index', folder, '--db', join(dir, 'g.db'), '--provider', provider]);
    assert.equal(index.code, 1, index.stderr);
    assert.match(index.stderr, /no images found in .*notes \(2 files skipped/);
  });
});

describe('failures that stay in status', () => {
  test('a mistyped path is a usage error and is not recorded', () => {
    const dir = temporaryDirectory();
    const photos = photosIn(dir);
    const db = join(dir, 'g.db');
    const provider = writeProviderModule(dir, { answers: {} });
    assert.equal(glimpse(['index', photos, '--db', db, '--provider', provider]).code, 0);
    const typo = glimpse(['index', join(dir, 'nope.jpg'), '--db', db, '--provider', provider]);
    assert.equal(typo.code, 1, typo.stderr);
    assert.match(typo.stderr, /No such file or folder: .*nope\.jpg/);
    assert.doesNotMatch(typo.stderr, /found 1 images/);
    const status = glimpse(['status', '--db', db, '--json']);
    assert.deepEqual(JSON.parse(status.stdout).failed, []);
  });

  test('failures of removed files leave status on the next run; status --clear-failures forgets them', () => {
    const dir = temporaryDirectory();
    const photos = photosIn(dir);
    const db = join(dir, 'g.db');
    const provider = writeProviderModule(dir, { answers: {} });
    const broken = join(photos, 'broken.jpg');
    writeFileSync(broken, 'this is not a JPEG');
    assert.equal(glimpse(['index', photos, '--db', db, '--provider', provider]).code, 2);
    const failedPaths = () =>
      JSON.parse(glimpse(['status', '--db', db, '--json']).stdout).failed.map((f: { path: string }) => f.path);
    assert.deepEqual(failedPaths(), [broken]);
    rmSync(broken);
    const again = glimpse(['index', photos, '--db', db, '--provider', provider]);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(failedPaths(), []);

    writeFileSync(broken, 'still not a JPEG');
    assert.equal(glimpse(['index', photos, '--db', db, '--provider', provider]).code, 2);
    assert.equal(failedPaths().length, 1);
    const cleared = glimpse(['status', '--db', db, '--clear-failures']);
    assert.equal(cleared.code, 0, cleared.stderr);
    assert.match(cleared.stderr, /1 failure cleared/);
    assert.deepEqual(failedPaths(), []);
  });
});

describe('subcommands named like read-only commands', () => {
  test('eval search builds its own library (the read-only check is for top-level commands)', () => {
    const dir = temporaryDirectory();
    photosIn(dir);
    const manifest = join(dir, 'manifest.jsonl');
    writeFileSync(
      manifest,
      [
        { file: 'photos/chelsea.png', captions: ['a tabby cat', 'a cat looking at the camera'] },
        { file: 'photos/coffee.png', captions: ['a cup of coffee', 'coffee on a saucer'] },
      ]
        .map((line) => JSON.stringify(line))
        .join('\n'),
    );
    const result = glimpse(['eval', 'search', '--oracle', '--manifest', manifest, '--json']);
    assert.equal(result.code, 0, result.stderr);
  });
});

describe('output that fits', () => {
  test('eval progress shows every tenth of each phase, not only multiples of 200', () => {
    const dir = temporaryDirectory();
    const names = Array.from({ length: 20 }, (_, index) => `photo-${index}.png`);
    mkdirSync(join(dir, 'photos'));
    for (const name of names) copyFileSync(sample('chelsea.png'), join(dir, 'photos', name));
    const manifest = join(dir, 'manifest.jsonl');
    writeFileSync(
      manifest,
      names
        .map((name, index) => JSON.stringify({ file: `photos/${name}`, captions: [`cat ${index}`, `a cat ${index}`] }))
        .join('\n'),
    );
    const result = glimpse(['eval', 'search', '--oracle', '--manifest', manifest]);
    assert.equal(result.code, 0, result.stderr);
    const queries = result.stderr
      .split('\n')
      .filter((line) => line.startsWith('queries '))
      .map((line) => Number(line.split(' ')[1]!.split('/')[0]));
    assert.deepEqual(queries, [1, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20]);
  });

  test('the models table rule fits a 100-column terminal when output is not a terminal', () => {
    const result = glimpse(['models'], { OLLAMA_HOST: 'http://127.0.0.1:9' });
    assert.equal(result.code, 0, result.stderr);
    const rule = result.stdout.split('\n').find((line) => line.startsWith('─'));
    assert.ok(rule, result.stdout);
    assert.ok(rule.length <= 100, `the rule is ${rule.length} characters wide`);
  });
});
