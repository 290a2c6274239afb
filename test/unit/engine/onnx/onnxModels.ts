import { modelProtoType } from '../../../../src-main/engine/onnx/proto';

/**
 * Small ONNX models for unit tests, encoded with the same vendored schema the converter reads.
 * Field names are protobufjs's camelCase forms of onnx.proto's.
 */

export interface TestTensor {
  name: string;
  dims: number[];
  /** float32: FLOAT; int64: INT64 (shapes, pads). */
  type: 'float32' | 'int64';
  values: number[];
  /** Store the values in raw_data (little-endian) rather than float_data / int64_data. */
  raw?: boolean;
}

export interface TestNode {
  opType: string;
  inputs: string[];
  outputs: string[];
  attributes?: Record<string, number | number[] | string>;
  floatAttributes?: Record<string, number>;
}

function rawBytes(tensor: TestTensor): Uint8Array {
  const width = tensor.type === 'float32' ? 4 : 8;
  const view = new DataView(new ArrayBuffer(tensor.values.length * width));
  tensor.values.forEach((v, i) => {
    if (tensor.type === 'float32') view.setFloat32(i * width, v, true);
    else view.setBigInt64(i * width, BigInt(v), true);
  });
  return new Uint8Array(view.buffer);
}

export function tensorProto(tensor: TestTensor): Record<string, unknown> {
  const base = {
    name: tensor.name,
    dims: tensor.dims,
    dataType: tensor.type === 'float32' ? 1 : 7,
  };
  if (tensor.raw === true) return { ...base, rawData: rawBytes(tensor) };
  return tensor.type === 'float32'
    ? { ...base, floatData: tensor.values }
    : { ...base, int64Data: tensor.values };
}

function attributeProtos(node: TestNode): Record<string, unknown>[] {
  const ints = Object.entries(node.attributes ?? {}).map(([name, value]) =>
    typeof value === 'string'
      ? { name, type: 'STRING', s: new TextEncoder().encode(value) }
      : Array.isArray(value)
        ? { name, type: 'INTS', ints: value }
        : { name, type: 'INT', i: value },
  );
  const floats = Object.entries(node.floatAttributes ?? {}).map(([name, f]) => ({
    name,
    type: 'FLOAT',
    f,
  }));
  return [...ints, ...floats];
}

export function onnxModel(options: {
  input: { name: string; shape: number[] };
  output: string;
  nodes: TestNode[];
  initializers?: TestTensor[];
}): Uint8Array {
  const type = modelProtoType();
  const message = type.fromObject({
    irVersion: 7,
    producerName: 'unit-test',
    producerVersion: '1',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'test',
      node: options.nodes.map((node, i) => ({
        name: `n${String(i)}`,
        opType: node.opType,
        input: node.inputs,
        output: node.outputs,
        attribute: attributeProtos(node),
      })),
      initializer: (options.initializers ?? []).map(tensorProto),
      input: [
        {
          name: options.input.name,
          type: {
            tensorType: {
              elemType: 1,
              shape: { dim: options.input.shape.map((d) => ({ dimValue: d })) },
            },
          },
        },
      ],
      output: [{ name: options.output }],
    },
  });
  return type.encode(message).finish();
}
