import { describe, expect, it } from 'vitest';
import type { ModelDetail, ModelLayer } from '../../src-shared/domain/models';
import type { AppError, Result } from '../../src-shared/result';
import type { Api } from '../../src-shared/rpc/api';
import type { RpcInput } from '../../src-shared/rpc/contract';
import type { FileRef } from '../../src-shared/rpc/datasets';
import type { ModelExportResult, ModelImportResult } from '../../src-shared/rpc/models';
import type { FileSender } from '../api/files';
import { ModelExporter, ModelImporter, ModelPage } from './models.svelte';

/**
 * The Models view's state (issue 13): which files make a model, how they reach the core (uploads
 * in a browser, one path in Electron), where each failure is kept, and the model page's edits.
 */

const REFUSED =
  'unsupported.onnx uses operators Div, Erf, Mul, which Transferlab cannot convert. Supported operators: Add, AveragePool, BatchNormalization, Conv, Dropout, Flatten, Gemm, GlobalAveragePool, Identity, LeakyRelu, MatMul, MaxPool, Relu, Reshape, Sigmoid, Softmax, Tanh.';

function layer(name: string, role: ModelLayer['role'], canBeFeatures: boolean): ModelLayer {
  return { name, className: 'Dense', outputShape: [8], parameters: 10, role, canBeFeatures };
}

function detail(id: number, name: string, featureLayer = 'hidden_1'): ModelDetail {
  return {
    id,
    name,
    format: 'onnx',
    fileHash: 'a'.repeat(64),
    weightsHash: 'b'.repeat(64),
    producer: 'pytorch 1.13.1',
    operators: ['Gemm', 'Relu'],
    parameters: 1000,
    input: { shape: [28, 28, 1], scaling: { kind: 'unit' } },
    featureLayer,
    featureSize: 8,
    outputUnits: 10,
    bytes: 4096,
    runs: 0,
    createdAt: '2026-12-06T10:00:00.000Z',
    layers: [
      layer('hidden_1', featureLayer === 'hidden_1' ? 'features' : 'trunk', true),
      layer('hidden_2', featureLayer === 'hidden_2' ? 'features' : 'trunk', true),
      layer('output', 'head', false),
    ],
    provenance: { file: `${name}.onnx`, opset: 13, notes: [] },
  };
}

interface Held<I, O> {
  inputs: I[];
  answers: ((result: Result<O>) => void)[];
}

function held<I, O>(): Held<I, O> & { call: (input: I) => Promise<Result<O>> } {
  const inputs: I[] = [];
  const answers: ((result: Result<O>) => void)[] = [];
  return {
    inputs,
    answers,
    call: (input) =>
      new Promise((resolve) => {
        inputs.push(input);
        answers.push(resolve);
      }),
  };
}

function answer<O>(h: Held<unknown, O>, index: number, result: Result<O>): void {
  const fn = h.answers[index];
  if (!fn) throw new Error(`no call #${index} (${h.answers.length} were made)`);
  fn(result);
}

function fakeApi() {
  const imports = held<RpcInput<'models.import'>, ModelImportResult>();
  const updates = held<RpcInput<'models.update'>, ModelDetail>();
  const deletes = held<RpcInput<'models.delete'>, { deleted: boolean }>();
  const exports = held<RpcInput<'models.export'>, ModelExportResult>();
  const gets = held<RpcInput<'models.get'>, ModelDetail>();
  const methods: Partial<Api> = {
    'models.import': imports.call,
    'models.update': updates.call,
    'models.delete': deletes.call,
    'models.export': exports.call,
    'models.get': gets.call,
  };
  return { api: methods as Api, imports, updates, deletes, exports, gets };
}

/** Uploads (a browser) get ids in order; paths (Electron) are where the file "lies". */
function fakeFiles(mode: 'path' | 'upload'): FileSender & { sent: string[] } {
  const sent: string[] = [];
  return {
    mode,
    folders: false,
    sent,
    send(file, options): Promise<Result<FileRef>> {
      sent.push(file.name);
      options?.onProgress?.(file.size, file.size);
      return Promise.resolve({
        ok: true,
        value:
          mode === 'upload'
            ? { kind: 'upload', id: `u${sent.length}`, name: file.name }
            : { kind: 'path', path: `/models/${file.name}` },
      });
    },
  };
}

function file(name: string, size = 64): File {
  return new File([new Uint8Array(size)], name);
}

