/**
 * Rewrites of exported ONNX graphs (PaddleOCR's, from Paddle2ONNX) into forms onnxruntime runs with less work, the
 * arithmetic unchanged but for float rounding:
 *
 * - a convolution followed by a constant scale and shift (PP-LCNetV3's learnable affine blocks): the scale and shift
 *   go into the convolution's weights and bias;
 * - hard swish spelled x × clip(x + 3, 0, 6) ÷ 6: x × HardSigmoid(x), which onnxruntime fuses into the convolution
 *   before it;
 * - a constant scale and shift in front of a 1×1 convolution without padding: into its weights and bias.
 *
 * Each would otherwise be an element-wise pass over a whole feature map, and each breaks onnxruntime's blocked
 * (NCHWc) layout, so the map is also reordered out of it and back. Only the protobuf fields these rewrites touch
 * are decoded; everything else is copied through as it was.
 */

/**
 * Whether the models run rewritten (here and in tfjs-to-onnx.ts): the bench's older arms (GLIMPSE_BUILTIN_PIPELINE
 * exported, whole-look, previous) run the graphs as exported, so that each arm measures what it did before.
 */
export function graphsRewritten(): boolean {
  return !['exported', 'whole-look', 'previous'].includes(process.env.GLIMPSE_BUILTIN_PIPELINE ?? '');
}

/** One protobuf field: varints as bigint, fixed32/fixed64 and length-delimited fields as their bytes. */
interface Field {
  number: number;
  wire: number;
  value: bigint | Uint8Array;
}

interface OnnxNode {
  inputs: string[];
  outputs: string[];
  opType: string;
  /** The node's other fields (name, attributes, domain…) as they were. */
  rest: Field[];
  /** The node's bytes as read, while it is unchanged (written back as they are, without copying its constants). */
  original?: Uint8Array;
}

interface FloatConstant {
  dims: number[];
  values: Float32Array;
}

// onnx.proto field numbers.
const MODEL_GRAPH = 7;
const GRAPH_NODE = 1;
const GRAPH_INITIALIZER = 5;
const GRAPH_OUTPUT = 12;
const NODE_INPUT = 1;
const NODE_OUTPUT = 2;
const NODE_OP_TYPE = 4;
const NODE_ATTRIBUTE = 5;
const ATTRIBUTE_NAME = 1;
const ATTRIBUTE_FLOAT = 2;
const ATTRIBUTE_INT = 3;
const ATTRIBUTE_TENSOR = 5;
const ATTRIBUTE_INTS = 8;
const ATTRIBUTE_TYPE = 20;
const TENSOR_DIMS = 1;
const TENSOR_DATA_TYPE = 2;
const TENSOR_FLOAT_DATA = 4;
const TENSOR_NAME = 8;
const TENSOR_RAW_DATA = 9;
const FLOAT = 1;

export interface RewriteCounts {
  /** Convolutions that took the scale and shift after them. */
  convolutionAffine: number;
  hardSwish: number;
  /** 1×1 convolutions that took the scale and shift before them. */
  pointwiseAffine: number;
  /** Transposed convolutions that took the bias and batch normalisation after them. */
  transposedAffine: number;
}

/** The model, rewritten; `counts` says what was found. */
export function rewriteOnnx(model: Uint8Array): { model: Uint8Array; counts: RewriteCounts } {
  const modelFields = readFields(model);
  const graphField = modelFields.find((field) => field.number === MODEL_GRAPH);
  if (!graphField) throw new Error('not an ONNX model (no graph)');
  const graphFields = readFields(graphField.value as Uint8Array);
  const graph = new Graph(graphFields);
  const counts: RewriteCounts = {
    convolutionAffine: graph.foldConvolutionAffine(),
    hardSwish: graph.fuseHardSwish(),
    pointwiseAffine: graph.foldAffineIntoPointwise(),
    transposedAffine: graph.foldTransposedAffine(),
  };
  // Constants nothing reads any more (onnxruntime would warn about each on the console).
  graph.dropUnusedConstants();
  const rewrittenGraph = writeFields([
    ...graph.constantsAdded.map((node) => ({ number: GRAPH_NODE, wire: 2, value: writeNode(node) })),
    ...graph.nodes.map((node) => ({ number: GRAPH_NODE, wire: 2, value: writeNode(node) })),
    ...graphFields.filter((field) => field.number !== GRAPH_NODE),
  ]);
  return {
    model: writeFields(
      modelFields.map((field) => (field === graphField ? { ...field, value: rewrittenGraph } : field)),
    ),
    counts,
  };
}

