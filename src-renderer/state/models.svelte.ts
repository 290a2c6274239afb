import type { ModelDetail } from '../../src-shared/domain/models';
import type { AppError, Result } from '../../src-shared/result';
import type { Api } from '../../src-shared/rpc/api';
import type {
  ExportFormat,
  ExportedFile,
  ModelExportInput,
  ModelFilesRef,
  ModelImportResult,
  ModelUpdateInput,
} from '../../src-shared/rpc/models';
import type { FileSender } from '../api/files';
import { chooseModelFiles, parseScaling, scalingForm, type ScalingForm } from '../lib/modelFiles';
import type { Transfer } from './importer.svelte';

/**
 * The Models view's state (issue 13): importing a pretrained model from the files a user chose,
 * one model's page (rename, scaling, feature layer, delete) and exports, which the model page and
 * the run page share. Each failure is kept with the step it happened at, so the view shows it
 * there.
 */

export type ModelImportPhase = 'idle' | 'ready' | 'sending' | 'converting' | 'done';

export class ModelImporter {
  phase = $state<ModelImportPhase>('idle');
  format = $state<'onnx' | 'tfjs' | null>(null);
  files = $state.raw<readonly File[]>([]);
  /** Optional: the file's name (less its extension) when left empty. */
  name = $state('');
  scaling = $state<ScalingForm>({ kind: 'unit', mean: '', std: '' });
  transfer = $state.raw<Transfer | null>(null);
  /** When the current step began (epoch ms), for an elapsed-time label while converting. */
  since = $state(0);
  error = $state.raw<{ at: 'choose' | 'form' | 'import'; error: AppError } | null>(null);
  result = $state.raw<ModelImportResult | null>(null);

  readonly #api: Api;
  readonly #files: FileSender;
  #generation = 0;
  #abort: AbortController | null = null;

  constructor(api: Api, files: FileSender) {
    this.#api = api;
    this.#files = files;
  }

  get busy(): boolean {
    return this.phase === 'sending' || this.phase === 'converting';
  }

  /** The file the model is named after: the .onnx file, or model.json. */
  get main(): File | null {
    return this.files[0] ?? null;
  }

  reset(): void {
    this.#generation++;
    this.#abort?.abort();
    this.#abort = null;
    this.phase = 'idle';
    this.format = null;
    this.files = [];
    this.name = '';
    this.scaling = { kind: 'unit', mean: '', std: '' };
    this.transfer = null;
    this.error = null;
    this.result = null;
  }

  /** Files chosen or dropped: checked here (one .onnx, or model.json with its shards). */
  choose(files: readonly File[]): void {
    this.reset();
    const chosen = chooseModelFiles(files);
    if (!chosen.ok) {
      this.error = { at: 'choose', error: { code: 'invalid_input', message: chosen.message } };
      return;
    }
    this.format = chosen.format;
    this.files = chosen.files;
    this.phase = 'ready';
  }

  /** Sends the files (uploads, or the path of the .onnx / model.json) and converts the model. */
  async submit(): Promise<void> {
    if (this.phase !== 'ready' || this.files.length === 0) return;
    const scaling = parseScaling(this.scaling);
    if (!scaling.ok) {
      this.error = { at: 'form', error: { code: 'invalid_input', message: scaling.message } };
      return;
    }
    const generation = this.#generation;
    this.error = null;
    this.#step('sending');
    const ref = await this.#send(generation);
    if (generation !== this.#generation) return;
    if (!ref.ok) {
      this.#fail(ref.error);
      return;
    }
    this.#step('converting');
    const name = this.name.trim();
    const result = await this.#api['models.import']({
      files: ref.value,
      ...(name === '' ? {} : { name }),
      scaling: scaling.value,
    });
    if (generation !== this.#generation) return;
    if (!result.ok) {
      this.#fail(result.error);
      return;
    }
    this.result = result.value;
    this.#step('done');
  }

  async #send(generation: number): Promise<Result<ModelFilesRef>> {
    const uploads: { id: string; name: string }[] = [];
    // By path (Electron), the core reads the .onnx file, or model.json and the shards beside it.
    const toSend = this.#files.mode === 'path' ? this.files.slice(0, 1) : this.files;
    for (const file of toSend) {
      this.#abort = new AbortController();
      this.transfer = { name: file.name, loaded: 0, total: file.size };
      const sent = await this.#files.send(file, {
        signal: this.#abort.signal,
        onProgress: (loaded, total) => {
          if (generation === this.#generation) this.transfer = { name: file.name, loaded, total };
        },
      });
      if (generation !== this.#generation || !sent.ok) return sent.ok ? cancelled() : sent;
      const ref = sent.value;
      if (ref.kind === 'path') return { ok: true, value: { kind: 'path', path: ref.path } };
      if (ref.kind !== 'upload') {
        return {
          ok: false,
          error: { code: 'invalid_input', message: `"${file.name}" could not be sent as a file.` },
        };
      }
      uploads.push({ id: ref.id, name: file.name });
    }
    return { ok: true, value: { kind: 'uploads', files: uploads } };
  }

  #step(phase: ModelImportPhase): void {
    this.phase = phase;
    this.since = Date.now();
  }

  #fail(error: AppError): void {
    this.error = { at: 'import', error };
    this.phase = 'ready';
  }
}

