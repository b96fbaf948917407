import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import sharp from 'sharp';
import { fixturesDir, sample } from '../testing/fixtures.js';
import { readJpegHeader } from './jpeg-header.js';

/** What prepare.ts asked sharp for, before this reader. */
async function fromSharp(bytes: Buffer) {
  const metadata = await sharp(bytes, { limitInputPixels: false }).metadata();
  const { format, width, height, orientation } = metadata;
  return { format, width, height, ...(orientation ? { orientation } : {}), hasExif: metadata.exif !== undefined };
}

test('a JPEG header read in JavaScript agrees with sharp: size, orientation, EXIF', async () => {
  const chelsea = readFileSync(sample('chelsea.png'));
  const made: (Buffer | Promise<Buffer>)[] = [
    readFileSync(sample('rocket.jpg')),
    readFileSync(sample('flower.jpg')),
    await sharp(chelsea).jpeg({ progressive: true }).toBuffer(),
    await sharp(chelsea).jpeg({ mozjpeg: true }).toBuffer(),
    await sharp(chelsea).greyscale().jpeg().toBuffer(),
    ...[1, 3, 6, 8].map((orientation) => sharp(chelsea).withMetadata({ orientation }).jpeg().toBuffer()),
  ];
  const all = await Promise.all(made);
  // (truncated.jpg: a broken file, refused by the decode either way; prepare.test.ts checks how.)
  for (const name of readdirSync(fixturesDir).filter((file) => /\.jpe?g$/i.test(file) && !/truncated/.test(file)))
    all.push(readFileSync(`${fixturesDir}/${name}`));
  let oriented = 0;
  for (const bytes of all) {
    const header = readJpegHeader(bytes);
    assert.ok(header, 'understood');
    assert.deepEqual(header, await fromSharp(bytes));
    if ((header.orientation ?? 1) >= 5) oriented++;
  }
  assert.ok(oriented >= 2, 'rotated photos among them');
  assert.equal(readJpegHeader(chelsea), undefined, 'a PNG is left to sharp');
  assert.equal(readJpegHeader(readFileSync(sample('rocket.jpg')).subarray(0, 100)), undefined, 'cut before its frame');
});
