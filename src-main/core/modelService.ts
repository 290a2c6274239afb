import { randomBytes } from 'node:crypto';
import { copyFile, link, mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, extname, join, resolve } from 'node:path';
import type { InputContract, ModelDetail, ModelSummary } from '../../src-shared/domain/models';
import { AppFailure } from '../../src-shared/result';
import type {
  ExportedFile,
  ModelExportInput,
  ModelExportResult,
  ModelFilesRef,
  ModelImportInput,
  ModelImportResult,
  ModelUpdateInput,
} from '../../src-shared/rpc/models';
import { describeScaling } from '../../src-shared/domain/models';
import type { ModelsAnswer, ModelsRequest } from '../engine/trainer/modelsProtocol';
import { sanitizeFileName } from '../reports/fileName';
import { inTransaction, type Db } from '../store/db';
import {
  deleteModel,
  findModelByFileHash,
  getModel,
  insertModel,
  isModelDirShared,
  isModelNameTaken,
  listModels,
  updateModel,
  type ModelRecord,
} from '../store/models';
import { getSourceModel, runStatus } from '../store/runs';
import { importedModelsDir, uploadsDir } from './paths';
import { resolveModelRef } from './modelRef';

/**
 * Imported models (issue 13): the core side. Conversion, description and export run in the
 * models child process (engine/trainer/modelsHost.ts), passed in as `runModels`; this module
 * checks, names, records and refuses. A refused file stores nothing: the child saves a model only
 * once it has converted it, and a save that is not recorded is removed again.
 */

export type ModelsRunner = (request: ModelsRequest) => Promise<ModelsAnswer>;

export interface ModelServiceContext {
  db: Db;
  workspaceDir: string;
  runModels: ModelsRunner;
}

function summary(m: ModelRecord): ModelSummary {
  return {
    id: m.id,
    name: m.name,
    format: m.format,
    fileHash: m.fileHash,
    weightsHash: m.weightsHash,
    producer: m.producer,
    operators: m.operators,
    parameters: m.parameters,
    input: m.input,
    featureLayer: m.featureLayer,
    featureSize: m.featureSize,
    outputUnits: m.outputUnits,
    bytes: m.bytes,
    runs: m.runs,
    createdAt: m.createdAt,
  };
}

/** What a client sees: everything but where the files lie on the core's machine. */
function detail(m: ModelRecord): ModelDetail {
  return { ...summary(m), layers: m.layers, provenance: m.provenance };
}

/** A failed answer as the error a user sees: the file's fault is `invalid_input`. */
function failure(answer: Extract<ModelsAnswer, { type: 'failed' }>, what: string): AppFailure {
  return answer.refused
    ? new AppFailure('invalid_input', `${what}.`, [{ path: 'files', message: answer.error }])
    : new AppFailure('internal', `${what}: ${answer.error}`);
}

async function folderBytes(dir: string): Promise<number> {
  const sizes = await Promise.all(
    ['model.json', 'weights.bin'].map((f) => stat(join(dir, f)).then((s) => s.size)),
  );
  return sizes.reduce((a, b) => a + b, 0);
}

/** A name not yet taken: the wanted one, or with " (2)", " (3)", ... */
function freeName(db: Db, wanted: string): string {
  if (!isModelNameTaken(db, wanted)) return wanted;
  for (let i = 2; ; i++) {
    const name = `${wanted} (${i})`;
    if (!isModelNameTaken(db, name)) return name;
  }
}

/**
 * The files a ref names, as one path the models process reads: the path itself, or a folder
 * rebuilt from the uploads (hard links named as the user's files) and removed afterwards with
 * the uploads.
 */
async function withModelFiles<T>(
  ref: ModelFilesRef,
  workspaceDir: string,
  use: (path: string, shownAs: string) => Promise<T>,
): Promise<T> {
  if (ref.kind === 'path') {
    const path = resolve(ref.path);
    await stat(path).catch(() => {
      throw new AppFailure('not_found', `No such file or folder: ${path}`, [
        { path: 'files.path', message: `no such file or folder: ${path}` },
      ]);
    });
    return use(path, path);
  }
  const uploads = uploadsDir(workspaceDir);
  const folder = join(uploads, `.model-${randomBytes(8).toString('hex')}`);
  try {
    await mkdir(folder, { recursive: true });
    for (const file of ref.files) {
      const from = join(uploads, file.id);
      const to = join(folder, basename(file.name));
      await link(from, to).catch(async () => copyFile(from, to));
    }
    const only = ref.files.length === 1 ? ref.files[0] : undefined;
    // One file that is not a model.json is an ONNX model; anything else is a tfjs folder.
    const path =
      only !== undefined && only.name !== 'model.json' ? join(folder, basename(only.name)) : folder;
    const shownAs = only?.name ?? ref.files.map((f) => f.name).join(', ');
    return await use(path, shownAs);
  } catch (e) {
    if (e instanceof AppFailure) throw e;
    throw new AppFailure(
      'upload_failed',
      `The uploaded model files could not be read: ${String(e)}`,
    );
  } finally {
    await rm(folder, { recursive: true, force: true });
    for (const file of ref.files) await rm(join(uploads, file.id), { force: true });
  }
}

