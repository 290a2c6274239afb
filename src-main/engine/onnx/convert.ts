import type { LayersModel, SymbolicTensor, Tensor } from '@tensorflow/tfjs';
import type { Tf } from '../backend';
import {
  OnnxImportError,
  parseOnnxModel,
  type OnnxGraph,
  type OnnxNode,
  type OnnxTensor,
} from './graph';

/**
 * ONNX → tfjs LayersModel for sequential feed-forward and convolutional classifiers, as PyTorch
 * exports them (issue 13, point 1). ONNX computes in NCHW, tfjs layers in NHWC: the model's input
 * becomes [H, W, C], convolution kernels go from [out, in, kh, kw] to [kh, kw, in, out], and a
 * flatten after the convolutional trunk first permutes back to channel-major order, so that the
 * dense weights that follow apply unchanged.
 */

/**
 * What the converter accepts. Constant and Pad are plumbing PyTorch emits around the listed
 * operators (the shape of `x.view(n, -1)`; the zero Pad before every AvgPool2d).
 */
export const SUPPORTED_ONNX_OPERATORS = [
  'Gemm',
  'MatMul',
  'Add',
  'Conv',
  'Relu',
  'LeakyRelu',
  'Sigmoid',
  'Tanh',
  'Softmax',
  'MaxPool',
  'AveragePool',
  'GlobalAveragePool',
  'Flatten',
  'Reshape',
  'BatchNormalization',
  'Dropout',
  'Identity',
  'Constant',
  'Pad',
] as const;

const SUPPORTED: ReadonlySet<string> = new Set(SUPPORTED_ONNX_OPERATORS);

export interface OnnxInputContract {
  /** The tfjs input shape without the batch: [H, W, C] for 'nchw', [F] for 'features'. */
  shape: number[];
  /**
   * 'nchw': the ONNX model took [N, C, H, W]; feed the tfjs model NHWC (transpose [0, 2, 3, 1]).
   * 'features': the ONNX model took [N, F]; feed it unchanged.
   */
  layout: 'nchw' | 'features';
}

export interface ConvertedOnnxModel {
  model: LayersModel;
  input: OnnxInputContract;
  /** The distinct operators of the ONNX graph, in order of first use. */
  operators: string[];
  parameters: number;
  producer: string;
  opset: number;
}

type Layer = LayersModel['layers'][number];

/** A node of the chain with the one activation tensor it reads and its constant operands. */
interface Step {
  node: OnnxNode;
  where: string;
  /** Inputs after the data input, resolved to constants; undefined where the input is omitted. */
  operands: (OnnxTensor | undefined)[];
}

function intsAttr(node: OnnxNode, name: string, fallback: number[]): number[] {
  const attribute = node.attributes.get(name);
  if (attribute === undefined) return fallback;
  if (attribute.kind === 'ints') return attribute.value;
  if (attribute.kind === 'int') return [attribute.value];
  throw new OnnxImportError(`${node.opType} attribute ${name} is not a list of integers`);
}

function intAttr(node: OnnxNode, name: string, fallback: number): number {
  const attribute = node.attributes.get(name);
  if (attribute === undefined) return fallback;
  if (attribute.kind === 'int') return attribute.value;
  throw new OnnxImportError(`${node.opType} attribute ${name} is not an integer`);
}

function floatAttr(node: OnnxNode, name: string, fallback: number): number {
  const attribute = node.attributes.get(name);
  if (attribute === undefined) return fallback;
  if (attribute.kind === 'float') return attribute.value;
  if (attribute.kind === 'int') return attribute.value;
  throw new OnnxImportError(`${node.opType} attribute ${name} is not a number`);
}

function stringAttr(node: OnnxNode, name: string, fallback: string): string {
  const attribute = node.attributes.get(name);
  if (attribute === undefined) return fallback;
  if (attribute.kind === 'string') return attribute.value;
  throw new OnnxImportError(`${node.opType} attribute ${name} is not a string`);
}

function floats(tensor: OnnxTensor | undefined, what: string): Float32Array {
  if (tensor === undefined) throw new OnnxImportError(`${what} is missing`);
  if (tensor.dataType !== 'float') throw new OnnxImportError(`${what} is not a float tensor`);
  return tensor.values;
}

function ints(tensor: OnnxTensor | undefined, what: string): number[] {
  if (tensor === undefined) throw new OnnxImportError(`${what} is missing`);
  if (tensor.dataType !== 'int') throw new OnnxImportError(`${what} is not an integer tensor`);
  return tensor.values;
}

