import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend, type Tf } from '../../../src-main/engine/backend';
import {
  convertOnnxModel,
  SUPPORTED_ONNX_OPERATORS,
  type OnnxInputContract,
} from '../../../src-main/engine/onnx/convert';
import {
  pytorchInputs,
  pytorchOutputs,
  readPretrainedFixture,
} from '../../helpers/pretrainedFixtures';

/**
 * Issue 13, point 1: ONNX models that PyTorch 1.13 exported (test/fixtures/pretrained, made by
 * scripts/pretrained/make_fixtures.py) convert to tfjs models that give PyTorch's logits on the
 * saved inputs to 1e-4; an unsupported operator and a truncated file are refused clearly.
 */

const read = readPretrainedFixture;
const inputs = pytorchInputs;
const outputs = pytorchOutputs;

let tf: Tf;
beforeAll(async () => {
  tf = (await selectBackend('wasm')).tf;
});

/** Rows of pixels as the converter's input contract says: NCHW rows become NHWC tensors. */
function batch(contract: OnnxInputContract, data: number[][]) {
  const x = tf.tensor2d(data);
  if (contract.layout === 'features') return x;
  const [h, w, c] = contract.shape;
  if (h === undefined || w === undefined || c === undefined) throw new Error('bad contract');
  return x.reshape([data.length, c, h, w]).transpose([0, 2, 3, 1]);
}

describe.each(['mlp', 'cnn'] as const)('the PyTorch-exported %s', (name) => {
  it("converts and gives PyTorch's logits to 1e-4", () => {
    const before = tf.memory().numTensors;
    const converted = convertOnnxModel(tf, read(`${name}.onnx`));
    expect(converted.producer).toMatch(/^pytorch 1\.13/);
    expect(converted.opset).toBe(13);
    expect(converted.parameters).toBeGreaterThan(0);
    expect(converted.operators.every((op) => SUPPORTED_ONNX_OPERATORS.some((s) => s === op))).toBe(
      true,
    );
    if (name === 'cnn') {
      expect(converted.input).toEqual({ shape: [28, 28, 1], layout: 'nchw' });
      expect(converted.operators).toContain('Conv');
    }
    const maxDiff = tf.tidy(() => {
      const y = converted.model.predict(batch(converted.input, inputs[name]));
      if (Array.isArray(y)) throw new Error('one output expected');
      return tf.sub(y, tf.tensor2d(outputs[name])).abs().max().dataSync()[0];
    });
    converted.model.dispose();
    expect(maxDiff).toBeLessThan(1e-4);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('bad ONNX files', () => {
  it('refuses the unsupported operator by name, with the supported list', () => {
    const before = tf.memory().numTensors;
    expect(() => convertOnnxModel(tf, read('unsupported.onnx'))).toThrow(
      new RegExp(
        `uses operators? (\\w+, )*Erf(, \\w+)*, which Transferlab cannot convert\\. ` +
          `Supported operators: ${SUPPORTED_ONNX_OPERATORS.join(', ')}\\.`,
      ),
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a truncated model with a clear error', () => {
    const bytes = read('mlp.onnx');
    const truncated = bytes.subarray(0, Math.floor(bytes.length / 2));
    expect(() => convertOnnxModel(tf, truncated)).toThrow(
      /^Not a readable ONNX model \(truncated or corrupt file\)/,
    );
  });
});
