import { rmSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelStorage } from '../../src-shared/domain/models';
import { inTransaction, type Db } from '../store/db';
import { listModels } from '../store/models';
import { modelDirInside } from '../store/runDelete';
import {
  cellModelsBestFirst,
  forgetRunModels,
  keepModels,
  keptModelDirs,
} from '../store/runModels';

/**
 * The models runs keep (issue 13, point 3): after a transfer run completes with a saved model,
 * `best-per-cell` keeps only the best of its comparison cell (store/runModels.ts says how best is
 * chosen) and removes the other folders once the rows are gone.
 */
export function pruneCellModels(db: Db, workspaceDir: string, runId: number): number {
  if (keepModels(db) !== 'best-per-cell') return 0;
  const dirs = inTransaction(db, () =>
    forgetRunModels(db, cellModelsBestFirst(db, runId).slice(1)),
  );
  let removed = 0;
  for (const dir of dirs) {
    const path = modelDirInside(workspaceDir, dir);
    if (path === undefined) continue;
    try {
      rmSync(path, { recursive: true, force: true, maxRetries: 2 });
      removed += 1;
    } catch {
      // Left behind as litter, never a broken run: no row points to it any more.
    }
  }
  return removed;
}

async function bytesOf(dirs: Iterable<string>): Promise<number> {
  let total = 0;
  for (const dir of new Set(dirs)) {
    for (const file of ['model.json', 'weights.bin']) {
      total += await stat(join(dir, file)).then(
        (s) => s.size,
        () => 0,
      );
    }
  }
  return total;
}

/** What models take on disk: kept by source runs, by transfer runs, imported. */
export async function modelStorage(db: Db): Promise<ModelStorage> {
  const kept = keptModelDirs(db);
  const of = (kind: 'source' | 'transfer'): string[] =>
    kept.filter((k) => k.kind === kind).map((k) => k.dir);
  const imported = listModels(db);
  return {
    keep: keepModels(db),
    sourceRuns: { models: of('source').length, bytes: await bytesOf(of('source')) },
    transferRuns: { models: of('transfer').length, bytes: await bytesOf(of('transfer')) },
    imported: { models: imported.length, bytes: imported.reduce((sum, m) => sum + m.bytes, 0) },
  };
}
