/**
 * `glimpse alt` as CI runs it: the real binary, a provider module that records its calls in another process, and
 * the exit codes --check promises (1 while anything needs alt text, 0 once fixed).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { glimpseBin, sample, temporaryDirectory, writeProviderModule } from '../../testing/fixtures.js';
import type { AltReport } from '../../types.js';

function glimpse(args: string[]) {
  const result = spawnSync(process.execPath, [glimpseBin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', GLIMPSE_PROVIDER: '' },
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('glimpse alt --check fails CI until --write fixes the pages; the library saves describe calls', () => {
  const dir = temporaryDirectory();
  const site = join(dir, 'site');
  mkdirSync(join(site, 'img'), { recursive: true });
  copyFileSync(sample('coffee.png'), join(site, 'img', 'coffee.png'));
  copyFileSync(sample('rocket.jpg'), join(site, 'img', 'rocket.jpg'));
  const page =
    '<h1>Menu</h1>\r\n<img src="/img/coffee.png" alt="coffee.png">\r\n<img alt="" aria-hidden="true" src="/img/rocket.jpg">\r\n';
  writeFileSync(join(site, 'index.html'), page);
  writeFileSync(join(site, 'launch.md'), '![picture](img/rocket.jpg)\n\n![An espresso cup](img/coffee.png)\n');
  const provider = writeProviderModule(dir, {
    answers: {
      'coffee.png': { alt: 'A cup of coffee on a saucer' },
      'rocket.jpg': { alt: 'A rocket on the launch pad' },
    },
  });
  const db = join(dir, 'lib.db');
  const calls = () =>
    existsSync(join(dir, 'calls.log')) ? readFileSync(join(dir, 'calls.log'), 'utf8').trim().split('\n') : [];

  // Indexed first: the rocket is in the library, so only the coffee cup is described.
  assert.equal(glimpse(['--db', db, 'index', join(site, 'img', 'rocket.jpg'), '--provider', provider]).code, 0);
  assert.deepEqual(calls(), ['rocket.jpg']);

  const check = glimpse(['--db', db, 'alt', site, '--check', '--provider', provider]);
  assert.equal(check.code, 1, check.stderr);
  assert.match(check.stdout, /index\.html:2:1 +\/img\/coffee\.png +file name/, check.stderr);
  assert.match(check.stdout, /launch\.md:1:1 +img\/rocket\.jpg +placeholder/);
  assert.match(check.stdout, /2 pages, 4 images \(1 decorative\): 2 need alt text/);
  assert.deepEqual(calls(), ['rocket.jpg', 'coffee.png']);

  const json = glimpse(['--db', db, 'alt', site, '--json', '--provider', provider]);
  assert.equal(json.code, 0, 'without --check a report is not a failure');
  const report = JSON.parse(json.stdout) as AltReport;
  assert.deepEqual(
    report.files.flatMap((file) => file.findings.map((finding) => [finding.suggestion, finding.from])),
    [
      ['A cup of coffee on a saucer', 'described'],
      ['A rocket on the launch pad', 'library'],
    ],
  );

  const write = glimpse(['--db', db, 'alt', site, '--write', '--check', '--provider', provider]);
  assert.equal(write.code, 0, write.stdout + write.stderr);
  assert.equal(
    readFileSync(join(site, 'index.html'), 'utf8'),
    page.replace('alt="coffee.png"', 'alt="A cup of coffee on a saucer"'),
  );
  assert.equal(
    readFileSync(join(site, 'launch.md'), 'utf8'),
    '![A rocket on the launch pad](img/rocket.jpg)\n\n![An espresso cup](img/coffee.png)\n',
  );
  assert.equal(glimpse(['--db', db, 'alt', site, '--check', '--provider', provider]).code, 0);

  const missing = glimpse(['--db', db, 'alt', join(dir, 'nowhere'), '--check']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /nowhere: no such file or folder/);
});