function product(values: number[]): number {
  return values.reduce((p, v) => p * v, 1);
}

/** Refuses operators outside the list, by name, before anything else is looked at. */
function checkOperators(graph: OnnxGraph): string[] {
  const operators = [...new Set(graph.nodes.map((n) => n.opType))];
  const unsupported = operators.filter((op) => !SUPPORTED.has(op));
  if (unsupported.length > 0) {
    throw new OnnxImportError(
      `The ONNX model uses ${unsupported.length === 1 ? 'operator' : 'operators'} ` +
        `${unsupported.join(', ')}, which Transferlab cannot convert. ` +
        `Supported operators: ${SUPPORTED_ONNX_OPERATORS.join(', ')}.`,
    );
  }
  return operators;
}

/**
 * Orders the graph as one chain from the input to the output: every non-constant node reads
 * exactly the tensor the previous one wrote. Anything else (a residual Add, a concatenation, two
 * outputs) is a branching graph, which this converter does not handle.
 */
function chain(graph: OnnxGraph): Step[] {
  const constants = new Map(graph.initializers);
  for (const node of graph.nodes) {
    if (node.opType !== 'Constant') continue;
    const value = node.attributes.get('value');
    const output = node.outputs[0];
    if (value?.kind !== 'tensor' || output === undefined) {
      throw new OnnxImportError(
        `Constant ${node.name} has no tensor value; only Constant(value=tensor) is supported`,
      );
    }
    constants.set(output, value.value);
  }

  const steps: Step[] = [];
  let current = graph.input.name;
  const consumed = new Set<string>();
  for (const [index, node] of graph.nodes.entries()) {
    if (node.opType === 'Constant') continue;
    const where = `${node.opType} node ${node.name || String(index)}`;
    const data = node.inputs.filter((name) => name !== '' && !constants.has(name));
    if (data.length !== 1 || data[0] !== current || node.inputs[0] !== current) {
      const missing = data.find((name) => name !== current);
      throw new OnnxImportError(
        consumed.has(current) || data.length > 1
          ? `${where} reads ${data.join(' and ')}: the ONNX graph branches, and only sequential ` +
              'graphs (one chain of operators from input to output) are supported'
          : `${where} reads ${missing ?? '(nothing)'}, which is neither the previous operator's ` +
              'output nor a tensor in the file: the graph is not sequential or the file is corrupt',
      );
    }
    consumed.add(current);
    const output = node.outputs[0];
    if (output === undefined || output === '') {
      throw new OnnxImportError(`${where} has no output`);
    }
    steps.push({
      node,
      where,
      operands: node.inputs.slice(1).map((name) => (name === '' ? undefined : constants.get(name))),
    });
    current = output;
  }
  if (graph.outputs.length !== 1 || graph.outputs[0] !== current) {
    throw new OnnxImportError(
      `The ONNX graph's outputs (${graph.outputs.join(', ')}) are not the end of its one chain ` +
        `(${current}): only sequential graphs with one output are supported`,
    );
  }
  return steps;
}

function inputContract(graph: OnnxGraph): OnnxInputContract {
  const shape = graph.input.shape;
  const known = (dims: (number | null)[]): dims is number[] => dims.every((d) => d !== null);
  if (shape.length === 4) {
    const [, c, h, w] = shape;
    const chw = [c ?? null, h ?? null, w ?? null];
    if (known(chw)) {
      const [channels, height, width] = chw;
      if (channels !== undefined && height !== undefined && width !== undefined) {
        return { shape: [height, width, channels], layout: 'nchw' };
      }
    }
  }
  if (shape.length === 2) {
    const features = shape[1];
    if (features !== undefined && features !== null) {
      return { shape: [features], layout: 'features' };
    }
  }
  throw new OnnxImportError(
    `The ONNX model's input has shape [${shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]; ` +
      'supported are images [N, C, H, W] and feature vectors [N, F] with known C, H, W or F',
  );
}

