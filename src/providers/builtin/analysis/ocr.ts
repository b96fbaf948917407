/**
 * Text in the image: PaddleOCR PP-OCRv4 detection and recognition on onnxruntime-node (./ocr-paddle.ts), chosen
 * over tesseract.js (./ocr-tesseract.ts) on ../shared/data/ocr-dev (figures in README "Reading text").
 *
 * - Gate: photos rarely hold text, so the detector first looks at the image shrunk to GATE_SIDE (a fraction of
 *   the cost of reading); only when it finds a text-shaped box does the full detection and recognition run.
 * - Memory: detection never sees more than DETECTION_MAX_SIDE pixels a side (SIGN_DETECTION_MAX_SIDE for the second
 *   look at a photo with few boxes); recognition reads crops of the image handed to us (itself capped by the
 *   provider's preferred size), so no input can grow the buffers.
 * - Output: rows in reading order (top to bottom, left to right), each row's pieces joined; every piece keeps its
 *   box and confidence for `--json` and the web app.
 * - Junk: textures in photos sometimes look like text to the detector; outside documents only confident,
 *   word-like pieces are kept.
 */
import { readingRows } from '../../../eval/metrics/reading-order.js';
import type { DbOptions, Quad } from './ocr-geometry.js';
import { DETECTION_MAX_SIDE, type PaddleOptions, PaddleReader, type RecognisedLine } from './ocr-paddle.js';
import { cropRegion, regionsAround } from './ocr-regions.js';
import { type Pixels, type ReadText, type StageTimes, type TextRegion, timed } from './signals.js';

/** Longest side of the gate's quick look. */
export const GATE_SIDE = 640;
/** Recognition confidence (0..1) a piece needs in a document (PaddleOCR's drop_score). */
export const DOCUMENT_CONFIDENCE = 0.5;
/** …and in a photo, where the detector also finds texture. */
export const PHOTO_CONFIDENCE = 0.8;
/** Confident pieces that make an image a document. */
const DOCUMENT_PIECES = 5;

/** Fewer boxes than this at the first detection: read as a photo with signs (see read()). */
const SPARSE_BOXES = 10;
const SIGN_ENLARGEMENT = 1.5;
const SIGN_DETECTION_MAX_SIDE = 1920;
/** Share of the image the second look's regions may cover before the whole image is looked at instead. */
const WHOLE_LOOK_SHARE = 0.6;

export interface ReadOptions extends PaddleOptions {
  /** Skip the gate (measurement). */
  noGate?: boolean;
  /**
   * Look again at photos with few boxes, enlarged: around the boxes found (default), over the whole image
   * ('whole', the previous way) or not at all (false); the last two for measurement.
   */
  signLook?: boolean | 'whole';
  /** Margin of the second look's regions, in box heights (default REGION_MARGIN; measurement). */
  regionMargin?: number;
  /** Milliseconds per step, added up (the bench's profile). */
  times?: StageTimes;
}

export class TextReader {
  private constructor(private readonly paddle: PaddleReader) {}

  static async load(options: { threads?: number } = {}): Promise<TextReader> {
    return new TextReader(await PaddleReader.load(options));
  }

  async read(pixels: Pixels, options: ReadOptions = {}): Promise<ReadText | null> {
    const maxSide = Math.max(pixels.width, pixels.height);
    const detectionSide = Math.min(maxSide, options.detectionMaxSide ?? DETECTION_MAX_SIDE);
    const { times } = options;
    if (!options.noGate && detectionSide > GATE_SIDE) {
      const glimpse = await timed(times, 'ocr gate', () => this.paddle.detect(pixels, GATE_SIDE, options.db));
      if (glimpse.length === 0) return null;
    }
    let boxes = await timed(times, 'ocr detect', () => this.paddle.detect(pixels, detectionSide, options.db));
    if (boxes.length === 0) return null;
    if (boxes.length < SPARSE_BOXES && options.signLook !== false) {
      // A few boxes: a photo with signs, not a page. Small sign lettering is found far better with the image
      // enlarged for the detector (ICDAR scenes: CER 0.54 → 0.49); pages and receipts are better left alone.
      const enlarged = Math.min(SIGN_DETECTION_MAX_SIDE, Math.round(detectionSide * SIGN_ENLARGEMENT));
      if (enlarged > detectionSide) {
        const found = boxes;
        boxes = await timed(times, 'ocr sign look', () =>
          options.signLook === 'whole'
            ? this.paddle.detect(pixels, enlarged, options.db)
            : this.lookAround(pixels, found, enlarged / maxSide, options),
        );
      }
    }
    return keepText(await timed(times, 'ocr read', () => this.paddle.recognise(pixels, boxes, options)));
  }

