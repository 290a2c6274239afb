import type { LayersModel, SymbolicTensor } from '@tensorflow/tfjs';
import { z } from 'zod';
import type { Tf } from '../backend';
import { modelProtoType } from './proto';

/**
 * tfjs LayersModel → ONNX (`transferlab models export <id> --format onnx`), the reverse of
 * convert.ts. The model is written as an ONNX ModelProto (IR version 8, default-domain opset 13)
 * with the vendored schema (proto.ts), weights as little-endian float32 raw_data initializers.
 * Only chains of the layers in ONNX_EXPORTABLE_LAYERS are exported; anything else is refused
 * by the layer's name and class, before any bytes are written.
 *
 * Layout. tfjs layers compute images in NHWC, ONNX's Conv and pooling operators in NCHW
 * (https://onnx.ai/onnx/operators/onnx__Conv.html: "X ... (N x C x H x W)"). The exporter tracks,
 * for the tensor between two layers, how the ONNX tensor relates to the tfjs one (`Current`) and
 * inserts a Transpose only where an operator needs the other order: a convolutional trunk stays
 * in NCHW from end to end, and a Flatten after it first goes back to NHWC, because tfjs flattens
 * NHWC and the Dense weights that follow were trained on that order. Reshape and Flatten of a
 * tensor whose data is already in tfjs's order are deferred and written as one Reshape or Flatten
 * where a later operator needs the shape, so the greyscale input of Transferlab's CNN (see
 * `inputLayout`) costs no operator at all.
 */

/** The tfjs layer classes (getClassName()) the exporter writes, checked before anything else. */
export const ONNX_EXPORTABLE_LAYERS = [
  'InputLayer',
  'Dense',
  'Conv2D',
  'MaxPooling2D',
  'AveragePooling2D',
  'GlobalAveragePooling2D',
  'GlobalMaxPooling2D',
  'Flatten',
  'Permute',
  'Reshape',
  'ZeroPadding2D',
  'BatchNormalization',
  'Dropout',
  'Activation',
  'ReLU',
  'LeakyReLU',
  'ELU',
  'Softmax',
  'Rescaling',
] as const;

/** Activation functions (a Dense's, a Conv2D's or an Activation layer's) the exporter writes. */
export const ONNX_EXPORTABLE_ACTIVATIONS = [
  'linear',
  'relu',
  'relu6',
  'elu',
  'selu',
  'tanh',
  'sigmoid',
  'hardSigmoid',
  'softplus',
  'softsign',
  'softmax',
] as const;

export class OnnxExportError extends Error {
  override name = 'OnnxExportError';
}

export interface OnnxExportOptions {
  /**
   * How the ONNX input `input` relates to the tfjs model's input (batch dimension `batch` first,
   * dynamic, in both cases):
   * - 'nchw': an image. A tfjs input [H, W, C] becomes [batch, C, H, W], the layout ONNX
   *   consumers (PyTorch, ONNX Runtime's image models) expect. A tfjs input [H, W] (Transferlab's
   *   greyscale datasets: its CNN takes [h, w] and reshapes to [h, w, 1] itself, cnn.ts) becomes
   *   [batch, 1, H, W]: the single-channel NCHW image, whose data are the tfjs rows unchanged, so
   *   a caller feeds the same numbers to both; the CNN's own Reshape to [h, w, 1] then costs no
   *   operator. A rank-1 input has no image layout and is refused.
   * - 'features': the tfjs input's own shape, [batch, ...shape], data unchanged ([batch, F] for
   *   flat features; an image input stays NHWC, and a Transpose goes before the first Conv).
   */
  inputLayout: 'nchw' | 'features';
  /** producer_version: Transferlab's version. */
  producerVersion: string;
}

export const ONNX_INPUT_NAME = 'input';
export const ONNX_OUTPUT_NAME = 'logits';
const IR_VERSION = 8;
const OPSET = 13;
/** TensorProto.DataType (onnx.proto). */
const FLOAT = 1;
const INT64 = 7;

type Layer = LayersModel['layers'][number];

/** One link of the chain: the layer and the tfjs shapes (without the batch) around it. */
interface Link {
  layer: Layer;
  className: string;
  inShape: number[];
  outShape: number[];
}

/**
 * The ONNX tensor that holds a tfjs tensor of shape [batch, ...tfShape]:
 * - 'rowMajor': the same numbers in the same order; its ONNX shape [batch, ...onnxShape] may
 *   differ (a Reshape or Flatten not written yet).
 * - 'nchw': tfShape is [H, W, C] and the ONNX tensor is its [batch, C, H, W] transpose.
 */
interface Current {
  name: string;
  tfShape: number[];
  onnxShape: number[];
  layout: 'rowMajor' | 'nchw';
}

type Attribute = { name: string } & (
  { type: 'INT'; i: number } | { type: 'INTS'; ints: number[] } | { type: 'FLOAT'; f: number }
);

