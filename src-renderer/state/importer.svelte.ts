import type { Api } from '../../src-shared/rpc/api';
import type { AppError, Result } from '../../src-shared/result';
import type {
  FileRef,
  ImportFormat,
  ImportResult,
  InspectResult,
} from '../../src-shared/rpc/datasets';
import type { FileSender } from '../api/files';
import { uploadFolder, type FolderProgress } from '../api/folderUpload';
import { collectFolder, type ChosenFolder } from '../lib/folderFiles';
import {
  buildImportOptions,
  guessCompanions,
  importFormFromInspect,
  reconcileColumns,
  type BuiltImport,
  type CompanionRefs,
  type Delimiter,
  type HeaderChoice,
  type ImportForm,
} from '../lib/importForm';
import { newImportId, watchImportProgress, type ImportProgressView } from './importProgress';

export type ImportPhase = 'idle' | 'sending' | 'inspecting' | 'ready' | 'importing' | 'done';
export type CompanionSlot = 'labels' | 'testImages' | 'testLabels';

export interface Transfer {
  name: string;
  loaded: number;
  total: number;
}

/**
 * One import, from the file the user chose to the report: send it (upload or path), inspect it,
 * let the form be filled, send the companion files, import. A later choice or `reset` supersedes
 * whatever is still in flight: its answers are dropped.
 */
export class Importer {
  phase = $state<ImportPhase>('idle');
  file = $state.raw<File | null>(null);
  /** The chosen thing is a folder (image-folder import). */
  folder = $state(false);
  /** A folder uploaded file by file (a browser): its name, and the files left out of it. */
  folderName = $state<string | null>(null);
  skipped = $state(0);
  /** The folder's upload so far, over all its files. */
  folderProgress = $state.raw<FolderProgress | null>(null);
  transfer = $state.raw<Transfer | null>(null);
  inspection = $state.raw<InspectResult | null>(null);
  form = $state<ImportForm | null>(null);
  companions = $state<Record<CompanionSlot, File | null>>({
    labels: null,
    testImages: null,
    testLabels: null,
  });
  /** Where the last failure happened, so the view shows it there. */
  error = $state.raw<{ at: 'choose' | 'inspect' | 'import'; error: AppError } | null>(null);
  result = $state.raw<ImportResult | null>(null);
  /** When the current step began (epoch ms), for an elapsed-time label on slow steps. */
  since = $state(0);
  /** The running import's latest progress event (null until the core sends one). */
  progress = $state.raw<ImportProgressView | null>(null);

  readonly #api: Api;
  readonly #files: FileSender;
  #ref: FileRef | null = null;
  /** The browser folder behind an `upload-folder` ref, and whether an import used its uploads. */
  #chosenFolder: ChosenFolder<File> | null = null;
  #uploadsUsed = false;
  #generation = 0;
  #abort: AbortController | null = null;
  #unwatch: (() => void) | null = null;

  constructor(api: Api, files: FileSender) {
    this.#api = api;
    this.#files = files;
  }

  get busy(): boolean {
    return this.phase === 'sending' || this.phase === 'inspecting' || this.phase === 'importing';
  }

  /** What the panel calls the choice: the folder's name, else the file's. */
  get title(): string {
    return this.folderName ?? this.file?.name ?? '';
  }

  /** The options as the form stands, and the problems that stop them. */
  built(): BuiltImport | null {
    if (!this.form || !this.inspection) return null;
    const present = {
      labels: this.companions.labels !== null,
      testImages: this.companions.testImages !== null,
      testLabels: this.companions.testLabels !== null,
    };
    // Placeholders stand for companion files not sent yet: they are sent on Import.
    const placeholder: FileRef = { kind: 'path', path: '(chosen)' };
    const refs: CompanionRefs = {
      ...(present.labels ? { labels: placeholder } : {}),
      ...(present.testImages ? { testImages: placeholder } : {}),
      ...(present.testLabels ? { testLabels: placeholder } : {}),
    };
    return buildImportOptions(this.form, this.inspection, refs, present);
  }