export async function importModel(
  ctx: ModelServiceContext,
  input: ModelImportInput,
): Promise<ModelImportResult> {
  const { db, workspaceDir } = ctx;
  if (input.name !== undefined && isModelNameTaken(db, input.name)) {
    throw new AppFailure('conflict', `A model is already named "${input.name}".`, [
      { path: 'name', message: `"${input.name}" is taken` },
    ]);
  }
  return withModelFiles(input.files, workspaceDir, async (path, shownAs) => {
    const answer = await ctx.runModels({
      type: 'import',
      path,
      modelsDir: importedModelsDir(workspaceDir),
      ...(input.featureLayer ? { featureLayer: input.featureLayer } : {}),
    });
    if (answer.type === 'failed') throw failure(answer, `Cannot import ${shownAs}`);
    if (answer.type !== 'imported') throw new Error(`Unexpected answer ${answer.type}`);
    const imported = answer.model;
    const existing = findModelByFileHash(db, imported.fileHash);
    if (existing) return { model: detail(existing), alreadyImported: true };
    const input_: InputContract = {
      shape: imported.inputShape,
      scaling: input.scaling ?? { kind: 'unit' },
    };
    const channels = imported.inputShape.length === 3 ? imported.inputShape[2] : undefined;
    const scaling = input_.scaling;
    if (
      scaling.kind === 'standardise' &&
      scaling.mean.length !== 1 &&
      scaling.mean.length !== channels
    ) {
      await removeUnrecorded(db, imported.saved.dir);
      throw new AppFailure('invalid_input', 'The scaling does not fit the model’s input.', [
        {
          path: 'scaling.mean',
          message: `${scaling.mean.length} means for an input of shape [${imported.inputShape.join(', ')}]: give one, or one per channel`,
        },
      ]);
    }
    try {
      const bytes = await folderBytes(imported.saved.dir);
      const model = inTransaction(db, () =>
        insertModel(db, {
          name: input.name ?? freeName(db, defaultName(shownAs)),
          format: imported.format,
          fileHash: imported.fileHash,
          weightsHash: imported.saved.hash,
          dir: imported.saved.dir,
          bytes,
          producer: imported.producer,
          operators: imported.operators,
          parameters: imported.parameters,
          input: input_,
          featureLayer: imported.featureLayer,
          featureSize: imported.featureSize,
          outputUnits: imported.outputUnits,
          layers: imported.layers,
          provenance: {
            file: shownAs,
            ...(imported.opset === undefined ? {} : { opset: imported.opset }),
            notes: imported.notes,
          },
        }),
      );
      return { model: detail(model), alreadyImported: false };
    } catch (e) {
      await removeUnrecorded(db, imported.saved.dir);
      throw e;
    }
  });
}

function defaultName(shownAs: string): string {
  const base = basename(shownAs.split(', ')[0] ?? shownAs);
  const stem = base === 'model.json' ? basename(resolve(shownAs, '..')) : base;
  return (stem.slice(0, stem.length - extname(stem).length) || stem).slice(0, 120) || 'model';
}

/** Removes a saved model folder that no model records (a failed or refused import). */
async function removeUnrecorded(db: Db, dir: string): Promise<void> {
  if (!isModelDirShared(db, dir, -1)) await rm(dir, { recursive: true, force: true });
}

export function listModelSummaries(db: Db): ModelSummary[] {
  return listModels(db).map(summary);
}

export function getModelDetail(db: Db, ref: string): ModelDetail {
  return detail(resolveModelRef(db, ref, 'ref'));
}

function modelById(db: Db, id: number): ModelRecord {
  const model = getModel(db, id);
  if (!model) throw new AppFailure('not_found', `No model m${id}.`);
  return model;
}

