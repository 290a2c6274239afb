import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LayersModel, io } from '@tensorflow/tfjs';
import { APP_VERSION } from '../../../src-shared/version';
import { probeBackends, selectBackend, type Tf } from '../backend';
import { OnnxImportError } from '../onnx/graph';
import { exportOnnxModel, OnnxExportError } from '../onnx/export';
import { computeEmbedding } from '../embedding/job';
import { CanonicalModelError, canonicalise } from '../pretrained/canonical';
import { importModelFile } from '../pretrained/importModel';
import { loadSourceModel } from '../pretrained/sourceModel';
import { TfjsImportError } from '../pretrained/tfjsFormat';
import { loadModel } from '../model';
import { ModelsRequestSchema, type ModelsAnswer, type ModelsRequest } from './modelsProtocol';

/**
 * The models process (issue 13): forked by modelsHost.ts for one request (import a model file,
 * describe a stored model cut at another layer, export one), it answers and exits. Like the
 * trainer and the probe, it keeps tfjs out of the process that owns the UI and the database.
 */

function send(message: ModelsAnswer): Promise<void> {
  return new Promise((resolve) => {
    if (process.send === undefined || !process.connected) resolve();
    else
      process.send(message, undefined, {}, () => {
        resolve();
      });
  });
}

/** Errors that are the file's or the request's fault: shown to the user as they are. */
function isRefusal(e: unknown): boolean {
  return (
    e instanceof OnnxImportError ||
    e instanceof TfjsImportError ||
    e instanceof CanonicalModelError ||
    e instanceof OnnxExportError
  );
}

async function writeTfjs(tf: Tf, model: LayersModel, out: string, stem: string): Promise<string[]> {
  const weightsFile = `${stem}.weights.bin`;
  const jsonFile = join(out, 'model.json');
  let written: string[] = [];
  await model.save(
    tf.io.withSaveHandler(async (artifacts: io.ModelArtifacts): Promise<io.SaveResult> => {
      const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData ?? []));
      const json = {
        format: 'layers-model',
        generatedBy: `Transferlab ${APP_VERSION}`,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [weightsFile], weights: artifacts.weightSpecs ?? [] }],
      };
      await writeFile(jsonFile, JSON.stringify(json));
      await writeFile(join(out, weightsFile), weights);
      written = [jsonFile, join(out, weightsFile)];
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
  return written;
}

async function answer(request: ModelsRequest): Promise<ModelsAnswer> {
  // Tries every backend in this throwaway process, so none is selected first.
  if (request.type === 'backends') return { type: 'backends', machine: await probeBackends() };
  // An embedding uses the run's own backend: another one rounds differently, and the same seed
  // should draw the same picture wherever it is recomputed. Import, description and export move
  // weights around rather than compute: wasm, on every machine (not 'auto', which takes a GPU
  // where there is one, and ONNX export reads weights synchronously, which WebGPU cannot).
  const { tf } = await selectBackend(
    request.type === 'embed' ? request.target.config.training.backend : 'wasm',
  );
  if (request.type === 'import') {
    const model = await importModelFile(tf, request.path, request.modelsDir, request.featureLayer);
    return { type: 'imported', model };
  }
  if (request.type === 'embed') return computeEmbedding(tf, request);
  if (request.type === 'describe') {
    const stored = await loadModel(tf, request.model.dir, request.model.hash);
    try {
      const storedNames = stored.layers
        .filter((l) => l.getClassName() !== 'InputLayer')
        .map((l) => l.name);
      const c = canonicalise(tf, stored, request.model.featureLayer);
      c.model.dispose();
      // Layers keep the names they have in the stored model: those are what a spec names.
      const layers = c.layers.map((l, i) => ({ ...l, name: storedNames[i] ?? l.name }));
      const feature = layers.find((l) => l.role === 'features');
      return {
        type: 'described',
        model: { layers, featureLayer: feature?.name ?? '', featureSize: c.featureSize },
      };
    } finally {
      stored.dispose();
    }
  }
  const model = await loadSourceModel(tf, request.model);
  try {
    await mkdir(request.out, { recursive: true });
    if (request.format === 'tfjs') {
      return { type: 'exported', files: await writeTfjs(tf, model, request.out, request.stem) };
    }
    const rank = model.inputs[0]?.shape.length ?? 0;
    const bytes = exportOnnxModel(tf, model, {
      inputLayout: rank >= 3 ? 'nchw' : 'features',
      producerVersion: APP_VERSION,
    });
    const file = join(request.out, `${request.stem}.onnx`);
    await writeFile(file, bytes);
    return { type: 'exported', files: [file] };
  } finally {
    model.dispose();
  }
}

if (process.send === undefined) {
  console.error('The models process runs as a child with an IPC channel (see modelsHost.ts).');
  process.exit(2);
}

process.once('message', (raw: unknown) => {
  const parsed = ModelsRequestSchema.safeParse(raw);
  const reply = parsed.success
    ? answer(parsed.data).catch((e: unknown): ModelsAnswer => ({
        type: 'failed',
        error: e instanceof Error ? e.message : String(e),
        refused: isRefusal(e),
      }))
    : Promise.resolve<ModelsAnswer>({
        type: 'failed',
        error: `Bad request: ${parsed.error.message}`,
        refused: false,
      });
  void reply.then(send).then(() => process.exit(0));
});
process.on('disconnect', () => process.exit(3));