  reset(): void {
    this.#generation++;
    this.#abort?.abort();
    this.#abort = null;
    this.#stopWatching();
    this.phase = 'idle';
    this.file = null;
    this.folder = false;
    this.folderName = null;
    this.skipped = 0;
    this.folderProgress = null;
    this.#chosenFolder = null;
    this.#uploadsUsed = false;
    this.transfer = null;
    this.inspection = null;
    this.form = null;
    this.companions = { labels: null, testImages: null, testLabels: null };
    this.error = null;
    this.result = null;
    this.#ref = null;
  }

  /** Several files at once (MNIST's four): the data file and its companions by their names. */
  async choose(files: readonly File[], options: { folder?: boolean } = {}): Promise<void> {
    if (files.length === 0) return;
    this.reset();
    const generation = this.#generation;
    const guess = guessCompanions(files.map((f) => f.name));
    const main = files[guess.main] ?? files[0];
    if (!main) return;
    this.file = main;
    this.folder = options.folder === true;
    if (!this.folder) {
      this.companions = {
        labels: guess.labels === undefined ? null : (files[guess.labels] ?? null),
        testImages: guess.testImages === undefined ? null : (files[guess.testImages] ?? null),
        testLabels: guess.testLabels === undefined ? null : (files[guess.testLabels] ?? null),
      };
    }
    this.#step('sending');
    const sent = await this.#send(main);
    if (generation !== this.#generation) return;
    if (!sent.ok) {
      this.#fail('choose', sent.error);
      return;
    }
    this.#ref = sent.value;
    await this.#inspect(generation, this.folder ? 'image-folder' : undefined);
  }

  /**
   * A folder in a browser (a folder input's files, or a dropped folder's, still being read): its
   * images are uploaded a few at a time and imported as an image folder; other files are skipped.
   */
  async chooseFolder(
    files:
      | readonly { file: File; relativePath: string }[]
      | Promise<readonly { file: File; relativePath: string }[]>,
  ): Promise<void> {
    this.reset();
    const generation = this.#generation;
    this.folder = true;
    this.#step('sending');
    let listed: readonly { file: File; relativePath: string }[];
    try {
      listed = await files;
    } catch (e) {
      if (generation !== this.#generation) return;
      this.#fail('choose', {
        code: 'bad_folder',
        message: `Could not read the folder: ${e instanceof Error ? e.message : String(e)}`,
      });
      return;
    }
    if (generation !== this.#generation) return;
    const collected = collectFolder(listed);
    if (!collected.ok) {
      this.#fail('choose', collected.error);
      return;
    }
    const folder = collected.value;
    this.#chosenFolder = folder;
    this.folderName = folder.name;
    this.skipped = folder.skipped;
    this.file = folder.images[0]?.file ?? null;
    if (!(await this.#uploadFolder(generation, 'choose'))) return;
    await this.#inspect(generation, 'image-folder');
  }

  /** Reads a CSV again with other delimiter/header settings. */
  async reinspect(delimiter: Delimiter, header: HeaderChoice): Promise<void> {
    if (!this.form || this.busy) return;
    this.form.delimiter = delimiter;
    this.form.header = header;
    await this.#inspect(this.#generation, 'csv', { delimiter, header });
  }

  setCompanion(slot: CompanionSlot, file: File | null): void {
    this.companions[slot] = file;
  }

  async submit(): Promise<void> {
    const built = this.built();
    const { form, inspection } = this;
    const ref = this.#ref;
    if (!built?.options || !form || !inspection || !ref || this.busy) return;
    const generation = this.#generation;
    this.error = null;
    this.#step('sending');
    // An import consumes a folder's uploads even when it fails: a retry uploads it again.
    if (ref.kind === 'upload-folder' && this.#uploadsUsed) {
      if (!(await this.#uploadFolder(generation, 'import'))) return;
    }
    const refs: CompanionRefs = {};
    for (const slot of ['labels', 'testImages', 'testLabels'] as const) {
      const file = this.companions[slot];
      if (!file) continue;
      const sent = await this.#send(file);
      if (generation !== this.#generation) return;
      if (!sent.ok) {
        this.#fail('import', sent.error);
        return;
      }
      refs[slot] = sent.value;
    }
    const { options } = buildImportOptions(form, inspection, refs, {
      labels: refs.labels !== undefined,
      testImages: refs.testImages !== undefined,
      testLabels: refs.testLabels !== undefined,
    });
    if (!options) return;
    // Events name the import by an id of our own: other windows may be importing meanwhile.
    const importId = newImportId();
    this.#stopWatching();
    this.#unwatch = watchImportProgress(
      (listener) => this.#api.onEvent(listener),
      importId,
      (view) => {
        if (generation === this.#generation) this.progress = view;
      },
    );
    this.#step('importing');
    this.#uploadsUsed = true;
    const result = await this.#api['datasets.import']({
      file: this.#ref ?? ref,
      name: form.name.trim(),
      options,
      importId,
    });
    if (generation !== this.#generation) return;
    this.#stopWatching();
    if (!result.ok) {
      this.#fail('import', result.error);
      return;
    }
    this.result = result.value;
    this.#step('done');
  }

  async #inspect(
    generation: number,
    format: ImportFormat | undefined,
    csv: { delimiter?: Delimiter; header?: HeaderChoice } = {},
  ): Promise<void> {
    const ref = this.#ref;
    if (!ref) return;
    this.#step('inspecting');
    const inspected = await this.#api['datasets.inspect']({
      file: ref,
      ...(format ? { format } : {}),
      ...csv,
    });
    if (generation !== this.#generation) return;
    if (!inspected.ok) {
      this.#fail('inspect', inspected.error);
      return;
    }
    const name = this.#chosenName();
    this.form = this.form
      ? reconcileColumns(this.form, inspected.value)
      : importFormFromInspect(inspected.value, name);
    this.inspection = inspected.value;
    this.error = null;
    this.phase = 'ready';
  }

  #chosenName(): string {
    if (this.folderName !== null) return `${this.folderName}.dir`;
    const file = this.file;
    if (!file) return 'dataset';
    // A folder choice is named by the folder (the first part of a chosen file's relative path);
    // the suffix keeps a dotted folder name whole when the extension is stripped.
    const [folder] = file.webkitRelativePath.split('/');
    return this.folder && folder !== undefined && folder !== '' ? `${folder}.dir` : file.name;
  }

  /** Uploads the chosen folder's images; false (the failure shown) if that did not work out. */
  async #uploadFolder(generation: number, at: 'choose' | 'import'): Promise<boolean> {
    const folder = this.#chosenFolder;
    if (!folder) return false;
    this.#abort = new AbortController();
    this.#uploadsUsed = false;
    this.folderProgress = null;
    const sent = await uploadFolder(this.#files, folder, {
      signal: this.#abort.signal,
      onProgress: (p) => {
        if (generation === this.#generation) this.folderProgress = p;
      },
    });
    if (generation !== this.#generation) return false;
    if (!sent.ok) {
      this.#fail(at, sent.error);
      return false;
    }
    this.#ref = sent.value;
    return true;
  }

  #send(file: File): Promise<Result<FileRef>> {
    this.#abort = new AbortController();
    this.transfer = { name: file.name, loaded: 0, total: file.size };
    return this.#files.send(file, {
      signal: this.#abort.signal,
      onProgress: (loaded, total) => {
        this.transfer = { name: file.name, loaded, total };
      },
    });
  }

  #step(phase: ImportPhase): void {
    this.phase = phase;
    this.since = Date.now();
    this.progress = null;
  }

  #stopWatching(): void {
    this.#unwatch?.();
    this.#unwatch = null;
  }

  #fail(at: 'choose' | 'inspect' | 'import', error: AppError): void {
    this.error = { at, error };
    this.phase = at === 'import' ? 'ready' : this.form ? 'ready' : 'idle';
  }
}