/** TensorFlow's 'same' padding along one axis: [before, after]. */
function samePads(size: number, kernel: number, stride: number): [number, number] {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + kernel - size, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/** Builds the tfjs graph layer by layer; each layer's weights are set once it is built. */
class Builder {
  readonly layers: Layer[] = [];

  constructor(
    private readonly tf: Tf,
    public x: SymbolicTensor,
  ) {}

  get shape(): (number | null)[] {
    return this.x.shape;
  }

  /** [H, W, C] of the current NHWC tensor; the caller checked its rank. */
  get spatial(): [number, number, number] {
    const [, h, w, c] = this.shape;
    if (typeof h !== 'number' || typeof w !== 'number' || typeof c !== 'number') {
      throw new OnnxImportError('The converter lost track of a spatial shape');
    }
    return [h, w, c];
  }

  get features(): number {
    const f = this.shape[1];
    if (typeof f !== 'number') throw new OnnxImportError('The converter lost track of a shape');
    return f;
  }

  add(layer: Layer, weights?: () => Tensor[]): void {
    this.layers.push(layer);
    const out = layer.apply(this.x);
    if (Array.isArray(out) || !(out instanceof this.tf.SymbolicTensor)) {
      throw new OnnxImportError(`Layer ${layer.name} did not give one symbolic tensor`);
    }
    this.x = out;
    if (weights !== undefined) {
      const values = weights();
      try {
        layer.setWeights(values);
      } finally {
        this.tf.dispose(values);
      }
    }
  }

  zeroPad(top: number, bottom: number, left: number, right: number): void {
    if (top === 0 && bottom === 0 && left === 0 && right === 0) return;
    this.add(
      this.tf.layers.zeroPadding2d({
        padding: [
          [top, bottom],
          [left, right],
        ],
      }),
    );
  }

  /** ONNX's flatten of an NCHW tensor is channel-major: permute NHWC back to CHW first. */
  flatten(): void {
    if (this.shape.length === 2) return;
    this.add(this.tf.layers.permute({ dims: [3, 1, 2] }));
    this.add(this.tf.layers.flatten());
  }
}

function requireRank(builder: Builder, step: Step, rank: number): void {
  if (builder.shape.length !== rank) {
    throw new OnnxImportError(
      `${step.where} gets a rank-${String(builder.shape.length)} tensor; ` +
        `the converter supports it on rank ${String(rank)} only`,
    );
  }
}

function dense(
  tf: Tf,
  builder: Builder,
  step: Step,
  kernel: Float32Array,
  kernelDims: number[],
  transpose: boolean,
  alpha: number,
  bias: Float32Array | undefined,
  beta: number,
): void {
  requireRank(builder, step, 2);
  const [rows, cols] = kernelDims;
  if (kernelDims.length !== 2 || rows === undefined || cols === undefined) {
    throw new OnnxImportError(`${step.where}'s weight is not a matrix`);
  }
  const [inputs, units] = transpose ? [cols, rows] : [rows, cols];
  if (inputs !== builder.features) {
    throw new OnnxImportError(
      `${step.where} expects ${String(inputs)} inputs but gets ${String(builder.features)}`,
    );
  }
  let biasValues: Float32Array | undefined;
  if (bias !== undefined) {
    if (bias.length !== units && bias.length !== 1) {
      throw new OnnxImportError(
        `${step.where}'s bias has ${String(bias.length)} values for ${String(units)} units`,
      );
    }
    const b = bias;
    biasValues = Float32Array.from(
      { length: units },
      (_, i) => beta * (b.length === 1 ? (b[0] ?? 0) : (b[i] ?? 0)),
    );
  }
  const useBias = biasValues !== undefined;
  builder.add(tf.layers.dense({ units, useBias }), () => {
    const w = tf.tidy(() => {
      const matrix = tf.tensor2d(kernel, [rows, cols]);
      const oriented = transpose ? matrix.transpose() : matrix;
      return alpha === 1 ? oriented : oriented.mul(alpha);
    });
    return biasValues === undefined ? [w] : [w, tf.tensor1d(biasValues)];
  });
}

function convert(tf: Tf, graph: OnnxGraph, steps: Step[], builder: Builder): void {
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    if (step === undefined) continue;
    const { node, where } = step;
    const [first, second, third, fourth] = step.operands;
    switch (node.opType) {
      case 'Dropout':
      case 'Identity':
        break;
      case 'Relu':
      case 'Sigmoid':
      case 'Tanh': {
        const activation =
          node.opType === 'Relu' ? 'relu' : node.opType === 'Sigmoid' ? 'sigmoid' : 'tanh';
        builder.add(tf.layers.activation({ activation }));
        break;
      }
      case 'LeakyRelu':
        builder.add(tf.layers.leakyReLU({ alpha: floatAttr(node, 'alpha', 0.01) }));
        break;
      case 'Softmax': {
        const rank = builder.shape.length;
        const defaultAxis = graph.opset >= 13 ? -1 : 1;
        let axis = intAttr(node, 'axis', defaultAxis);
        if (axis < 0) axis += rank;
        if (rank !== 2 && graph.opset < 13) {
          throw new OnnxImportError(
            `${where}: Softmax before opset 13 is supported on rank 2 only`,
          );
        }
        // An NCHW axis in NHWC order: C (1) is last, H and W move down one.
        const tfAxis = rank === 4 ? ([0, 3, 1, 2][axis] ?? -1) : axis;
        builder.add(tf.layers.softmax({ axis: tfAxis }));
        break;
      }
      case 'Gemm': {
        if (intAttr(node, 'transA', 0) !== 0) {
          throw new OnnxImportError(`${where}: Gemm with transA=1 is not supported`);
        }
        const b = floats(first, `${where}'s weight B`);
        dense(
          tf,
          builder,
          step,
          b,
          first?.dims ?? [],
          intAttr(node, 'transB', 0) === 1,
          floatAttr(node, 'alpha', 1),
          second === undefined ? undefined : floats(second, `${where}'s bias C`),
          floatAttr(node, 'beta', 1),
        );
        break;
      }
      case 'MatMul': {
        const w = floats(first, `${where}'s weight`);
        // PyTorch's Linear on more than two dimensions, or x @ W + b: MatMul then Add(bias).
        const next = steps[i + 1];
        let bias: Float32Array | undefined;
        if (next?.node.opType === 'Add') {
          bias = floats(next.operands[0], `${next.where}'s bias`);
          i++;
        }
        dense(tf, builder, step, w, first?.dims ?? [], false, 1, bias, 1);
        break;
      }
      case 'Add':
        throw new OnnxImportError(
          `${where}: Add is supported only as the bias after a MatMul (a sequential graph)`,
        );
      case 'Conv':
        conv(tf, builder, step, floats(first, `${where}'s weight`), first?.dims ?? [], second);
        break;
      case 'MaxPool':
      case 'AveragePool':
        pool(tf, builder, step);
        break;
      case 'GlobalAveragePool': {
        requireRank(builder, step, 4);
        const [, , c] = builder.spatial;
        // ONNX keeps [N, C, 1, 1]: so does this, as [N, 1, 1, C].
        builder.add(tf.layers.globalAveragePooling2d({ dataFormat: 'channelsLast' }));
        builder.add(tf.layers.reshape({ targetShape: [1, 1, c] }));
        break;
      }
      case 'Flatten':
        if (intAttr(node, 'axis', 1) !== 1) {
          throw new OnnxImportError(`${where}: Flatten is supported with axis=1 only`);
        }
        if (builder.shape.length !== 2 && builder.shape.length !== 4) requireRank(builder, step, 4);
        builder.flatten();
        break;
      case 'Reshape':
        reshape(graph, builder, step, ints(first, `${where}'s shape`));
        break;
      case 'BatchNormalization': {
        if (intAttr(node, 'training_mode', 0) !== 0) {
          throw new OnnxImportError(
            `${where}: BatchNormalization in training mode is not supported`,
          );
        }
        const rank = builder.shape.length;
        if (rank !== 2 && rank !== 4) requireRank(builder, step, 4);
        const channels = rank === 4 ? builder.spatial[2] : builder.features;
        const tensors = [
          floats(first, `${where}'s scale`),
          floats(second, `${where}'s bias`),
          floats(third, `${where}'s mean`),
          floats(fourth, `${where}'s variance`),
        ];
        if (tensors.some((t) => t.length !== channels)) {
          throw new OnnxImportError(`${where}'s parameters do not have ${String(channels)} values`);
        }
        builder.add(
          tf.layers.batchNormalization({ axis: -1, epsilon: floatAttr(node, 'epsilon', 1e-5) }),
          () => tensors.map((t) => tf.tensor1d(t)),
        );
        break;
      }
      case 'Pad': {
        if (stringAttr(node, 'mode', 'constant') !== 'constant') {
          throw new OnnxImportError(`${where}: only constant padding is supported`);
        }
        const pads =
          first === undefined ? intsAttr(node, 'pads', []) : ints(first, `${where}'s pads`);
        const value =
          second === undefined
            ? floatAttr(node, 'value', 0)
            : (floats(second, `${where}'s constant value`)[0] ?? 0);
        if (pads.every((p) => p === 0)) break;
        const [n0, c0, h0, w0, n1, c1, h1, w1] = pads;
        if (
          builder.shape.length !== 4 ||
          pads.length !== 8 ||
          value !== 0 ||
          pads.some((p) => p < 0) ||
          n0 !== 0 ||
          c0 !== 0 ||
          n1 !== 0 ||
          c1 !== 0
        ) {
          throw new OnnxImportError(
            `${where}: only zero padding of the height and width of an image is supported`,
          );
        }
        builder.zeroPad(h0 ?? 0, h1 ?? 0, w0 ?? 0, w1 ?? 0);
        break;
      }
      default:
        throw new OnnxImportError(`${where}: operator ${node.opType} is not supported`);
    }
  }
}