class Graph {
  nodes: OnnxNode[];
  constantsAdded: OnnxNode[] = [];
  /** Every constant tensor by name: its TensorProto fields, decoded on first use. */
  private readonly constants = new LazyConstants();
  private readonly outputs: Set<string>;
  private fresh = 0;

  constructor(fields: Field[]) {
    this.nodes = fields
      .filter((field) => field.number === GRAPH_NODE)
      .map((field) => readNode(field.value as Uint8Array));
    this.outputs = new Set(
      fields
        .filter((field) => field.number === GRAPH_OUTPUT)
        .map((field) => text(readFields(field.value as Uint8Array).find((inner) => inner.number === 1)?.value)),
    );
    for (const field of fields.filter((field) => field.number === GRAPH_INITIALIZER)) {
      const tensor = readFields(field.value as Uint8Array);
      this.constants.set(text(tensor.find((inner) => inner.number === TENSOR_NAME)?.value), tensor);
    }
    for (const node of this.nodes) {
      if (node.opType !== 'Constant') continue;
      const value = attribute(node, 'value');
      const tensor = value?.find((inner) => inner.number === ATTRIBUTE_TENSOR);
      if (tensor) this.constants.set(node.outputs[0], readFields(tensor.value as Uint8Array));
    }
  }

  /** Conv → Mul(scalar) [→ Add(scalar)]: W × s, bias × s + b. */
  foldConvolutionAffine(): number {
    let count = 0;
    for (const conv of this.nodes.filter((node) => node.opType === 'Conv')) {
      const weights = this.constants.get(conv.inputs[1]);
      const bias = conv.inputs[2] ? this.constants.get(conv.inputs[2]) : undefined;
      if (!weights || (conv.inputs[2] && !bias)) continue;
      const mul = this.soleConsumer(conv.outputs[0], 'Mul');
      const scale = mul && this.scalarOperand(mul, conv.outputs[0]);
      if (!mul || scale === undefined) continue;
      const add = this.soleConsumer(mul.outputs[0], 'Add');
      const shift = add ? this.scalarOperand(add, mul.outputs[0]) : undefined;
      const last = add && shift !== undefined ? add : mul;
      const channels = weights.dims[0];
      const newBias = new Float32Array(channels);
      for (let channel = 0; channel < channels; channel++)
        newBias[channel] = (bias?.values[channel] ?? 0) * scale + (last === add ? (shift as number) : 0);
      const scaled = weights.values.map((value) => value * scale);
      this.refold(conv, conv.inputs[0], { dims: weights.dims, values: scaled }, newBias, last.outputs[0], [mul, last]);
      count++;
    }
    return count;
  }

  /** Div(Mul(x, Clip(Add(x, 3), 0, 6)), 6) → Mul(x, HardSigmoid(x)). */
  fuseHardSwish(): number {
    let count = 0;
    for (const div of this.nodes.filter((node) => node.opType === 'Div')) {
      if (this.scalar(div.inputs[1]) !== 6) continue;
      const mul = this.producer(div.inputs[0], 'Mul');
      if (!mul || this.consumers(mul.outputs[0]).length !== 1) continue;
      const clipIndex = mul.inputs.findIndex((input) => this.producer(input, 'Clip'));
      const clip = clipIndex >= 0 ? this.producer(mul.inputs[clipIndex], 'Clip') : undefined;
      if (!clip || this.consumers(clip.outputs[0]).length !== 1) continue;
      const [low, high] = this.clipBounds(clip);
      if (low !== 0 || high !== 6) continue;
      const add = this.producer(clip.inputs[0], 'Add');
      if (!add || this.consumers(add.outputs[0]).length !== 1) continue;
      const x = mul.inputs[1 - clipIndex];
      if (!add.inputs.includes(x) || this.scalarOperand(add, x) !== 3) continue;
      const sigmoid = this.name('hardsigmoid');
      add.opType = 'HardSigmoid';
      add.inputs = [x];
      add.outputs = [sigmoid];
      add.rest = [floatAttribute('alpha', 1 / 6), floatAttribute('beta', 0.5)];
      mul.inputs = [x, sigmoid];
      mul.outputs = [div.outputs[0]];
      add.original = undefined;
      mul.original = undefined;
      this.remove(clip, div);
      count++;
    }
    return count;
  }

