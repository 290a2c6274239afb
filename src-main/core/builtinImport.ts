import { readFile } from 'node:fs/promises';
import type { ImportResult } from '../../src-shared/rpc/datasets';
import { idxContentHash } from '../engine/data/load';
import { resolveFileRef } from '../import/files';
import type { ImportInput } from '../import/importer';
import { findDatasetById, findDatasetIdByContentHash, toSummary } from '../store/datasets';
import type { Db } from '../store/db';

/**
 * An IDX import of exactly the files of a built-in dataset (Debian's Fashion-MNIST, as the README
 * shows the IDX import) is the built-in dataset: nothing is imported, the built-in one is
 * answered as already there (issue 14: it used to store a second copy of its 70,000 images).
 * The four files are hashed as the built-in registration hashes them (idxContentHash: train
 * images, train labels, test images, test labels), so any other file set imports as before.
 */
export async function builtinMatch(
  db: Db,
  uploadsDir: string,
  input: ImportInput,
): Promise<ImportResult | undefined> {
  const { options } = input;
  if (options.format !== 'idx' || options.test === undefined) return undefined;
  const refs = [input.file, options.labels, options.test.images, options.test.labels];
  const files = await Promise.all(refs.map((ref) => resolveFileRef(ref, uploadsDir)));
  const bytes = await Promise.all(files.map((f) => readFile(f.path)));
  const found = findDatasetIdByContentHash(db, idxContentHash(bytes));
  const dataset = found && findDatasetById(db, found.id);
  if (dataset?.kind !== 'builtin') return undefined;
  return {
    dataset: toSummary(dataset),
    reused: true,
    report: {
      rowsRead: dataset.samples,
      rowsKept: dataset.samples,
      rowsDropped: 0,
      missingByColumn: {},
      oneHot: [],
      warnings: [
        `These are the files of the built-in dataset "${dataset.name}": it is already in every workspace, so nothing was imported.`,
      ],
    },
  };
}