export async function updateModelSettings(
  ctx: ModelServiceContext,
  input: ModelUpdateInput,
): Promise<ModelDetail> {
  const { db } = ctx;
  const model = modelById(db, input.id);
  if (input.name !== undefined && input.name !== model.name && isModelNameTaken(db, input.name)) {
    throw new AppFailure('conflict', `A model is already named "${input.name}".`, [
      { path: 'name', message: `"${input.name}" is taken` },
    ]);
  }
  let feature: { layer: string; size: number; layers: ModelRecord['layers'] } | undefined;
  if (input.featureLayer !== undefined && input.featureLayer !== model.featureLayer) {
    const answer = await ctx.runModels({
      type: 'describe',
      model: { dir: model.dir, hash: model.weightsHash, featureLayer: input.featureLayer },
    });
    if (answer.type === 'failed') {
      throw new AppFailure('invalid_input', answer.error, [
        { path: 'featureLayer', message: answer.error },
      ]);
    }
    if (answer.type !== 'described') throw new Error(`Unexpected answer ${answer.type}`);
    feature = {
      layer: answer.model.featureLayer,
      size: answer.model.featureSize,
      layers: answer.model.layers,
    };
  }
  inTransaction(db, () => {
    updateModel(db, model.id, {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.scaling !== undefined
        ? { input: { shape: model.input.shape, scaling: input.scaling } }
        : {}),
      ...(feature ? { feature } : {}),
    });
  });
  return detail(modelById(db, model.id));
}

export async function deleteImportedModel(db: Db, id: number): Promise<{ deleted: boolean }> {
  const model = modelById(db, id);
  if (model.runs > 0) {
    throw new AppFailure(
      'conflict',
      `Model m${id} is the source of ${model.runs} run(s); delete those runs first, so that every recorded run can still be re-run.`,
    );
  }
  const remove = inTransaction(db, () => {
    deleteModel(db, id);
    return !isModelDirShared(db, model.dir, id);
  });
  // Files only after the commit: a failed transaction must leave the model's files.
  if (remove) await rm(model.dir, { recursive: true, force: true });
  return { deleted: true };
}

/** The files to export: an imported model's, or the model a run trained. */
function exportSource(
  db: Db,
  from: ModelExportInput['from'],
): { dir: string; hash: string; featureLayer?: string; stem: string; input?: InputContract } {
  if (from.kind === 'model') {
    const model = modelById(db, from.id);
    return {
      dir: model.dir,
      hash: model.weightsHash,
      featureLayer: model.featureLayer,
      stem: model.name,
      input: model.input,
    };
  }
  const status = runStatus(db, from.id);
  if (!status) throw new AppFailure('not_found', `No run #${from.id}.`);
  const saved = getSourceModel(db, from.id);
  if (!saved) {
    throw new AppFailure(
      'not_found',
      `Run #${from.id} kept no model (${status.status}); only completed runs whose model was kept can be exported.`,
    );
  }
  return { ...saved, stem: `run-${from.id}` };
}

/** The most bytes an export sends back in its answer (a browser download). */
const MAX_INLINE_BYTES = 256 * 1024 * 1024;

export async function exportModel(
  ctx: ModelServiceContext,
  input: ModelExportInput,
): Promise<ModelExportResult> {
  const source = exportSource(ctx.db, input.from);
  const out = input.out ?? (await mkdtemp(join(tmpdir(), 'transferlab-export-')));
  try {
    const answer = await ctx.runModels({
      type: 'export',
      model: {
        dir: source.dir,
        hash: source.hash,
        ...(source.featureLayer ? { featureLayer: source.featureLayer } : {}),
      },
      format: input.format,
      out: resolve(out),
      stem: sanitizeFileName(source.stem, 'model'),
    });
    if (answer.type === 'failed') throw failure(answer, 'Cannot export the model');
    if (answer.type !== 'exported') throw new Error(`Unexpected answer ${answer.type}`);
    const files: ExportedFile[] = [];
    let total = 0;
    for (const path of answer.files) {
      const bytes = (await stat(path)).size;
      total += bytes;
      if (input.out === undefined && total > MAX_INLINE_BYTES) {
        throw new AppFailure(
          'unavailable',
          'The model is too large to download through the browser; export it with the CLI.',
        );
      }
      files.push({
        fileName: basename(path),
        bytes,
        ...(input.out === undefined
          ? { content: (await readFile(path)).toString('base64') }
          : { path }),
      });
    }
    return { format: input.format, files, note: exportNote(input.format, source.input) };
  } finally {
    if (input.out === undefined) await rm(out, { recursive: true, force: true });
  }
}

function exportNote(format: ModelExportInput['format'], input: InputContract | undefined): string {
  const scaling = input ? `; inputs scaled as ${describeScaling(input.scaling)}` : '';
  return format === 'onnx'
    ? `ONNX input "input": images as [batch, channels, height, width], other rows as [batch, features]; output "logits"${scaling}.`
    : `TensorFlow.js layers model: load model.json with tf.loadLayersModel; it outputs logits${scaling}.`;
}
