import { describe, expect, it } from 'vitest';
import { OnnxImportError, parseOnnxModel } from '../../../../src-main/engine/onnx/graph';
import { onnxModel } from './onnxModels';

const WEIGHTS = [0.5, -1.25, 3, 1e-3, -7, 2.5];

function gemmModel(raw: boolean): Uint8Array {
  return onnxModel({
    input: { name: 'x', shape: [1, 3] },
    output: 'y',
    nodes: [
      { opType: 'Gemm', inputs: ['x', 'w'], outputs: ['y'], attributes: { transB: 1 } },
      { opType: 'Constant', inputs: [], outputs: ['unused'], attributes: { mode: 'x' } },
    ],
    initializers: [{ name: 'w', dims: [2, 3], type: 'float32', values: WEIGHTS, raw }],
  });
}

describe('parseOnnxModel', () => {
  it('reads float_data and little-endian raw_data to the same Float32Array', () => {
    for (const raw of [false, true]) {
      const graph = parseOnnxModel(gemmModel(raw));
      const w = graph.initializers.get('w');
      expect(w?.dims).toEqual([2, 3]);
      expect(w?.dataType).toBe('float');
      expect(w?.values).toEqual(Float32Array.from(WEIGHTS));
    }
  });

  it('reads the producer, opset, input shape, nodes and their attributes', () => {
    const graph = parseOnnxModel(gemmModel(false));
    expect(graph.producer).toBe('unit-test 1');
    expect(graph.opset).toBe(13);
    expect(graph.input).toEqual({ name: 'x', shape: [1, 3] });
    expect(graph.outputs).toEqual(['y']);
    expect(graph.nodes.map((n) => n.opType)).toEqual(['Gemm', 'Constant']);
    expect(graph.nodes[0]?.attributes.get('transB')).toEqual({ kind: 'int', value: 1 });
    expect(graph.nodes[1]?.attributes.get('mode')).toEqual({ kind: 'string', value: 'x' });
  });

  it('reads int64 tensors from raw_data and int64_data, negative values included', () => {
    for (const raw of [false, true]) {
      const bytes = onnxModel({
        input: { name: 'x', shape: [1, 3] },
        output: 'y',
        nodes: [{ opType: 'Reshape', inputs: ['x', 's'], outputs: ['y'] }],
        initializers: [{ name: 's', dims: [2], type: 'int64', values: [1, -1], raw }],
      });
      expect(parseOnnxModel(bytes).initializers.get('s')).toMatchObject({
        dataType: 'int',
        values: [1, -1],
      });
    }
  });

  it('refuses a truncated file with a clear error', () => {
    const bytes = gemmModel(true);
    const truncated = bytes.subarray(0, Math.floor(bytes.length / 2));
    expect(() => parseOnnxModel(truncated)).toThrow(OnnxImportError);
    expect(() => parseOnnxModel(truncated)).toThrow(/truncated or corrupt/);
  });

  it('refuses bytes that are not an ONNX model', () => {
    expect(() => parseOnnxModel(new TextEncoder().encode('{"not": "onnx"}'))).toThrow(
      /Not a readable ONNX model/,
    );
  });

  it('refuses a tensor whose values do not fill its dims', () => {
    const bytes = onnxModel({
      input: { name: 'x', shape: [1, 3] },
      output: 'y',
      nodes: [{ opType: 'Gemm', inputs: ['x', 'w'], outputs: ['y'] }],
      initializers: [{ name: 'w', dims: [3, 3], type: 'float32', values: WEIGHTS }],
    });
    expect(() => parseOnnxModel(bytes)).toThrow(/6 values for dims \[3, 3\] \(9 expected\)/);
  });
});