function conv(
  tf: Tf,
  builder: Builder,
  step: Step,
  weight: Float32Array,
  dims: number[],
  biasTensor: OnnxTensor | undefined,
): void {
  const { node, where } = step;
  requireRank(builder, step, 4);
  const [out, inChannels, kh, kw] = dims;
  if (
    dims.length !== 4 ||
    out === undefined ||
    inChannels === undefined ||
    kh === undefined ||
    kw === undefined
  ) {
    throw new OnnxImportError(
      `${where}: only 2-D convolutions (weight [out, in, kh, kw]) are supported`,
    );
  }
  const [height, width, channels] = builder.spatial;
  if (intAttr(node, 'group', 1) !== 1 || inChannels !== channels) {
    throw new OnnxImportError(
      `${where}: grouped or depthwise convolutions are not supported (group ${String(intAttr(node, 'group', 1))}, ` +
        `${String(inChannels)} weight channels for ${String(channels)} input channels)`,
    );
  }
  const [sh = 1, sw = 1] = intsAttr(node, 'strides', [1, 1]);
  const [dh = 1, dw = 1] = intsAttr(node, 'dilations', [1, 1]);
  if ((dh !== 1 || dw !== 1) && (sh !== 1 || sw !== 1)) {
    throw new OnnxImportError(`${where}: dilation together with stride is not supported by tfjs`);
  }
  const autoPad = stringAttr(node, 'auto_pad', 'NOTSET');
  let pads: number[];
  if (autoPad === 'SAME_UPPER') {
    const [top, bottom] = samePads(height, (kh - 1) * dh + 1, sh);
    const [left, right] = samePads(width, (kw - 1) * dw + 1, sw);
    pads = [top, left, bottom, right];
  } else if (autoPad === 'NOTSET' || autoPad === 'VALID') {
    pads = autoPad === 'VALID' ? [0, 0, 0, 0] : intsAttr(node, 'pads', [0, 0, 0, 0]);
  } else {
    throw new OnnxImportError(`${where}: auto_pad ${autoPad} is not supported`);
  }
  const [top = 0, left = 0, bottom = 0, right = 0] = pads;
  builder.zeroPad(top, bottom, left, right);
  const bias = biasTensor === undefined ? undefined : floats(biasTensor, `${where}'s bias`);
  if (bias !== undefined && bias.length !== out) {
    throw new OnnxImportError(
      `${where}'s bias has ${String(bias.length)} values for ${String(out)} filters`,
    );
  }
  builder.add(
    tf.layers.conv2d({
      filters: out,
      kernelSize: [kh, kw],
      strides: [sh, sw],
      dilationRate: [dh, dw],
      padding: 'valid',
      dataFormat: 'channelsLast',
      useBias: bias !== undefined,
    }),
    () => {
      // ONNX [out, in, kh, kw] → tfjs [kh, kw, in, out].
      const kernel = tf.tidy(() =>
        tf.tensor4d(weight, [out, inChannels, kh, kw]).transpose([2, 3, 1, 0]),
      );
      return bias === undefined ? [kernel] : [kernel, tf.tensor1d(bias)];
    },
  );
}

