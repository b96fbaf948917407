/**
 * The built-in analyzer's previous text reader, kept to measure against (src/eval/builtin/measure-ocr.ts,
 * `npm run bench`): the built-in analyzer now reads with PaddleOCR (./ocr.ts), which measured better on receipts,
 * pages and signs alike. Why this one lost text on pages such as samples/page.png: tesseract binarises the whole
 * image with one threshold, so the shaded left edge of a photographed page turns black and the starts of lines
 * ("Reg" of "Region-based") vanish with it; the blurred last line then fails the confidence filter.
 *
 * Text in the image with tesseract.js 7 (LSTM engine, English data from @tesseract.js-data/eng read from disk).
 * Chosen over Debian's tesseract on the OCR evaluation set: as accurate or better at similar speed, and no system
 * package to install (figures in the README of the folder above).
 *
 * Photos rarely hold text, and tesseract reads junk out of foliage and fabric, so two guards:
 * - a cheap layout pass first: the far costlier recognition runs only when the layout has stacked lines
 *   shaped like text (lines up to a quarter of the image high, so big sign lettering counts);
 * - only confident, word-like tokens are kept, and a line needs a real word to count.
 */

import { join } from 'node:path';
import sharp from 'sharp';
import type Tesseract from 'tesseract.js';
import { packageFolder } from './packages.js';
import type { Pixels, ReadText } from './signals.js';

/** Word confidence (0–100) below which a word is dropped. */
export const MIN_WORD_CONFIDENCE = 75;

type Worker = Tesseract.Worker;
type Line = Tesseract.Line;

export class TesseractReader {
  private constructor(private readonly worker: Worker) {}

  static async load(): Promise<TesseractReader> {
    const { createWorker, OEM } = await import('tesseract.js');
    const worker = await createWorker(
      'eng',
      OEM.LSTM_ONLY,
      { langPath: join(packageFolder('@tesseract.js-data/eng'), '4.0.0'), gzip: true, cacheMethod: 'none' },
      // tesseract prints "Image too small to scale!!" and the like for every tiny blob it skips; keep it quiet.
      { debug_file: '/dev/null' } as Partial<Tesseract.InitOptions>,
    );
    // Our pixels carry no resolution; say so once rather than have tesseract warn on every image.
    // tessedit_do_invert stays on: turning it off saves a third of the OCR time on photos but loses light-on-dark text.
    await worker.setParameters({ user_defined_dpi: '70' });
    return new TesseractReader(worker);
  }

  async read(pixels: Pixels): Promise<ReadText | null> {
    const png = await sharp(pixels.data, { raw: { width: pixels.width, height: pixels.height, channels: 3 } })
      .greyscale()
      .png({ compressionLevel: 1 })
      .toBuffer();
    const layout = await this.worker.recognize(png, {}, { text: false, blocks: false, layoutBlocks: true });
    if (
      !looksLikeText((layout.data as unknown as { layoutBlocks: Tesseract.Block[] | null }).layoutBlocks, pixels.height)
    )
      return null;
    const result = await this.worker.recognize(png, {}, { text: false, blocks: true });
    const lines = (result.data.blocks ?? []).flatMap((block) =>
      block.paragraphs.flatMap((paragraph) => paragraph.lines),
    );
    return confidentText(lines);
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

type Bbox = Tesseract.Bbox;

/**
 * Does the layout analysis find text? Tesseract's layout pass finds "lines" in any texture, so one text-shaped
 * line is not enough (most ordinary photos have one); two of similar height stacked one above the other are (every
 * receipt and page has them, and far fewer photos pass). The price: a single line alone in a photo (a one-word
 * sign) is not read.
 */
export function looksLikeText(blocks: Tesseract.Block[] | null, imageHeight: number): boolean {
  const lines: Bbox[] = [];
  for (const block of blocks ?? []) {
    for (const paragraph of block.paragraphs ?? []) {
      for (const line of paragraph.lines ?? []) {
        const height = line.bbox.y1 - line.bbox.y0;
        const width = line.bbox.x1 - line.bbox.x0;
        if (height >= 6 && height <= imageHeight * 0.25 && width >= height * 3) lines.push(line.bbox);
      }
    }
  }
  for (let i = 0; i < lines.length; i++)
    for (let j = i + 1; j < lines.length; j++) if (stacked(lines[i], lines[j])) return true;
  return false;
}

/** Two lines of like height, one just below the other, overlapping sideways: how lines of text sit. */
function stacked(a: Bbox, b: Bbox): boolean {
  const heightA = a.y1 - a.y0;
  const heightB = b.y1 - b.y0;
  const taller = Math.max(heightA, heightB);
  if (Math.abs(heightA - heightB) > 0.35 * taller) return false;
  const gap = Math.max(a.y0, b.y0) - Math.min(a.y1, b.y1);
  const sideways = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
  return (
    gap >= -0.2 * Math.min(heightA, heightB) &&
    gap <= 1.5 * taller &&
    sideways > 0.3 * Math.min(a.x1 - a.x0, b.x1 - b.x0)
  );
}

/** In a document (several lines of confident words) tesseract is on firm ground, so weaker words are kept too. */
export const DOCUMENT_WORD_CONFIDENCE = 45;
const DOCUMENT_LINES = 5;

/** Keeps confident word-like tokens; drops lines with no real word, and the whole text if little survives. */
export function confidentText(lines: Pick<Line, 'words'>[]): ReadText | null {
  const solidLines = lines.filter(
    (line) => line.words.filter((word) => word.confidence >= MIN_WORD_CONFIDENCE && isWordLike(word.text)).length >= 2,
  ).length;
  const threshold = solidLines >= DOCUMENT_LINES ? DOCUMENT_WORD_CONFIDENCE : MIN_WORD_CONFIDENCE;
  const kept: string[] = [];
  const confidences: number[] = [];
  for (const line of lines) {
    const words = line.words.filter((word) => word.confidence >= threshold && isWordLike(word.text));
    if (!words.some((word) => /[\p{L}\p{N}]{2,}/u.test(word.text))) continue;
    kept.push(words.map((word) => word.text).join(' '));
    confidences.push(...words.map((word) => word.confidence));
  }
  if (kept.length === 0) return null;
  const characters = kept.join('').replace(/[^\p{L}\p{N}]/gu, '').length;
  if (characters < 3) return null;
  const confidence = confidences.reduce((sum, value) => sum + value, 0) / confidences.length;
  return { lines: kept, confidence: Math.round(confidence) };
}

/** Mostly letters and digits: "Theatre", "62-03", "$4.50"; not "\\", "£", ")|(". */
export function isWordLike(text: string): boolean {
  const alphanumeric = text.replace(/[^\p{L}\p{N}]/gu, '').length;
  return alphanumeric >= 1 && alphanumeric / text.length >= 0.6;
}
