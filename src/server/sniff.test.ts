/**
 * Image types judged from bytes: real encodings from sharp pass, look-alikes and SVG do not.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { sniffImageType } from './sniff.js';

const pixel = () => sharp({ create: { width: 8, height: 8, channels: 3, background: '#c33' } });

test('recognises the raster formats Glimpse decodes, from sharp encodings', async () => {
  const encoded: [string, Buffer][] = [
    ['image/jpeg', await pixel().jpeg().toBuffer()],
    ['image/png', await pixel().png().toBuffer()],
    ['image/webp', await pixel().webp().toBuffer()],
    ['image/gif', await pixel().gif().toBuffer()],
    ['image/tiff', await pixel().tiff().toBuffer()],
    ['image/avif', await pixel().avif().toBuffer()],
  ];
  for (const [mediaType, bytes] of encoded) assert.equal(sniffImageType(bytes)?.mediaType, mediaType);
  const heic = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypheic\0\0\0\0mif1heic')]);
  assert.deepEqual(sniffImageType(heic), { mediaType: 'image/heic', extension: 'heic', browserViewable: false });
});

test('refuses SVG, HTML, text, short and unknown files', () => {
  for (const text of [
    '<svg xmlns="http://www.w3.org/2000/svg"></svg>',
    '<!doctype html><script>alert(1)</script>',
    'plain text file',
    'GIF8',
    '%PDF-1.7 something',
  ]) {
    assert.equal(sniffImageType(Buffer.from(text)), null, text);
  }
  const mp4 = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypisom\0\0\0\0isomiso2')]);
  assert.equal(sniffImageType(mp4), null, 'an MP4 is an ftyp box too, but not an image');
});
