/**
 * Walking folders (issue 18, items 1, 2, 3, 7, 9) on real file-system oddities: a folder that links to itself, a
 * FIFO and a device link named like photos, a name that is not UTF-8, and a link out of a confined root.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fsPath } from '../images/fs-path.js';
import { readLocalFile } from '../images/read-input.js';
import { sample, temporaryDirectory } from '../testing/fixtures.js';
import { discoverInputs, withinRoots } from './discover.js';

test('a looping folder link lists each file once: every real folder is walked once', async () => {
  const top = temporaryDirectory('glimpse-discover-');
  const loop = join(top, 'dirloop');
  mkdirSync(loop);
  copyFileSync(sample('coffee.png'), join(loop, 'coffee.png'));
  symlinkSync('../dirloop', join(loop, 'self'));
  // A second link to the same folder from elsewhere adds nothing either.
  symlinkSync('dirloop', join(top, 'again'));
  for (const input of [top, loop]) {
    const { files, failures } = await discoverInputs([input]);
    assert.deepEqual(
      files.map((file) => relative(top, file)),
      [input === top ? 'again/coffee.png' : 'dirloop/coffee.png'],
      `walking ${relative(top, input) || '.'}`,
    );
    assert.deepEqual(failures, []);
  }
});

test('FIFOs, devices and over-large files named like photos are failures, found before any read', async () => {
  const folder = temporaryDirectory('glimpse-discover-');
  copyFileSync(sample('coffee.png'), join(folder, 'a.png'));
  execFileSync('mkfifo', [join(folder, 'pipe.jpg')]);
  symlinkSync('/dev/zero', join(folder, 'zero.jpg'));
  execFileSync('truncate', ['-s', '2500M', join(folder, 'huge.jpg')]);
  const { files, failures } = await discoverInputs([folder]);
  assert.deepEqual(files, [join(folder, 'a.png')]);
  assert.deepEqual(
    failures.map((failure) => [relative(folder, failure.path), failure.error.code]),
    [
      ['huge.jpg', 'FILE_TOO_LARGE'],
      ['pipe.jpg', 'NOT_A_FILE'],
      ['zero.jpg', 'NOT_A_FILE'],
    ],
  );
  // Named explicitly, too.
  const named = await discoverInputs([join(folder, 'zero.jpg'), join(folder, 'pipe.jpg')]);
  assert.deepEqual(named.files, []);
  assert.deepEqual(
    named.failures.map((failure) => failure.error.code),
    ['NOT_A_FILE', 'NOT_A_FILE'],
  );
});

test('a file name that is not UTF-8 is discovered with a path that reads the file', async () => {
  const folder = temporaryDirectory('glimpse-discover-');
  const name = Buffer.concat([Buffer.from('caf'), Buffer.from([0xe9]), Buffer.from('.png')]);
  writeFileSync(Buffer.concat([Buffer.from(`${folder}/`), name]), readFileSync(sample('coffee.png')));
  const { files, failures } = await discoverInputs([folder]);
  assert.deepEqual(failures, []);
  assert.equal(files.length, 1);
  assert.deepEqual(fsPath(files[0]), Buffer.concat([Buffer.from(`${folder}/`), name]));
  assert.deepEqual(await readLocalFile(files[0]), readFileSync(sample('coffee.png')));
});

test('confined to roots, links that lead outside them are not followed', async () => {
  const top = temporaryDirectory('glimpse-discover-');
  const allowed = join(top, 'allowed');
  const outside = join(top, 'outside');
  mkdirSync(allowed);
  mkdirSync(outside);
  copyFileSync(sample('coffee.png'), join(allowed, 'inside.png'));
  copyFileSync(sample('chelsea.png'), join(outside, 'secret.png'));
  symlinkSync(outside, join(allowed, 'escape'));
  symlinkSync(join(outside, 'secret.png'), join(allowed, 'linked.png'));
  mkdirSync(join(allowed, 'sub'));
  symlinkSync('../inside.png', join(allowed, 'sub', 'ok.png')); // inside the root: followed

  const unconfined = await discoverInputs([allowed]);
  assert.equal(unconfined.files.length, 4, 'the CLI follows links wherever they go');

  const confined = await withinRoots([allowed], () => discoverInputs([allowed]));
  assert.deepEqual(
    confined.files.map((file) => relative(allowed, file)),
    ['inside.png', 'sub/ok.png'],
  );
  assert.deepEqual(
    confined.failures.map((failure) => [relative(allowed, failure.path), failure.error.code]),
    [
      ['escape', 'PATH_NOT_ALLOWED'],
      ['linked.png', 'PATH_NOT_ALLOWED'],
    ],
  );
  assert.ok(!JSON.stringify(confined.failures).includes(outside), 'the answer does not reveal where links lead');
});

test('each file comes with the stat discovery made of it (the indexer does not stat it again)', async () => {
  const folder = temporaryDirectory('glimpse-discover-');
  copyFileSync(sample('coffee.png'), join(folder, 'a.png'));
  copyFileSync(sample('rocket.jpg'), join(folder, 'b.jpg'));
  symlinkSync('b.jpg', join(folder, 'link.jpg'));
  const named = join(folder, 'named.dat');
  copyFileSync(sample('rocket.jpg'), named);
  const { files, stats } = await discoverInputs([folder, named]);
  assert.equal(files.length, 4);
  for (const file of files) assert.equal(stats.get(file)?.size, readFileSync(file).length, file);
});