function pool(tf: Tf, builder: Builder, step: Step): void {
  const { node, where } = step;
  requireRank(builder, step, 4);
  const [kh, kw] = intsAttr(node, 'kernel_shape', []);
  if (kh === undefined || kw === undefined) {
    throw new OnnxImportError(`${where}: only 2-D pooling (kernel_shape [kh, kw]) is supported`);
  }
  const [sh = 1, sw = 1] = intsAttr(node, 'strides', [1, 1]);
  if (intAttr(node, 'ceil_mode', 0) !== 0) {
    throw new OnnxImportError(`${where}: ceil_mode=1 is not supported`);
  }
  if (intsAttr(node, 'dilations', [1, 1]).some((d) => d !== 1)) {
    throw new OnnxImportError(`${where}: dilated pooling is not supported`);
  }
  const [height, width] = builder.spatial;
  const autoPad = stringAttr(node, 'auto_pad', 'NOTSET');
  const same = [...samePads(height, kh, sh), ...samePads(width, kw, sw)];
  let padding: 'valid' | 'same';
  if (autoPad === 'SAME_UPPER') {
    padding = 'same';
  } else if (autoPad === 'VALID' || autoPad === 'NOTSET') {
    const [top = 0, left = 0, bottom = 0, right = 0] =
      autoPad === 'VALID' ? [] : intsAttr(node, 'pads', [0, 0, 0, 0]);
    const countPads = node.opType === 'AveragePool' && intAttr(node, 'count_include_pad', 0) === 1;
    if (top === 0 && left === 0 && bottom === 0 && right === 0) {
      padding = 'valid';
    } else if (countPads) {
      // Padded zeros count in the average: pad explicitly, then pool without padding.
      builder.zeroPad(top, bottom, left, right);
      padding = 'valid';
    } else if ([top, bottom, left, right].every((p, k) => p === same[k])) {
      // Padding ignored by the pool (max, or average without the pads) is tfjs's 'same'.
      padding = 'same';
    } else {
      throw new OnnxImportError(
        `${where}: pads [${[top, left, bottom, right].join(', ')}] are not supported ` +
          '(only none, or the same padding TensorFlow computes)',
      );
    }
  } else {
    throw new OnnxImportError(`${where}: auto_pad ${autoPad} is not supported`);
  }
  const config: {
    poolSize: [number, number];
    strides: [number, number];
    padding: 'valid' | 'same';
    dataFormat: 'channelsLast';
  } = {
    poolSize: [kh, kw],
    strides: [sh, sw],
    padding,
    dataFormat: 'channelsLast',
  };
  builder.add(
    node.opType === 'MaxPool' ? tf.layers.maxPooling2d(config) : tf.layers.averagePooling2d(config),
  );
}

