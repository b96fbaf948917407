/**
 * The TensorFlow.js → ONNX rewrite, checked against TensorFlow.js itself: the shipped detector and safety screen
 * give the same answers on both runtimes, and graphs with ops the rewrite does not know are refused.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { DETECTOR_INPUT_SIZE, ObjectDetector } from './detector.js';
import { squeeze } from './resize.js';
import { SafetyClassifier } from './safety.js';
import type { Pixels } from './signals.js';
import { tfjsToOnnx } from './tfjs-to-onnx.js';

const samples = fileURLToPath(new URL('../../../../samples/', import.meta.url));

async function pixelsOf(path: string): Promise<Pixels> {
  const { data, info } = await sharp(path)
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height };
}

describe('TensorFlow.js graphs on onnxruntime', () => {
  it('finds the same objects and pooled features as TensorFlow.js (CenterNet)', async () => {
    const [onnx, tfjs] = await Promise.all([ObjectDetector.load('onnx'), ObjectDetector.load('tfjs')]);
    try {
      for (const name of ['chelsea.png', 'coffee.png', 'astronaut.png']) {
        const pixels = await squeeze(await pixelsOf(`${samples}${name}`), DETECTOR_INPUT_SIZE);
        const [a, b] = [await onnx.detectAndPool(pixels), await tfjs.detectAndPool(pixels)];
        assert.ok(b.objects.length > 0, `${name}: TF.js finds something`);
        assert.deepEqual(
          a.objects.map((object) => object.label),
          b.objects.map((object) => object.label),
          name,
        );
        a.objects.forEach((object, index) => {
          const other = b.objects[index];
          assert.ok(Math.abs(object.score - other.score) <= 0.002, `${name}: ${object.score} vs ${other.score}`);
          for (const key of ['x', 'y', 'width', 'height'] as const)
            assert.ok(Math.abs((object.box?.[key] ?? 0) - (other.box?.[key] ?? 0)) < 1e-3, `${name}: box ${key}`);
        });
        assert.equal(a.pooled.length, b.pooled.length);
        for (let index = 0; index < a.pooled.length; index++)
          assert.ok(Math.abs(a.pooled[index] - b.pooled[index]) < 1e-3, `${name}: pooled[${index}]`);
      }
    } finally {
      onnx.dispose();
      tfjs.dispose();
    }
  });

  it('gives the same safety screen scores as nsfwjs on TensorFlow.js (MobileNetV2Mid)', async () => {
    const [onnx, tfjs] = await Promise.all([SafetyClassifier.load('onnx'), SafetyClassifier.load('tfjs')]);
    for (const name of ['chelsea.png', 'astronaut.png']) {
      const pixels = await pixelsOf(`${samples}${name}`);
      const [a, b] = [await onnx.classify(pixels), await tfjs.classify(pixels)];
      for (const key of Object.keys(b) as (keyof typeof b)[])
        assert.ok(Math.abs(a[key] - b[key]) <= 0.002, `${name}: ${key} ${a[key]} vs ${b[key]}`);
    }
  });

  it('refuses an op it does not know instead of guessing', () => {
    const graph = {
      modelTopology: {
        node: [
          { name: 'x', op: 'Placeholder', attr: { shape: { shape: { dim: [{ size: '1' }] } } } as never },
          { name: 'y', op: 'Erf', input: ['x'] },
        ],
      },
      weightsManifest: [],
    };
    assert.throws(() => tfjsToOnnx(graph, new Uint8Array(0), ['y']), /Erf is not supported/);
  });
});
