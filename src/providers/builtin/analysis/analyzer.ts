/**
 * All analyzers of one thread. Each model loads on first use and stays warm for the life of the thread.
 */
import sharp from 'sharp';
import type { ExifSummary } from '../../spec.js';
import { summariseColours } from './colours.js';
import { DETECTOR_INPUT_SIZE, ObjectDetector } from './detector.js';
import { TextReader } from './ocr.js';
import { SAFETY_INPUT_SIZE, SafetyClassifier } from './safety.js';
import type { AnalysisOptions, Pixels, Signals } from './signals.js';

/**
 * Both networks take a square input. Resizing with libvips (area-averaging) rather than tfjs's bilinear resize
 * matters: bilinear from 1024 px to 224 px aliases badly, which we measured flipping nsfwjs scores on street photos.
 */
async function squeeze(pixels: Pixels, size: number): Promise<Pixels> {
  const data = await sharp(pixels.data, { raw: { width: pixels.width, height: pixels.height, channels: 3 } })
    .resize(size, size, { fit: 'fill' })
    .raw()
    .toBuffer();
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: size, height: size };
}

export class Analyzer {
  private detector?: Promise<ObjectDetector>;
  private reader?: Promise<TextReader>;
  private safety?: Promise<SafetyClassifier>;

  async analyze(pixels: Pixels, exif: ExifSummary | null, options: AnalysisOptions): Promise<Signals> {
    const { colours, brightness, saturation } = summariseColours(pixels);
    // tesseract runs in its own thread, so OCR overlaps with the TensorFlow work on this one.
    const text = options.text ? (this.reader ??= TextReader.load()).then((reader) => reader.read(pixels)) : Promise.resolve(null);
    const objects = options.objects
      ? await (this.detector ??= ObjectDetector.load()).then(async (detector) => detector.detect(await squeeze(pixels, DETECTOR_INPUT_SIZE)))
      : [];
    const safety = options.safety
      ? await (this.safety ??= SafetyClassifier.load()).then(async (classifier) => classifier.classify(await squeeze(pixels, SAFETY_INPUT_SIZE)))
      : null;
    return { width: pixels.width, height: pixels.height, objects, colours, brightness, saturation, text: await text, safety, exif };
  }

  async close(): Promise<void> {
    const reader = this.reader;
    this.reader = undefined;
    await reader?.then((loaded) => loaded.close()).catch(() => undefined);
    (await this.detector?.catch(() => undefined))?.dispose();
    this.detector = undefined;
    this.safety = undefined;
  }
}