interface NodeProto {
  name: string;
  opType: string;
  input: string[];
  output: string[];
  attribute: Attribute[];
}

interface TensorProto {
  name: string;
  dims: number[];
  dataType: number;
  rawData: Uint8Array;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function describe(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** TensorFlow's 'same' padding along one axis: [before, after], the extra cell after. */
function samePads(size: number, kernel: number, stride: number): [number, number] {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + kernel - size, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/** A tfjs shape without its batch dimension, every dimension known. */
function knownShape(tensor: SymbolicTensor, what: string): number[] {
  const dims = tensor.shape.slice(1);
  const known = dims.filter((d): d is number => typeof d === 'number' && d > 0);
  if (known.length !== dims.length) {
    throw new OnnxExportError(
      `${what} has shape [${tensor.shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]: ` +
        'every dimension but the batch must be known to export',
    );
  }
  return known;
}

/**
 * The model's layers as one chain from its input to its output, walking back from the output
 * through each layer's producing node. A layer with several inputs (Add, Concatenate) or a model
 * with several inputs or outputs is a branching graph: refused, since the exporter (like
 * convert.ts) tracks one tensor from layer to layer.
 */
function chainOf(model: LayersModel): Link[] {
  const [input, ...moreInputs] = model.inputs;
  const [output, ...moreOutputs] = model.outputs;
  if (input === undefined || output === undefined || moreInputs.length + moreOutputs.length > 0) {
    throw new OnnxExportError(
      `The model has ${String(model.inputs.length)} inputs and ${String(model.outputs.length)} ` +
        'outputs: only sequential models (one chain of layers from one input to one output) ' +
        'can be exported to ONNX',
    );
  }
  const links: Link[] = [];
  let tensor = output;
  while (tensor.sourceLayer !== input.sourceLayer) {
    const layer = tensor.sourceLayer;
    const node = layer.inboundNodes[tensor.nodeIndex];
    const inputs = node?.inputTensors ?? [];
    const [previous] = inputs;
    if (previous === undefined || inputs.length !== 1) {
      throw new OnnxExportError(
        `Layer '${layer.name}' (${layer.getClassName()}) takes ${String(inputs.length)} inputs: ` +
          'the model branches, and only sequential models (one chain of layers from input to ' +
          'output) can be exported to ONNX',
      );
    }
    links.unshift({
      layer,
      className: layer.getClassName(),
      inShape: knownShape(previous, `The input of layer '${layer.name}'`),
      outShape: knownShape(tensor, `The output of layer '${layer.name}'`),
    });
    tensor = previous;
  }
  return links;
}

/** Refuses layers outside ONNX_EXPORTABLE_LAYERS by name and class, with the supported list. */
function checkLayers(links: Link[]): void {
  const supported: ReadonlySet<string> = new Set(ONNX_EXPORTABLE_LAYERS);
  const refused = links.filter((link) => !supported.has(link.className));
  if (refused.length > 0) {
    throw new OnnxExportError(
      `The model has ${refused.length === 1 ? 'a layer' : 'layers'} that Transferlab cannot ` +
        `export to ONNX: ${refused.map((l) => `'${l.layer.name}' (${l.className})`).join(', ')}. ` +
        `Exportable layers: ${ONNX_EXPORTABLE_LAYERS.join(', ')}.`,
    );
  }
}

// Layer configurations, read from getConfig() (a plain dictionary) and parsed, not cast.
const activationName = z.string().default('linear');
const dataFormat = z.enum(['channelsLast', 'channelsFirst']).default('channelsLast');
const pair = z.array(z.number().int()).length(2);
const denseConfig = z.object({ activation: activationName, useBias: z.boolean().default(true) });
const convConfig = z.object({
  kernelSize: pair,
  strides: pair,
  dilationRate: pair.or(z.number().int()).default([1, 1]),
  padding: z.string(),
  dataFormat,
  activation: activationName,
  useBias: z.boolean().default(true),
  filters: z.number().int(),
});
const poolConfig = z.object({
  poolSize: pair,
  strides: pair.nullish(),
  padding: z.string(),
  dataFormat,
});
const globalPoolConfig = z.object({ dataFormat, keepDims: z.boolean().optional() });
const flattenConfig = z.object({ dataFormat: dataFormat.nullish() });
const permuteConfig = z.object({ dims: z.array(z.number().int()) });
const zeroPaddingConfig = z.object({ padding: z.array(pair).length(2), dataFormat });
const batchNormConfig = z.object({
  axis: z.number().int().default(-1),
  epsilon: z.number().default(1e-3),
  center: z.boolean().default(true),
  scale: z.boolean().default(true),
});
const activationConfig = z.object({ activation: z.string() });
const reluConfig = z.object({ maxValue: z.number().nullish() });
const alphaConfig = z.object({ alpha: z.number() });
const softmaxConfig = z.object({ axis: z.number().int().or(z.array(z.number().int())) });
const rescalingConfig = z.object({ scale: z.number(), offset: z.number().default(0) });

function config<T extends z.ZodType>(schema: T, link: Link): z.infer<T> {
  const parsed = schema.safeParse(link.layer.getConfig());
  if (!parsed.success) {
    throw new OnnxExportError(
      `Layer '${link.layer.name}' (${link.className}) has a configuration the exporter does not ` +
        `understand: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}

/** float32 values, little-endian, as TensorProto.raw_data (onnx.proto: "little-endian order"). */
function floatBytes(values: ArrayLike<number>): Uint8Array {
  const view = new DataView(new ArrayBuffer(values.length * 4));
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i] ?? 0, true);
  return new Uint8Array(view.buffer);
}

function int64Bytes(values: readonly number[]): Uint8Array {
  const view = new DataView(new ArrayBuffer(values.length * 8));
  values.forEach((v, i) => {
    view.setBigInt64(i * 8, BigInt(v), true);
  });
  return new Uint8Array(view.buffer);
}

/** The ONNX graph under construction: nodes in topological order and the initializers. */
class GraphWriter {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  private readonly used = new Set<string>([ONNX_INPUT_NAME, ONNX_OUTPUT_NAME]);

  /** A tensor or node name not used yet, from the layer's name. */
  fresh(base: string): string {
    let name = base;
    for (let k = 1; this.used.has(name); k++) name = `${base}_${String(k)}`;
    this.used.add(name);
    return name;
  }

  floats(base: string, dims: number[], values: ArrayLike<number>): string {
    const name = this.fresh(base);
    this.initializers.push({ name, dims, dataType: FLOAT, rawData: floatBytes(values) });
    return name;
  }

  ints(base: string, values: number[]): string {
    const name = this.fresh(base);
    this.initializers.push({
      name,
      dims: [values.length],
      dataType: INT64,
      rawData: int64Bytes(values),
    });
    return name;
  }

  /** Appends a node with one output and returns that output's name. */
  node(base: string, opType: string, inputs: string[], attribute: Attribute[] = []): string {
    const output = this.fresh(`${base}/${opType}`);
    this.nodes.push({ name: output, opType, input: inputs, output: [output], attribute });
    return output;
  }
}

/** The values of a layer's weight whose (unscoped) name ends in `/${suffix}`, copied. */
function weight(link: Link, suffix: string): Float32Array | undefined {
  const variable = link.layer.weights.find(
    (w) => w.originalName === suffix || w.originalName.endsWith(`/${suffix}`),
  );
  // read() is the variable itself (not a copy): read its values, never dispose it.
  return variable === undefined ? undefined : Float32Array.from(variable.read().dataSync());
}

function requiredWeight(link: Link, suffix: string): Float32Array {
  const values = weight(link, suffix);
  if (values === undefined) {
    throw new OnnxExportError(`Layer '${link.layer.name}' (${link.className}) has no ${suffix}`);
  }
  return values;
}

/**
 * The activations that are one elementwise ONNX operator, with tfjs-layers' definitions
 * (activations.ts). tfjs's selu constants (1.6732632…, 1.0507010…) are ONNX Selu's defaults;
 * tfjs's hardSigmoid is clip(0.2·x + 0.5, 0, 1), ONNX HardSigmoid with alpha 0.2, beta 0.5.
 */
const ELEMENTWISE_ACTIVATIONS: Partial<Record<string, { opType: string; attribute: Attribute[] }>> =
  {
    relu: { opType: 'Relu', attribute: [] },
    elu: { opType: 'Elu', attribute: [{ name: 'alpha', type: 'FLOAT', f: 1 }] },
    selu: { opType: 'Selu', attribute: [] },
    tanh: { opType: 'Tanh', attribute: [] },
    sigmoid: { opType: 'Sigmoid', attribute: [] },
    hardSigmoid: {
      opType: 'HardSigmoid',
      attribute: [
        { name: 'alpha', type: 'FLOAT', f: 0.2 },
        { name: 'beta', type: 'FLOAT', f: 0.5 },
      ],
    },
    softplus: { opType: 'Softplus', attribute: [] },
    softsign: { opType: 'Softsign', attribute: [] },
  };

/** Writes the chain's layers as ONNX nodes, one layer at a time. */
class Exporter {
  constructor(
    readonly graph: GraphWriter,
    public current: Current,
  ) {}

  private get base(): string {
    return this.current.name;
  }

  /** Where an NCHW tensor's data is also in NHWC order: one channel, or one pixel. */
  private static orderAgrees(shape: readonly number[]): boolean {
    const [h = 1, w = 1, c = 1] = shape;
    return shape.length === 3 && (c === 1 || h * w === 1);
  }

  /** A Reshape (a Flatten for rank 1) of row-major data to `shape`, unless already so. */
  private reshapeTo(base: string, shape: number[]): string {
    if (sameShape(this.current.onnxShape, shape)) return this.current.name;
    if (shape.length === 1) {
      return this.graph.node(
        base,
        'Flatten',
        [this.current.name],
        [{ name: 'axis', type: 'INT', i: 1 }],
      );
    }
    // Reshape's 0 copies the input's dimension (the dynamic batch; allowzero defaults to 0).
    return this.graph.node(base, 'Reshape', [
      this.current.name,
      this.graph.ints(`${base}/shape`, [0, ...shape]),
    ]);
  }

  /** Makes the ONNX tensor's data row-major (tfjs's order), leaving its shape as it is. */
  rowMajor(base: string): void {
    const cur = this.current;
    if (cur.layout === 'rowMajor') return;
    const [h = 1, w = 1, c = 1] = cur.tfShape;
    if (Exporter.orderAgrees(cur.tfShape)) {
      this.current = { ...cur, layout: 'rowMajor', onnxShape: [c, h, w] };
      return;
    }
    const name = this.graph.node(
      base,
      'Transpose',
      [cur.name],
      [{ name: 'perm', type: 'INTS', ints: [0, 2, 3, 1] }],
    );
    this.current = { ...cur, name, layout: 'rowMajor', onnxShape: [...cur.tfShape] };
  }

  /** Makes the ONNX tensor exactly the tfjs one (shape and order). */
  same(base: string): void {
    this.rowMajor(base);
    const name = this.reshapeTo(base, this.current.tfShape);
    this.current = { ...this.current, name, onnxShape: [...this.current.tfShape] };
  }

  /** Makes a rank-3 tfjs image ([H, W, C]) NCHW in ONNX. */
  nchw(base: string, link: Link): void {
    const cur = this.current;
    if (cur.layout === 'nchw') return;
    const [h, w, c] = cur.tfShape;
    if (h === undefined || w === undefined || c === undefined || cur.tfShape.length !== 3) {
      throw new OnnxExportError(
        `Layer '${link.layer.name}' (${link.className}) gets a tensor of shape ` +
          `${describe(cur.tfShape)}: it is exported for images [height, width, channels] only`,
      );
    }
    if (Exporter.orderAgrees(cur.tfShape)) {
      const name = this.reshapeTo(base, [c, h, w]);
      this.current = { name, tfShape: cur.tfShape, onnxShape: [c, h, w], layout: 'nchw' };
      return;
    }
    this.same(base);
    const name = this.graph.node(
      base,
      'Transpose',
      [this.current.name],
      [{ name: 'perm', type: 'INTS', ints: [0, 3, 1, 2] }],
    );
    this.current = { name, tfShape: cur.tfShape, onnxShape: [c, h, w], layout: 'nchw' };
  }

  /** Applies an elementwise operator; the layout stays. */
  private elementwise(base: string, opType: string, attribute: Attribute[] = []): void {
    const name = this.graph.node(base, opType, [this.current.name], attribute);
    this.current = { ...this.current, name };
  }

  /** The ONNX axis of the current tensor that holds tfjs axis `axis` (counting the batch). */
  private onnxAxis(axis: number): number {
    const rank = this.current.tfShape.length + 1;
    const positive = axis < 0 ? axis + rank : axis;
    // NHWC axis n, h, w, c sits at NCHW position 0, 2, 3, 1.
    return this.current.layout === 'nchw' ? ([0, 2, 3, 1][positive] ?? positive) : positive;
  }

  /**
   * A tfjs activation function (tfjs-layers activations.ts), as ONNX operators. tfjs's softmax
   * activation normalises the last axis; opset 13's Softmax normalises one `axis`
   * (https://onnx.ai/onnx/operators/onnx__Softmax.html, changed in 13 from "flatten from axis").
   */
  activation(base: string, name: string, link: Link): void {
    if (name === 'linear') return;
    if (name === 'softmax') {
      this.softmax(base, -1);
      return;
    }
    if (name === 'relu6') {
      this.clip(base, 6);
      return;
    }
    const op = ELEMENTWISE_ACTIVATIONS[name];
    if (op === undefined) {
      throw new OnnxExportError(
        `Layer '${link.layer.name}' (${link.className}) uses activation '${name}', which ` +
          `Transferlab cannot export to ONNX. Exportable activations: ` +
          `${ONNX_EXPORTABLE_ACTIVATIONS.join(', ')}.`,
      );
    }
    this.elementwise(base, op.opType, op.attribute);
  }

  /** min(max(x, 0), max): Clip takes its bounds as inputs since opset 11. */
  private clip(base: string, max: number): void {
    const bounds = [
      this.graph.floats(`${base}/min`, [], [0]),
      this.graph.floats(`${base}/max`, [], [max]),
    ];
    const name = this.graph.node(base, 'Clip', [this.current.name, ...bounds]);
    this.current = { ...this.current, name };
  }

  softmax(base: string, axis: number): void {
    // A deferred reshape would move the axis: write it first.
    if (this.current.layout === 'rowMajor') this.same(base);
    this.elementwise(base, 'Softmax', [{ name: 'axis', type: 'INT', i: this.onnxAxis(axis) }]);
  }

  /**
   * Dense: Gemm (Y = X·B + C, https://onnx.ai/onnx/operators/onnx__Gemm.html) with tfjs's kernel
   * [in, units] as B unchanged; on a rank > 2 input (tfjs applies the kernel to the last axis)
   * MatMul, which broadcasts like that, then Add.
   */
  dense(link: Link): void {
    const base = link.layer.name;
    const { activation, useBias } = config(denseConfig, link);
    this.same(base);
    const inputs = link.inShape[link.inShape.length - 1] ?? 0;
    const units = link.outShape[link.outShape.length - 1] ?? 0;
    const kernel = this.graph.floats(
      `${base}/kernel`,
      [inputs, units],
      requiredWeight(link, 'kernel'),
    );
    const bias = useBias
      ? this.graph.floats(`${base}/bias`, [units], requiredWeight(link, 'bias'))
      : undefined;
    let name: string;
    if (link.inShape.length === 1) {
      name = this.graph.node(base, 'Gemm', [
        this.current.name,
        kernel,
        ...(bias === undefined ? [] : [bias]),
      ]);
    } else {
      name = this.graph.node(base, 'MatMul', [this.current.name, kernel]);
      if (bias !== undefined) name = this.graph.node(base, 'Add', [name, bias]);
    }
    this.current = { name, tfShape: link.outShape, onnxShape: link.outShape, layout: 'rowMajor' };
    this.activation(base, activation, link);
  }

  /**
   * Conv2D: ONNX Conv on NCHW with the kernel [kh, kw, in, out] reordered to [out, in, kh, kw]
   * (https://onnx.ai/onnx/operators/onnx__Conv.html, "W ... (M x C/group x kH x kW)"). tfjs's
   * 'same' padding is written as explicit pads, TensorFlow's split (the odd cell at the end).
   */
  conv(link: Link): void {
    const base = link.layer.name;
    const c = config(convConfig, link);
    this.refuseChannelsFirst(link, c.dataFormat);
    const [kh = 1, kw = 1] = c.kernelSize;
    const [sh = 1, sw = 1] = c.strides;
    const [dh = 1, dw = 1] =
      typeof c.dilationRate === 'number' ? [c.dilationRate, c.dilationRate] : c.dilationRate;
    const [height = 0, width = 0, inChannels = 0] = link.inShape;
    const pads = this.pads(
      link,
      c.padding,
      height,
      width,
      [(kh - 1) * dh + 1, (kw - 1) * dw + 1],
      [sh, sw],
    );
    this.nchw(base, link);
    const kernel = requiredWeight(link, 'kernel');
    const out = c.filters;
    const reordered = new Float32Array(kernel.length);
    for (let y = 0; y < kh; y++)
      for (let x = 0; x < kw; x++)
        for (let i = 0; i < inChannels; i++)
          for (let o = 0; o < out; o++)
            reordered[((o * inChannels + i) * kh + y) * kw + x] =
              kernel[((y * kw + x) * inChannels + i) * out + o] ?? 0;
    const inputs = [
      this.current.name,
      this.graph.floats(`${base}/kernel`, [out, inChannels, kh, kw], reordered),
    ];
    if (c.useBias)
      inputs.push(this.graph.floats(`${base}/bias`, [out], requiredWeight(link, 'bias')));
    const name = this.graph.node(base, 'Conv', inputs, [
      { name: 'kernel_shape', type: 'INTS', ints: [kh, kw] },
      { name: 'strides', type: 'INTS', ints: [sh, sw] },
      { name: 'dilations', type: 'INTS', ints: [dh, dw] },
      { name: 'pads', type: 'INTS', ints: pads },
      { name: 'group', type: 'INT', i: 1 },
    ]);
    this.setNchw(name, link);
    this.activation(base, c.activation, link);
  }

  /**
   * MaxPooling2D and AveragePooling2D: MaxPool and AveragePool with explicit pads. Padded cells
   * never win a max; tfjs's 'same' average divides by the cells inside the image only, which is
   * AveragePool's count_include_pad=0 (https://onnx.ai/onnx/operators/onnx__AveragePool.html).
   */
  pool(link: Link, opType: 'MaxPool' | 'AveragePool'): void {
    const base = link.layer.name;
    const c = config(poolConfig, link);
    this.refuseChannelsFirst(link, c.dataFormat);
    const [kh = 1, kw = 1] = c.poolSize;
    // tfjs's strides default to the pool size.
    const [sh = kh, sw = kw] = c.strides ?? c.poolSize;
    const [height = 0, width = 0] = link.inShape;
    const pads = this.pads(link, c.padding, height, width, [kh, kw], [sh, sw]);
    this.nchw(base, link);
    const attribute: Attribute[] = [
      { name: 'kernel_shape', type: 'INTS', ints: [kh, kw] },
      { name: 'strides', type: 'INTS', ints: [sh, sw] },
      { name: 'pads', type: 'INTS', ints: pads },
      // Output sizes are floor((in + pads − k) / s) + 1 in both libraries.
      { name: 'ceil_mode', type: 'INT', i: 0 },
    ];
    if (opType === 'AveragePool') attribute.push({ name: 'count_include_pad', type: 'INT', i: 0 });
    this.setNchw(this.graph.node(base, opType, [this.current.name], attribute), link);
  }

  /** GlobalAveragePool / GlobalMaxPool keep [N, C, 1, 1]; tfjs gives [N, C]: Flatten. */
  globalPool(link: Link, opType: 'GlobalAveragePool' | 'GlobalMaxPool'): void {
    const base = link.layer.name;
    const c = config(globalPoolConfig, link);
    this.refuseChannelsFirst(link, c.dataFormat);
    if (c.keepDims === true) {
      throw new OnnxExportError(`Layer '${base}' (${link.className}): keepDims is not exported`);
    }
    this.nchw(base, link);
    const pooled = this.graph.node(base, opType, [this.current.name]);
    const name = this.graph.node(base, 'Flatten', [pooled], [{ name: 'axis', type: 'INT', i: 1 }]);
    this.current = { name, tfShape: link.outShape, onnxShape: link.outShape, layout: 'rowMajor' };
  }

  /** ZeroPadding2D: Pad (opset 13 takes the pads as an int64 input) in the current layout. */
  zeroPadding(link: Link): void {
    const base = link.layer.name;
    const c = config(zeroPaddingConfig, link);
    this.refuseChannelsFirst(link, c.dataFormat);
    const [[top = 0, bottom = 0] = [], [left = 0, right = 0] = []] = c.padding;
    this.nchw(base, link);
    // Pad's pads: every axis's start, then every axis's end, here N, C, H, W.
    const pads = this.graph.ints(`${base}/pads`, [0, 0, top, left, 0, 0, bottom, right]);
    this.setNchw(this.graph.node(base, 'Pad', [this.current.name, pads]), link);
  }

  /**
   * BatchNormalization at inference: (x − moving mean) / √(moving variance + ε) · γ + β. ONNX's
   * BatchNormalization normalises axis 1 (https://onnx.ai/onnx/operators/onnx__BatchNormalization.html),
   * which is tfjs's last axis of an NCHW image or of [N, C] features; on the last axis of another
   * rank it is written as the same affine map, Mul then Add (broadcast from the right). Only the
   * last axis is exported: tfjs 4.22's inference on any other axis does not apply one channel's
   * statistics along that axis (a constant input gives varying outputs within a channel), so no
   * ONNX operator would reproduce model.predict.
   */
  batchNorm(link: Link): void {
    const base = link.layer.name;
    const c = config(batchNormConfig, link);
    const rank = link.inShape.length + 1;
    const axis = c.axis < 0 ? c.axis + rank : c.axis;
    if (axis !== rank - 1) {
      throw new OnnxExportError(
        `Layer '${base}' (BatchNormalization) normalises axis ${String(c.axis)}: only the last ` +
          '(channel) axis is exported',
      );
    }
    const channels = link.inShape[axis - 1] ?? 0;
    const gamma = c.scale ? requiredWeight(link, 'gamma') : new Float32Array(channels).fill(1);
    const beta = c.center ? requiredWeight(link, 'beta') : new Float32Array(channels);
    const mean = requiredWeight(link, 'moving_mean');
    const variance = requiredWeight(link, 'moving_variance');
    if (rank === 4 && axis === 3) this.nchw(base, link);
    else this.same(base);
    if ((rank === 4 && axis === 3) || (rank === 2 && axis === 1)) {
      const params = [gamma, beta, mean, variance].map((values, k) =>
        this.graph.floats(`${base}/${['scale', 'B', 'mean', 'var'][k] ?? ''}`, [channels], values),
      );
      const name = this.graph.node(
        base,
        'BatchNormalization',
        [this.current.name, ...params],
        [{ name: 'epsilon', type: 'FLOAT', f: c.epsilon }],
      );
      this.current = { ...this.current, name };
      return;
    }
    const scale = gamma.map((g, i) => g / Math.sqrt((variance[i] ?? 0) + c.epsilon));
    const shift = beta.map((b, i) => b - (mean[i] ?? 0) * (scale[i] ?? 0));
    const dims = [...Array.from({ length: rank - 2 }, () => 1), channels];
    const scaled = this.graph.node(base, 'Mul', [
      this.current.name,
      this.graph.floats(`${base}/scale`, dims, scale),
    ]);
    const name = this.graph.node(base, 'Add', [
      scaled,
      this.graph.floats(`${base}/shift`, dims, shift),
    ]);
    this.current = { ...this.current, name };
  }

  /** Permute: tfjs's dims count from 1 after the batch; a Transpose composed with the layout's. */
  permute(link: Link): void {
    const base = link.layer.name;
    const { dims } = config(permuteConfig, link);
    const perm = [0, ...dims];
    if (this.current.layout === 'rowMajor') this.same(base);
    // From NCHW, tfjs axis k of the input is ONNX axis nchwOf[k]; Transpose output axis i takes
    // input axis perm[i]. The importer's Permute [3, 1, 2] after a conv trunk becomes no node.
    const from = this.current.layout === 'nchw' ? perm.map((k) => [0, 2, 3, 1][k] ?? k) : perm;
    let name = this.current.name;
    if (!from.every((k, i) => k === i)) {
      name = this.graph.node(
        base,
        'Transpose',
        [name],
        [{ name: 'perm', type: 'INTS', ints: from }],
      );
    }
    this.current = { name, tfShape: link.outShape, onnxShape: link.outShape, layout: 'rowMajor' };
  }

  /** Reshape and Flatten move no data: deferred until an operator needs the shape. */
  reshape(link: Link): void {
    if (link.className === 'Flatten') {
      const { dataFormat: format } = config(flattenConfig, link);
      if (format === 'channelsFirst' && link.inShape.length > 1) {
        throw new OnnxExportError(
          `Layer '${link.layer.name}' (Flatten): channelsFirst is not exported`,
        );
      }
    }
    this.rowMajor(link.layer.name);
    this.current = { ...this.current, tfShape: link.outShape };
  }

  /** ReLU: Relu, or Clip when it has a maxValue. */
  relu(link: Link): void {
    const { maxValue } = config(reluConfig, link);
    if (maxValue === undefined || maxValue === null) this.elementwise(link.layer.name, 'Relu');
    else this.clip(link.layer.name, maxValue);
  }

  rescaling(link: Link): void {
    const base = link.layer.name;
    const { scale, offset } = config(rescalingConfig, link);
    // y = x · scale + offset, scalars: any layout.
    let name = this.graph.node(base, 'Mul', [
      this.current.name,
      this.graph.floats(`${base}/scale`, [], [scale]),
    ]);
    if (offset !== 0)
      name = this.graph.node(base, 'Add', [
        name,
        this.graph.floats(`${base}/offset`, [], [offset]),
      ]);
    this.current = { ...this.current, name };
  }

  write(link: Link): void {
    const base = link.layer.name;
    switch (link.className) {
      case 'InputLayer':
      case 'Dropout':
        // Dropout is the identity at inference.
        break;
      case 'Dense':
        this.dense(link);
        break;
      case 'Conv2D':
        this.conv(link);
        break;
      case 'MaxPooling2D':
        this.pool(link, 'MaxPool');
        break;
      case 'AveragePooling2D':
        this.pool(link, 'AveragePool');
        break;
      case 'GlobalAveragePooling2D':
        this.globalPool(link, 'GlobalAveragePool');
        break;
      case 'GlobalMaxPooling2D':
        this.globalPool(link, 'GlobalMaxPool');
        break;
      case 'Flatten':
      case 'Reshape':
        this.reshape(link);
        break;
      case 'Permute':
        this.permute(link);
        break;
      case 'ZeroPadding2D':
        this.zeroPadding(link);
        break;
      case 'BatchNormalization':
        this.batchNorm(link);
        break;
      case 'Activation':
        this.activation(base, config(activationConfig, link).activation, link);
        break;
      case 'ReLU':
        this.relu(link);
        break;
      case 'LeakyReLU':
        this.elementwise(base, 'LeakyRelu', [
          { name: 'alpha', type: 'FLOAT', f: config(alphaConfig, link).alpha },
        ]);
        break;
      case 'ELU':
        this.elementwise(base, 'Elu', [
          { name: 'alpha', type: 'FLOAT', f: config(alphaConfig, link).alpha },
        ]);
        break;
      case 'Softmax': {
        const { axis } = config(softmaxConfig, link);
        const [single, ...more] = typeof axis === 'number' ? [axis] : axis;
        if (single === undefined || more.length > 0) {
          throw new OnnxExportError(`Layer '${base}' (Softmax): only one axis is exported`);
        }
        this.softmax(base, single);
        break;
      }
      case 'Rescaling':
        this.rescaling(link);
        break;
      default:
        // checkLayers refused it already.
        throw new OnnxExportError(`Layer '${base}' (${link.className}) cannot be exported`);
    }
  }

  private refuseChannelsFirst(link: Link, format: string): void {
    if (format !== 'channelsLast') {
      throw new OnnxExportError(
        `Layer '${link.layer.name}' (${link.className}) uses dataFormat ${format}: only ` +
          'channelsLast is exported',
      );
    }
  }

  /** [top, left, bottom, right] for 'valid' or 'same' padding ('causal' is 1-D only). */
  private pads(
    link: Link,
    padding: string,
    height: number,
    width: number,
    kernel: [number, number],
    strides: [number, number],
  ): number[] {
    if (padding === 'valid') return [0, 0, 0, 0];
    if (padding === 'same') {
      const [top, bottom] = samePads(height, kernel[0], strides[0]);
      const [left, right] = samePads(width, kernel[1], strides[1]);
      return [top, left, bottom, right];
    }
    throw new OnnxExportError(
      `Layer '${link.layer.name}' (${link.className}) uses padding '${padding}': only 'valid' ` +
        "and 'same' are exported",
    );
  }

  private setNchw(name: string, link: Link): void {
    const [h = 0, w = 0, c = 0] = link.outShape;
    this.current = { name, tfShape: link.outShape, onnxShape: [c, h, w], layout: 'nchw' };
  }
}

/** The ONNX input's shape (without the batch) for the tfjs input shape, and how it relates. */
function inputOf(shape: number[], layout: OnnxExportOptions['inputLayout']): Current {
  if (layout === 'features') {
    return { name: ONNX_INPUT_NAME, tfShape: shape, onnxShape: shape, layout: 'rowMajor' };
  }
  const [h, w, c] = shape;
  if (shape.length === 2 && h !== undefined && w !== undefined) {
    // Greyscale [H, W]: NCHW [1, H, W] holds the same numbers in the same order.
    return { name: ONNX_INPUT_NAME, tfShape: shape, onnxShape: [1, h, w], layout: 'rowMajor' };
  }
  if (shape.length === 3 && h !== undefined && w !== undefined && c !== undefined) {
    return { name: ONNX_INPUT_NAME, tfShape: shape, onnxShape: [c, h, w], layout: 'nchw' };
  }
  throw new OnnxExportError(
    `inputLayout 'nchw' needs an image input ([height, width] or [height, width, channels]), ` +
      `but the model's input has shape ${describe(shape)}: use 'features'`,
  );
}

function valueInfo(name: string, shape: number[]): Record<string, unknown> {
  return {
    name,
    type: {
      tensorType: {
        elemType: FLOAT,
        shape: { dim: [{ dimParam: 'batch' }, ...shape.map((dimValue) => ({ dimValue }))] },
      },
    },
  };
}

/**
 * Encodes `model` as an ONNX model whose output `logits` equals `model.predict` on the input the
 * options describe. Refuses (OnnxExportError, before anything is encoded) layers outside
 * ONNX_EXPORTABLE_LAYERS, naming each with its class, and models that are not one chain. Reads
 * the weights without creating tensors: the model is left as it was.
 */
export function exportOnnxModel(
  tf: Tf,
  model: LayersModel,
  options: OnnxExportOptions,
): Uint8Array {
  const links = chainOf(model);
  checkLayers(links);
  const [input] = model.inputs;
  if (input === undefined) throw new OnnxExportError('The model has no input');
  const inputShape = knownShape(input, "The model's input");
  const start = inputOf(inputShape, options.inputLayout);
  const graph = new GraphWriter();
  const exporter = new Exporter(graph, start);
  // No tensor outlives the export: weights are read from the variables, transposed in plain
  // arrays; tidy guards against a tensor a tfjs call might make on the way.
  tf.tidy(() => {
    for (const link of links) exporter.write(link);
    exporter.same(ONNX_OUTPUT_NAME);
  });
  const last = exporter.current;
  const producer = graph.nodes.find((n) => n.output[0] === last.name);
  if (producer !== undefined && last.name !== ONNX_INPUT_NAME) {
    // Rename the last node's output; nothing reads it yet.
    producer.output = [ONNX_OUTPUT_NAME];
  } else {
    // An identity model (only Dropout, say): ONNX needs a node between input and output.
    graph.nodes.push({
      name: ONNX_OUTPUT_NAME,
      opType: 'Identity',
      input: [last.name],
      output: [ONNX_OUTPUT_NAME],
      attribute: [],
    });
  }

  const type = modelProtoType();
  const message = type.fromObject({
    irVersion: IR_VERSION,
    producerName: 'Transferlab',
    producerVersion: options.producerVersion,
    opsetImport: [{ domain: '', version: OPSET }],
    graph: {
      name: model.name,
      node: graph.nodes,
      initializer: graph.initializers,
      input: [valueInfo(ONNX_INPUT_NAME, start.onnxShape)],
      output: [valueInfo(ONNX_OUTPUT_NAME, last.tfShape)],
    },
  });
  return type.encode(message).finish();
}
