import { join } from 'node:path';
import protobuf from 'protobufjs';
import { projectRoot } from '../../data/projectRoot';

/**
 * ONNX's protobuf schema, read with protobufjs (issue 13: parse ONNX with a kept library, not by
 * hand). The schema is vendored as resources/onnx/onnx.proto (ONNX 1.12, Apache-2.0) and loaded
 * at run time, so no generated code has to be kept in step with it.
 */

export function onnxSchemaPath(): string {
  return join(projectRoot(), 'resources', 'onnx', 'onnx.proto');
}

let modelProto: protobuf.Type | undefined;

/** The ModelProto message type, loaded once (tests also encode models with it). */
export function modelProtoType(): protobuf.Type {
  modelProto ??= protobuf.loadSync(onnxSchemaPath()).lookupType('onnx.ModelProto');
  return modelProto;
}

/**
 * Decodes a ModelProto into a plain object: int64 fields as numbers (shapes, pads and counts are
 * far below 2^53), enums by name, bytes as Uint8Array. The result is still `unknown`: graph.ts
 * parses it with zod. A truncated or corrupt file throws here.
 */
export function decodeModelProto(bytes: Uint8Array): unknown {
  const type = modelProtoType();
  const message = type.decode(bytes);
  return type.toObject(message, { longs: Number, enums: String });
}
