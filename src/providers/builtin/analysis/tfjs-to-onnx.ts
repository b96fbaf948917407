/**
 * Rewrites a TensorFlow.js graph model (model.json and its weights) as an ONNX model in memory, so that
 * onnxruntime-node's native kernels run it instead of TensorFlow.js's WebAssembly ones (same weights, same
 * arithmetic, several times less CPU). Only what the convolutional networks we ship use is covered: NHWC
 * convolutions (plain, fused with a bias and ReLU, depthwise), element-wise Mul/Add/Sub, ReLU, ReLU6, Sigmoid,
 * spatial means, bilinear up-sampling and channel concatenation; anything else is an error, not a silent guess.
 *
 * The graph is laid out NCHW (ONNX's convolution layout): the NHWC input is transposed once, weights are
 * re-ordered, per-channel constants reshaped to [C, 1, 1], and the requested outputs stay NCHW.
 */

import { graphsRewritten, varintBytes } from './onnx-rewrite.js';

interface TfNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, { b?: boolean; i?: string; f?: number; s?: string; list?: { i?: string[]; s?: string[] } }>;
}

export interface TfjsGraph {
  modelTopology: { node: TfNode[] };
  weightsManifest: {
    weights: {
      name: string;
      shape: number[];
      dtype: string;
      quantization?: { dtype: string; scale?: number; min?: number };
    }[];
  }[];
}

interface Constant {
  shape: number[];
  values: Float32Array | Int32Array;
}

type Ort = typeof import('onnxruntime-node');

/**
 * An onnxruntime session running the converted graph, on one thread: the built-in analyzer already runs one analysis
 * per core.
 */
