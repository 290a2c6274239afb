import type { LayersModel, Tensor } from '@tensorflow/tfjs';
import { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ModelSpec } from '../../../src-shared/domain/experimentSpec';
import { selectBackend, type Tf } from '../../../src-main/engine/backend';
import { buildModel } from '../../../src-main/engine/model';
import { convertOnnxModel } from '../../../src-main/engine/onnx/convert';
import {
  exportOnnxModel,
  ONNX_EXPORTABLE_ACTIVATIONS,
  ONNX_EXPORTABLE_LAYERS,
  type OnnxExportOptions,
} from '../../../src-main/engine/onnx/export';
import { decodeModelProto } from '../../../src-main/engine/onnx/proto';
import {
  pytorchInputs,
  pytorchOutputs,
  readPretrainedFixture,
} from '../../helpers/pretrainedFixtures';

/**
 * tfjs → ONNX export (`transferlab models export <id> --format onnx`): the exported model, run
 * in ONNX Runtime (onnxruntime-node, CPU), gives the tfjs model's logits to 1e-4, for
 * Transferlab's own MLP and CNN, for a model that uses every exportable layer, and for the
 * PyTorch fixtures after a round trip ONNX → tfjs (convert.ts) → ONNX. Unsupported layers and
 * branching models are refused by name, and an export leaves no tensor behind.
 */

const read = readPretrainedFixture;
const inputs = pytorchInputs;
const outputs = pytorchOutputs;

const TOLERANCE = 1e-4;
const BATCH = 8;

let tf: Tf;
beforeAll(async () => {
  tf = (await selectBackend('wasm')).tf;
});

/** Moves every weight by a seeded uniform amount, so biases and batch-norm stats are not trivial. */
function perturbWeights(model: LayersModel, seed: number): void {
  const weights = model.getWeights();
  const moved = weights.map((w, k) =>
    tf.tidy(() => w.add(tf.randomUniform(w.shape, -0.1, 0.1, 'float32', seed + k))),
  );
  model.setWeights(moved);
  tf.dispose(moved);
}

/** The ONNX input's shape: the graph input's dims, the batch (dim_param) as BATCH. */
function onnxInputShape(bytes: Uint8Array): number[] {
  const proto = z
    .object({
      graph: z.object({
        input: z.array(
          z.object({
            type: z.object({
              tensorType: z.object({
                shape: z.object({
                  dim: z.array(
                    z.object({ dimValue: z.number().optional(), dimParam: z.string().optional() }),
                  ),
                }),
              }),
            }),
          }),
        ),
      }),
    })
    .parse(decodeModelProto(bytes));
  const dims = proto.graph.input[0]?.type.tensorType.shape.dim ?? [];
  return dims.map((d) => (d.dimParam === 'batch' ? BATCH : (d.dimValue ?? 0)));
}

async function runOnnx(
  bytes: Uint8Array,
  data: Float32Array,
  shape: number[],
): Promise<Float32Array> {
  const session = await InferenceSession.create(Buffer.from(bytes));
  try {
    const result = await session.run({ input: new OrtTensor('float32', data, shape) });
    const logits = result.logits;
    if (logits === undefined) throw new Error('the ONNX model has no output named logits');
    const values = logits.data;
    if (!(values instanceof Float32Array)) throw new Error('logits are not float32');
    return values;
  } finally {
    await session.release();
  }
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  return max;
}

/**
 * Exports `model`, runs it in ONNX Runtime on BATCH seeded inputs and returns the largest
 * difference from model.predict. For 'nchw' on an [H, W, C] input the ONNX input is the NCHW
 * transpose; otherwise ([H, W] greyscale, features) the same numbers.
 */
async function exportAndCompare(
  model: LayersModel,
  options: OnnxExportOptions,
  seed: number,
): Promise<number> {
  const before = tf.memory().numTensors;
  const bytes = exportOnnxModel(tf, model, options);
  expect(tf.memory().numTensors).toBe(before);

  const featureShape = model.inputs[0]?.shape.slice(1).map(Number) ?? [];
  const x = tf.randomUniform([BATCH, ...featureShape], 0, 1, 'float32', seed);
  const y = model.predict(x) as Tensor;
  const expected = y.dataSync();
  const onnxX =
    options.inputLayout === 'nchw' && featureShape.length === 3 ? tf.transpose(x, [0, 3, 1, 2]) : x;
  const data = Float32Array.from(onnxX.dataSync());
  tf.dispose([x, y, onnxX]);
  const actual = await runOnnx(bytes, data, onnxInputShape(bytes));
  return maxAbsDiff(actual, expected);
}