  /** Mul(x, s) → Add(b) → 1×1 Conv (no padding, one group): W × s, bias + b × ΣW. */
  foldAffineIntoPointwise(): number {
    let count = 0;
    for (const mul of this.nodes.filter((node) => node.opType === 'Mul')) {
      const x = mul.inputs.find((input) => !this.constants.has(input));
      const scale = x === undefined ? undefined : this.scalarOperand(mul, x);
      if (x === undefined || scale === undefined) continue;
      const add = this.soleConsumer(mul.outputs[0], 'Add');
      const shift = add && this.scalarOperand(add, mul.outputs[0]);
      if (!add || shift === undefined) continue;
      const conv = this.soleConsumer(add.outputs[0], 'Conv');
      const weights = conv && this.constants.get(conv.inputs[1]);
      if (!conv || !weights || conv.inputs[0] !== add.outputs[0] || !isPlainPointwise(conv, weights)) continue;
      const bias = conv.inputs[2] ? this.constants.get(conv.inputs[2]) : undefined;
      if (conv.inputs[2] && !bias) continue;
      const [outputs, inputs] = weights.dims;
      const newBias = new Float32Array(outputs);
      for (let output = 0; output < outputs; output++) {
        let sum = 0;
        for (let input = 0; input < inputs; input++) sum += weights.values[output * inputs + input];
        newBias[output] = (bias?.values[output] ?? 0) + shift * sum;
      }
      const scaled = weights.values.map((value) => value * scale);
      this.refold(conv, x, { dims: weights.dims, values: scaled }, newBias, conv.outputs[0], [mul, add]);
      count++;
    }
    return count;
  }

  /**
   * ConvTranspose → Add(per-channel bias) [→ BatchNormalization]: the bias and the normalisation's scale and shift
   * go into its weights and bias input (DB's upsampling head), which onnxruntime does not do itself.
   */
  foldTransposedAffine(): number {
    let count = 0;
    for (const transposed of this.nodes.filter((node) => node.opType === 'ConvTranspose')) {
      const weights = this.constants.get(transposed.inputs[1]);
      if (weights?.dims.length !== 4 || transposed.inputs.length > 2) continue;
      const group = attribute(transposed, 'group')?.find((field) => field.number === ATTRIBUTE_INT)?.value;
      if (group !== undefined && group !== 1n) continue;
      const [inputs, outputs, kh, kw] = weights.dims;
      const add = this.soleConsumer(transposed.outputs[0], 'Add');
      const biasName = add?.inputs.find((input) => input !== transposed.outputs[0]);
      const bias = biasName === undefined ? undefined : this.constants.get(biasName);
      if (!add || !bias || (bias.values.length !== outputs && bias.values.length !== 1)) continue;
      let last = add;
      const scale = new Float32Array(outputs).fill(1);
      const shift = Float32Array.from(
        { length: outputs },
        (_, channel) => bias.values[bias.values.length === 1 ? 0 : channel],
      );
      const norm = this.soleConsumer(add.outputs[0], 'BatchNormalization');
      const parameters = norm?.inputs.slice(1).map((name) => this.constants.get(name));
      if (norm && parameters?.length === 4 && parameters.every((parameter) => parameter?.values.length === outputs)) {
        const [gamma, beta, mean, variance] = parameters as FloatConstant[];
        const epsilon = attribute(norm, 'epsilon')?.find((field) => field.number === ATTRIBUTE_FLOAT)?.value as
          | Uint8Array
          | undefined;
        const eps = epsilon ? new DataView(epsilon.buffer, epsilon.byteOffset, 4).getFloat32(0, true) : 1e-5;
        for (let channel = 0; channel < outputs; channel++) {
          scale[channel] = gamma.values[channel] / Math.sqrt(variance.values[channel] + eps);
          shift[channel] = (shift[channel] - mean.values[channel]) * scale[channel] + beta.values[channel];
        }
        last = norm;
      }
      const scaled = new Float32Array(weights.values.length);
      for (let input = 0; input < inputs; input++)
        for (let channel = 0; channel < outputs; channel++)
          for (let at = 0; at < kh * kw; at++) {
            const index = (input * outputs + channel) * kh * kw + at;
            scaled[index] = weights.values[index] * scale[channel];
          }
      this.refold(transposed, transposed.inputs[0], { dims: weights.dims, values: scaled }, shift, last.outputs[0], [
        add,
        last,
      ]);
      count++;
    }
    return count;
  }

