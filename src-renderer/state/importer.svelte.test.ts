import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DatasetSummary } from '../../src-shared/domain/datasets';
import type { Api } from '../../src-shared/rpc/api';
import type { RpcInput } from '../../src-shared/rpc/contract';
import type {
  FileRef,
  ImportFormat,
  ImportResult,
  InspectResult,
} from '../../src-shared/rpc/datasets';
import type { AppEvent } from '../../src-shared/rpc/events';
import type { AppError, Result } from '../../src-shared/result';
import type { FileSender, SendOptions } from '../api/files';
import { Importer } from './importer.svelte';

/**
 * One import, from the chosen file to the report: send, inspect, fill the form, send the
 * companions, import. A later choice or a reset supersedes what is in flight (its answers are
 * dropped, its transfer aborted); each failure is shown where it happened.
 */

type InspectInput = RpcInput<'datasets.inspect'>;
type ImportInput = RpcInput<'datasets.import'>;

/**
 * A call the spec answers: at once (`respond`) unless held, in which case `release(i)` answers
 * the i-th held call when the spec says so.
 */
class Gate<I, O> {
  readonly inputs: I[] = [];
  hold = false;
  readonly #held: (() => void)[] = [];
  readonly #respond: (input: I) => O;

  constructor(respond: (input: I) => O) {
    this.#respond = respond;
  }

  readonly call = (input: I): Promise<O> => {
    this.inputs.push(input);
    const answer = this.#respond(input);
    if (!this.hold) return Promise.resolve(answer);
    return new Promise((resolve) => {
      this.#held.push(() => {
        resolve(answer);
      });
    });
  };

  release(index: number): void {
    const release = this.#held[index];
    if (!release) throw new Error(`no held call #${index} (${this.#held.length} held)`);
    release();
  }
}

const csvInspection: InspectResult = {
  format: 'csv',
  bytes: 2048,
  csv: { delimiter: ',', header: true },
  columns: [
    { index: 0, name: 'a', kind: 'numeric', missing: 0, distinct: 90 },
    { index: 1, name: 'b', kind: 'numeric', missing: 0, distinct: 80 },
    { index: 2, name: 'class', kind: 'categorical', missing: 0, distinct: 2 },
  ],
  suggestedLabel: 2,
  rows: 100,
  warnings: [],
};

function inspectionOf(format: ImportFormat): InspectResult {
  return format === 'csv' ? csvInspection : { format, bytes: 4096, rows: 60, warnings: [] };
}

/** The format the fake core finds in a file, by its name (as the real one guesses it). */
function formatOf(ref: FileRef): ImportFormat {
  if (ref.kind === 'upload-folder') return 'image-folder';
  const name = ref.kind === 'path' ? ref.path : ref.name;
  if (name.includes('ubyte')) return 'idx';
  if (name.endsWith('.npy')) return 'npy';
  return 'csv';
}

function dataset(name: string): DatasetSummary {
  return {
    id: 9,
    name,
    kind: 'imported',
    contentHash: '0'.repeat(64),
    samples: 100,
    featureShape: [2],
    classes: [0, 1],
    provenance: {},
    createdAt: '2026-12-06T10:00:00.000Z',
  };
}

function importResult(name: string): ImportResult {
  return {
    dataset: dataset(name),
    reused: false,
    report: {
      rowsRead: 100,
      rowsKept: 100,
      rowsDropped: 0,
      missingByColumn: {},
      oneHot: [],
      warnings: [],
    },
  };
}

interface Fakes {
  api: Api;
  files: FileSender & { aborted: string[] };
  send: Gate<{ file: File; options: SendOptions | undefined }, Result<FileRef>>;
  inspect: Gate<InspectInput, Result<InspectResult>>;
  importing: Gate<ImportInput, Result<ImportResult>>;
  /** Files whose sending fails, and the error of a failing inspect or import. */
  refuseFiles: Set<string>;
  failInspect: { error: AppError | null };
  failImport: { error: AppError | null };
  emit: (event: AppEvent) => void;
  listeners: () => number;
}

