import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend, type Tf } from '../../../../src-main/engine/backend';
import {
  convertOnnxModel,
  SUPPORTED_ONNX_OPERATORS,
} from '../../../../src-main/engine/onnx/convert';
import { OnnxImportError } from '../../../../src-main/engine/onnx/graph';
import { onnxModel } from './onnxModels';

let tf: Tf;
beforeAll(async () => {
  tf = (await selectBackend('wasm')).tf;
});

/** Runs a converted model on rows and returns its outputs, freeing everything it made. */
function run(bytes: Uint8Array, rows: number[][]): number[][] {
  const before = tf.memory().numTensors;
  const { model } = convertOnnxModel(tf, bytes);
  const out = tf.tidy(() => {
    const y = model.predict(tf.tensor2d(rows));
    if (Array.isArray(y)) throw new Error('one output expected');
    return y.arraySync() as number[][];
  });
  model.dispose();
  expect(tf.memory().numTensors).toBe(before);
  return out;
}

const X = [
  [1, 2, 3],
  [-0.5, 0.25, 4],
];
// W as ONNX Gemm's B with transB=1: [out=2, in=3].
const W = [
  [0.5, -1, 2],
  [1.5, 0.25, -3],
];
const B = [0.1, -0.2];

function expected(alpha: number, beta: number): number[][] {
  return X.map((row) =>
    W.map((w, j) => alpha * w.reduce((s, wi, i) => s + wi * (row[i] ?? 0), 0) + beta * (B[j] ?? 0)),
  );
}

function expectClose(actual: number[][], wanted: number[][]): void {
  expect(actual.length).toBe(wanted.length);
  actual.forEach((row, i) => {
    row.forEach((v, j) => {
      expect(v).toBeCloseTo(wanted[i]?.[j] ?? NaN, 5);
    });
  });
}

