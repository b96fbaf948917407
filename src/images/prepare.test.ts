import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import exifr from 'exifr';
import sharp from 'sharp';
import { fixturesDir, sample } from '../testing/fixtures.js';
import { readExif } from './exif.js';
import { prepareImage } from './prepare.js';
import { describeFileError } from './read-input.js';

const chelsea = readFileSync(sample('chelsea.png'));

describe('prepareImage', () => {
  const formats: [string, () => Promise<Buffer>][] = [
    ['jpeg', () => sharp(chelsea).jpeg().toBuffer()],
    ['png', async () => chelsea],
    ['webp', () => sharp(chelsea).webp().toBuffer()],
    ['gif', () => sharp(chelsea).gif().toBuffer()],
    ['heif', () => sharp(chelsea).avif({ effort: 0 }).toBuffer()],
    ['tiff', () => sharp(chelsea).tiff().toBuffer()],
    ['heic', async () => readFileSync(join(fixturesDir, 'coffee.heic'))],
  ];
  for (const [format, make] of formats) {
    test(`decodes ${format}`, async () => {
      const prepared = await prepareImage(await make(), `photo.${format}`, { maxSide: 128 });
      assert.equal(prepared.image.original.format, format);
      assert.ok(Math.max(prepared.image.width, prepared.image.height) <= 128);
      const pixels = await prepared.image.pixels();
      assert.equal(pixels.data.length, pixels.width * pixels.height * 3);
      // Real content, not a blank frame: the pixels vary.
      assert.ok(new Set(pixels.data.subarray(0, 3000)).size > 10, 'decoded pixels have content');
    });
  }

  test('a GIF gives its first frame', async () => {
    const red = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#ff0000' } })
      .png()
      .toBuffer();
    const blue = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#0000ff' } })
      .png()
      .toBuffer();
    const animated = await sharp([red, blue], { join: { animated: true } })
      .gif()
      .toBuffer();
    assert.equal((await sharp(animated).metadata()).pages, 2);
    const { data } = await (await prepareImage(animated, 'anim.gif', { maxSide: 8 })).image.pixels();
    assert.ok(data[0] > 200 && data[2] < 50, `first frame is red, got ${data[0]},${data[1]},${data[2]}`);
  });

  test('downscales to the provider size, keeps the aspect ratio, never enlarges', async () => {
    const photo = readFileSync(sample('rocket.jpg')); // 640×427
    const small = await prepareImage(photo, 'rocket.jpg', { maxSide: 320 });
    assert.deepEqual([small.image.width, small.image.height], [320, 214]);
    assert.deepEqual([small.image.original.width, small.image.original.height], [640, 427]);
    const same = await prepareImage(photo, 'rocket.jpg', { maxSide: 4000 });
    assert.deepEqual([same.image.width, same.image.height], [640, 427]);
  });

  test('applies EXIF orientation', async () => {
    // A wide image stored with orientation 6 (rotate 90°) is tall when shown.
    const wide = await sharp({ create: { width: 200, height: 100, channels: 3, background: '#808080' } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const prepared = await prepareImage(wide, 'rotated.jpg', { maxSide: 512 });
    assert.deepEqual([prepared.image.width, prepared.image.height], [100, 200]);
    assert.deepEqual([prepared.image.original.width, prepared.image.original.height], [100, 200]);
  });

  test('reads EXIF context and strips it from what is uploaded', async () => {
    const tagged = await sharp(readFileSync(sample('china.jpg')))
      .withExif({
        IFD0: { Make: 'Glimpse', Model: 'Test Camera', DateTime: '2021:07:04 18:30:00' },
        IFD2: { DateTimeOriginal: '2021:07:04 18:30:00' },
        IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '51/1 30/1 0/1', GPSLongitudeRef: 'W', GPSLongitude: '0/1 7/1 0/1' },
      })
      .jpeg()
      .toBuffer();
    const exif = await readExif(tagged);
    assert.equal(exif?.takenAt, '2021-07-04T18:30:00');
    assert.equal(exif?.camera, 'Glimpse Test Camera');
    assert.ok(Math.abs((exif?.latitude ?? 0) - 51.5) < 1e-6);
    assert.ok((exif?.longitude ?? 0) < 0);
    const prepared = await prepareImage(tagged, 'china.jpg', { maxSide: 256 });
    assert.equal(prepared.image.exif?.camera, 'Glimpse Test Camera');
    const upload = await prepared.image.encode();
    assert.equal(upload.mediaType, 'image/jpeg');
    assert.equal(await exifr.gps(upload.data).catch(() => undefined), undefined, 'no GPS in the uploaded bytes');
    assert.equal((await sharp(upload.data).metadata()).exif, undefined, 'no EXIF at all');
  });

  test('keeps transparency as PNG, and makes a small WebP thumbnail', async () => {
    const transparent = await sharp({
      create: { width: 600, height: 400, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0.5 } },
    })
      .png()
      .toBuffer();
    const prepared = await prepareImage(transparent, 'logo.png', { maxSide: 512 });
    assert.equal((await prepared.image.encode()).mediaType, 'image/png');
    const thumbnail = await sharp(await prepared.thumbnail()).metadata();
    assert.equal(thumbnail.format, 'webp');
    assert.ok(Math.max(thumbnail.width ?? 0, thumbnail.height ?? 0) <= 320);
  });

  test('clear errors: not an image, truncated', async () => {
    await assert.rejects(prepareImage(Buffer.from('%PDF-1.7 not an image'), 'doc.jpg', { maxSide: 64 }), {
      code: 'NOT_AN_IMAGE',
    });
    await assert.rejects(
      prepareImage(readFileSync(join(fixturesDir, 'truncated.jpg')), 'truncated.jpg', { maxSide: 64 }),
      (error: Error & { code: string }) => {
        assert.equal(error.code, 'CORRUPT_IMAGE');
        assert.match(error.message, /^truncated\.jpg: damaged or truncated image/);
        return true;
      },
    );
  });

  test('file errors are told apart: permission, loop, missing', async () => {
    const eacces = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    assert.equal((await describeFileError('/photos/a.jpg', eacces)).code, 'PERMISSION_DENIED');
    const eloop = Object.assign(new Error('ELOOP'), { code: 'ELOOP' });
    assert.equal((await describeFileError('/photos/b.jpg', eloop)).code, 'SYMLINK_LOOP');
    const enoent = Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    assert.equal((await describeFileError('/no/such/c.jpg', enoent)).code, 'FILE_NOT_FOUND');
  });
});
