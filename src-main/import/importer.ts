import { rm, stat } from 'node:fs/promises';
import type { z } from 'zod';
import type { ImportInputSchema, ImportResult } from '../../src-shared/rpc/datasets';
import { AppFailure } from '../../src-shared/result';
import { toSummary } from '../store/datasets';
import type { Db } from '../store/db';
import { readCsv } from './csv/read';
import { inputDigest, resolveFileRef, type LocalFile } from './files';
import { readIdxDataset } from './idx';
import { readImageFolder } from './images';
import { readJsonDataset } from './json';
import { readNpyDataset } from './npy';
import { progressReporter } from './progress';
import { withUploadFolder } from './uploadFolder';
import { commitStaged } from './storage';
import type { ImportProgressListener, ReadOutcome } from './types';
import { ArraysWriter } from './writer';

export type ImportInput = z.infer<typeof ImportInputSchema>;

export interface ImportContext {
  db: Db;
  datasetsDir: string;
  uploadsDir: string;
  onProgress?: ImportProgressListener | undefined;
}

/**
 * 'datasets.import': reads the file(s) in the chosen format, streams the canonical arrays to a
 * staging folder, then commits them (storage.ts): reused when the same content is already
 * stored. Any failure removes the staging folder and is reported as bad input naming the file
 * and the row or byte, so nothing partial is ever stored. Uploads used are deleted on success;
 * a browser's image folder (an `upload-folder` ref, uploadFolder.ts) is rebuilt from its uploads
 * for the import, and the folder and its uploads are deleted whatever the outcome.
 */
export async function importDataset(ctx: ImportContext, input: ImportInput): Promise<ImportResult> {
  const file = input.file;
  if (file.kind !== 'upload-folder')
    return importLocal(ctx, input, await resolveFileRef(file, ctx.uploadsDir));
  if (input.options.format !== 'image-folder') {
    throw new AppFailure(
      'invalid_input',
      `"${file.name}" is an uploaded folder: only the image-folder format imports a folder, not ${input.options.format}`,
    );
  }
  return withUploadFolder(file, ctx.uploadsDir, 'consume', (folder) =>
    importLocal(ctx, input, folder),
  );
}

async function importLocal(
  ctx: ImportContext,
  input: ImportInput,
  main: LocalFile,
): Promise<ImportResult> {
  const options = input.options;
  const extra: LocalFile[] = [];
  const ref = async (r: Parameters<typeof resolveFileRef>[0]): Promise<string> => {
    const file = await resolveFileRef(r, ctx.uploadsDir);
    extra.push(file);
    return file.path;
  };
  const isDir = (await stat(main.path)).isDirectory();
  if (isDir !== (options.format === 'image-folder')) {
    throw new AppFailure(
      'invalid_input',
      isDir
        ? `${main.path} is a folder: only the image-folder format imports a folder`
        : `${main.path} is a file: the image-folder format needs a folder with one subfolder per class`,
    );
  }
  const progress = progressReporter(ctx.onProgress, { file: main.name, importId: input.importId });
  // An image folder's rows are its files; a CSV reports the bytes of its passes itself.
  const unit = options.format === 'image-folder' ? 'files' : 'rows';
  let writer: ArraysWriter | null = null;
  const newWriter = (featureShape: number[]): ArraysWriter => {
    if (writer !== null) throw new Error('A reader asked for a second writer');
    writer = new ArraysWriter(ctx.datasetsDir, featureShape, (rows) => {
      if (options.format !== 'csv') progress.step({ phase: 'read', done: rows, total: 0, unit });
    });
    return writer;
  };
  const started = Date.now();
  let outcome: ReadOutcome;
  try {
    switch (options.format) {
      case 'csv':
        outcome = await readCsv(main.path, options, newWriter, (step) => {
          progress.step(step);
        });
        break;
      case 'idx': {
        const labels = await ref(options.labels);
        const test = options.test
          ? { images: await ref(options.test.images), labels: await ref(options.test.labels) }
          : undefined;
        outcome = await readIdxDataset({ images: main.path, labels, test }, newWriter);
        break;
      }
      case 'json':
        outcome = await readJsonDataset(main.path, options.labelKey, newWriter);
        break;
      case 'npy':
        outcome = await readNpyDataset(main.path, await ref(options.labels), newWriter);
        break;
      case 'image-folder':
        outcome = await readImageFolder(main.path, options, newWriter);
        break;
    }
  } catch (e) {
    (writer as ArraysWriter | null)?.abort();
    if (e instanceof AppFailure) throw e;
    throw new AppFailure(
      'invalid_input',
      `Import refused: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  const done = writer as ArraysWriter | null;
  if (done === null) throw new Error('The reader wrote no rows');
  let staged;
  try {
    staged = done.finish();
  } catch (e) {
    done.abort();
    throw new AppFailure(
      'invalid_input',
      `Import refused: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  // What is left (hashing the inputs, the commit) takes a fraction of the reading: full bar.
  progress.finish(staged.rows);
  const files = [main, ...extra];
  const digests = await Promise.all(files.map((f) => inputDigest(f.path)));
  const provenance: Record<string, string> = {
    source: files.map((f) => f.name).join(', '),
    bytes: String(digests.reduce((sum, d) => sum + d.bytes, 0)),
    sha256: digests.map((d) => d.sha256).join(', '),
    format: options.format,
    options: JSON.stringify(options),
    report: JSON.stringify(outcome.report),
    importedAt: new Date().toISOString(),
    importSeconds: ((Date.now() - started) / 1000).toFixed(1),
  };
  const result = commitStaged(ctx.db, ctx.datasetsDir, staged, {
    name: input.name ?? defaultName(main.name),
    nameIsDefault: input.name === undefined,
    outcome,
    provenance,
  });
  for (const f of files) {
    if (f.upload) await rm(f.path, { force: true });
  }
  return { dataset: toSummary(result.dataset), reused: result.reused, report: outcome.report };
}

/** `train-images-idx3-ubyte.gz` → `train-images`, `iris.csv` → `iris`. */
export function defaultName(fileName: string): string {
  const stem = fileName
    .replace(/\.gz$/i, '')
    .replace(/-idx\d-ubyte$/i, '')
    .replace(/\.(csv|tsv|txt|json|npy|idx\d?-?u?byte|idx\d?)$/i, '');
  return stem.trim() === '' ? 'dataset' : stem.slice(0, 200);
}
