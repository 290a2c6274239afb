import { z } from 'zod';
import {
  InputContractSchema,
  ModelLayerSchema,
  ModelProvenanceSchema,
  type InputContract,
  type ModelDetail,
  type ModelFormat,
  type ModelLayer,
} from '../../src-shared/domain/models';
import type { Db } from './db';
import { nowIso, readJson } from './json';

/** Imported models (migration 009). Only this module speaks SQL about them. */

export interface ModelRecord extends ModelDetail {
  /** The folder of the canonical tfjs model (model.json, weights.bin). */
  dir: string;
}

/** A model to record: everything but what the database gives (id, run count, time). */
export type NewModel = Omit<ModelRecord, 'id' | 'runs' | 'createdAt'>;

interface ModelRow {
  id: number;
  name: string;
  format: ModelFormat;
  file_hash: string;
  weights_hash: string;
  dir: string;
  bytes: number;
  producer: string;
  operators: string;
  parameters: number;
  input: string;
  feature_layer: string;
  feature_size: number;
  output_units: number;
  layers: string;
  provenance: string;
  created_at: string;
  runs: number;
}

// Runs that used a model record its file hash in their resolved source domain (experimentPlan).
const SELECT = `
  SELECT m.*, (SELECT COUNT(*) FROM runs r
                WHERE json_extract(r.config, '$.sourceDomain.pretrained.model') = m.file_hash) AS runs
    FROM models m`;

function fromRow(row: ModelRow): ModelRecord {
  return {
    id: row.id,
    name: row.name,
    format: row.format,
    fileHash: row.file_hash,
    weightsHash: row.weights_hash,
    dir: row.dir,
    bytes: row.bytes,
    producer: row.producer,
    operators: readJson(z.array(z.string()), row.operators, 'model operators'),
    parameters: row.parameters,
    input: readJson(InputContractSchema, row.input, 'model input contract'),
    featureLayer: row.feature_layer,
    featureSize: row.feature_size,
    outputUnits: row.output_units,
    layers: readJson(z.array(ModelLayerSchema), row.layers, 'model layers'),
    provenance: readJson(ModelProvenanceSchema, row.provenance, 'model provenance'),
    runs: row.runs,
    createdAt: row.created_at,
  };
}

export function listModels(db: Db): ModelRecord[] {
  const rows = db.prepare(`${SELECT} ORDER BY m.id`).all() as ModelRow[];
  return rows.map(fromRow);
}

export function getModel(db: Db, id: number): ModelRecord | undefined {
  const row = db.prepare(`${SELECT} WHERE m.id = ?`).get(id) as ModelRow | undefined;
  return row && fromRow(row);
}

export function findModelByFileHash(db: Db, fileHash: string): ModelRecord | undefined {
  const row = db.prepare(`${SELECT} WHERE m.file_hash = ?`).get(fileHash) as ModelRow | undefined;
  return row && fromRow(row);
}

export function findModelByName(db: Db, name: string): ModelRecord | undefined {
  const row = db.prepare(`${SELECT} WHERE m.name = ?`).get(name) as ModelRow | undefined;
  return row && fromRow(row);
}

/** Models whose file hash starts with `prefix` (a user may give a prefix, as with git). */
export function findModelsByHashPrefix(db: Db, prefix: string): ModelRecord[] {
  const rows = db
    .prepare(`${SELECT} WHERE substr(m.file_hash, 1, ?) = ? ORDER BY m.id`)
    .all(prefix.length, prefix.toLowerCase()) as ModelRow[];
  return rows.map(fromRow);
}

export function isModelNameTaken(db: Db, name: string): boolean {
  return db.prepare('SELECT 1 FROM models WHERE name = ?').get(name) !== undefined;
}

export function insertModel(db: Db, m: NewModel): ModelRecord {
  const { lastInsertRowid } = db
    .prepare(
      `INSERT INTO models (name, format, file_hash, weights_hash, dir, bytes, producer, operators,
         parameters, input, feature_layer, feature_size, output_units, layers, provenance, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      m.name,
      m.format,
      m.fileHash,
      m.weightsHash,
      m.dir,
      m.bytes,
      m.producer,
      JSON.stringify(m.operators),
      m.parameters,
      JSON.stringify(m.input),
      m.featureLayer,
      m.featureSize,
      m.outputUnits,
      JSON.stringify(m.layers),
      JSON.stringify(m.provenance),
      nowIso(),
    );
  const model = getModel(db, Number(lastInsertRowid));
  if (!model) throw new Error('The model just inserted cannot be read back');
  return model;
}

/** What a user may change after import: the name, the input scaling, the feature layer. */
export interface ModelChanges {
  name?: string;
  input?: InputContract;
  feature?: { layer: string; size: number; layers: ModelLayer[] };
}

export function updateModel(db: Db, id: number, changes: ModelChanges): void {
  if (changes.name !== undefined)
    db.prepare('UPDATE models SET name = ? WHERE id = ?').run(changes.name, id);
  if (changes.input !== undefined)
    db.prepare('UPDATE models SET input = ? WHERE id = ?').run(JSON.stringify(changes.input), id);
  if (changes.feature !== undefined) {
    db.prepare(
      'UPDATE models SET feature_layer = ?, feature_size = ?, layers = ? WHERE id = ?',
    ).run(changes.feature.layer, changes.feature.size, JSON.stringify(changes.feature.layers), id);
  }
}

/** Deletes a model's row; its folder is the caller's to remove once the transaction commits. */
export function deleteModel(db: Db, id: number): void {
  db.prepare('DELETE FROM models WHERE id = ?').run(id);
}

/** Whether any other model keeps its weights in `dir` (the same weights imported twice). */
export function isModelDirShared(db: Db, dir: string, exceptId: number): boolean {
  return (
    db.prepare('SELECT 1 FROM models WHERE dir = ? AND id != ?').get(dir, exceptId) !== undefined
  );
}