export async function tfjsSession(
  graph: TfjsGraph,
  weights: Uint8Array,
  outputs: readonly string[],
): Promise<{ ort: Ort; session: import('onnxruntime-node').InferenceSession }> {
  const ort = (await import('onnxruntime-node')).default as unknown as Ort;
  const session = await ort.InferenceSession.create(tfjsToOnnx(graph, weights, outputs, { fuse: graphsRewritten() }), {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
  return { ort, session };
}

/**
 * ONNX bytes computing `outputs` (NCHW) from the graph's one NHWC float input (named `<placeholder>__nhwc`). `fuse`
 * (default on) writes MobileNetV3's hard swish as HardSigmoid, which onnxruntime fuses into the convolution before it.
 */
export function tfjsToOnnx(
  graph: TfjsGraph,
  weights: Uint8Array,
  outputs: readonly string[],
  { fuse = true }: { fuse?: boolean } = {},
): Uint8Array {
  const constants = readWeights(graph, weights);
  const nodes = new Map(graph.modelTopology.node.map((node) => [node.name, node]));
  const onnxNodes: Uint8Array[] = [];
  const initializers: Uint8Array[] = [];
  const done = new Set<string>();
  let input = '';
  let inputShape: number[] = [];
  let counter = 0;
  const fresh = (base: string) => `${base}__${counter++}`;
  const initializer = (name: string, shape: number[], values: Float32Array | Int32Array | BigInt64Array) =>
    initializers.push(tensorProto(name, shape, values));
  const emit = (op: string, inputs: string[], output: string, attributes: Uint8Array[] = []) =>
    onnxNodes.push(nodeProto(op, inputs, [output], fresh(output), attributes));
  /** A float constant as an operand of an NCHW element-wise op: per-channel vectors become [C, 1, 1]. */
  const operand = (name: string): string => {
    const constant = constants.get(name);
    if (!constant) return convert(name);
    const key = `${name}__nchw`;
    if (!done.has(key)) {
      done.add(key);
      const { shape, values } = constant;
      const size = values.length;
      const nchw = size === 1 ? [] : shape.length === 4 ? [shape[0], shape[3], shape[1], shape[2]] : [size, 1, 1];
      if (shape.length === 4 && shape[1] * shape[2] !== 1) throw new Error(`cannot lay out constant ${name}`);
      initializer(key, nchw, Float32Array.from(values));
    }
    return key;
  };
  const relu6Bounds = (): string[] => {
    if (!done.has('__relu6')) {
      done.add('__relu6');
      initializer('__relu6_min', [], Float32Array.of(0));
      initializer('__relu6_max', [], Float32Array.of(6));
    }
    return ['__relu6_min', '__relu6_max'];
  };
  const intsOf = (name: string): number[] => {
    const constant = constants.get(name);
    if (!constant) throw new Error(`${name} is not a constant`);
    return Array.from(constant.values);
  };
  /**
   * Some tensors are emitted as a constant factor times the graph's (hard swish, see hardSwish below): `scaled` maps
   * such a node to the emitted tensor and the factor. Convolutions take the factor into their weights (exact with
   * zero padding), means and products pass it on, and anything else gets the graph's tensor, multiplied out once.
   */
  const scaled = new Map<string, { name: string; factor: number }>();
  const convert = (name: string): string => {
    const { name: emitted, factor } = convertScaled(name);
    if (factor === 1) return emitted;
    const base = name.split(':')[0];
    if (!done.has(`${base}__exact`)) {
      done.add(`${base}__exact`);
      initializer(`${base}__factor`, [], Float32Array.of(factor));
      emit('Mul', [emitted, `${base}__factor`], base);
    }
    return base;
  };
  /** A node's value as emitted: `name` × `factor` is the graph's. */
  const convertScaled = (name: string): { name: string; factor: number } => {
    const [base, port] = name.split(':');
    if (port && port !== '0') throw new Error(`output ${name} is not supported`);
    if (done.has(base)) return scaled.get(base) ?? { name: base, factor: 1 };
    /** Emits the node's value times `factor` (≠ 1) under a name of its own. */
    const scaledOutput = (factor: number): string => {
      if (factor === 1) return base;
      scaled.set(base, { name: `${base}__scaled`, factor });
      return `${base}__scaled`;
    };
    const node = nodes.get(base);
    if (!node) throw new Error(`unknown graph node ${base}`);
    const attr = node.attr ?? {};
    const args = node.input ?? [];
    const string = (key: string) => (attr[key]?.s ? Buffer.from(attr[key].s, 'base64').toString() : '');
    switch (node.op) {
      case 'Placeholder': {
        input = base;
        inputShape = (attr.shape as unknown as { shape: { dim: { size: string }[] } }).shape.dim.map((dim) =>
          Number(dim.size),
        );
        emit('Transpose', [`${base}__nhwc`], base, [intsAttribute('perm', [0, 3, 1, 2])]);
        break;
      }
      case '_FusedConv2D':
      case 'Conv2D':
      case 'FusedDepthwiseConv2dNative':
      case 'DepthwiseConv2dNative': {
        if (string('data_format') !== 'NHWC') throw new Error(`${base}: only NHWC convolutions`);
        const fused = (attr.fused_ops?.list?.s ?? []).map((op) => Buffer.from(op, 'base64').toString());
        if (fused.some((op) => op !== 'BiasAdd' && op !== 'Relu' && op !== 'Relu6'))
          throw new Error(`${base}: fused ${fused}`);
        const depthwise = node.op.includes('Depthwise');
        const filter = constants.get(args[1]);
        if (!filter) throw new Error(`${base}: filter ${args[1]} is not a constant`);
        const [kh, kw, channelsIn, channelsOut] = filter.shape;
        // A scaled input: the same convolution with its weights times the factor.
        const source = convertScaled(args[0]);
        const weightName = source.factor === 1 ? `${args[1]}__oihw` : `${args[1]}__oihw__${source.factor}`;
        const outputs = depthwise ? channelsIn * channelsOut : channelsOut;
        if (!done.has(weightName)) {
          done.add(weightName);
          const reordered = new Float32Array(filter.values.length);
          // TF keeps [kh, kw, in, out] (depthwise: [kh, kw, in, multiplier]); ONNX wants [out, in / group, kh, kw].
          for (let y = 0; y < kh; y++)
            for (let x = 0; x < kw; x++)
              for (let i = 0; i < channelsIn; i++)
                for (let o = 0; o < channelsOut; o++) {
                  const from = ((y * kw + x) * channelsIn + i) * channelsOut + o;
                  const to = depthwise
                    ? ((i * channelsOut + o) * kh + y) * kw + x
                    : ((o * channelsIn + i) * kh + y) * kw + x;
                  reordered[to] = filter.values[from] * source.factor;
                }
          initializer(weightName, depthwise ? [outputs, 1, kh, kw] : [outputs, channelsIn, kh, kw], reordered);
        }
        const inputs = [source.name, weightName];
        if (fused.includes('BiasAdd')) {
          const bias = constants.get(args[2]);
          if (!bias) throw new Error(`${base}: bias is not a constant`);
          const biasName = `${args[2]}__bias`;
          if (!done.has(biasName)) {
            done.add(biasName);
            initializer(biasName, [bias.values.length], Float32Array.from(bias.values));
          }
          inputs.push(biasName);
        }
        const strides = (attr.strides?.list?.i ?? []).map(Number);
        const dilations = (attr.dilations?.list?.i ?? ['1', '1', '1', '1']).map(Number);
        const padding = string('padding');
        if (padding !== 'SAME' && padding !== 'VALID') throw new Error(`${base}: padding ${padding}`);
        const attributes = [
          intsAttribute('kernel_shape', [kh, kw]),
          intsAttribute('strides', [strides[1], strides[2]]),
          intsAttribute('dilations', [dilations[1], dilations[2]]),
          // TF's SAME pads the extra row and column at the end, as ONNX's SAME_UPPER does.
          stringAttribute('auto_pad', padding === 'SAME' ? 'SAME_UPPER' : 'VALID'),
          ...(depthwise ? [intAttribute('group', channelsIn)] : []),
        ];
        if (fused.includes('Relu') || fused.includes('Relu6')) {
          const convolved = fresh(base);
          emit('Conv', inputs, convolved, attributes);
          if (fused.includes('Relu')) emit('Relu', [convolved], base);
          else emit('Clip', [convolved, ...relu6Bounds()], base);
        } else emit('Conv', inputs, base, attributes);
        break;
      }
      case '_FusedMatMul': {
        const fused = (attr.fused_ops?.list?.s ?? []).map((op) => Buffer.from(op, 'base64').toString());
        if (fused.join() !== 'BiasAdd' || attr.transpose_a?.b) throw new Error(`${base}: fused ${fused}`);
        const [matrix, bias] = [constants.get(args[1]), constants.get(args[2])];
        if (!matrix || !bias) throw new Error(`${base}: weights are not constants`);
        initializer(`${args[1]}__matrix`, matrix.shape, Float32Array.from(matrix.values));
        initializer(`${args[2]}__bias`, bias.shape, Float32Array.from(bias.values));
        emit('Gemm', [convert(args[0]), `${args[1]}__matrix`, `${args[2]}__bias`], base, [
          intAttribute('transB', attr.transpose_b?.b ? 1 : 0),
        ]);
        break;
      }
      case 'AvgPool': {
        if (string('data_format') !== 'NHWC' || string('padding') !== 'VALID') throw new Error(`${base}: pooling`);
        const [, kh, kw] = (attr.ksize?.list?.i ?? []).map(Number);
        const [, sh, sw] = (attr.strides?.list?.i ?? []).map(Number);
        emit('AveragePool', [convert(args[0])], base, [
          intsAttribute('kernel_shape', [kh, kw]),
          intsAttribute('strides', [sh, sw]),
        ]);
        break;
      }
      case 'Squeeze': {
        const axes = (attr.squeeze_dims?.list?.i ?? []).map((axis) => [0, 2, 3, 1][Number(axis)]);
        if (axes.length !== 2 || !axes.includes(2) || !axes.includes(3)) throw new Error(`${base}: squeeze ${axes}`);
        initializer(`${base}__axes`, [2], BigInt64Array.from([2n, 3n]));
        emit('Squeeze', [convert(args[0]), `${base}__axes`], base);
        break;
      }
      case 'Softmax':
        emit('Softmax', [convert(args[0])], base, [intAttribute('axis', -1)]);
        break;
      case 'Mul': {
        const hard = fuse ? hardSwish(args) : undefined;
        if (hard) {
          // HardSigmoid, and its product with x, are what onnxruntime fuses into the convolution before them.
          const attributes = [floatAttribute('alpha', 1 / 6), floatAttribute('beta', 0.5)];
          if (!hard.swish) {
            emit('HardSigmoid', [convert(hard.x)], scaledOutput(hard.factor), attributes);
            break;
          }
          const sigmoid = fresh(`${base}__hardsigmoid`);
          emit('HardSigmoid', [convert(hard.x)], sigmoid, attributes);
          emit('Mul', [convert(hard.x), sigmoid], scaledOutput(hard.factor));
          break;
        }
        if (constants.has(args[0]) || constants.has(args[1])) {
          emit('Mul', [operand(args[0]), operand(args[1])], base);
          break;
        }
        // A product of two tensors carries both factors.
        const [a, b] = [convertScaled(args[0]), convertScaled(args[1])];
        emit('Mul', [a.name, b.name], scaledOutput(Math.fround(a.factor * b.factor)));
        break;
      }
      case 'Add':
      case 'AddV2':
      case 'Sub':
        emit(node.op === 'AddV2' ? 'Add' : node.op, [operand(args[0]), operand(args[1])], base);
        break;
      case 'Relu':
      case 'Sigmoid':
      case 'Identity':
        emit(node.op, [convert(args[0])], base);
        break;
      case 'Relu6':
        emit('Clip', [convert(args[0]), ...relu6Bounds()], base);
        break;
      case 'Mean': {
        const axes = intsOf(args[1]).map((axis) => [0, 2, 3, 1][axis < 0 ? axis + 4 : axis]);
        // A mean of a scaled tensor is the mean, scaled.
        const source = convertScaled(args[0]);
        emit('ReduceMean', [source.name], scaledOutput(source.factor), [
          intsAttribute('axes', axes),
          intAttribute('keepdims', attr.keep_dims?.b ? 1 : 0),
        ]);
        break;
      }
      case 'ResizeBilinear': {
        if (attr.align_corners?.b || attr.half_pixel_centers?.b) throw new Error(`${base}: resize mode`);
        const size = intsOf(args[1]);
        const sizes = `${base}__sizes`;
        initializer(`${sizes}_roi`, [0], new Float32Array(0));
        initializer(`${sizes}_scales`, [0], new Float32Array(0));
        const source = convert(args[0]);
        // Batch and channels are the source's own (read at run time), height and width the graph's constant.
        const shape = fresh(`${base}__shape`);
        emit('Shape', [source], shape);
        const channels = fresh(`${base}__channels`);
        initializer(`${channels}_index`, [2], BigInt64Array.from([0n, 1n]));
        emit('Gather', [shape, `${channels}_index`], channels);
        initializer(`${sizes}_spatial`, [2], BigInt64Array.from([BigInt(size[0]), BigInt(size[1])]));
        const full = fresh(`${base}__full`);
        emit('Concat', [channels, `${sizes}_spatial`], full, [intAttribute('axis', 0)]);
        emit('Resize', [source, `${sizes}_roi`, `${sizes}_scales`, full], base, [
          stringAttribute('mode', 'linear'),
          stringAttribute('coordinate_transformation_mode', 'asymmetric'),
        ]);
        break;
      }
      case 'ConcatV2': {
        const [axis] = intsOf(args[args.length - 1]);
        emit(
          'Concat',
          args.slice(0, -1).map((name) => convert(name)),
          base,
          [intAttribute('axis', [0, 2, 3, 1][axis < 0 ? axis + 4 : axis])],
        );
        break;
      }
      default:
        throw new Error(`${base}: TensorFlow op ${node.op} is not supported`);
    }
    done.add(base);
    return scaled.get(base) ?? { name: base, factor: 1 };
  };
  const scalar = (name: string): number | undefined => {
    const constant = constants.get(name);
    return constant?.values.length === 1 ? constant.values[0] : undefined;
  };
  /** relu6(x + 3) → x. */
  const shiftedRelu6 = (name: string): string | undefined => {
    const relu6 = nodes.get(name.split(':')[0]);
    if (relu6?.op !== 'Relu6') return undefined;
    const add = nodes.get((relu6.input?.[0] ?? '').split(':')[0]);
    if (add?.op !== 'Add' && add?.op !== 'AddV2') return undefined;
    const [a, b] = add.input ?? [];
    if (scalar(b) === 3 && !constants.has(a)) return a;
    if (scalar(a) === 3 && !constants.has(b)) return b;
    return undefined;
  };
  /**
   * MobileNetV3's hard sigmoid c × relu6(x + 3) and hard swish (c × x) × relu6(x + 3), with c the graph's 1/6 (stored
   * as float16, so not exactly 1/6): 6c × HardSigmoid(x) (× x), HardSigmoid(x) = clip(x / 6 + 0.5, 0, 1).
   */
  const hardSwish = (args: string[]): { x: string; swish: boolean; factor: number } | undefined => {
    for (const [one, other] of [args, [...args].reverse()]) {
      const x = shiftedRelu6(other);
      if (x === undefined) continue;
      const c = scalar(one);
      if (c !== undefined) return { x, swish: false, factor: Math.fround(6 * c) };
      const product = nodes.get(one.split(':')[0]);
      if (product?.op !== 'Mul') continue;
      const [p, q] = product.input ?? [];
      const k = p === x ? scalar(q) : q === x ? scalar(p) : undefined;
      if (k !== undefined) return { x, swish: true, factor: Math.fround(6 * k) };
    }
    return undefined;
  };
  for (const output of outputs) convert(output);
  const graphBytes = message([
    ...onnxNodes.map((node) => field(1, node)),
    field(2, utf8('converted')),
    ...initializers.map((tensor) => field(5, tensor)),
    field(11, valueInfo(`${input}__nhwc`, inputShape)),
    ...outputs.map((output) => field(12, valueInfo(output, null))),
  ]);
  return message([
    varintField(1, 8), // IR version 8
    field(2, utf8('glimpse')),
    field(7, graphBytes),
    field(8, message([field(1, utf8('')), varintField(2, 13)])), // opset 13 of the default domain
  ]);
}

function readWeights(graph: TfjsGraph, weights: Uint8Array): Map<string, Constant> {
  const constants = new Map<string, Constant>();
  const view = new DataView(weights.buffer, weights.byteOffset, weights.byteLength);
  let offset = 0;
  for (const group of graph.weightsManifest)
    for (const entry of group.weights) {
      const size = entry.shape.reduce((product, dimension) => product * dimension, 1);
      const stored = entry.quantization?.dtype ?? entry.dtype;
      let values: Float32Array | Int32Array;
      if (stored === 'float16') {
        values = new Float32Array(size);
        for (let index = 0; index < size; index++)
          values[index] = halfToFloat(view.getUint16(offset + index * 2, true));
        offset += size * 2;
      } else if (stored === 'uint8') {
        // tfjs's affine quantisation: value = byte × scale + min.
        const { scale = 1, min = 0 } = entry.quantization ?? {};
        values = new Float32Array(size);
        for (let index = 0; index < size; index++) values[index] = weights[offset + index] * scale + min;
        offset += size;
      } else if (stored === 'float32' || stored === 'int32') {
        values = stored === 'float32' ? new Float32Array(size) : new Int32Array(size);
        for (let index = 0; index < size; index++)
          values[index] =
            stored === 'float32' ? view.getFloat32(offset + index * 4, true) : view.getInt32(offset + index * 4, true);
        offset += size * 4;
      } else throw new Error(`weights stored as ${stored} are not supported`);
      constants.set(entry.name, { shape: entry.shape, values });
    }
  return constants;
}

function halfToFloat(half: number): number {
  const sign = half & 0x8000 ? -1 : 1;
  const exponent = (half >> 10) & 0x1f;
  const fraction = half & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

// Protocol-buffer encoding of the few ONNX messages needed (onnx.proto field numbers).

function varint(value: number | bigint): Uint8Array {
  return varintBytes(BigInt(value));
}

function varintField(number: number, value: number | bigint): Uint8Array {
  return Uint8Array.from([...varint(number << 3), ...varint(value)]);
}

function field(number: number, bytes: Uint8Array): Uint8Array {
  return message([Uint8Array.from([...varint((number << 3) | 2), ...varint(bytes.length)]), bytes]);
}

function message(parts: Uint8Array[]): Uint8Array {
  return Buffer.concat(parts);
}

function utf8(text: string): Uint8Array {
  return Buffer.from(text, 'utf8');
}

function tensorProto(name: string, shape: number[], values: Float32Array | Int32Array | BigInt64Array): Uint8Array {
  const type = values instanceof Float32Array ? 1 : values instanceof Int32Array ? 6 : 7;
  return message([
    ...shape.map((dimension) => varintField(1, dimension)),
    varintField(2, type),
    field(8, utf8(name)),
    field(9, new Uint8Array(values.buffer, values.byteOffset, values.byteLength)),
  ]);
}

function nodeProto(op: string, inputs: string[], outputs: string[], name: string, attributes: Uint8Array[]) {
  return message([
    ...inputs.map((input) => field(1, utf8(input))),
    ...outputs.map((output) => field(2, utf8(output))),
    field(3, utf8(name)),
    field(4, utf8(op)),
    ...attributes.map((attribute) => field(5, attribute)),
  ]);
}

function intAttribute(name: string, value: number): Uint8Array {
  return message([field(1, utf8(name)), varintField(3, value), varintField(20, 2)]);
}

function intsAttribute(name: string, values: number[]): Uint8Array {
  return message([field(1, utf8(name)), ...values.map((value) => varintField(8, value)), varintField(20, 7)]);
}

function floatAttribute(name: string, value: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setFloat32(0, value, true);
  return message([field(1, utf8(name)), Uint8Array.from([(2 << 3) | 5]), bytes, varintField(20, 1)]);
}

function stringAttribute(name: string, value: string): Uint8Array {
  return message([field(1, utf8(name)), field(4, utf8(value)), varintField(20, 3)]);
}

/** A float tensor value; null shape leaves it to the runtime. */
function valueInfo(name: string, shape: number[] | null): Uint8Array {
  // A negative size (the batch of some graphs) is left symbolic.
  const dims = (shape ?? []).map((dimension) =>
    field(1, dimension < 0 ? field(2, utf8(`dimension${dimension}`)) : varintField(1, dimension)),
  );
  const tensorType = message([varintField(1, 1), ...(shape ? [field(2, message(dims))] : [])]);
  return message([field(1, utf8(name)), field(2, field(1, tensorType))]);
}