function fakes(mode: 'path' | 'upload' = 'path'): Fakes {
  const refuseFiles = new Set<string>();
  const failInspect: { error: AppError | null } = { error: null };
  const failImport: { error: AppError | null } = { error: null };
  const aborted: string[] = [];
  let uploads = 0;
  const send = new Gate<{ file: File; options: SendOptions | undefined }, Result<FileRef>>(
    ({ file, options }) => {
      options?.signal?.addEventListener('abort', () => {
        aborted.push(file.name);
      });
      options?.onProgress?.(file.size, file.size);
      if (refuseFiles.has(file.name))
        return { ok: false, error: { code: 'upload_failed', message: `${file.name} refused` } };
      if (mode === 'path') return { ok: true, value: { kind: 'path', path: `/data/${file.name}` } };
      uploads += 1;
      return {
        ok: true,
        value: { kind: 'upload', id: uploads.toString(16).padStart(32, '0'), name: file.name },
      };
    },
  );
  const inspect = new Gate<InspectInput, Result<InspectResult>>((input) =>
    failInspect.error
      ? { ok: false, error: failInspect.error }
      : { ok: true, value: inspectionOf(input.format ?? formatOf(input.file)) },
  );
  const importing = new Gate<ImportInput, Result<ImportResult>>((input) =>
    failImport.error
      ? { ok: false, error: failImport.error }
      : { ok: true, value: importResult(input.name ?? 'dataset') },
  );
  const listeners = new Set<(event: AppEvent) => void>();
  const methods: Partial<Api> = {
    'datasets.inspect': inspect.call,
    'datasets.import': importing.call,
    onEvent: (listener) => {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
  const files: FileSender & { aborted: string[] } = {
    mode,
    folders: true,
    aborted,
    send: (file, options) => send.call({ file, options }),
  };
  return {
    api: methods as Api,
    files,
    send,
    inspect,
    importing,
    refuseFiles,
    failInspect,
    failImport,
    emit: (event) => {
      for (const listener of listeners) listener(event);
    },
    listeners: () => listeners.size,
  };
}

/** A chosen file as a browser gives it (Node's File has no `webkitRelativePath`). */
function file(name: string, size = 100, relativePath = ''): File {
  const chosen = new File([new Uint8Array(size)], name);
  Object.defineProperty(chosen, 'webkitRelativePath', { value: relativePath });
  return chosen;
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(Date.UTC(2026, 11, 6, 10, 0, 0));
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Importer', () => {
  it('sends and inspects a chosen file, then imports it as the form says', async () => {
    const f = fakes();
    const importer = new Importer(f.api, f.files);
    f.inspect.hold = true;
    const choosing = importer.choose([file('iris.data.csv', 300)]);
    expect(importer.title).toBe('iris.data.csv');
    await vi.advanceTimersByTimeAsync(0);
    expect(importer.phase).toBe('inspecting');
    expect(importer.busy).toBe(true);
    expect(importer.transfer).toEqual({ name: 'iris.data.csv', loaded: 300, total: 300 });
    f.inspect.release(0);
    await choosing;
    expect(f.inspect.inputs).toEqual([{ file: { kind: 'path', path: '/data/iris.data.csv' } }]);
    expect(importer.phase).toBe('ready');
    expect(importer.inspection).toEqual(csvInspection);
    expect(importer.form).toMatchObject({ format: 'csv', name: 'iris.data', labelColumn: 2 });
    expect(importer.built()?.problems).toEqual([]);

    if (!importer.form) throw new Error('no form');
    importer.form.name = '  iris  ';
    importer.form.missing = 'drop-rows';
    vi.setSystemTime(Date.UTC(2026, 11, 6, 10, 0, 5));
    await importer.submit();
    expect(f.importing.inputs).toHaveLength(1);
    expect(f.importing.inputs[0]).toMatchObject({
      file: { kind: 'path', path: '/data/iris.data.csv' },
      name: 'iris',
      options: { format: 'csv', labelColumn: 2, missing: 'drop-rows' },
    });
    expect(f.importing.inputs[0]?.importId).toMatch(/^[0-9a-f]{32}$/);
    expect(importer.phase).toBe('done');
    expect(importer.since).toBe(Date.UTC(2026, 11, 6, 10, 0, 5));
    expect(importer.result?.dataset.name).toBe('iris');
    expect(importer.error).toBeNull();
  });

  it('sorts four MNIST files into the data file and its companions, sent on import', async () => {
    const f = fakes();
    const importer = new Importer(f.api, f.files);
    const mnist = [
      't10k-labels-idx1-ubyte.gz',
      'train-labels-idx1-ubyte.gz',
      't10k-images-idx3-ubyte.gz',
      'train-images-idx3-ubyte.gz',
    ].map((name) => file(name));
    await importer.choose(mnist);
    expect(importer.file?.name).toBe('train-images-idx3-ubyte.gz');
    expect(importer.companions.labels?.name).toBe('train-labels-idx1-ubyte.gz');
    expect(importer.companions.testImages?.name).toBe('t10k-images-idx3-ubyte.gz');
    expect(importer.companions.testLabels?.name).toBe('t10k-labels-idx1-ubyte.gz');
    expect(f.send.inputs.map((s) => s.file.name)).toEqual(['train-images-idx3-ubyte.gz']);
    expect(importer.form).toMatchObject({ format: 'idx', name: 'train-images' });

    await importer.submit();
    expect(f.send.inputs.map((s) => s.file.name)).toEqual([
      'train-images-idx3-ubyte.gz',
      'train-labels-idx1-ubyte.gz',
      't10k-images-idx3-ubyte.gz',
      't10k-labels-idx1-ubyte.gz',
    ]);
    expect(f.importing.inputs[0]?.options).toEqual({
      format: 'idx',
      labels: { kind: 'path', path: '/data/train-labels-idx1-ubyte.gz' },
      test: {
        images: { kind: 'path', path: '/data/t10k-images-idx3-ubyte.gz' },
        labels: { kind: 'path', path: '/data/t10k-labels-idx1-ubyte.gz' },
      },
    });
    expect(importer.phase).toBe('done');
  });

  it('imports nothing while the form has problems', async () => {
    const f = fakes();
    const importer = new Importer(f.api, f.files);
    await importer.choose([file('features.npy')]);
    expect(importer.built()?.problems.map((p) => p.field)).toEqual(['labels']);
    await importer.submit();
    expect(f.importing.inputs).toEqual([]);
    expect(importer.phase).toBe('ready');

    importer.setCompanion('labels', file('labels.npy'));
    expect(importer.built()?.problems).toEqual([]);
    await importer.submit();
    expect(f.importing.inputs[0]?.options).toEqual({
      format: 'npy',
      labels: { kind: 'path', path: '/data/labels.npy' },
    });
  });

  it('shows only its own import’s progress, and stops listening when it ends', async () => {
    const f = fakes();
    const importer = new Importer(f.api, f.files);
    await importer.choose([file('iris.csv')]);
    f.importing.hold = true;
    const submitting = importer.submit();
    await vi.advanceTimersByTimeAsync(0);
    expect(importer.phase).toBe('importing');
    const importId = f.importing.inputs[0]?.importId;
    f.emit({
      type: 'dataset.importProgress',
      importId: 'another-window',
      file: 'other.csv',
      phase: 'scan',
      done: 5,
      total: 10,
      unit: 'bytes',
    });
    expect(importer.progress).toBeNull();
    f.emit({
      type: 'dataset.importProgress',
      importId,
      file: 'iris.csv',
      phase: 'write',
      done: 512,
      total: 1024,
      unit: 'bytes',
    });
    expect(importer.progress).toEqual({
      fraction: 0.75,
      text: 'Pass 2/2: writing',
      detail: '512 B of 1.0 KiB',
    });
    expect(f.listeners()).toBe(1);
    f.importing.release(0);
    await submitting;
    expect(importer.phase).toBe('done');
    expect(f.listeners()).toBe(0);
  });

  it('drops every answer of a choice that a later one replaced, and aborts its transfer', async () => {
    const f = fakes();
    const importer = new Importer(f.api, f.files);
    f.send.hold = true;
    const first = importer.choose([file('old.csv')]);
    const second = importer.choose([file('new.csv')]);
    expect(f.files.aborted).toEqual(['old.csv']);
    // The new file is sent, then the old one's transfer answers late.
    f.send.release(1);
    await vi.advanceTimersByTimeAsync(0);
    f.send.release(0);
    await Promise.all([first, second]);
    expect(f.inspect.inputs.map((i) => i.file)).toEqual([{ kind: 'path', path: '/data/new.csv' }]);
    expect(importer.file?.name).toBe('new.csv');
    expect(importer.form?.name).toBe('new');
    expect(importer.phase).toBe('ready');
  });

  it('forgets everything on reset, and a late inspection changes nothing', async () => {
    const f = fakes();
    const importer = new Importer(f.api, f.files);
    f.inspect.hold = true;
    const choosing = importer.choose([file('iris.csv')]);
    await vi.advanceTimersByTimeAsync(0);
    importer.reset();
    f.inspect.release(0);
    await choosing;
    expect(importer.phase).toBe('idle');
    expect(importer.file).toBeNull();
    expect(importer.inspection).toBeNull();
    expect(importer.form).toBeNull();
    expect(importer.title).toBe('');
    expect(importer.built()).toBeNull();
  });

  it('shows each failure where it happened, and lets the import be tried again', async () => {
    const f = fakes();
    const importer = new Importer(f.api, f.files);
    f.refuseFiles.add('huge.csv');
    await importer.choose([file('huge.csv')]);
    expect(importer.error).toEqual({
      at: 'choose',
      error: { code: 'upload_failed', message: 'huge.csv refused' },
    });
    expect(importer.phase).toBe('idle');

    f.failInspect.error = { code: 'invalid_input', message: 'Not a CSV.' };
    await importer.choose([file('garbage.csv')]);
    expect(importer.error).toEqual({ at: 'inspect', error: f.failInspect.error });
    expect(importer.phase).toBe('idle');
    expect(importer.form).toBeNull();

    f.failInspect.error = null;
    await importer.choose([file('iris.csv')]);
    f.failImport.error = {
      code: 'invalid_input',
      message: 'Name taken.',
      issues: [{ path: 'name', message: 'already used' }],
    };
    await importer.submit();
    expect(importer.error).toEqual({ at: 'import', error: f.failImport.error });
    expect(importer.phase).toBe('ready');
    expect(importer.busy).toBe(false);

    f.failImport.error = null;
    await importer.submit();
    expect(importer.error).toBeNull();
    expect(importer.phase).toBe('done');
    expect(f.importing.inputs).toHaveLength(2);
  });

  it('reads a CSV again with other settings, keeping the choices that still fit', async () => {
    const f = fakes();
    const importer = new Importer(f.api, f.files);
    await importer.choose([file('iris.csv')]);
    if (!importer.form) throw new Error('no form');
    importer.form.labelColumn = 0;
    importer.form.features = [false, true, false];
    await importer.reinspect(';', 'no');
    expect(f.inspect.inputs[1]).toEqual({
      file: { kind: 'path', path: '/data/iris.csv' },
      format: 'csv',
      delimiter: ';',
      header: 'no',
    });
    expect(importer.form).toMatchObject({
      delimiter: ';',
      header: 'no',
      labelColumn: 0,
      features: [false, true, false],
    });
    expect(importer.phase).toBe('ready');
  });

  it('uploads a browser folder’s images, and again for a retry after a failed import', async () => {
    const f = fakes('upload');
    const importer = new Importer(f.api, f.files);
    const entries = [
      { file: file('a.png', 10), relativePath: 'shapes/circle/a.png' },
      { file: file('b.png', 20), relativePath: 'shapes/square/b.png' },
      { file: file('notes.txt', 5), relativePath: 'shapes/notes.txt' },
    ];
    await importer.chooseFolder(Promise.resolve(entries));
    expect(importer.folder).toBe(true);
    expect(importer.folderName).toBe('shapes');
    expect(importer.title).toBe('shapes');
    expect(importer.skipped).toBe(1);
    expect(importer.folderProgress).toEqual({
      filesDone: 2,
      filesTotal: 2,
      bytesDone: 30,
      bytesTotal: 30,
    });
    expect(f.inspect.inputs).toEqual([
      {
        file: {
          kind: 'upload-folder',
          name: 'shapes',
          files: [
            { id: '1'.padStart(32, '0'), path: 'circle/a.png' },
            { id: '2'.padStart(32, '0'), path: 'square/b.png' },
          ],
        },
        format: 'image-folder',
      },
    ]);
    expect(importer.form).toMatchObject({ format: 'image-folder', name: 'shapes' });

    // The core deletes a folder's uploads once an import of them ends, even a failed one.
    f.failImport.error = { code: 'internal', message: 'disk full' };
    await importer.submit();
    expect(importer.error?.at).toBe('import');
    f.failImport.error = null;
    await importer.submit();
    expect(f.send.inputs.map((s) => s.file.name)).toEqual(['a.png', 'b.png', 'a.png', 'b.png']);
    expect(f.importing.inputs.map((i) => i.file)).toEqual([
      expect.objectContaining({
        files: [expect.objectContaining({ id: '1'.padStart(32, '0') }), expect.anything()],
      }),
      expect.objectContaining({
        files: [expect.objectContaining({ id: '3'.padStart(32, '0') }), expect.anything()],
      }),
    ]);
    expect(importer.phase).toBe('done');
  });

  it('names a folder chosen on the desktop after the folder, and guesses no companions', async () => {
    const f = fakes();
    const importer = new Importer(f.api, f.files);
    await importer.choose(
      [
        file('a.png', 10, 'my.shapes/circle/a.png'),
        file('labels.png', 10, 'my.shapes/y/labels.png'),
      ],
      { folder: true },
    );
    expect(importer.folder).toBe(true);
    expect(f.inspect.inputs[0]?.format).toBe('image-folder');
    // The suffix keeps the dotted folder name whole when the "extension" is dropped.
    expect(importer.form?.name).toBe('my.shapes');
    expect(importer.companions).toEqual({ labels: null, testImages: null, testLabels: null });
  });

  it('says why a folder could not be used', async () => {
    const f = fakes('upload');
    const importer = new Importer(f.api, f.files);
    await importer.chooseFolder(Promise.reject(new Error('permission denied')));
    expect(importer.error).toEqual({
      at: 'choose',
      error: { code: 'bad_folder', message: 'Could not read the folder: permission denied' },
    });
    expect(importer.phase).toBe('idle');

    await importer.chooseFolder([{ file: file('a.png'), relativePath: 'one/cat/a.png' }]);
    expect(importer.error?.error.code).toBe('bad_folder');
    expect(importer.error?.error.message).toMatch(/at least 2/);
    expect(f.send.inputs).toEqual([]);
  });
});