const MLP: ModelSpec = { type: 'mlp', hidden: [32, 16], activation: 'relu' };
const CNN: ModelSpec = { type: 'cnn', conv: [4, 8], dense: [16], kernelSize: 3 };

describe("Transferlab's own models in ONNX Runtime", () => {
  const cases: {
    name: string;
    spec: ModelSpec;
    featureShape: number[];
    layout: OnnxExportOptions['inputLayout'];
    input: number[];
  }[] = [
    {
      name: 'MLP on [784]',
      spec: MLP,
      featureShape: [784],
      layout: 'features',
      input: [BATCH, 784],
    },
    {
      name: 'MLP on [28, 28]',
      spec: MLP,
      featureShape: [28, 28],
      layout: 'features',
      input: [BATCH, 28, 28],
    },
    {
      name: 'MLP on [28, 28] as NCHW',
      spec: MLP,
      featureShape: [28, 28],
      layout: 'nchw',
      input: [BATCH, 1, 28, 28],
    },
    {
      name: 'CNN on [28, 28]',
      spec: CNN,
      featureShape: [28, 28],
      layout: 'nchw',
      input: [BATCH, 1, 28, 28],
    },
    {
      name: 'CNN on [28, 28] as features',
      spec: CNN,
      featureShape: [28, 28],
      layout: 'features',
      input: [BATCH, 28, 28],
    },
  ];
  it.each(cases)(
    '$name gives the tfjs logits to 1e-4',
    async ({ name, spec, featureShape, layout, input }) => {
      const model = buildModel(tf, spec, featureShape, 10, 7);
      perturbWeights(model, 11);
      const bytes = exportOnnxModel(tf, model, { inputLayout: layout, producerVersion: '0.1.0' });
      expect(onnxInputShape(bytes)).toEqual(input);
      const diff = await exportAndCompare(
        model,
        { inputLayout: layout, producerVersion: '0.1.0' },
        3,
      );
      model.dispose();
      console.log(`${name}: max |ONNX Runtime − tfjs| = ${diff.toExponential(2)}`);
      expect(diff).toBeLessThanOrEqual(TOLERANCE);
    },
  );

  it('writes the model header, input and output as documented', () => {
    const model = buildModel(tf, CNN, [28, 28], 10, 7);
    const proto = z
      .object({
        irVersion: z.number(),
        producerName: z.string(),
        producerVersion: z.string(),
        opsetImport: z.array(z.object({ domain: z.string().optional(), version: z.number() })),
        graph: z.object({
          node: z.array(z.object({ opType: z.string() })),
          input: z.array(z.object({ name: z.string() })),
          output: z.array(z.object({ name: z.string() })),
        }),
      })
      .parse(
        decodeModelProto(
          exportOnnxModel(tf, model, { inputLayout: 'nchw', producerVersion: '1.2.3' }),
        ),
      );
    model.dispose();
    expect(proto).toMatchObject({
      irVersion: 8,
      producerName: 'Transferlab',
      producerVersion: '1.2.3',
    });
    expect(proto.opsetImport).toEqual([{ domain: '', version: 13 }]);
    expect(proto.graph.input.map((i) => i.name)).toEqual(['input']);
    expect(proto.graph.output.map((o) => o.name)).toEqual(['logits']);
    // The greyscale input needs no Reshape; the trunk stays NCHW until the one Transpose
    // before Flatten.
    expect(proto.graph.node.map((n) => n.opType)).toEqual([
      'Conv',
      'Relu',
      'MaxPool',
      'Conv',
      'Relu',
      'MaxPool',
      'Transpose',
      'Flatten',
      'Gemm',
      'Relu',
      'Gemm',
    ]);
  });
});

