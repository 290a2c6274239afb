import { KeepModelsSchema, type KeepModels } from '../../src-shared/domain/models';
import type { Db } from './db';

/**
 * Models trained by runs (issue 13, point 3). Source runs always keep theirs: transfer runs start
 * from them and later experiments reuse them. Transfer runs keep theirs under the workspace
 * setting `models.keep`: every one, the best of each comparison cell, or none. Their rows live in
 * source_models beside the source runs' (one table of "weights a run trained", keyed by run).
 */

const KEEP = 'models.keep';
export const DEFAULT_KEEP_MODELS: KeepModels = 'best-per-cell';

export function keepModels(db: Db): KeepModels {
  const row = db.prepare('SELECT value FROM settings WHERE key = ?').get(KEEP) as
    { value: string } | undefined;
  if (row === undefined) return DEFAULT_KEEP_MODELS;
  const parsed = KeepModelsSchema.safeParse(JSON.parse(row.value));
  return parsed.success ? parsed.data : DEFAULT_KEEP_MODELS;
}

export function setKeepModels(db: Db, keep: KeepModels): void {
  db.prepare('INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)').run(
    KEEP,
    JSON.stringify(keep),
  );
}

/** Folders of the models runs kept, by run kind. */
export function keptModelDirs(db: Db): { kind: 'source' | 'transfer'; dir: string }[] {
  return db
    .prepare(
      `SELECT r.kind, sm.dir FROM source_models sm JOIN runs r ON r.id = sm.run_id ORDER BY sm.run_id`,
    )
    .all() as { kind: 'source' | 'transfer'; dir: string }[];
}

/**
 * The transfer runs of `runId`'s comparison cell (experiment, variant, source, target, budget)
 * that kept a model, best first by the final validation accuracy, then the lower validation
 * loss, then the lower id: selection on validation, never on test.
 */
export function cellModelsBestFirst(db: Db, runId: number): number[] {
  const rows = db
    .prepare(
      `SELECT r.id FROM runs r JOIN source_models sm ON sm.run_id = r.id
        JOIN runs me ON me.id = ?
       WHERE r.kind = 'transfer' AND r.status = 'completed'
         AND r.experiment_id = me.experiment_id AND r.variant = me.variant
         AND r.domain_id = me.domain_id AND r.budget = me.budget
         AND r.source_domain_id IS me.source_domain_id
       ORDER BY COALESCE(json_extract(r.final_metrics, '$.val_acc'), -1) DESC,
                COALESCE(json_extract(r.final_metrics, '$.val_loss'), 1e308) ASC,
                r.id ASC`,
    )
    .all(runId) as { id: number }[];
  return rows.map((r) => r.id);
}

/**
 * Forgets the models of `runIds`; returns the folders no other run or imported model uses, for
 * the caller to remove once the transaction has committed.
 */
export function forgetRunModels(db: Db, runIds: readonly number[]): string[] {
  if (runIds.length === 0) return [];
  const ids = JSON.stringify(runIds);
  const dirs = db
    .prepare(
      `SELECT DISTINCT dir FROM source_models WHERE run_id IN (SELECT value FROM json_each(?))`,
    )
    .all(ids) as { dir: string }[];
  db.prepare(`DELETE FROM source_models WHERE run_id IN (SELECT value FROM json_each(?))`).run(ids);
  const used = db.prepare(
    'SELECT 1 FROM source_models WHERE dir = ? UNION ALL SELECT 1 FROM models WHERE dir = ? LIMIT 1',
  );
  return dirs.map((d) => d.dir).filter((dir) => used.get(dir, dir) === undefined);
}
