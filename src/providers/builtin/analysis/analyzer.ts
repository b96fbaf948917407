/**
 * All analyzers of one thread. Each model loads on first use and stays warm for the life of the thread.
 */
import type { ExifSummary } from '../../spec.js';
import { appearanceVector } from './appearance.js';
import { objectColours, summariseColours } from './colours.js';
import { DETECTOR_INPUT_SIZE, ObjectDetector } from './detector.js';
import { TextReader } from './ocr.js';
import { squeeze } from './resize.js';
import { SafetyClassifier } from './safety.js';
import type { AnalysisOptions, Pixels, Signals } from './signals.js';

export class Analyzer {
  private detector?: Promise<ObjectDetector>;
  private reader?: Promise<TextReader>;
  private safety?: Promise<SafetyClassifier>;

  async analyze(pixels: Pixels, exif: ExifSummary | null, options: AnalysisOptions): Promise<Signals> {
    const { colours, brightness, saturation } = summariseColours(pixels);
    // onnxruntime runs its sessions off this thread, so OCR overlaps with the TensorFlow work on this one.
    const text = options.text
      ? (this.reader ??= TextReader.load()).then((reader) => reader.read(pixels))
      : Promise.resolve(null);
    const detected = options.objects
      ? await (this.detector ??= ObjectDetector.load()).then(async (detector) =>
          detector.detectAndPool(await squeeze(pixels, DETECTOR_INPUT_SIZE)),
        )
      : null;
    const objects = detected?.objects ?? [];
    const safety = options.safety
      ? await (this.safety ??= SafetyClassifier.load()).then(async (classifier) => classifier.classify(pixels))
      : null;
    return {
      width: pixels.width,
      height: pixels.height,
      objects,
      objectColours: objectColours(
        pixels,
        objects.map((object) => object.box),
      ),
      colours,
      brightness,
      saturation,
      text: await text,
      safety,
      exif,
      ...(detected ? { appearance: appearanceVector(pixels, detected.pooled) } : {}),
    };
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
