/**
 * The built-in text reader with its real models (PaddleOCR on onnxruntime) on samples/ and on images drawn here.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { isWordLike, keepText, TextReader } from './ocr.js';
import type { RecognisedLine } from './ocr-paddle.js';
import type { Pixels } from './signals.js';

const samples = fileURLToPath(new URL('../../../../samples/', import.meta.url));

async function pixelsOf(input: string | Buffer): Promise<Pixels> {
  const { data, info } = await sharp(input)
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height };
}

const svgText = (width: number, height: number, body: string, background = 'white') =>
  Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="${width}" height="${height}" fill="${background}"/>${body}</svg>`,
  );

describe('built-in text reader', () => {
  let reader: TextReader;
  before(async () => {
    reader = await TextReader.load();
  });
  after(() => reader.close());

  it('reads page.png whole: the start of every line and the last (code) line', async () => {
    // The previous reader (tesseract) lost "Reg" of the heading and the starts of the lines below it (the
    // shaded left edge turned black in its one-threshold binarisation) and dropped the blurred code line.
    const read = await reader.read(await pixelsOf(`${samples}page.png`));
    assert.ok(read, 'text found');
    assert.match(read.lines[0], /^Region-based segm ?entation$/);
    assert.match(read.lines[1], /^Let ?us first determine/);
    assert.match(read.lines[read.lines.length - 1], /markers.*zeros_like\(coins\)/);
    assert.equal(read.regions?.length, read.lines.length);
    for (const region of read.regions ?? []) {
      assert.ok(region.confidence > 0.5 && region.confidence <= 1);
      for (const [x, y] of region.box) assert.ok(x >= 0 && x <= 384 && y >= 0 && y <= 191, JSON.stringify(region.box));
    }
  });

  it('gives a receipt in reading order, label and amount on one row, words spaced', async () => {
    const font = 'font-family="DejaVu Sans Mono, monospace" font-size="26"';
    const rows = [
      ['CORNER CAFE SDN BHD', ''],
      ['DATE: 12/03/2018', ''],
      ['LATTE', '9.50'],
      ['CROISSANT', '6.20'],
      ['TOTAL', '15.70'],
    ];
    const body = rows
      .map(
        ([left, right], index) =>
          `<text x="30" y="${60 + index * 50}" ${font}>${left}</text><text x="420" y="${60 + index * 50}" ${font}>${right}</text>`,
      )
      .join('');
    const read = await reader.read(
      await pixelsOf(
        await sharp(svgText(560, 320, body))
          .png()
          .toBuffer(),
      ),
    );
    assert.deepEqual(read?.lines, [
      'CORNER CAFE SDN BHD',
      'DATE: 12/03/2018',
      'LATTE 9.50',
      'CROISSANT 6.20',
      'TOTAL 15.70',
    ]);
  });

  it('reads a lone sign word in a photo-sized image', async () => {
    const body =
      '<text x="300" y="260" font-family="DejaVu Sans" font-weight="bold" font-size="90" fill="white">EXIT</text>';
    const read = await reader.read(
      await pixelsOf(
        await sharp(svgText(900, 500, body, '#135'))
          .png()
          .toBuffer(),
      ),
    );
    assert.deepEqual(read?.lines, ['EXIT']);
  });

  it('reads nothing in text-free photos', async () => {
    for (const name of ['flower.jpg', 'chelsea.png', 'astronaut.png'])
      assert.equal(await reader.read(await pixelsOf(`${samples}${name}`)), null, name);
  });
});

describe('keeping what was read', () => {
  const piece = (text: string, confidence: number, y: number, x = 10): RecognisedLine => ({
    text,
    confidence,
    detection: 0.9,
    characters: [],
    gaps: [],
    spaceChances: [],
    quad: [
      [x, y],
      [x + 100, y],
      [x + 100, y + 20],
      [x, y + 20],
    ],
  });

  it('keeps confident word-like pieces of a photo, in reading order', () => {
    const read = keepText([
      piece('Theatre', 0.95, 100, 200),
      piece('Genaxis', 0.93, 102, 40),
      piece('~~', 0.99, 300),
      piece('Carpark', 0.6, 200),
    ]);
    assert.deepEqual(read?.lines, ['Genaxis Theatre']);
    assert.equal(read?.confidence, 94);
  });

  it('keeps weaker pieces inside a document', () => {
    const page = Array.from({ length: 5 }, (_, index) => piece(`line ${index} words`, 0.95, index * 30));
    assert.deepEqual(keepText([...page, piece('smudged 12.50', 0.6, 200)])?.lines.at(-1), 'smudged 12.50');
    assert.equal(keepText([...page.slice(0, 2), piece('smudged 12.50', 0.6, 200)])?.lines.length, 2);
  });

  it('returns null when too little survives', () => {
    assert.equal(keepText([piece('A', 0.99, 10)]), null);
    assert.equal(keepText([]), null);
  });

  it('tells word-like pieces from symbol runs', () => {
    assert.ok(isWordLike('62-03'));
    assert.ok(isWordLike('TOTAL: $4.50'));
    assert.ok(!isWordLike(')|('));
  });
});
