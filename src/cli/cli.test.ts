/**
 * The real `glimpse` binary, run as a user would, against real SQLite files and real photos. The provider is a
 * module loaded with `--provider <file>.mjs` that records every call to a file (the CLI runs in another process).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { glimpseBin, sample, temporaryDirectory, writeProviderModule } from '../testing/fixtures.js';

function glimpse(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [glimpseBin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', GLIMPSE_PROVIDER: '', ...env },
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function calls(dir: string): string[] {
  const log = join(dir, 'calls.log');
  return existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean) : [];
}

function setUp(files = ['chelsea.png', 'coffee.png', 'rocket.jpg']) {
  const dir = temporaryDirectory();
  const photos = join(dir, 'my photos');
  mkdirSync(photos);
  for (const file of files) copyFileSync(sample(file), join(photos, file));
  const provider = writeProviderModule(dir, {
    answers: {
      'chelsea.png': { caption: 'A tabby cat looking at the camera', tags: ['cat', 'animal'] },
      'coffee.png': { caption: 'A cup of coffee on a saucer', tags: ['cup', 'coffee'], text: null },
      'rocket.jpg': { caption: 'A rocket on the launch pad', tags: ['rocket'], text: 'NASA' },
    },
  });
  return { dir, photos, provider, db: join(dir, 'glimpse.db') };
}

describe('glimpse CLI', () => {
  test('--help documents every command and --db', () => {
    const help = glimpse(['--help']);
    assert.equal(help.code, 0);
    for (const command of ['caption', 'index', 'search', 'ask', 'show', 'status', 'edit'])
      assert.match(help.stdout, new RegExp(`\\b${command}\\b`));
    assert.match(help.stdout, /--db <path>/);
    const indexHelp = glimpse(['index', '--help']);
    for (const flag of ['--provider', '--model', '--concurrency', '--force', '--prune'])
      assert.match(indexHelp.stdout, new RegExp(flag));
  });

  test('index → search → show → status, with JSON for scripts', () => {
    const { dir, photos, provider, db } = setUp();
    const indexed = glimpse(['index', photos, '--db', db, '--provider', provider]);
    assert.equal(indexed.code, 0, indexed.stderr);
    assert.match(indexed.stderr, /3 indexed, 0 unchanged, 0 failed/);
    assert.equal(calls(dir).length, 3);

    const search = glimpse(['search', 'cat', '--db', db, '--json']);
    assert.equal(search.code, 0, search.stderr);
    const response = JSON.parse(search.stdout);
    assert.equal(response.query, 'cat');
    assert.equal(response.results[0].path, join(photos, 'chelsea.png'));
    for (const key of ['path', 'score', 'caption', 'tags', 'snippet']) assert.ok(key in response.results[0], key);
    assert.match(response.results[0].snippet, /«cat»/);

    const readable = glimpse(['search', 'coffee', 'cup', '--db', db]);
    assert.match(readable.stdout, /1\. .*coffee\.png/);
    assert.match(readable.stdout, /A \[cup\] of \[coffee\]/, 'matched words are highlighted');

    const text = glimpse(['search', '--has-text', '--db', db, '--json']);
    assert.deepEqual(
      JSON.parse(text.stdout).results.map((r: { path: string }) => r.path),
      [join(photos, 'rocket.jpg')],
    );

    const show = glimpse(['show', join(photos, 'rocket.jpg'), '--db', db, '--json']);
    const details = JSON.parse(show.stdout);
    assert.equal(details.caption, 'A rocket on the launch pad');
    assert.equal(details.description.provider, 'test-module');
    assert.equal(details.description.promptVersion, 'p1');

    const status = JSON.parse(glimpse(['status', '--db', db, '--json']).stdout);
    assert.equal(status.db, db);
    assert.equal(status.images, 3);
    assert.equal(status.described, 3);
    assert.deepEqual(status.failed, []);
    assert.equal(status.ranking, 'native', 'npm run build compiled the native ranking function');
    assert.match(
      glimpse(['status', '--db', db], { GLIMPSE_NATIVE_RANKING: '0' }).stdout,
      /stock bm25.*\n.*run `npm run build`/,
    );

    const again = glimpse(['index', photos, '--db', db, '--provider', provider]);
    assert.match(again.stderr, /0 indexed, 3 unchanged, 0 failed/);
    assert.equal(calls(dir).length, 3, 'unchanged images are not described again');
  });

  test('GLIMPSE_DB and the XDG data directory choose the database', () => {
    const { photos, provider, dir } = setUp(['coffee.png']);
    const viaEnv = join(dir, 'env.db');
    const first = glimpse(['index', photos, '--provider', provider], { GLIMPSE_DB: viaEnv });
    assert.equal(first.code, 0, first.stderr);
    assert.ok(existsSync(viaEnv));
    const dataHome = join(dir, 'xdg');
    const second = glimpse(['index', photos, '--provider', provider], { GLIMPSE_DB: '', XDG_DATA_HOME: dataHome });
    assert.equal(second.code, 0, second.stderr);
    assert.ok(existsSync(join(dataHome, 'glimpse', 'glimpse.db')));
  });

  test('exit code 2 when some inputs fail, with the failures listed by status', () => {
    const { photos, provider, db } = setUp(['chelsea.png']);
    writeFileSync(join(photos, 'broken.jpg'), 'not really a jpeg');
    const run = glimpse(['index', photos, '--db', db, '--provider', provider]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /1 indexed, 0 unchanged, 1 failed/);
    assert.match(run.stderr, /broken\.jpg/);
    const status = glimpse(['status', '--db', db]);
    assert.match(status.stdout, /broken\.jpg/);
    assert.match(status.stdout, /NOT_AN_IMAGE/);
    const json = JSON.parse(glimpse(['status', '--db', db, '--json']).stdout);
    assert.equal(json.failed[0].code, 'NOT_AN_IMAGE');
    assert.match(json.failed[0].message, /broken\.jpg/);
  });

  test('exit code 1 and a hint for usage errors', () => {
    const unknown = glimpse(['index', '/tmp', '--provider', 'no-such-provider', '--db', ':memory:']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /Unknown provider "no-such-provider"/);
    assert.match(unknown.stderr, /glimpse models/);
    // A name that is also a member of every JavaScript object is just an unknown name.
    const inherited = glimpse(['caption', sample('chelsea.png'), '--provider', 'constructor']);
    assert.equal(inherited.code, 1);
    assert.match(inherited.stderr, /Unknown provider "constructor"/);
    const badTask = glimpse(['caption', sample('chelsea.png'), '--task', 'poetry']);
    assert.equal(badTask.code, 1);
    assert.match(badTask.stderr, /Unknown task "poetry"/);
    const badDate = glimpse(['search', 'cat', '--after', 'yesterday-ish', '--db', ':memory:']);
    assert.equal(badDate.code, 1);
    assert.match(badDate.stderr, /--after needs a date/);
  });

  test('caption prints "path: caption", or one JSON object per line with failures as {path, error}', () => {
    const { photos, provider, dir } = setUp(['chelsea.png', 'coffee.png']);
    const missing = join(dir, 'nope.jpg');
    const plain = glimpse(['caption', join(photos, 'chelsea.png'), '--provider', provider]);
    assert.equal(plain.code, 0, plain.stderr);
    assert.match(plain.stdout, /chelsea\.png: A tabby cat looking at the camera/);
    const json = glimpse(['caption', photos, missing, '--provider', provider, '--json']);
    assert.equal(json.code, 2);
    const lines = json.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const failure = lines.find((line) => line.error);
    assert.equal(failure.path, missing);
    assert.equal(failure.error.code, 'FILE_NOT_FOUND');
    const cat = lines.find((line) => line.path?.endsWith('chelsea.png'));
    for (const key of ['path', 'caption', 'tags', 'text', 'objects', 'safety', 'provider', 'model', 'ms'])
      assert.ok(key in cat, key);
    assert.equal(cat.provider, 'test-module');
  });

  test('index --dry-run estimates tokens and cost without calling the model', () => {
    const { photos, provider, db, dir } = setUp();
    glimpse(['index', join(photos, 'chelsea.png'), '--db', db, '--provider', provider]);
    const plain = glimpse(['index', photos, '--db', db, '--provider', provider, '--dry-run', '--json']);
    assert.equal(plain.code, 0, plain.stderr);
    const estimate = JSON.parse(plain.stdout);
    assert.deepEqual([estimate.total, estimate.toDescribe, estimate.unchanged], [3, 2, 1]);
    assert.equal(calls(dir).length, 1, 'the dry run described nothing');
    // A priced model: nothing listens on the base URL, so any request would fail the run.
    const priced = glimpse(
      [
        'index',
        photos,
        '--db',
        db,
        '--provider',
        'openai',
        '--model',
        'gpt-4o-mini',
        '--base-url',
        'http://127.0.0.1:9/v1',
        '--dry-run',
      ],
      {
        OPENAI_API_KEY: 'sk-test-not-used',
      },
    );
    assert.equal(priced.code, 0, priced.stderr);
    assert.match(priced.stdout, /3 of 3 images would be described with openai \/ gpt-4o-mini/);
    assert.match(priced.stdout, /≈ \$0\.0\d+/);
  });

  test('edit keeps a hand-written caption over re-indexing', () => {
    const { photos, provider, db } = setUp(['chelsea.png']);
    glimpse(['index', photos, '--db', db, '--provider', provider]);
    const edit = glimpse([
      'edit',
      join(photos, 'chelsea.png'),
      '--caption',
      'Our neighbour Chelsea',
      '--tags',
      'chelsea,neighbour',
      '--db',
      db,
    ]);
    assert.equal(edit.code, 0, edit.stderr);
    glimpse(['index', photos, '--db', db, '--provider', provider, '--force']);
    const details = JSON.parse(glimpse(['show', join(photos, 'chelsea.png'), '--db', db, '--json']).stdout);
    assert.equal(details.caption, 'Our neighbour Chelsea');
    assert.equal(JSON.parse(glimpse(['search', 'neighbour', '--db', db, '--json']).stdout).results.length, 1);
  });

  test('kill -9 in the middle of a run loses nothing; the next run finishes the rest without redoing work', async () => {
    const files = [
      'chelsea.png',
      'coffee.png',
      'rocket.jpg',
      'astronaut.png',
      'china.jpg',
      'flower.jpg',
      'horse.png',
      'motorcycle_left.png',
      'page.png',
    ];
    const dir = temporaryDirectory();
    const photos = join(dir, 'photos');
    mkdirSync(photos);
    for (const file of files) copyFileSync(sample(file), join(photos, file));
    const provider = writeProviderModule(dir, { latencyMs: 150 });
    const db = join(dir, 'glimpse.db');
    const child = spawn(
      process.execPath,
      [glimpseBin, 'index', photos, '--db', db, '--provider', provider, '--concurrency', '1'],
      {
        env: { ...process.env, NO_COLOR: '1' },
      },
    );
    let output = '';
    await new Promise<void>((resolve) => {
      child.stderr.on('data', (chunk) => {
        output += chunk;
        // Plain progress lines (not a terminal): kill after the third image is reported done.
        if (/\[3\/9\] indexed/.test(output)) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('exit', () => resolve());
    });
    await new Promise((resolve) => child.on('close', resolve));
    const describedBefore = calls(dir).length;
    assert.ok(describedBefore >= 3 && describedBefore < 9, `killed mid-run after ${describedBefore} calls`);
    const status = JSON.parse(glimpse(['status', '--db', db, '--json']).stdout);
    assert.ok(status.described >= 3, 'finished images were committed before the kill');

    const resumed = glimpse(['index', photos, '--db', db, '--provider', provider]);
    assert.equal(resumed.code, 0, resumed.stderr);
    const described = calls(dir);
    assert.equal(new Set(described).size, 9, 'every image described');
    assert.ok(
      described.length <= describedBefore + (9 - status.described),
      'committed images were not described again',
    );
    assert.equal(JSON.parse(glimpse(['status', '--db', db, '--json']).stdout).described, 9);
  });

  test('an unreadable file is reported as PERMISSION_DENIED (run as an unprivileged user)', (t) => {
    const runAs =
      process.getuid?.() === 0 ? spawnSync('sh', ['-c', 'command -v runuser']).stdout.toString().trim() : '';
    if (process.getuid?.() === 0 && !runAs) return t.skip('root reads every file and runuser is missing');
    const dir = temporaryDirectory();
    chmodSync(dir, 0o755);
    const file = join(dir, 'secret.png');
    copyFileSync(sample('coffee.png'), file);
    chmodSync(file, 0o000);
    const provider = writeProviderModule(dir);
    chmodSync(provider, 0o644);
    const args = [glimpseBin, 'caption', file, '--provider', provider, '--json'];
    const result = runAs
      ? spawnSync(runAs, ['-u', 'nobody', '--', process.execPath, ...args], {
          encoding: 'utf8',
          env: { ...process.env, HOME: dir },
        })
      : spawnSync(process.execPath, args, { encoding: 'utf8' });
    assert.equal(result.status, 2, result.stderr);
    const line = JSON.parse(result.stdout.trim());
    assert.equal(line.error.code, 'PERMISSION_DENIED');
    assert.match(line.error.message, /secret\.png: permission denied — Make the file readable/);
  });
});
