/**
 * The real `glimpse` binary against hostile files (issue 18, items 1, 2, 6, 7, 8): a link to /dev/zero, a FIFO,
 * HEIC junk, a sparse 2.5 GB file, a file only root can read (run as `nobody`), a name that is not UTF-8, and SVG
 * bytes named .png. Each must end quickly with its own error code, and `--json` must print nothing but JSON.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { glimpseBin, sample, temporaryDirectory, writeProviderModule } from '../testing/fixtures.js';

function glimpse(args: string[], options: { env?: Record<string, string>; asNobody?: boolean } = {}) {
  const command = options.asNobody
    ? ['setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, glimpseBin, ...args]]
    : [process.execPath, [glimpseBin, ...args]];
  const started = performance.now();
  const result = spawnSync(command[0] as string, command[1] as string[], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', GLIMPSE_PROVIDER: '', ...options.env },
    timeout: 30_000,
  });
  return {
    code: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
    ms: performance.now() - started,
    signal: result.signal,
  };
}

/** Every line of stdout is JSON (caption prints one object per line, index one summary). */
function jsonLines(run: { stdout: string; stderr: string }): {
  path?: string;
  error?: { code: string };
  failures?: unknown[];
}[] {
  const lines = run.stdout.split('\n').filter(Boolean);
  assert.ok(lines.length > 0, `no output; stderr: ${run.stderr}`);
  return lines.map((line) => {
    try {
      return JSON.parse(line);
    } catch {
      assert.fail(`not JSON on stdout: ${line}`);
    }
  });
}

function setUp() {
  const dir = temporaryDirectory('glimpse-hostile-');
  const provider = writeProviderModule(dir, { answers: { 'coffee.png': { caption: 'A cup of coffee' } } });
  return { dir, provider, db: join(dir, 'glimpse.db') };
}

function failureCodes(summary: { failures?: unknown[] }): string[] {
  return (summary.failures as { error: { code: string } }[]).map((failure) => failure.error.code);
}