  /** `node` now reads `input` with new weights and bias and writes `output`; the nodes it took in are removed. */
  private refold(
    node: OnnxNode,
    input: string,
    weights: FloatConstant,
    bias: Float32Array,
    output: string,
    removed: OnnxNode[],
  ): void {
    node.inputs = [input, this.addConstant(weights.dims, weights.values), this.addConstant([bias.length], bias)];
    node.outputs = [output];
    node.original = undefined;
    this.remove(...removed);
  }

  dropUnusedConstants(): void {
    const read = new Set([...this.nodes, ...this.constantsAdded].flatMap((node) => node.inputs));
    const unused = (node: OnnxNode) =>
      node.opType === 'Constant' && !node.outputs.some((output) => read.has(output) || this.outputs.has(output));
    this.nodes = this.nodes.filter((node) => !unused(node));
    this.constantsAdded = this.constantsAdded.filter((node) => !unused(node));
  }

  /** Readers and writers of each tensor, rebuilt after every change (changed()). */
  private index?: { readers: Map<string, OnnxNode[]>; writers: Map<string, OnnxNode> };

  private indexed() {
    if (this.index) return this.index;
    const readers = new Map<string, OnnxNode[]>();
    const writers = new Map<string, OnnxNode>();
    for (const node of this.nodes) {
      for (const input of new Set(node.inputs)) readers.set(input, [...(readers.get(input) ?? []), node]);
      for (const output of node.outputs) writers.set(output, node);
    }
    this.index = { readers, writers };
    return this.index;
  }

  /** A Clip's bounds: inputs from opset 11, attributes before. */
  private clipBounds(clip: OnnxNode): [number | undefined, number | undefined] {
    if (clip.inputs.length > 1) return [this.scalar(clip.inputs[1]), this.scalar(clip.inputs[2])];
    const bound = (name: string) => {
      const value = attribute(clip, name)?.find((field) => field.number === ATTRIBUTE_FLOAT)?.value as Uint8Array;
      return value && new DataView(value.buffer, value.byteOffset, 4).getFloat32(0, true);
    };
    return [bound('min'), bound('max')];
  }

  private consumers(name: string): OnnxNode[] {
    return this.indexed().readers.get(name) ?? [];
  }

  /** The one node reading `name`, when it is of type `opType` and `name` is no graph output. */
  private soleConsumer(name: string, opType: string): OnnxNode | undefined {
    if (this.outputs.has(name)) return undefined;
    const consumers = this.consumers(name);
    return consumers.length === 1 && consumers[0].opType === opType ? consumers[0] : undefined;
  }

  private producer(name: string, opType: string): OnnxNode | undefined {
    if (this.outputs.has(name)) return undefined;
    const node = this.indexed().writers.get(name);
    return node?.opType === opType ? node : undefined;
  }

  private scalar(name: string | undefined): number | undefined {
    const constant = name === undefined ? undefined : this.constants.get(name);
    return constant?.values.length === 1 ? constant.values[0] : undefined;
  }

  /** The scalar constant `node` combines with `input` (a two-input node), if the other operand is one. */
  private scalarOperand(node: OnnxNode, input: string): number | undefined {
    if (node.inputs.length !== 2 || !node.inputs.includes(input)) return undefined;
    const other = node.inputs[0] === input ? node.inputs[1] : node.inputs[0];
    return this.scalar(other);
  }