/**
 * Reshape, as PyTorch's `x.view(x.size(0), -1)` exports it: to [batch, -1] or [-1, features]
 * (batch being 1, -1, 0 or the exported batch size), which is a flatten. Any other reshape is
 * refused.
 */
function reshape(graph: OnnxGraph, builder: Builder, step: Step, target: number[]): void {
  const rank = builder.shape.length;
  if (rank !== 2 && rank !== 4) requireRank(builder, step, 4);
  const features = rank === 4 ? product(builder.spatial) : builder.features;
  const [batch, size] = target;
  const exportedBatch = graph.input.shape[0];
  const batchOk =
    batch !== undefined && (batch === 1 || batch === -1 || batch === 0 || batch === exportedBatch);
  const sizeOk = size === features || (size === -1 && batch !== -1);
  if (target.length !== 2 || !batchOk || !sizeOk) {
    throw new OnnxImportError(
      `${step.where}: Reshape to [${target.join(', ')}] is not supported; only a flatten to ` +
        `[batch, -1] or [-1, ${String(features)}] is`,
    );
  }
  builder.flatten();
}

/**
 * Converts an ONNX model's bytes to a tfjs LayersModel with the same outputs. Refuses, with an
 * OnnxImportError, unreadable files, operators outside SUPPORTED_ONNX_OPERATORS (named, with the
 * list) and graphs that are not one chain. The caller owns the model: dispose it.
 */
export function convertOnnxModel(tf: Tf, bytes: Uint8Array): ConvertedOnnxModel {
  const graph = parseOnnxModel(bytes);
  const operators = checkOperators(graph);
  const steps = chain(graph);
  const input = inputContract(graph);

  const x = tf.input({ shape: input.shape });
  const builder = new Builder(tf, x);
  try {
    convert(tf, graph, steps, builder);
    if (builder.shape.length !== 2) {
      throw new OnnxImportError(
        `The ONNX model's output has rank ${String(builder.shape.length)}; only classifiers with ` +
          'a [N, classes] output are supported',
      );
    }
    const model = tf.model({ inputs: x, outputs: builder.x, name: 'onnx_import' });
    return {
      model,
      input,
      operators,
      parameters: model.countParams(),
      producer: graph.producer,
      opset: graph.opset,
    };
  } catch (error) {
    // Built layers hold weight variables: free them before refusing.
    for (const layer of builder.layers) {
      try {
        layer.dispose();
      } catch {
        // A layer that never built has nothing to free.
      }
    }
    throw error;
  }
}