describe('convertOnnxModel', () => {
  it('turns Gemm (transB, alpha, beta) into a dense layer', () => {
    const bytes = onnxModel({
      input: { name: 'x', shape: [1, 3] },
      output: 'y',
      nodes: [
        {
          opType: 'Gemm',
          inputs: ['x', 'w', 'b'],
          outputs: ['y'],
          attributes: { transB: 1 },
          floatAttributes: { alpha: 2, beta: 0.5 },
        },
      ],
      initializers: [
        { name: 'w', dims: [2, 3], type: 'float32', values: W.flat() },
        { name: 'b', dims: [2], type: 'float32', values: B, raw: true },
      ],
    });
    expectClose(run(bytes, X), expected(2, 0.5));
  });

  it('turns MatMul followed by Add into one dense layer, dropping Identity and Dropout', () => {
    const transposed = [0, 1, 2].flatMap((i) => W.map((w) => w[i] ?? 0));
    const bytes = onnxModel({
      input: { name: 'x', shape: [1, 3] },
      output: 'y',
      nodes: [
        { opType: 'Identity', inputs: ['x'], outputs: ['i'] },
        { opType: 'MatMul', inputs: ['i', 'w'], outputs: ['m'] },
        { opType: 'Add', inputs: ['m', 'b'], outputs: ['a'] },
        { opType: 'Dropout', inputs: ['a'], outputs: ['y', 'mask'] },
      ],
      initializers: [
        { name: 'w', dims: [3, 2], type: 'float32', values: transposed },
        { name: 'b', dims: [2], type: 'float32', values: B },
      ],
    });
    const converted = convertOnnxModel(tf, bytes);
    expect(converted.operators).toEqual(['Identity', 'MatMul', 'Add', 'Dropout']);
    expect(converted.parameters).toBe(8);
    expect(converted.input).toEqual({ shape: [3], layout: 'features' });
    expect(converted.producer).toBe('unit-test 1');
    converted.model.dispose();
    expectClose(run(bytes, X), expected(1, 1));
  });

  it('applies LeakyRelu with its alpha, then Softmax', () => {
    const bytes = onnxModel({
      input: { name: 'x', shape: [1, 3] },
      output: 'y',
      nodes: [
        { opType: 'LeakyRelu', inputs: ['x'], outputs: ['l'], floatAttributes: { alpha: 0.2 } },
        { opType: 'Softmax', inputs: ['l'], outputs: ['y'], attributes: { axis: 1 } },
      ],
    });
    const want = X.map((row) => {
      const e = row.map((v) => Math.exp(v < 0 ? 0.2 * v : v));
      const sum = e.reduce((s, v) => s + v, 0);
      return e.map((v) => v / sum);
    });
    expectClose(run(bytes, X), want);
  });

  it('refuses an unsupported operator by name, listing the supported ones', () => {
    const bytes = onnxModel({
      input: { name: 'x', shape: [1, 3] },
      output: 'y',
      nodes: [{ opType: 'Abs', inputs: ['x'], outputs: ['y'] }],
    });
    const before = tf.memory().numTensors;
    expect(() => convertOnnxModel(tf, bytes)).toThrow(OnnxImportError);
    expect(() => convertOnnxModel(tf, bytes)).toThrow(
      `uses operator Abs, which Transferlab cannot convert. Supported operators: ${SUPPORTED_ONNX_OPERATORS.join(', ')}.`,
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a branching graph (a residual Add)', () => {
    const bytes = onnxModel({
      input: { name: 'x', shape: [1, 3] },
      output: 'y',
      nodes: [
        { opType: 'Relu', inputs: ['x'], outputs: ['r'] },
        { opType: 'Add', inputs: ['r', 'x'], outputs: ['y'] },
      ],
    });
    expect(() => convertOnnxModel(tf, bytes)).toThrow(/branches.*only sequential graphs/);
  });

  it('refuses a Reshape that is not a flatten, freeing the layers it built', () => {
    const bytes = onnxModel({
      input: { name: 'x', shape: [1, 4] },
      output: 'y',
      nodes: [
        { opType: 'MatMul', inputs: ['x', 'w'], outputs: ['m'] },
        { opType: 'Reshape', inputs: ['m', 's'], outputs: ['y'] },
      ],
      initializers: [
        { name: 'w', dims: [4, 4], type: 'float32', values: new Array<number>(16).fill(1) },
        { name: 's', dims: [3], type: 'int64', values: [1, 2, 2] },
      ],
    });
    const before = tf.memory().numTensors;
    expect(() => convertOnnxModel(tf, bytes)).toThrow(/Reshape to \[1, 2, 2\] is not supported/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('maps an NCHW input to NHWC and flattens channel-major before a dense layer', () => {
    // x: [N, C=2, H=1, W=2]; y = sum over the flattened NCHW vector weighted 1, 10, 100, 1000.
    const bytes = onnxModel({
      input: { name: 'x', shape: [1, 2, 1, 2] },
      output: 'y',
      nodes: [
        { opType: 'Flatten', inputs: ['x'], outputs: ['f'] },
        { opType: 'Gemm', inputs: ['f', 'w'], outputs: ['y'], attributes: { transB: 1 } },
      ],
      initializers: [{ name: 'w', dims: [1, 4], type: 'float32', values: [1, 10, 100, 1000] }],
    });
    const converted = convertOnnxModel(tf, bytes);
    expect(converted.input).toEqual({ shape: [1, 2, 2], layout: 'nchw' });
    // NCHW values c0: [1, 2], c1: [3, 4] → NHWC [[[1, 3], [2, 4]]].
    const y = tf.tidy(() => {
      const out = converted.model.predict(tf.tensor4d([1, 3, 2, 4], [1, 1, 2, 2]));
      if (Array.isArray(out)) throw new Error('one output expected');
      return out.arraySync() as number[][];
    });
    converted.model.dispose();
    expect(y[0]?.[0]).toBeCloseTo(1 + 20 + 300 + 4000, 3);
  });
});