  private addConstant(dims: number[], values: Float32Array): string {
    const name = this.name('constant');
    this.constants.set(name, { dims, values });
    const tensor = writeFields([
      ...dims.map((dim) => ({ number: TENSOR_DIMS, wire: 0, value: BigInt(dim) })),
      { number: TENSOR_DATA_TYPE, wire: 0, value: BigInt(FLOAT) },
      { number: TENSOR_NAME, wire: 2, value: utf8(name) },
      { number: TENSOR_RAW_DATA, wire: 2, value: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) },
    ]);
    const value = writeFields([
      { number: ATTRIBUTE_NAME, wire: 2, value: utf8('value') },
      { number: ATTRIBUTE_TENSOR, wire: 2, value: tensor },
      { number: ATTRIBUTE_TYPE, wire: 0, value: 4n },
    ]);
    this.constantsAdded.push({
      inputs: [],
      outputs: [name],
      opType: 'Constant',
      rest: [{ number: NODE_ATTRIBUTE, wire: 2, value }],
    });
    return name;
  }

  private name(kind: string): string {
    return `glimpse_rewrite_${kind}_${this.fresh++}`;
  }

  private remove(...removed: OnnxNode[]): void {
    this.nodes = this.nodes.filter((node) => !removed.includes(node));
    this.index = undefined;
  }
}

class LazyConstants {
  private readonly tensors = new Map<string, Field[] | FloatConstant | undefined>();

  set(name: string, tensor: Field[] | FloatConstant): void {
    this.tensors.set(name, tensor);
  }

  has(name: string): boolean {
    return this.tensors.has(name);
  }

  /** The float constant called `name`; undefined for other tensors and types. */
  get(name: string): FloatConstant | undefined {
    const tensor = this.tensors.get(name);
    if (!Array.isArray(tensor)) return tensor;
    const decoded = floatTensor(tensor);
    this.tensors.set(name, decoded);
    return decoded;
  }
}

/** A 1×1 convolution of one group without padding: a per-pixel matrix product, so an affine input folds exactly. */
function isPlainPointwise(conv: OnnxNode, weights: FloatConstant): boolean {
  if (weights.dims.length !== 4 || weights.dims[2] !== 1 || weights.dims[3] !== 1) return false;
  const group = attribute(conv, 'group')?.find((field) => field.number === ATTRIBUTE_INT)?.value;
  if (group !== undefined && group !== 1n) return false;
  const pads = attribute(conv, 'pads');
  if (pads && intsOf(pads).some((pad) => pad !== 0)) return false;
  const autoPad = attribute(conv, 'auto_pad')?.find((field) => field.number === 4)?.value;
  return autoPad === undefined || ['NOTSET', 'VALID'].includes(text(autoPad));
}

function intsOf(fields: Field[]): number[] {
  const values: number[] = [];
  for (const field of fields.filter((inner) => inner.number === ATTRIBUTE_INTS)) {
    if (field.wire === 0) values.push(Number(BigInt.asIntN(64, field.value as bigint)));
    else
      for (const value of readPackedVarints(field.value as Uint8Array)) values.push(Number(BigInt.asIntN(64, value)));
  }
  return values;
}

/** The fields of the node's attribute called `name`. */
function attribute(node: OnnxNode, name: string): Field[] | undefined {
  for (const field of node.rest) {
    if (field.number !== NODE_ATTRIBUTE) continue;
    const fields = readFields(field.value as Uint8Array);
    if (text(fields.find((inner) => inner.number === ATTRIBUTE_NAME)?.value) === name) return fields;
  }
  return undefined;
}

function floatAttribute(name: string, value: number): Field {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setFloat32(0, value, true);
  return {
    number: NODE_ATTRIBUTE,
    wire: 2,
    value: writeFields([
      { number: ATTRIBUTE_NAME, wire: 2, value: utf8(name) },
      { number: ATTRIBUTE_FLOAT, wire: 5, value: bytes },
      { number: ATTRIBUTE_TYPE, wire: 0, value: 1n },
    ]),
  };
}