function cancelled(): Result<never> {
  return { ok: false, error: { code: 'cancelled', message: 'The import was cancelled.' } };
}

/** What an edit on the model page changed, so its failure is shown beside that control. */
export type ModelEdit = 'name' | 'featureLayer' | 'scaling' | 'delete';

/** One imported model's page: its detail, and the edits made there. */
export class ModelPage {
  readonly id: number;
  model = $state.raw<ModelDetail | null>(null);
  loadError = $state.raw<AppError | null>(null);
  loading = $state(false);
  saving = $state<ModelEdit | null>(null);
  error = $state.raw<{ at: ModelEdit; error: AppError } | null>(null);
  /** The edit that last succeeded, for a short confirmation beside it. */
  saved = $state<ModelEdit | null>(null);

  readonly #api: Api;

  constructor(api: Api, id: number) {
    this.#api = api;
    this.id = id;
  }

  async load(): Promise<void> {
    this.loading = true;
    const result = await this.#api['models.get']({ ref: `m${this.id}` });
    this.loading = false;
    if (result.ok) {
      this.model = result.value;
      this.loadError = null;
    } else {
      this.loadError = result.error;
    }
  }

  rename(name: string): Promise<boolean> {
    const trimmed = name.trim();
    if (trimmed === '') {
      this.error = { at: 'name', error: { code: 'invalid_input', message: 'A name is needed.' } };
      return Promise.resolve(false);
    }
    return this.#update('name', { name: trimmed });
  }

  setFeatureLayer(layer: string): Promise<boolean> {
    return this.#update('featureLayer', { featureLayer: layer });
  }

  setScaling(form: ScalingForm): Promise<boolean> {
    const parsed = parseScaling(form);
    if (!parsed.ok) {
      this.error = { at: 'scaling', error: { code: 'invalid_input', message: parsed.message } };
      return Promise.resolve(false);
    }
    return this.#update('scaling', { scaling: parsed.value });
  }

  /** The scaling form as the model stands. */
  scalingForm(): ScalingForm {
    return this.model ? scalingForm(this.model.input.scaling) : { kind: 'unit', mean: '', std: '' };
  }

  /** True once deleted; a refusal (runs use the model) is kept in `error` with the server's words. */
  async remove(): Promise<boolean> {
    this.saving = 'delete';
    this.error = null;
    const result = await this.#api['models.delete']({ id: this.id });
    this.saving = null;
    if (!result.ok) {
      this.error = { at: 'delete', error: result.error };
      return false;
    }
    if (!result.value.deleted) {
      this.error = {
        at: 'delete',
        error: { code: 'not_deleted', message: `Model m${this.id} was not deleted.` },
      };
      return false;
    }
    return true;
  }

  async #update(at: ModelEdit, change: Omit<ModelUpdateInput, 'id'>): Promise<boolean> {
    if (this.saving !== null) return false;
    this.saving = at;
    this.saved = null;
    this.error = null;
    const result = await this.#api['models.update']({ id: this.id, ...change });
    this.saving = null;
    if (!result.ok) {
      this.error = { at, error: result.error };
      return false;
    }
    this.model = result.value;
    this.saved = at;
    return true;
  }
}

/**
 * Exports a model (imported, or trained by a run) and hands each returned file to `download`
 * (a browser download; Electron shows its save dialog). The files come back in the answer as
 * base64, since a page cannot write into a folder.
 */
export class ModelExporter {
  busy = $state<ExportFormat | null>(null);
  error = $state.raw<AppError | null>(null);
  /** The file names of the last export, and what they need to be fed. */
  done = $state.raw<{ files: string[]; note: string } | null>(null);

  readonly #api: Api;
  readonly #from: ModelExportInput['from'];
  readonly #download: (file: ExportedFile & { content: string }) => string;

  constructor(
    api: Api,
    from: ModelExportInput['from'],
    download: (file: ExportedFile & { content: string }) => string,
  ) {
    this.#api = api;
    this.#from = from;
    this.#download = download;
  }

  async export(format: ExportFormat): Promise<void> {
    if (this.busy !== null) return;
    this.busy = format;
    this.error = null;
    this.done = null;
    const result = await this.#api['models.export']({ from: this.#from, format });
    this.busy = null;
    if (!result.ok) {
      this.error = result.error;
      return;
    }
    const names: string[] = [];
    for (const file of result.value.files) {
      if (file.content === undefined) {
        this.error = {
          code: 'transport',
          message: `The server sent "${file.fileName}" without its content.`,
        };
        return;
      }
      names.push(this.#download({ ...file, content: file.content }));
    }
    this.done = { files: names, note: result.value.note };
  }
}