/** Lets the awaited sends settle before the core is asked. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

describe('ModelImporter', () => {
  it('takes one .onnx file, uploads it and imports it with the name and scaling given', async () => {
    const f = fakeApi();
    const files = fakeFiles('upload');
    const importer = new ModelImporter(f.api, files);
    importer.choose([file('cnn.onnx', 500)]);
    expect(importer.phase).toBe('ready');
    expect(importer.format).toBe('onnx');
    importer.name = '  PyTorch CNN ';
    importer.scaling = { kind: 'standardise', mean: '0.286', std: '0.353' };

    const submitting = importer.submit();
    await settle();
    expect(importer.phase).toBe('converting');
    expect(importer.busy).toBe(true);
    expect(importer.transfer).toEqual({ name: 'cnn.onnx', loaded: 500, total: 500 });
    expect(f.imports.inputs).toEqual([
      {
        files: { kind: 'uploads', files: [{ id: 'u1', name: 'cnn.onnx' }] },
        name: 'PyTorch CNN',
        scaling: { kind: 'standardise', mean: [0.286], std: [0.353] },
      },
    ]);
    answer(f.imports, 0, {
      ok: true,
      value: { model: detail(1, 'PyTorch CNN'), alreadyImported: false },
    });
    await submitting;
    expect(importer.phase).toBe('done');
    expect(importer.result?.model.id).toBe(1);
    expect(importer.error).toBeNull();
  });

  it('uploads a tfjs model.json with its shards, each under its own name', async () => {
    const f = fakeApi();
    const importer = new ModelImporter(f.api, fakeFiles('upload'));
    importer.choose([
      file('group1-shard1of2.bin'),
      file('model.json'),
      file('group1-shard2of2.bin'),
    ]);
    expect(importer.format).toBe('tfjs');
    expect(importer.main?.name).toBe('model.json');
    const submitting = importer.submit();
    await settle();
    expect(f.imports.inputs[0]).toEqual({
      files: {
        kind: 'uploads',
        files: [
          { id: 'u1', name: 'model.json' },
          { id: 'u2', name: 'group1-shard1of2.bin' },
          { id: 'u3', name: 'group1-shard2of2.bin' },
        ],
      },
      scaling: { kind: 'unit' },
    });
    answer(f.imports, 0, { ok: true, value: { model: detail(2, 'model'), alreadyImported: true } });
    await submitting;
    expect(importer.result?.alreadyImported).toBe(true);
  });

  it('sends only model.json by path in Electron: the core reads the shards beside it', async () => {
    const f = fakeApi();
    const files = fakeFiles('path');
    const importer = new ModelImporter(f.api, files);
    importer.choose([file('model.json'), file('weights.bin')]);
    const submitting = importer.submit();
    await settle();
    expect(files.sent).toEqual(['model.json']);
    expect(f.imports.inputs[0]?.files).toEqual({ kind: 'path', path: '/models/model.json' });
    answer(f.imports, 0, { ok: true, value: { model: detail(3, 'm'), alreadyImported: false } });
    await submitting;
  });

  it('refuses files that are no model before sending a byte, saying why', () => {
    const f = fakeApi();
    const files = fakeFiles('upload');
    const importer = new ModelImporter(f.api, files);
    for (const chosen of [
      [file('data.csv')],
      [file('weights.bin')],
      [file('a.onnx'), file('b.onnx')],
      [file('a.json'), file('b.json')],
    ]) {
      importer.choose(chosen);
      expect(importer.phase).toBe('idle');
      expect(importer.error?.at).toBe('choose');
      expect(importer.error?.error.message).not.toBe('');
    }
    expect(files.sent).toEqual([]);
  });

  it("keeps the core's refusal whole at the import step, and the form to try again", async () => {
    const f = fakeApi();
    const importer = new ModelImporter(f.api, fakeFiles('upload'));
    importer.choose([file('unsupported.onnx')]);
    const submitting = importer.submit();
    await settle();
    const refusal: AppError = { code: 'invalid_input', message: REFUSED };
    answer(f.imports, 0, { ok: false, error: refusal });
    await submitting;
    expect(importer.phase).toBe('ready');
    expect(importer.error).toEqual({ at: 'import', error: refusal });
    expect(importer.result).toBeNull();
  });

  it('checks a standardise scaling before sending anything', async () => {
    const f = fakeApi();
    const files = fakeFiles('upload');
    const importer = new ModelImporter(f.api, files);
    importer.choose([file('cnn.onnx')]);
    importer.scaling = { kind: 'standardise', mean: '0.5, 0.5', std: '0.2' };
    await importer.submit();
    expect(importer.error?.at).toBe('form');
    expect(importer.error?.error.message).toMatch(/as many values/);
    expect(files.sent).toEqual([]);
    expect(f.imports.inputs).toEqual([]);
  });

  it('drops the answer of an import the user closed', async () => {
    const f = fakeApi();
    const importer = new ModelImporter(f.api, fakeFiles('upload'));
    importer.choose([file('cnn.onnx')]);
    const submitting = importer.submit();
    await settle();
    importer.reset();
    answer(f.imports, 0, { ok: true, value: { model: detail(1, 'cnn'), alreadyImported: false } });
    await submitting;
    expect(importer.phase).toBe('idle');
    expect(importer.result).toBeNull();
  });
});

describe('ModelPage', () => {
  it('loads the model by m<id> and changes its feature layer', async () => {
    const f = fakeApi();
    const page = new ModelPage(f.api, 4);
    const loading = page.load();
    expect(f.gets.inputs).toEqual([{ ref: 'm4' }]);
    answer(f.gets, 0, { ok: true, value: detail(4, 'mlp') });
    await loading;
    expect(page.model?.featureLayer).toBe('hidden_1');

    const saving = page.setFeatureLayer('hidden_2');
    expect(page.saving).toBe('featureLayer');
    expect(f.updates.inputs).toEqual([{ id: 4, featureLayer: 'hidden_2' }]);
    answer(f.updates, 0, { ok: true, value: detail(4, 'mlp', 'hidden_2') });
    expect(await saving).toBe(true);
    expect(page.model?.featureLayer).toBe('hidden_2');
    expect(page.saved).toBe('featureLayer');
    expect(page.saving).toBeNull();
  });

  it('keeps a failed edit beside its control, and checks scaling and names first', async () => {
    const f = fakeApi();
    const page = new ModelPage(f.api, 4);
    expect(await page.rename('   ')).toBe(false);
    expect(page.error?.at).toBe('name');
    expect(await page.setScaling({ kind: 'standardise', mean: 'x', std: '1' })).toBe(false);
    expect(page.error?.at).toBe('scaling');
    expect(f.updates.inputs).toEqual([]);

    const renaming = page.rename('cnn');
    answer(f.updates, 0, {
      ok: false,
      error: { code: 'conflict', message: 'A model is already named "cnn".' },
    });
    expect(await renaming).toBe(false);
    expect(page.error).toEqual({
      at: 'name',
      error: { code: 'conflict', message: 'A model is already named "cnn".' },
    });
  });

  it("shows the server's words when it refuses a delete", async () => {
    const f = fakeApi();
    const page = new ModelPage(f.api, 4);
    const message =
      'Model m4 is the source of 2 run(s); delete those runs first, so that every recorded run can still be re-run.';
    const removing = page.remove();
    answer(f.deletes, 0, { ok: false, error: { code: 'conflict', message } });
    expect(await removing).toBe(false);
    expect(page.error?.at).toBe('delete');
    expect(page.error?.error.message).toBe(message);

    const again = page.remove();
    answer(f.deletes, 1, { ok: true, value: { deleted: true } });
    expect(await again).toBe(true);
    expect(page.error).toBeNull();
  });
});

describe('ModelExporter', () => {
  it('asks for the files in the answer and downloads each one', async () => {
    const f = fakeApi();
    const downloaded: string[] = [];
    const exporter = new ModelExporter(f.api, { kind: 'run', id: 9 }, (file) => {
      downloaded.push(`${file.fileName}:${file.content}`);
      return file.fileName;
    });
    const exporting = exporter.export('tfjs');
    expect(exporter.busy).toBe('tfjs');
    expect(f.exports.inputs).toEqual([{ from: { kind: 'run', id: 9 }, format: 'tfjs' }]);
    answer(f.exports, 0, {
      ok: true,
      value: {
        format: 'tfjs',
        files: [
          { fileName: 'model.json', bytes: 3, content: 'e30=' },
          { fileName: 'weights.bin', bytes: 4, content: 'AAAAAA==' },
        ],
        note: 'Rows of 28 × 28 × 1, values in [0, 1].',
      },
    });
    await exporting;
    expect(exporter.busy).toBeNull();
    expect(downloaded).toEqual(['model.json:e30=', 'weights.bin:AAAAAA==']);
    expect(exporter.done).toEqual({
      files: ['model.json', 'weights.bin'],
      note: 'Rows of 28 × 28 × 1, values in [0, 1].',
    });
  });

  it('keeps the refusal and downloads nothing', async () => {
    const f = fakeApi();
    const downloaded: string[] = [];
    const exporter = new ModelExporter(f.api, { kind: 'run', id: 9 }, (file) => {
      downloaded.push(file.fileName);
      return file.fileName;
    });
    const exporting = exporter.export('onnx');
    const error: AppError = {
      code: 'not_found',
      message:
        'Run #9 kept no model (failed); only completed runs whose model was kept can be exported.',
    };
    answer(f.exports, 0, { ok: false, error });
    await exporting;
    expect(exporter.error).toEqual(error);
    expect(exporter.done).toBeNull();
    expect(downloaded).toEqual([]);
  });
});
