import { z } from 'zod';
import { decodeModelProto } from './proto';

/**
 * The part of an ONNX ModelProto (onnx.proto, ONNX 1.12) that the converter uses, parsed with
 * zod from protobufjs's decoded object into a typed graph. Field names are protobufjs's
 * camelCase forms of the schema's snake_case ones.
 */

export class OnnxImportError extends Error {
  override name = 'OnnxImportError';
}

/** A tensor: float data (weights) as Float32Array, integer data (shapes, pads) as numbers. */
export type OnnxTensor = { name: string; dims: number[] } & (
  { dataType: 'float'; values: Float32Array } | { dataType: 'int'; values: number[] }
);

export type OnnxAttribute =
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'ints'; value: number[] }
  | { kind: 'floats'; value: number[] }
  | { kind: 'tensor'; value: OnnxTensor };

export interface OnnxNode {
  opType: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attributes: ReadonlyMap<string, OnnxAttribute>;
}

export interface OnnxGraph {
  /** producer_name and producer_version, e.g. "pytorch 1.13.0". */
  producer: string;
  /** The default ("ai.onnx") domain's opset version. */
  opset: number;
  /** The one graph input that is not an initializer; a symbolic dimension is null. */
  input: { name: string; shape: (number | null)[] };
  outputs: string[];
  initializers: ReadonlyMap<string, OnnxTensor>;
  /** Topologically sorted, as ONNX requires. */
  nodes: OnnxNode[];
}

const int = z.number().int();
const bytes = z.instanceof(Uint8Array);

const tensorProto = z.object({
  name: z.string().default(''),
  dims: z.array(int.nonnegative()).default([]),
  dataType: int.default(0),
  floatData: z.array(z.number()).default([]),
  int32Data: z.array(int).default([]),
  int64Data: z.array(int).default([]),
  doubleData: z.array(z.number()).default([]),
  rawData: bytes.optional(),
  dataLocation: z.string().optional(),
});

const attributeProto = z.object({
  name: z.string(),
  type: z.string().optional(),
  f: z.number().optional(),
  i: int.optional(),
  s: bytes.optional(),
  t: tensorProto.optional(),
  floats: z.array(z.number()).default([]),
  ints: z.array(int).default([]),
});

const nodeProto = z.object({
  input: z.array(z.string()).default([]),
  output: z.array(z.string()).default([]),
  name: z.string().default(''),
  opType: z.string(),
  domain: z.string().default(''),
  attribute: z.array(attributeProto).default([]),
});

const valueInfoProto = z.object({
  name: z.string(),
  type: z
    .object({
      tensorType: z
        .object({
          elemType: int.optional(),
          shape: z
            .object({
              dim: z
                .array(z.object({ dimValue: int.optional(), dimParam: z.string().optional() }))
                .default([]),
            })
            .optional(),
        })
        .optional(),
    })
    .optional(),
});

const modelProto = z.object({
  irVersion: int.optional(),
  producerName: z.string().default(''),
  producerVersion: z.string().default(''),
  opsetImport: z
    .array(z.object({ domain: z.string().default(''), version: int.default(0) }))
    .default([]),
  graph: z.object({
    node: z.array(nodeProto).default([]),
    initializer: z.array(tensorProto).default([]),
    input: z.array(valueInfoProto).default([]),
    output: z.array(valueInfoProto).default([]),
  }),
});

type TensorProto = z.infer<typeof tensorProto>;

// TensorProto.DataType values (onnx.proto).
const FLOAT = 1;
const INT32 = 6;
const INT64 = 7;
const DOUBLE = 11;
const DATA_TYPE_NAMES: Record<number, string> = {
  2: 'UINT8',
  3: 'INT8',
  4: 'UINT16',
  5: 'INT16',
  8: 'STRING',
  9: 'BOOL',
  10: 'FLOAT16',
  12: 'UINT32',
  13: 'UINT64',
  16: 'BFLOAT16',
};

function elementCount(dims: number[]): number {
  return dims.reduce((product, d) => product * d, 1);
}

/** raw_data is little-endian (onnx.proto); a DataView reads it at any alignment. */
function rawView(raw: Uint8Array): DataView {
  return new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
}

function readRaw(raw: Uint8Array, width: number, read: (view: DataView, at: number) => number) {
  const view = rawView(raw);
  const values: number[] = [];
  for (let at = 0; at + width <= raw.byteLength; at += width) values.push(read(view, at));
  return values;
}

