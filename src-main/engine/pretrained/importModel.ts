import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { LayersModel } from '@tensorflow/tfjs';
import type { ModelFormat, ModelLayer } from '../../../src-shared/domain/models';
import type { Tf } from '../backend';
import { saveModel, type SavedModel } from '../model';
import { convertOnnxModel } from '../onnx/convert';
import { canonicalise } from './canonical';
import { MODEL_JSON, readTfjsLayersModel } from './tfjsFormat';

/**
 * Reading a model file into the workspace (issue 13, point 1): ONNX (a file) or the tfjs layers
 * format (a folder holding model.json, or model.json itself), converted and made canonical
 * (canonical.ts), saved under `modelsDir/<weights sha256>/` like a source run's model. Runs in the
 * models process (modelsEntry.ts), never where the UI or the database live.
 */

export interface ImportedModel {
  saved: SavedModel;
  format: ModelFormat;
  /** sha256 of the ONNX file, or of model.json and its shards in manifest order. */
  fileHash: string;
  producer: string;
  operators: string[];
  parameters: number;
  opset?: number;
  /** The input shape without the batch axis, channels last. */
  inputShape: number[];
  layers: ModelLayer[];
  featureLayer: string;
  featureSize: number;
  outputUnits: number;
  notes: string[];
}

/** Which format a path holds: a folder or a model.json is tfjs; any other file is ONNX. */
export async function detectFormat(path: string): Promise<{ format: ModelFormat; at: string }> {
  const info = await stat(path).catch(() => undefined);
  if (info === undefined) throw new Error(`${path}: no such file or folder`);
  if (info.isDirectory()) return { format: 'tfjs', at: path };
  if (basename(path) === MODEL_JSON) return { format: 'tfjs', at: dirname(path) };
  return { format: 'onnx', at: path };
}

function sha256(parts: readonly Uint8Array[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
}

/** Converts the model at `path` and saves its canonical form; `featureLayer` as canonicalise. */
export async function importModelFile(
  tf: Tf,
  path: string,
  modelsDir: string,
  featureLayer?: string,
): Promise<ImportedModel> {
  const { format, at } = await detectFormat(path);
  let model: LayersModel;
  let described: Pick<ImportedModel, 'fileHash' | 'producer' | 'operators' | 'opset'>;
  if (format === 'onnx') {
    const bytes = await readFile(at);
    const converted = convertOnnxModel(tf, bytes);
    model = converted.model;
    described = {
      fileHash: sha256([bytes]),
      producer: converted.producer,
      operators: converted.operators,
      opset: converted.opset,
    };
  } else {
    const read = await readTfjsLayersModel(tf, at);
    model = read.model;
    const contents = await Promise.all(read.files.map((f) => readFile(f)));
    described = {
      fileHash: sha256(contents),
      producer: read.producer,
      operators: [...new Set(read.layers.map((l) => l.className))],
    };
  }
  try {
    const canonical = canonicalise(tf, model, featureLayer);
    try {
      const saved = await saveModel(tf, canonical.model, modelsDir);
      const inputShape = canonical.model.inputs[0]?.shape.slice(1).map(Number) ?? [];
      return {
        saved,
        format,
        ...described,
        parameters: canonical.model.countParams(),
        inputShape,
        layers: canonical.layers,
        featureLayer: canonical.featureLayer,
        featureSize: canonical.featureSize,
        outputUnits: canonical.outputUnits,
        notes: canonical.notes,
      };
    } finally {
      canonical.model.dispose();
    }
  } finally {
    model.dispose();
  }
}