describe('every exportable layer', () => {
  type Layers = typeof tf.layers;
  type AnyLayer = LayersModel['layers'][number];

  /**
   * Each layer between a linear 'same' convolution (so its input has both signs and an
   * [H, W] that is neither square nor even) and a linear Dense output, so that a wrong attribute
   * shows in the logits instead of being squashed by the layers after it.
   */
  const imageCases: [string, (l: Layers) => AnyLayer[]][] = [
    [
      'Conv2D strided same',
      (l) => [l.conv2d({ filters: 3, kernelSize: 3, strides: 2, padding: 'same' })],
    ],
    [
      'Conv2D dilated, elu',
      (l) => [l.conv2d({ filters: 3, kernelSize: [2, 3], dilationRate: 2, activation: 'elu' })],
    ],
    [
      'Conv2D softmax activation',
      (l) => [l.conv2d({ filters: 3, kernelSize: 1, activation: 'softmax' })],
    ],
    ['MaxPooling2D same', (l) => [l.maxPooling2d({ poolSize: 2, padding: 'same' })]],
    ['MaxPooling2D valid strided', (l) => [l.maxPooling2d({ poolSize: [3, 2], strides: [2, 1] })]],
    [
      'AveragePooling2D same',
      (l) => [l.averagePooling2d({ poolSize: 3, strides: 1, padding: 'same' })],
    ],
    ['AveragePooling2D valid', (l) => [l.averagePooling2d({ poolSize: 2 })]],
    ['GlobalAveragePooling2D', (l) => [l.globalAveragePooling2d({})]],
    ['GlobalMaxPooling2D', (l) => [l.globalMaxPooling2d({})]],
    [
      'ZeroPadding2D',
      (l) => [
        l.zeroPadding2d({
          padding: [
            [1, 0],
            [2, 1],
          ],
        }),
      ],
    ],
    ['BatchNormalization', (l) => [l.batchNormalization({ epsilon: 0.01 })]],
    [
      'BatchNormalization on rank 3',
      (l) => [l.reshape({ targetShape: [7, 24] }), l.batchNormalization({ epsilon: 0.01 })],
    ],
    ['Permute to CHW', (l) => [l.permute({ dims: [3, 1, 2] })]],
    ['Permute', (l) => [l.permute({ dims: [2, 3, 1] })]],
    [
      'Reshape and a Dense on rank 3',
      (l) => [l.reshape({ targetShape: [7, 24] }), l.dense({ units: 5 })],
    ],
    ['Softmax on channels', (l) => [l.softmax({ axis: -1 })]],
    ['Activation', (l) => [l.activation({ activation: 'softplus' })]],
    ['ReLU', (l) => [l.reLU({})]],
    ['ReLU with maxValue', (l) => [l.reLU({ maxValue: 0.3 })]],
    ['LeakyReLU', (l) => [l.leakyReLU({ alpha: 0.2 })]],
    ['ELU', (l) => [l.elu({})]],
    ['Rescaling', (l) => [l.rescaling({ scale: 0.5, offset: -0.1 })]],
    ['Dropout', (l) => [l.dropout({ rate: 0.5 })]],
  ];

  it.each(imageCases)(
    '%s: the tfjs logits to 1e-4, from NCHW and from NHWC',
    async (name, layers) => {
      const l = tf.layers;
      const model = tf.sequential();
      model.add(l.conv2d({ filters: 4, kernelSize: 3, padding: 'same', inputShape: [7, 6, 2] }));
      for (const layer of layers(l)) model.add(layer);
      // tfjs refuses a Flatten of [N, C] (after a global pooling).
      if ((model.outputs[0]?.shape.length ?? 0) > 2) model.add(l.flatten());
      model.add(l.dense({ units: 3 }));
      perturbWeights(model, 5);
      for (const inputLayout of ['nchw', 'features'] as const) {
        const diff = await exportAndCompare(model, { inputLayout, producerVersion: 'test' }, 9);
        console.log(
          `${name} (${inputLayout}): max |ONNX Runtime − tfjs| = ${diff.toExponential(2)}`,
        );
        expect(diff).toBeLessThanOrEqual(TOLERANCE);
      }
      model.dispose();
    },
  );

  it.each(ONNX_EXPORTABLE_ACTIVATIONS)(
    'activation %s: the tfjs logits to 1e-4',
    async (activation) => {
      const l = tf.layers;
      const model = tf.sequential({
        layers: [
          l.dense({ units: 16, activation, inputShape: [10] }),
          l.batchNormalization({}),
          l.dense({ units: 3 }),
        ],
      });
      perturbWeights(model, 13);
      const diff = await exportAndCompare(
        model,
        { inputLayout: 'features', producerVersion: 'test' },
        4,
      );
      console.log(`activation ${activation}: max |ONNX Runtime − tfjs| = ${diff.toExponential(2)}`);
      expect(diff).toBeLessThanOrEqual(TOLERANCE);
      model.dispose();
    },
  );

  it('a model that is the identity (Dropout only) gets an Identity node', async () => {
    const model = tf.sequential({ layers: [tf.layers.dropout({ rate: 0.3, inputShape: [5] })] });
    const diff = await exportAndCompare(
      model,
      { inputLayout: 'features', producerVersion: 'test' },
      2,
    );
    expect(diff).toBe(0);
    model.dispose();
  });

  it('a functional model whose layers form one chain', async () => {
    const input = tf.input({ shape: [8, 8, 3] });
    const conv = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same' }).apply(input);
    const pooled = tf.layers.globalMaxPooling2d({}).apply(conv);
    const out = tf.layers.dense({ units: 2 }).apply(pooled) as ReturnType<typeof tf.input>;
    const model = tf.model({ inputs: input, outputs: out });
    perturbWeights(model, 5);
    const diff = await exportAndCompare(model, { inputLayout: 'nchw', producerVersion: 'test' }, 9);
    expect(diff).toBeLessThanOrEqual(TOLERANCE);
    model.dispose();
  });
});

