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

  it('writes hard swish as HardSigmoid with the same result, its float16 1/6 folded into the next convolution', async () => {
    const ort = (await import('onnxruntime-node')).default as unknown as typeof import('onnxruntime-node');
    const base64 = (text: string) => Buffer.from(text).toString('base64');
    // The graph's 1/6 is stored as float16 (0.16662598), as in CenterNet: not exactly 1/6.
    const sixth = 0.16662598;
    const filter = [0.5, -1.25, 2, 0.75];
    const graph = {
      modelTopology: {
        node: [
          {
            name: 'x',
            op: 'Placeholder',
            attr: { shape: { shape: { dim: [{ size: '1' }, { size: '3' }, { size: '3' }, { size: '2' }] } } } as never,
          },
          { name: 'scaled', op: 'Mul', input: ['sixth', 'x'] },
          { name: 'shifted', op: 'AddV2', input: ['x', 'three'] },
          { name: 'clipped', op: 'Relu6', input: ['shifted'] },
          { name: 'swish', op: 'Mul', input: ['scaled', 'clipped'] },
          {
            name: 'y',
            op: 'Conv2D',
            input: ['swish', 'filter'],
            attr: {
              strides: { list: { i: ['1', '1', '1', '1'] } },
              padding: { s: base64('SAME') },
              data_format: { s: base64('NHWC') },
            },
          },
        ],
      },
      weightsManifest: [
        {
          weights: [
            { name: 'sixth', shape: [], dtype: 'float32' },
            { name: 'three', shape: [], dtype: 'float32' },
            { name: 'filter', shape: [1, 1, 2, 2], dtype: 'float32' },
          ],
        },
      ],
    };
    const weights = new Uint8Array(Float32Array.from([sixth, 3, ...filter]).buffer);
    const input = Float32Array.from({ length: 18 }, (_, index) => (index - 9) * 0.8);
    const outputs = [];
    for (const fuse of [false, true]) {
      const model = tfjsToOnnx(graph, weights, ['y'], { fuse });
      assert.equal(Buffer.from(model).includes('HardSigmoid'), fuse);
      const session = await ort.InferenceSession.create(model);
      const result = await session.run({ x__nhwc: new ort.Tensor('float32', input, [1, 3, 3, 2]) });
      outputs.push(Array.from(result.y.data as Float32Array));
      await session.release();
    }
    // Against the arithmetic itself: conv(x × sixth × relu6(x + 3)).
    const swish = Array.from(input, (value) => value * sixth * Math.min(6, Math.max(0, value + 3)));
    const expected: number[] = [];
    for (let channel = 0; channel < 2; channel++)
      for (let pixel = 0; pixel < 9; pixel++)
        expected.push(swish[pixel * 2] * filter[channel] + swish[pixel * 2 + 1] * filter[2 + channel]);
    for (const output of outputs)
      output.forEach((value, index) =>
        assert.ok(Math.abs(value - expected[index]) < 1e-5, `${value} vs ${expected[index]}`),
      );
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
