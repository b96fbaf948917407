/**
 * Safety scores from nsfwjs's bundled MobileNetV2Mid graph model (224×224): Drawing, Hentai, Neutral, Porn, Sexy.
 * Loaded from the base64 bundle inside the npm package, so nothing is fetched. We measured the default MobileNetV2
 * scoring beige walls and skin-toned street scenes as "Porn" 0.8–0.94; the Mid model keeps those neutral at the same
 * speed (≈150 ms). InceptionV3 is better still but 4× slower.
 */
import type { Pixels, SafetyScores } from './signals.js';
import { tensorflow } from './tensorflow.js';

type NsfwModel = Awaited<ReturnType<typeof import('nsfwjs').load>>;

export const SAFETY_INPUT_SIZE = 224;

export class SafetyClassifier {
  private constructor(private readonly model: NsfwModel) {}

  static async load(): Promise<SafetyClassifier> {
    await tensorflow();
    const nsfwjs = await import('nsfwjs');
    // nsfwjs announces on console.info which bundled model it loads; this thread prints nothing else.
    const info = console.info;
    console.info = () => undefined;
    try {
      return new SafetyClassifier(await nsfwjs.load('MobileNetV2Mid', { type: 'graph' }));
    } finally {
      console.info = info;
    }
  }

  async classify(pixels: Pixels): Promise<SafetyScores> {
    const tf = await tensorflow();
    const image = tf.tensor3d(pixels.data, [pixels.height, pixels.width, 3], 'int32');
    try {
      const predictions = await this.model.classify(image as never, 5);
      const scores: SafetyScores = { Drawing: 0, Hentai: 0, Neutral: 0, Porn: 0, Sexy: 0 };
      for (const prediction of predictions) scores[prediction.className as keyof SafetyScores] = Math.round(prediction.probability * 1000) / 1000;
      return scores;
    } finally {
      image.dispose();
    }
  }
}
