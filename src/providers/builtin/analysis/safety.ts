/**
 * Safety scores from nsfwjs (Drawing, Hentai, Neutral, Porn, Sexy), with its models loaded from the base64 bundles
 * inside the npm package, so nothing is fetched.
 *
 * A cascade, because ordinary photos must not be flagged: the fast MobileNetV2Mid graph model screens every image,
 * and only when it sees something (explicit ≥ 0.5 or suggestive ≥ 0.7) does the slower InceptionV3 (loaded on
 * first need) give the scores we report. The small models alone flag harmless photos with high confidence
 * (MobileNetV2 called beige walls "Porn", MobileNetV2Mid a hand on a toilet); InceptionV3 kept both neutral.
 *
 * The screen runs on onnxruntime-node (its TensorFlow.js graph rewritten as ONNX at load, tfjs-to-onnx.ts), which
 * needs a fraction of the CPU; the rare confirmation stays on TensorFlow.js. `runtime: 'tfjs'` screens on
 * TensorFlow.js too, the previous way, for the bench's comparison.
 */

import type { InferenceSession } from 'onnxruntime-node';
import { squeeze } from './resize.js';
import { type Pixels, type SafetyScores, type StageTimes, timed } from './signals.js';
import { tensorflow } from './tensorflow.js';
import { type TfjsGraph, tfjsSession } from './tfjs-to-onnx.js';

type NsfwModel = Awaited<ReturnType<typeof import('nsfwjs').load>>;
type Ort = typeof import('onnxruntime-node');

/** nsfwjs's class order (NSFW_CLASSES). */
const CLASSES = ['Drawing', 'Hentai', 'Neutral', 'Porn', 'Sexy'] as const;

/** The screening model on onnxruntime: same weights and arithmetic as nsfwjs's classify(). */
class OnnxScreen {
  private constructor(
    private readonly ort: Ort,
    private readonly session: InferenceSession,
  ) {}

  static async load(): Promise<OnnxScreen> {
    const { MobileNetV2MidModel } = await import('nsfwjs/models/mobilenet_v2_mid');
    const bundled = MobileNetV2MidModel as unknown as {
      modelJson: () => Promise<{ default: TfjsGraph }>;
      weightBundles: (() => Promise<{ default: string }>)[];
    };
    const graph = (await bundled.modelJson()).default;
    const shards = await Promise.all(bundled.weightBundles.map(async (shard) => (await shard()).default));
    const weights = Buffer.concat(shards.map((base64) => Buffer.from(base64, 'base64')));
    const output = graph.modelTopology.node.find((node) => node.op === 'Softmax')?.name ?? 'Identity';
    const { ort, session } = await tfjsSession(graph, weights, [output]);
    return new OnnxScreen(ort, session);
  }

  async score(pixels: Pixels): Promise<SafetyScores> {
    // nsfwjs divides the 0–255 values by 255 before the network.
    const input = new Float32Array(pixels.data.length);
    for (let index = 0; index < input.length; index++) input[index] = pixels.data[index] / 255;
    const tensor = new this.ort.Tensor('float32', input, [1, pixels.height, pixels.width, 3]);
    const output = await this.session.run({ [this.session.inputNames[0]]: tensor });
    const probabilities = output[this.session.outputNames[0]].data as Float32Array;
    const scores: SafetyScores = { Drawing: 0, Hentai: 0, Neutral: 0, Porn: 0, Sexy: 0 };
    CLASSES.forEach((name, index) => {
      scores[name] = Math.round(probabilities[index] * 1000) / 1000;
    });
    return scores;
  }
}

export type SafetyRuntime = 'onnx' | 'tfjs';

const SCREEN_SIZE = 224;
const CONFIRM_SIZE = 299;

export class SafetyClassifier {
  private confirmer?: Promise<NsfwModel>;

  private constructor(private readonly screener: NsfwModel | OnnxScreen) {}

  static async load(runtime: SafetyRuntime = 'onnx'): Promise<SafetyClassifier> {
    return new SafetyClassifier(
      runtime === 'onnx' ? await OnnxScreen.load() : await loadModel('MobileNetV2Mid', { type: 'graph' }),
    );
  }

  async classify(pixels: Pixels, times?: StageTimes): Promise<SafetyScores> {
    const small = await timed(times, 'safety input', () => squeeze(pixels, SCREEN_SIZE));
    const screener = this.screener;
    const screened = await timed(times, 'safety screen', () =>
      screener instanceof OnnxScreen ? screener.score(small) : score(screener, small),
    );
    if (screened.Porn + screened.Hentai < 0.5 && screened.Sexy < 0.7) return screened;
    this.confirmer ??= loadModel('InceptionV3', { size: CONFIRM_SIZE });
    const confirmer = await this.confirmer;
    const large = await timed(times, 'safety input', () => squeeze(pixels, CONFIRM_SIZE));
    return timed(times, 'safety confirm', () => score(confirmer, large));
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
