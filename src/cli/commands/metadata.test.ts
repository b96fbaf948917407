/**
 * `glimpse index --write-metadata` and `glimpse metadata write`, run as the real binary; what they wrote is read
 * back with Debian's exiftool.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { glimpseBin, sample, temporaryDirectory } from '../../testing/fixtures.js';

function glimpse(...args: string[]) {
  return spawnSync(process.execPath, [glimpseBin, ...args], { encoding: 'utf8', timeout: 120_000 });
}

function exiftool(path: string): Record<string, unknown> {
  return JSON.parse(execFileSync('/usr/bin/exiftool', ['-j', '-G1', path], { encoding: 'utf8' }))[0];
}

test('index --write-metadata embed writes XMP into the files; the next index describes nothing again', () => {
  const folder = temporaryDirectory('glimpse-cli-metadata-');
  const photos = join(folder, 'photos');
  mkdirSync(photos);
  copyFileSync(sample('rocket.jpg'), join(photos, 'rocket.jpg'));
  copyFileSync(sample('coffee.png'), join(photos, 'coffee.png'));
  const db = join(folder, 'g.db');

  const first = glimpse('--db', db, 'index', photos, '--write-metadata', 'embed', '--json');
  assert.equal(first.status, 0, first.stderr);
  const summary = JSON.parse(first.stdout);
  assert.equal(summary.indexed, 2);
  assert.equal(summary.metadata.written.length, 2);
  const tags = exiftool(join(photos, 'coffee.png'));
  assert.equal(typeof tags['XMP-dc:Description'], 'string');
  assert.equal(tags['XMP-iptcCore:AltTextAccessibility'] !== undefined, true);
  assert.deepEqual(readdirSync(photos).sort(), ['coffee.png', 'rocket.jpg'], 'no sidecars, no _original backups');

  const second = glimpse('--db', db, 'index', photos, '--json');
  assert.equal(second.status, 0, second.stderr);
  assert.equal(JSON.parse(second.stdout).indexed, 0, 'embedding did not make the files look new');

  const sidecars = glimpse('--db', db, 'metadata', 'write', photos, '--to', 'sidecar', '--sidecar-name', 'base');
  assert.equal(sidecars.status, 0, sidecars.stderr);
  assert.ok(existsSync(join(photos, 'rocket.xmp')));
  assert.equal(exiftool(join(photos, 'rocket.xmp'))['XMP-glimpse:Provider'], 'builtin');

  // export --format xmp: the same writer, for a library already indexed.
  const exported = glimpse('--db', db, 'export', '--format', 'xmp');
  assert.equal(exported.status, 0, exported.stderr);
  assert.match(exported.stderr, /2 XMP sidecars written, 0 failed/);
  assert.equal(typeof exiftool(join(photos, 'coffee.png.xmp'))['XMP-dc:Description'], 'string');
});

test('a wrong --write-metadata value is a usage error naming the choices, before anything is indexed', () => {
  const folder = temporaryDirectory('glimpse-cli-metadata-');
  const result = glimpse('--db', join(folder, 'g.db'), 'index', folder, '--write-metadata', 'both');
  assert.equal(result.status, 1);
  assert.match(result.stderr, /Unknown metadata target "both"/);
  assert.match(result.stderr, /sidecar.*embed/);
});