/** A float tensor's shape and values (float_data or raw_data); undefined for other types. */
function floatTensor(fields: Field[]): FloatConstant | undefined {
  const type = fields.find((field) => field.number === TENSOR_DATA_TYPE)?.value;
  if (type !== BigInt(FLOAT)) return undefined;
  const dims: number[] = [];
  for (const field of fields.filter((inner) => inner.number === TENSOR_DIMS)) {
    if (field.wire === 0) dims.push(Number(field.value));
    else for (const value of readPackedVarints(field.value as Uint8Array)) dims.push(Number(value));
  }
  const raw = fields.find((field) => field.number === TENSOR_RAW_DATA)?.value as Uint8Array | undefined;
  const floats: number[] = [];
  let values: Float32Array;
  if (raw) {
    values = new Float32Array(raw.byteLength / 4);
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    for (let index = 0; index < values.length; index++) values[index] = view.getFloat32(index * 4, true);
  } else {
    for (const field of fields.filter((inner) => inner.number === TENSOR_FLOAT_DATA)) {
      const bytes = field.value as Uint8Array;
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      for (let offset = 0; offset + 4 <= bytes.byteLength; offset += 4) floats.push(view.getFloat32(offset, true));
    }
    values = Float32Array.from(floats);
  }
  const size = dims.reduce((product, dim) => product * dim, 1);
  return values.length === size ? { dims, values } : undefined;
}

function readNode(bytes: Uint8Array): OnnxNode {
  const node: OnnxNode = { inputs: [], outputs: [], opType: '', rest: [], original: bytes };
  for (const field of readFields(bytes)) {
    if (field.number === NODE_INPUT) node.inputs.push(text(field.value));
    else if (field.number === NODE_OUTPUT) node.outputs.push(text(field.value));
    else if (field.number === NODE_OP_TYPE) node.opType = text(field.value);
    else node.rest.push(field);
  }
  return node;
}

function writeNode(node: OnnxNode): Uint8Array {
  if (node.original) return node.original;
  return writeFields([
    ...node.inputs.map((input) => ({ number: NODE_INPUT, wire: 2, value: utf8(input) })),
    ...node.outputs.map((output) => ({ number: NODE_OUTPUT, wire: 2, value: utf8(output) })),
    { number: NODE_OP_TYPE, wire: 2, value: utf8(node.opType) },
    ...node.rest,
  ]);
}

// Protocol-buffer wire format.

export function readFields(bytes: Uint8Array): Field[] {
  const fields: Field[] = [];
  let offset = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (offset >= bytes.length) throw new Error('truncated protobuf varint');
      const byte = bytes[offset++];
      result |= BigInt(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return result;
      shift += 7n;
    }
  };
  const take = (length: number): Uint8Array => {
    if (offset + length > bytes.length) throw new Error('truncated protobuf field');
    const slice = bytes.subarray(offset, offset + length);
    offset += length;
    return slice;
  };
  while (offset < bytes.length) {
    const key = varint();
    const number = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (wire === 0) fields.push({ number, wire, value: varint() });
    else if (wire === 1) fields.push({ number, wire, value: take(8) });
    else if (wire === 2) fields.push({ number, wire, value: take(Number(varint())) });
    else if (wire === 5) fields.push({ number, wire, value: take(4) });
    else throw new Error(`unsupported protobuf wire type ${wire}`);
  }
  return fields;
}

export function writeFields(fields: readonly Field[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const field of fields) {
    parts.push(varintBytes((BigInt(field.number) << 3n) | BigInt(field.wire)));
    if (field.wire === 0) parts.push(varintBytes(field.value as bigint));
    else {
      const bytes = field.value as Uint8Array;
      if (field.wire === 2) parts.push(varintBytes(BigInt(bytes.length)));
      parts.push(bytes);
    }
  }
  return Buffer.concat(parts);
}

function readPackedVarints(bytes: Uint8Array): bigint[] {
  // A packed run is a sequence of varints: read it as fields of a made-up number 1, wire type 0.
  const values: bigint[] = [];
  let value = 0n;
  let shift = 0n;
  for (const byte of bytes) {
    value |= BigInt(byte & 0x7f) << shift;
    if (byte & 0x80) shift += 7n;
    else {
      values.push(value);
      value = 0n;
      shift = 0n;
    }
  }
  return values;
}

export function varintBytes(value: bigint): Uint8Array {
  let rest = BigInt.asUintN(64, value);
  const bytes: number[] = [];
  do {
    const byte = Number(rest & 0x7fn);
    rest >>= 7n;
    bytes.push(rest ? byte | 0x80 : byte);
  } while (rest);
  return Uint8Array.from(bytes);
}

function text(value: bigint | Uint8Array | undefined): string {
  return value instanceof Uint8Array
    ? Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8')
    : '';
}

function utf8(value: string): Uint8Array {
  return Buffer.from(value, 'utf8');
}