describe('round trip of the PyTorch fixtures', () => {
  it.each(['mlp', 'cnn'] as const)(
    "%s: ONNX → tfjs → ONNX gives PyTorch's logits to 1e-4",
    async (name) => {
      const converted = convertOnnxModel(tf, read(`${name}.onnx`));
      const before = tf.memory().numTensors;
      const bytes = exportOnnxModel(tf, converted.model, {
        inputLayout: converted.input.layout,
        producerVersion: 'test',
      });
      expect(tf.memory().numTensors).toBe(before);
      converted.model.dispose();
      const shape = onnxInputShape(bytes);
      // The fixtures' rows are PyTorch's inputs: [784] features, or a 1×28×28 NCHW image.
      expect(shape).toEqual(name === 'mlp' ? [BATCH, 784] : [BATCH, 1, 28, 28]);
      const data = Float32Array.from(inputs[name].flat());
      const diff = maxAbsDiff(await runOnnx(bytes, data, shape), outputs[name].flat());
      console.log(`round trip ${name}: max |ONNX Runtime − PyTorch| = ${diff.toExponential(2)}`);
      expect(diff).toBeLessThanOrEqual(TOLERANCE);
    },
  );
});

describe('refusals', () => {
  const list = ONNX_EXPORTABLE_LAYERS.join(', ');

  it('refuses an LSTM by name and class, with the exportable list', () => {
    const model = tf.sequential();
    model.add(tf.layers.lstm({ units: 4, inputShape: [5, 3], name: 'memory' }));
    model.add(tf.layers.dense({ units: 2 }));
    const before = tf.memory().numTensors;
    expect(() =>
      exportOnnxModel(tf, model, { inputLayout: 'features', producerVersion: 'test' }),
    ).toThrow(
      `The model has a layer that Transferlab cannot export to ONNX: 'memory' (LSTM). Exportable layers: ${list}.`,
    );
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('refuses a branching model, naming the merging layer', () => {
    const input = tf.input({ shape: [4] });
    const a = tf.layers.dense({ units: 3 }).apply(input);
    const b = tf.layers.dense({ units: 3 }).apply(input);
    const sum = tf.layers.add({ name: 'merge' }).apply([a, b] as ReturnType<typeof tf.input>[]);
    const model = tf.model({ inputs: input, outputs: sum as ReturnType<typeof tf.input> });
    expect(() =>
      exportOnnxModel(tf, model, { inputLayout: 'features', producerVersion: 'test' }),
    ).toThrow(/^Layer 'merge' \(Add\) takes 2 inputs: the model branches/);
    model.dispose();
  });

  it('refuses a model with two outputs', () => {
    const input = tf.input({ shape: [4] });
    const a = tf.layers.dense({ units: 3 }).apply(input) as ReturnType<typeof tf.input>;
    const b = tf.layers.dense({ units: 2 }).apply(input) as ReturnType<typeof tf.input>;
    const model = tf.model({ inputs: input, outputs: [a, b] });
    expect(() =>
      exportOnnxModel(tf, model, { inputLayout: 'features', producerVersion: 'test' }),
    ).toThrow(/1 inputs and 2 outputs: only sequential models/);
    model.dispose();
  });

  it('refuses an activation it cannot write, and NCHW for flat inputs', () => {
    const gelu = tf.sequential({
      layers: [tf.layers.dense({ units: 2, inputShape: [3], activation: 'gelu', name: 'g' })],
    });
    expect(() =>
      exportOnnxModel(tf, gelu, { inputLayout: 'features', producerVersion: 'test' }),
    ).toThrow(/Layer 'g' \(Dense\) uses activation 'gelu'.*Exportable activations: linear, relu/);
    expect(() =>
      exportOnnxModel(tf, gelu, { inputLayout: 'nchw', producerVersion: 'test' }),
    ).toThrow(/inputLayout 'nchw' needs an image input/);
    gelu.dispose();
  });
});
