import { rm } from 'node:fs/promises';
import type { RpcHandlers } from '../../src-shared/rpc/contract';
import { AppFailure } from '../../src-shared/result';
import type { ImportProgressListener } from '../import/types';
import { deleteDatasetRow, domainsUsingDataset, findDatasetById } from '../store/datasets';
import { inTransaction, type Db } from '../store/db';
import { datasetsDir, uploadsDir } from './paths';
import { builtinMatch } from './builtinImport';

type DatasetHandlers = Pick<
  RpcHandlers,
  'datasets.inspect' | 'datasets.import' | 'datasets.preview' | 'datasets.delete'
>;

/** The dataset import, preview and delete services (issue 4) of one workspace. */
export function datasetHandlers(
  db: Db,
  workspaceDir: string,
  onProgress?: ImportProgressListener,
): DatasetHandlers {
  const context = {
    onProgress,
    db,
    datasetsDir: datasetsDir(workspaceDir),
    uploadsDir: uploadsDir(workspaceDir),
  };
  const byId = (id: number) => {
    const dataset = findDatasetById(db, id);
    if (!dataset) throw new AppFailure('not_found', `No dataset #${id}.`);
    return dataset;
  };
  return {
    // The format readers (CSV, IDX, NPY, images) load on first use, not at every start.
    'datasets.inspect': async (input) =>
      (await import('../import/inspect')).inspectFile(input, context.uploadsDir),
    'datasets.import': async (input) =>
      (await builtinMatch(db, context.uploadsDir, input)) ??
      (await import('../import/importer')).importDataset(context, input),
    'datasets.preview': async (input) =>
      (await import('./datasetPreview')).previewDataset(byId(input.id).locator, input),
    'datasets.delete': async ({ id }) => {
      const dataset = byId(id);
      if (dataset.kind === 'builtin') {
        throw new AppFailure(
          'invalid_input',
          `"${dataset.name}" is built in and cannot be deleted.`,
        );
      }
      // Checked and deleted in one transaction: an experiment created meanwhile cannot slip in.
      inTransaction(db, () => {
        const use = domainsUsingDataset(db, id);
        if (use.domains > 0) {
          throw new AppFailure(
            'conflict',
            `"${dataset.name}" is used by ${use.domains} domain(s) of ${use.experiments} experiment(s); it cannot be deleted while they exist.`,
          );
        }
        deleteDatasetRow(db, id);
      });
      // The files go after the row: a folder left by a failure here is replaced by the next
      // import of the same content (import/storage.ts).
      if (dataset.locator.kind === 'arrays')
        await rm(dataset.locator.dir, { recursive: true, force: true });
      return { deleted: true };
    },
  };
}