  /**
   * The second look only around the boxes of the first (ocr-regions.ts), each region enlarged by `scale` as the
   * whole image would be; when the regions cover most of the image, the whole image is looked at instead.
   */
  private async lookAround(
    pixels: Pixels,
    found: readonly { quad: Quad }[],
    scale: number,
    options: { db?: Partial<DbOptions>; regionMargin?: number },
  ) {
    const regions = regionsAround(
      found.map((box) => box.quad),
      pixels.width,
      pixels.height,
      options.regionMargin,
    );
    const area = regions.reduce((sum, region) => sum + region.width * region.height, 0);
    if (area > WHOLE_LOOK_SHARE * pixels.width * pixels.height)
      return this.paddle.detect(pixels, Math.round(Math.max(pixels.width, pixels.height) * scale), options.db);
    const boxes: { quad: Quad; score: number }[] = [];
    for (const region of regions) {
      const side = Math.max(region.width, region.height);
      const inRegion = await this.paddle.detect(cropRegion(pixels, region), Math.round(side * scale), options.db);
      for (const box of inRegion)
        boxes.push({ quad: box.quad.map(([x, y]) => [x + region.x, y + region.y]) as Quad, score: box.score });
    }
    return boxes;
  }

  async close(): Promise<void> {
    await this.paddle.close();
  }
}

/** Confident, word-like pieces in reading order; null when nothing worth reading is left. */
export function keepText(
  pieces: readonly RecognisedLine[],
  thresholds = { document: DOCUMENT_CONFIDENCE, photo: PHOTO_CONFIDENCE },
): ReadText | null {
  const wordLike = pieces.filter((piece) => isWordLike(piece.text));
  const document = wordLike.filter((piece) => piece.confidence >= thresholds.photo).length >= DOCUMENT_PIECES;
  const threshold = document ? thresholds.document : thresholds.photo;
  const kept = wordLike.filter(
    (piece) => piece.confidence >= threshold && (document || /[\p{L}\p{N}]{2,}/u.test(piece.text)),
  );
  if (kept.length === 0) return null;
  if (
    kept
      .map((piece) => piece.text)
      .join('')
      .replace(/[^\p{L}\p{N}]/gu, '').length < 3
  )
    return null;
  const rows = readingRows(kept, (piece) => piece.quad.flat());
  const regions: TextRegion[] = rows.flat().map((piece) => ({
    text: piece.text,
    box: piece.quad.map(([x, y]) => [Math.round(x), Math.round(y)]) as TextRegion['box'],
    confidence: Math.round(piece.confidence * 100) / 100,
  }));
  const confidence = (kept.reduce((sum, piece) => sum + piece.confidence, 0) / kept.length) * 100;
  return {
    lines: rows.map((row) => row.map((piece) => piece.text).join(' ')),
    confidence: Math.round(confidence),
    regions,
  };
}

/** Mostly letters and digits: "Theatre", "62-03", "$4.50", "TOTAL: 12.00"; not "\\", "£", ")|(". */
export function isWordLike(text: string): boolean {
  const alphanumeric = text.replace(/[^\p{L}\p{N}]/gu, '').length;
  const visible = text.replace(/\s/gu, '').length;
  return alphanumeric >= 1 && alphanumeric / visible >= 0.5;
}
