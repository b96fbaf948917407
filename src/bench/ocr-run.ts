/**
 * Child process of the OCR bench: load one text reader ("paddle", the built-in one, or "tesseract", the previous
 * one), read each image once after a warm-up read, and print one JSON line: seconds per image of each kind, how
 * many images gave text, and peak memory (maxRSS of this process, models included).
 * Arguments: READER KIND:PATH… (kinds: receipt, photo).
 */
import { readFile } from 'node:fs/promises';
import { prepareImage } from '../images/prepare.js';
import { TextReader } from '../providers/builtin/analysis/ocr.js';
import { TesseractReader } from '../providers/builtin/analysis/ocr-tesseract.js';
import { PREFERRED_IMAGE_SIZE } from '../providers/builtin/index.js';

export interface OcrRun {
  reader: string;
  kinds: Record<string, { images: number; seconds: number; withText: number }>;
  maxRssMb: number;
}

const [name, ...inputs] = process.argv.slice(2);
const reader = name === 'tesseract' ? await TesseractReader.load() : await TextReader.load();
const kinds: OcrRun['kinds'] = {};
let warm = false;
for (const input of inputs) {
  const [kind, ...rest] = input.split(':');
  const path = rest.join(':');
  const { image } = await prepareImage(await readFile(path), path, { maxSide: PREFERRED_IMAGE_SIZE });
  const pixels = await image.pixels();
  const frame = { data: pixels.data, width: pixels.width, height: pixels.height };
  if (!warm) {
    await reader.read(frame);
    warm = true;
  }
  const started = performance.now();
  const read = await reader.read(frame);
  const seconds = (performance.now() - started) / 1000;
  const entry = (kinds[kind] ??= { images: 0, seconds: 0, withText: 0 });
  entry.images++;
  entry.seconds += seconds;
  if (read) entry.withText++;
}
await reader.close();
const run: OcrRun = { reader: name, kinds, maxRssMb: process.resourceUsage().maxRSS / 1024 };
process.stdout.write(`${JSON.stringify(run)}\n`);
