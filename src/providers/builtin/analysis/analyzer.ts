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
import type { AnalysisOptions, Pixels, Signals, StageTimes } from './signals.js';
import { timed } from './signals.js';

export interface AnalyzerSettings {
  /**
   * The pipeline before the ONNX rewrite (TensorFlow.js WebAssembly detector and safety screen), kept so that the
   * bench measures both in the same run; GLIMPSE_BUILTIN_PIPELINE=previous selects it.
   */
  previous?: boolean;
  /**
   * OCR as before the region second look (GLIMPSE_BUILTIN_PIPELINE=whole-look): the enlarged second look over the
   * whole image and two onnxruntime threads per OCR session in every worker; kept so the bench measures both.
   */
  wholeLook?: boolean;
  /** onnxruntime intra-op threads for the OCR models (default: TextReader's); the pool gives each worker its share. */
  threads?: number;
}

export class Analyzer {
  private detector?: Promise<ObjectDetector>;
  private reader?: Promise<TextReader>;
  private safety?: Promise<SafetyClassifier>;
  private readonly runtime: 'onnx' | 'tfjs';
  private readonly threads?: number;
  private readonly wholeLook: boolean;

  constructor(settings: AnalyzerSettings = {}) {
    const pipeline = process.env.GLIMPSE_BUILTIN_PIPELINE;
    this.runtime = (settings.previous ?? pipeline === 'previous') ? 'tfjs' : 'onnx';
    this.wholeLook = settings.wholeLook ?? (pipeline === 'previous' || pipeline === 'whole-look');
    this.threads = this.wholeLook ? undefined : settings.threads;
  }

  /**
   * With `times`, each stage's milliseconds are added to it and the stages run one after another (OCR otherwise
   * overlaps with the TensorFlow work), so the figures do not include each other's waiting.
   */
  async analyze(
    pixels: Pixels,
    exif: ExifSummary | null,
    options: AnalysisOptions,
    times?: StageTimes,
  ): Promise<Signals> {
    const { colours, brightness, saturation } = await timed(times, 'colours', () => summariseColours(pixels));
    // onnxruntime runs its sessions off this thread, so OCR overlaps with the TensorFlow work on this one.
    const text = options.text
      ? (this.reader ??= TextReader.load({ threads: this.threads })).then((reader) =>
          reader.read(pixels, { times, ...(this.wholeLook ? { signLook: 'whole' as const } : {}) }),
        )
      : Promise.resolve(null);
    if (times) await text;
    const detected = options.objects
      ? await (this.detector ??= ObjectDetector.load(this.runtime)).then(async (detector) =>
          detector.detectAndPool(
            await timed(times, 'detector input', () => squeeze(pixels, DETECTOR_INPUT_SIZE)),
            times,
          ),
        )
      : null;
    const objects = detected?.objects ?? [];
    const safety = options.safety
      ? await (this.safety ??= SafetyClassifier.load(this.runtime)).then(async (classifier) =>
          classifier.classify(pixels, times),
        )
      : null;
    const colourOfObjects = await timed(times, 'object colours', () =>
      objectColours(
        pixels,
        objects.map((object) => object.box),
      ),
    );
    const appearance = detected
      ? await timed(times, 'appearance', () => appearanceVector(pixels, detected.pooled))
      : undefined;
    return {
      width: pixels.width,
      height: pixels.height,
      objects,
      objectColours: colourOfObjects,
      colours,
      brightness,
      saturation,
      text: await text,
      safety,
      exif,
      ...(appearance ? { appearance } : {}),
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