function toTensor(proto: TensorProto, what: string): OnnxTensor {
  if (proto.dataLocation === 'EXTERNAL') {
    throw new OnnxImportError(
      `${what} keeps its data in an external file, which is not supported: export the model ` +
        'as one file',
    );
  }
  const { name, dims, dataType, rawData } = proto;
  const count = elementCount(dims);
  const raw = rawData !== undefined && rawData.byteLength > 0 ? rawData : undefined;
  let tensor: OnnxTensor;
  if (dataType === FLOAT || dataType === DOUBLE) {
    let values: Float32Array;
    if (raw !== undefined) {
      values =
        dataType === FLOAT
          ? Float32Array.from(readRaw(raw, 4, (v, at) => v.getFloat32(at, true)))
          : Float32Array.from(readRaw(raw, 8, (v, at) => v.getFloat64(at, true)));
    } else {
      values = Float32Array.from(dataType === FLOAT ? proto.floatData : proto.doubleData);
    }
    tensor = { name, dims, dataType: 'float', values };
  } else if (dataType === INT64 || dataType === INT32) {
    let values: number[];
    if (raw !== undefined) {
      values =
        dataType === INT64
          ? readRaw(raw, 8, (v, at) => Number(v.getBigInt64(at, true)))
          : readRaw(raw, 4, (v, at) => v.getInt32(at, true));
    } else {
      values = dataType === INT64 ? proto.int64Data : proto.int32Data;
    }
    tensor = { name, dims, dataType: 'int', values };
  } else {
    const typeName = DATA_TYPE_NAMES[dataType] ?? `data type ${String(dataType)}`;
    throw new OnnxImportError(`${what} holds ${typeName} values; only float tensors are supported`);
  }
  if (tensor.values.length !== count) {
    throw new OnnxImportError(
      `${what} has ${String(tensor.values.length)} values for dims [${dims.join(', ')}] ` +
        `(${String(count)} expected): the file is corrupt`,
    );
  }
  return tensor;
}

function toAttribute(
  proto: z.infer<typeof attributeProto>,
  where: string,
): OnnxAttribute | undefined {
  switch (proto.type) {
    case 'INT':
      return { kind: 'int', value: proto.i ?? 0 };
    case 'FLOAT':
      return { kind: 'float', value: proto.f ?? 0 };
    case 'STRING':
      return { kind: 'string', value: new TextDecoder().decode(proto.s ?? new Uint8Array()) };
    case 'INTS':
      return { kind: 'ints', value: proto.ints };
    case 'FLOATS':
      return { kind: 'floats', value: proto.floats };
    case 'TENSOR':
      if (proto.t === undefined) return undefined;
      return { kind: 'tensor', value: toTensor(proto.t, `${where}'s attribute ${proto.name}`) };
    default:
      // Graphs, sparse tensors and lists of strings or tensors: no supported operator uses them.
      return undefined;
  }
}

function problems(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}

/** Decodes and parses an ONNX file's bytes; every failure is an OnnxImportError. */
export function parseOnnxModel(bytes: Uint8Array): OnnxGraph {
  let decoded: unknown;
  try {
    decoded = decodeModelProto(bytes);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new OnnxImportError(
      `Not a readable ONNX model (truncated or corrupt file): protobuf decoding failed: ${reason}`,
    );
  }
  const parsed = modelProto.safeParse(decoded);
  if (!parsed.success) {
    throw new OnnxImportError(
      `Not a readable ONNX model (truncated or corrupt file): ${problems(parsed.error)}`,
    );
  }
  const model = parsed.data;
  const opset = model.opsetImport.find((o) => o.domain === '' || o.domain === 'ai.onnx');
  if (opset === undefined) {
    throw new OnnxImportError('The ONNX model declares no opset for the default (ai.onnx) domain');
  }

  const initializers = new Map<string, OnnxTensor>();
  for (const proto of model.graph.initializer) {
    initializers.set(proto.name, toTensor(proto, `Initializer ${proto.name}`));
  }

  const nodes: OnnxNode[] = model.graph.node.map((node, index) => {
    const where = `Node ${node.name || String(index)} (${node.opType})`;
    if (node.domain !== '' && node.domain !== 'ai.onnx') {
      throw new OnnxImportError(
        `${where} is from the custom domain "${node.domain}"; only standard ONNX operators are supported`,
      );
    }
    const attributes = new Map<string, OnnxAttribute>();
    for (const proto of node.attribute) {
      const attribute = toAttribute(proto, where);
      if (attribute !== undefined) attributes.set(proto.name, attribute);
    }
    return {
      opType: node.opType,
      name: node.name,
      inputs: node.input,
      outputs: node.output,
      attributes,
    };
  });

  // Older exporters also list initializers as graph inputs; the model's input is what is left.
  const inputs = model.graph.input.filter((input) => !initializers.has(input.name));
  const input = inputs[0];
  if (input === undefined || inputs.length !== 1) {
    throw new OnnxImportError(
      `The ONNX model has ${String(inputs.length)} inputs; only models with one input are supported`,
    );
  }
  const tensorType = input.type?.tensorType;
  if (tensorType?.elemType !== undefined && tensorType.elemType !== FLOAT) {
    throw new OnnxImportError(
      `The ONNX model's input ${input.name} is not float (element type ${String(tensorType.elemType)})`,
    );
  }
  const dims = tensorType?.shape?.dim;
  if (dims === undefined) {
    throw new OnnxImportError(`The ONNX model's input ${input.name} has no shape`);
  }
  const shape = dims.map((d) => (d.dimValue !== undefined && d.dimValue > 0 ? d.dimValue : null));

  return {
    producer: [model.producerName, model.producerVersion].filter((s) => s !== '').join(' '),
    opset: opset.version,
    input: { name: input.name, shape },
    outputs: model.graph.output.map((o) => o.name),
    initializers,
    nodes,
  };
}