describe('glimpse on hostile files', () => {
  test('index and caption of a link to /dev/zero fail fast with NOT_A_FILE', () => {
    const { dir, provider, db } = setUp();
    symlinkSync('/dev/zero', join(dir, 'z.jpg'));
    const indexed = glimpse(['index', join(dir, 'z.jpg'), '--db', db, '--provider', provider, '--json']);
    assert.equal(indexed.signal, null, 'not killed by the timeout');
    assert.ok(indexed.ms < 15_000);
    assert.deepEqual(failureCodes(jsonLines(indexed)[0]), ['NOT_A_FILE']);
    const captioned = glimpse(['caption', join(dir, 'z.jpg'), '--provider', provider, '--json']);
    assert.equal(captioned.signal, null);
    assert.equal(jsonLines(captioned)[0].error?.code, 'NOT_A_FILE');
  });

  test('index and caption of a FIFO fail with NOT_A_FILE instead of waiting for a writer', () => {
    const { dir, provider, db } = setUp();
    execFileSync('mkfifo', [join(dir, 'x.jpg')]);
    const indexed = glimpse(['index', join(dir, 'x.jpg'), '--db', db, '--provider', provider, '--json']);
    assert.equal(indexed.signal, null, 'did not hang');
    assert.deepEqual(failureCodes(jsonLines(indexed)[0]), ['NOT_A_FILE']);
    const captioned = glimpse(['caption', join(dir, 'x.jpg'), '--provider', provider, '--json']);
    assert.equal(captioned.signal, null, 'did not hang');
    assert.equal(jsonLines(captioned)[0].error?.code, 'NOT_A_FILE');
    assert.match(captioned.stdout, /x\.jpg: is a FIFO/);
  });

  test('--json prints only JSON on stdout, even when the HEIF decoder complains', () => {
    const { dir, provider, db } = setUp();
    const junk = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypheic'), Buffer.alloc(200, 0x41)]);
    writeFileSync(join(dir, 'junk.heic'), junk);
    copyFileSync(sample('coffee.png'), join(dir, 'coffee.png'));
    const indexed = glimpse(['index', dir, '--db', db, '--provider', provider, '--json']);
    const [summary] = jsonLines(indexed);
    assert.deepEqual(failureCodes(summary), ['CORRUPT_IMAGE']);
    const captioned = glimpse([
      'caption',
      join(dir, 'junk.heic'),
      join(dir, 'coffee.png'),
      '--provider',
      provider,
      '--json',
    ]);
    const results = jsonLines(captioned);
    assert.equal(results.length, 2);
    assert.deepEqual(results.map((result) => result.error?.code ?? 'ok').sort(), ['CORRUPT_IMAGE', 'ok']);
  });

  test('a sparse 2.5 GB file is FILE_TOO_LARGE, whatever --max-file-mb says', () => {
    const { dir, provider, db } = setUp();
    execFileSync('truncate', ['-s', '2500M', join(dir, 'big.jpg')]);
    for (const extra of [[], ['--max-file-mb', '3000']]) {
      const indexed = glimpse(['index', join(dir, 'big.jpg'), '--db', db, '--provider', provider, '--json', ...extra]);
      assert.deepEqual(failureCodes(jsonLines(indexed)[0]), ['FILE_TOO_LARGE'], indexed.stderr);
    }
    // The limit is the user's to lower.
    copyFileSync(sample('coffee.png'), join(dir, 'coffee.png'));
    const small = glimpse([
      'caption',
      join(dir, 'coffee.png'),
      '--provider',
      provider,
      '--json',
      '--max-file-mb',
      '0.01',
    ]);
    assert.equal(jsonLines(small)[0].error?.code, 'FILE_TOO_LARGE');
    assert.match(small.stdout, /--max-file-mb/);
  });

  test('as nobody, a file it may not read is PERMISSION_DENIED, not a bug', { skip: process.getuid?.() !== 0 }, () => {
    const { dir, provider } = setUp();
    chmodSync(dir, 0o777);
    const photos = join(dir, 'photos');
    mkdirSync(photos, { mode: 0o755 });
    chmodSync(photos, 0o755);
    copyFileSync(sample('coffee.png'), join(photos, 'coffee.png'));
    copyFileSync(sample('coffee.png'), join(photos, 'secret.png'));
    chmodSync(join(photos, 'secret.png'), 0o000);
    const db = join(dir, 'nobody.db');
    const indexed = glimpse(['index', photos, '--db', db, '--provider', provider, '--json'], {
      asNobody: true,
      env: { HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'), XDG_DATA_HOME: join(dir, 'data') },
    });
    assert.ok(indexed.stdout, indexed.stderr);
    const summary = jsonLines(indexed)[0] as {
      indexed: number;
      failures: { path: string; error: { code: string; message: string } }[];
    };
    assert.equal(summary.indexed, 1, indexed.stdout);
    assert.deepEqual(
      summary.failures.map((failure) => [failure.path, failure.error.code]),
      [[join(photos, 'secret.png'), 'PERMISSION_DENIED']],
    );
    assert.doesNotMatch(indexed.stdout, /bug in Glimpse/);
  });

  test('a file name that is not UTF-8 is captioned under a path that names it', () => {
    const { dir, provider } = setUp();
    const folder = join(dir, 'latin1');
    mkdirSync(folder);
    writeFileSync(
      Buffer.from([...Buffer.from(`${folder}/caf`), 0xe9, ...Buffer.from('.png')]),
      readFileSync(sample('coffee.png')),
    );
    const captioned = glimpse(['caption', folder, '--provider', provider, '--json']);
    assert.ok(captioned.stdout, captioned.stderr);
    const [result] = jsonLines(captioned);
    assert.equal(result.error, undefined, captioned.stdout);
    assert.match(result.path ?? '', /latin1\/caf.\.png$/);
  });

  test('a file name that is not UTF-8 is indexed and found again', () => {
    const { dir, provider, db } = setUp();
    const folder = join(dir, 'latin1');
    mkdirSync(folder);
    writeFileSync(
      Buffer.from([...Buffer.from(`${folder}/caf`), 0xe9, ...Buffer.from('.png')]),
      readFileSync(sample('coffee.png')),
    );
    const indexed = glimpse(['index', folder, '--db', db, '--provider', provider, '--json']);
    const summary = jsonLines(indexed)[0] as { indexed: number; failures: unknown[] };
    assert.deepEqual(summary.failures, []);
    assert.equal(summary.indexed, 1);
    const again = jsonLines(glimpse(['index', folder, '--db', db, '--provider', provider, '--json']))[0];
    assert.equal((again as { unchanged: number }).unchanged, 1, 'the stored path still names the file');
  });

  test('SVG bytes named .png are refused unless --allow-svg; then rendered at the provider size', () => {
    const { dir, provider, db } = setUp();
    writeFileSync(
      join(dir, 'drawing.png'),
      '<svg xmlns="http://www.w3.org/2000/svg" width="9000" height="9000"><circle cx="4500" cy="4500" r="4000" fill="#36c"/></svg>',
    );
    const refused = glimpse(['index', join(dir, 'drawing.png'), '--db', db, '--provider', provider, '--json']);
    assert.deepEqual(failureCodes(jsonLines(refused)[0]), ['SVG_NOT_ALLOWED']);
    const captioned = glimpse(['caption', join(dir, 'drawing.png'), '--provider', provider, '--json']);
    assert.equal(jsonLines(captioned)[0].error?.code, 'SVG_NOT_ALLOWED');
    const allowed = glimpse([
      'index',
      join(dir, 'drawing.png'),
      '--db',
      db,
      '--provider',
      provider,
      '--json',
      '--allow-svg',
    ]);
    const summary = jsonLines(allowed)[0] as { indexed: number };
    assert.equal(summary.indexed, 1, allowed.stdout + allowed.stderr);
    const show = glimpse(['show', join(dir, 'drawing.png'), '--db', db, '--json']);
    assert.equal(show.code, 0, show.stderr);
    const shown = JSON.parse(show.stdout);
    assert.equal(shown.format, 'svg');
  });
});
