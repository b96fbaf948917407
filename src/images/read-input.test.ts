/**
 * Reading local files safely (issue 18, items 1, 2, 7): only regular files within the size limit, checked before a
 * byte is read; FIFOs and devices refused at once; ordinary file problems get their own codes, never INTERNAL.
 * Real files throughout: a link to /dev/zero, a FIFO from mkfifo, a sparse 2.5 GB file, a file as `nobody` cannot
 * read, and a file name that is not UTF-8.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { fileErrorFromErrno, GlimpseError, toGlimpseError } from '../errors.js';
import { sample, temporaryDirectory } from '../testing/fixtures.js';
import { decodeFsName, fsPath } from './fs-path.js';
import { MAX_FILE_BYTES_CEILING } from './limits.js';
import { readInput, readLocalFile } from './read-input.js';

const dir = temporaryDirectory('glimpse-read-');

async function rejectsWith(work: Promise<unknown>, code: string, mentions?: RegExp) {
  await assert.rejects(work, (error: unknown) => {
    assert.ok(GlimpseError.is(error), `a GlimpseError, got ${error}`);
    assert.equal(error.code, code, error.message);
    if (mentions) assert.match(error.message, mentions);
    return true;
  });
}

test('a link to /dev/zero named like a photo is refused before anything is read', async () => {
  const link = join(dir, 'z.jpg');
  symlinkSync('/dev/zero', link);
  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  await rejectsWith(readInput(link), 'NOT_A_FILE', /z\.jpg: is a device/);
  assert.ok(performance.now() - started < 1000, 'fails fast');
  assert.ok(process.memoryUsage().rss - rssBefore < 64 * 1024 * 1024, 'reads nothing');
});

test('a FIFO is refused at once, with no writer ever appearing', async () => {
  const fifo = join(dir, 'x.jpg');
  execFileSync('mkfifo', [fifo]);
  const started = performance.now();
  await rejectsWith(readLocalFile(fifo), 'NOT_A_FILE', /FIFO/);
  assert.ok(performance.now() - started < 1000);
});

test('files above the size limit are refused from their size alone; a sparse 2.5 GB file is FILE_TOO_LARGE', async () => {
  const big = join(dir, 'big.jpg');
  execFileSync('truncate', ['-s', '2500M', big]);
  await rejectsWith(readLocalFile(big), 'FILE_TOO_LARGE', /2500 MB is larger than the 512 MB file limit/);
  // Even a limit above what Node can hold is lowered to the ceiling instead of failing inside readFile.
  await rejectsWith(readLocalFile(big, { maxBytes: 3 * 1024 ** 3 }), 'FILE_TOO_LARGE', /2048 MB file limit/);
  assert.equal(MAX_FILE_BYTES_CEILING, 2 ** 31 - 1);
  const small = join(dir, 'small.png');
  copyFileSync(sample('coffee.png'), small);
  await rejectsWith(readLocalFile(small, { maxBytes: 100 }), 'FILE_TOO_LARGE');
  assert.deepEqual(await readLocalFile(small), readFileSync(small), 'a file within the limit is read whole');
});

test('errno codes of ordinary file problems map to their codes, never INTERNAL', () => {
  const cases: Record<string, string> = {
    EACCES: 'PERMISSION_DENIED',
    EPERM: 'PERMISSION_DENIED',
    ENOENT: 'FILE_NOT_FOUND',
    ELOOP: 'SYMLINK_LOOP',
    ERR_FS_FILE_TOO_LARGE: 'FILE_TOO_LARGE',
    ENXIO: 'NOT_A_FILE',
    EIO: 'READ_FAILED',
  };
  for (const [errno, code] of Object.entries(cases)) {
    const error = Object.assign(new Error(`${errno}: failed`), { code: errno });
    assert.equal(fileErrorFromErrno(error, '/p/a.jpg')?.code, code, errno);
    assert.equal(toGlimpseError(error, '/p/a.jpg').code, code, `toGlimpseError maps ${errno}`);
  }
  // What Node's readFile says about a 2.5 GB file.
  const readFileError = Object.assign(new RangeError('File size (2621440000) is greater than 2 GiB'), {
    code: 'ERR_FS_FILE_TOO_LARGE',
  });
  assert.equal(toGlimpseError(readFileError, '/p/big.jpg').code, 'FILE_TOO_LARGE');
  assert.equal(toGlimpseError(new Error('something else')).code, 'INTERNAL');
});

test('as `nobody`: EACCES on open and on stat are PERMISSION_DENIED', { skip: process.getuid?.() !== 0 }, () => {
  // Root reads everything, so the real case runs in a child as nobody.
  const open = join(dir, 'open');
  mkdirSync(open, { mode: 0o755 });
  chmodSync(dir, 0o755);
  const unreadable = join(open, 'secret.png');
  copyFileSync(sample('coffee.png'), unreadable);
  chmodSync(unreadable, 0o000);
  const closed = join(dir, 'closed');
  mkdirSync(closed, { mode: 0o700 });
  const hidden = join(closed, 'hidden.png');
  copyFileSync(sample('coffee.png'), hidden);
  const module = pathToFileURL(join(import.meta.dirname, 'read-input.js')).href;
  const script = `
    const { readLocalFile } = await import(${JSON.stringify(module)});
    const codes = [];
    for (const path of process.argv.slice(1)) codes.push(await readLocalFile(path).then(() => 'read', (e) => e.code));
    console.log(JSON.stringify(codes));`;
  const child = spawnSync(
    'setpriv',
    [
      '--reuid=nobody',
      '--regid=nogroup',
      '--clear-groups',
      process.execPath,
      '--input-type=module',
      '-e',
      script,
      unreadable,
      hidden,
    ],
    { encoding: 'utf8' },
  );
  assert.equal(child.status, 0, child.stderr);
  assert.deepEqual(JSON.parse(child.stdout), ['PERMISSION_DENIED', 'PERMISSION_DENIED']);
});

test('a file name that is not UTF-8 is kept reversibly and can be read', async () => {
  const nameBytes = Buffer.concat([Buffer.from('caf'), Buffer.from([0xe9]), Buffer.from('.png')]); // Latin-1 "café"
  const pathBytes = Buffer.concat([Buffer.from(`${dir}/`), nameBytes]);
  writeFileSync(pathBytes, readFileSync(sample('coffee.png')));
  const path = decodeFsName(pathBytes);
  assert.ok(!path.includes('\ufffd'), 'no replacement character: the name is not lost');
  assert.deepEqual(fsPath(path), pathBytes);
  assert.deepEqual(await readLocalFile(path), readFileSync(sample('coffee.png')));
  // Valid UTF-8 stays a plain string, and a real character from the escape range survives the round trip.
  assert.equal(decodeFsName(Buffer.from('/photos/été 🌅.jpg')), '/photos/été 🌅.jpg');
  assert.equal(fsPath('/photos/été.jpg'), '/photos/été.jpg');
  const tricky = Buffer.from('a\uf7e9b\uf780.png');
  assert.deepEqual(fsPath(decodeFsName(tricky)), tricky);
  const random = Buffer.from(Array.from({ length: 2000 }, (_, i) => (i * 7919 + 13) % 256));
  assert.deepEqual(fsPath(decodeFsName(random)), random);
});
