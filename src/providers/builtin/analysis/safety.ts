/**
 * Safety scores from nsfwjs (Drawing, Hentai, Neutral, Porn, Sexy), with its models loaded from the base64 bundles
 * inside the npm package, so nothing is fetched.
 *
 * A cascade, because ordinary photos must not be flagged: the fast MobileNetV2Mid graph model screens every image,
 * and only when it sees something (explicit ≥ 0.5 or suggestive ≥ 0.7) does the slower InceptionV3 (loaded on
 * first need) give the scores we report. The small models alone flag harmless photos with high confidence
 * (MobileNetV2 called beige walls "Porn", MobileNetV2Mid a hand on a toilet); InceptionV3 kept both neutral.
 */

import { squeeze } from './resize.js';
import type { Pixels, SafetyScores } from './signals.js';
import { tensorflow } from './tensorflow.js';

type NsfwModel = Awaited<ReturnType<typeof import('nsfwjs').load>>;

const SCREEN_SIZE = 224;
const CONFIRM_SIZE = 299;

export class SafetyClassifier {
  private confirmer?: Promise<NsfwModel>;

  private constructor(private readonly screener: NsfwModel) {}

  static async load(): Promise<SafetyClassifier> {
    return new SafetyClassifier(await loadModel('MobileNetV2Mid', { type: 'graph' }));
  }

  async classify(pixels: Pixels): Promise<SafetyScores> {
    const screened = await score(this.screener, await squeeze(pixels, SCREEN_SIZE));
    if (screened.Porn + screened.Hentai < 0.5 && screened.Sexy < 0.7) return screened;
    this.confirmer ??= loadModel('InceptionV3', { size: CONFIRM_SIZE });
    return score(await this.confirmer, await squeeze(pixels, CONFIRM_SIZE));
  }
}

async function loadModel(
  name: 'MobileNetV2Mid' | 'InceptionV3',
  options: { type?: string; size?: number },
): Promise<NsfwModel> {
  await tensorflow();
  const nsfwjs = await import('nsfwjs');
  // nsfwjs announces on console.info which bundled model it loads; this thread prints nothing else.
  const info = console.info;
  console.info = () => undefined;
  try {
    return await nsfwjs.load(name, options);
  } finally {
    console.info = info;
  }
}

async function score(model: NsfwModel, pixels: Pixels): Promise<SafetyScores> {
  const tf = await tensorflow();
  const image = tf.tensor3d(pixels.data, [pixels.height, pixels.width, 3], 'int32');
  try {
    const predictions = await model.classify(image as never, 5);
    const scores: SafetyScores = { Drawing: 0, Hentai: 0, Neutral: 0, Porn: 0, Sexy: 0 };
    for (const prediction of predictions)
      scores[prediction.className as keyof SafetyScores] = Math.round(prediction.probability * 1000) / 1000;
    return scores;
  } finally {
    image.dispose();
  }
}
