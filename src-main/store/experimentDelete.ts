import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type {
  ExperimentDeletePreview,
  ExperimentDeleteResult,
  ExperimentDependants,
} from '../../src-shared/rpc/experiments';
import { AppFailure } from '../../src-shared/result';
import { inTransaction, type Db } from './db';
import { deleteRunRows, modelDirInside, removeModelDirs } from './runDelete';

/**
 * Deleting a whole experiment (issue 14, point 5): its runs with everything recorded about them
 * (the same row deletion as deleting runs, store/runDelete.ts), then the experiment itself, in one
 * transaction; model folders no other run uses go after the commit. Refused while a run is queued
 * or running, or while another experiment's runs start from this one's source runs (their
 * `depends_on` would point nowhere).
 */

const count = (db: Db, sql: string, ...params: unknown[]): number =>
  (db.prepare(sql).get(...params) as { n: number }).n;

/** Bytes of the files directly inside a model folder (model.json, weights.bin); 0 if unreadable. */
function folderBytes(workspaceDir: string, dir: string): number {
  const path = modelDirInside(workspaceDir, dir);
  if (path === undefined) return 0;
  try {
    return readdirSync(path, { withFileTypes: true })
      .filter((entry) => entry.isFile())
      .reduce((sum, entry) => sum + statSync(join(path, entry.name)).size, 0);
  } catch {
    return 0;
  }
}

function experimentName(db: Db, id: number): string {
  const row = db.prepare('SELECT name FROM experiments WHERE id = ?').get(id) as
    { name: string } | undefined;
  if (!row) throw new AppFailure('not_found', `No experiment #${id}.`);
  return row.name;
}

function dependantsOf(db: Db, id: number): ExperimentDependants[] {
  const rows = db
    .prepare(
      `SELECT d.experiment_id, e.name, d.id FROM runs d
         JOIN runs s ON s.id = d.depends_on
         JOIN experiments e ON e.id = d.experiment_id
        WHERE s.experiment_id = @id AND d.experiment_id <> @id
        ORDER BY d.experiment_id, d.id`,
    )
    .all({ id }) as { experiment_id: number; name: string; id: number }[];
  const byExperiment = new Map<number, ExperimentDependants>();
  for (const r of rows) {
    const entry = byExperiment.get(r.experiment_id);
    if (entry) entry.runIds.push(r.id);
    else
      byExperiment.set(r.experiment_id, {
        experimentId: r.experiment_id,
        name: r.name,
        runIds: [r.id],
      });
  }
  return [...byExperiment.values()];
}

/** What deleting experiment `id` would remove, and what stops it; writes nothing. */
export function previewExperimentDelete(
  db: Db,
  workspaceDir: string,
  id: number,
): ExperimentDeletePreview {
  const name = experimentName(db, id);
  const inExperiment = 'SELECT id FROM runs WHERE experiment_id = ?';
  const active = db
    .prepare(
      `SELECT id, status FROM runs WHERE experiment_id = ? AND status IN ('queued', 'running')
       ORDER BY id`,
    )
    .all(id) as { id: number; status: 'queued' | 'running' }[];
  // The same rule deleteRunRows applies: a folder stays while a run outside the set uses it.
  const folders = db
    .prepare(
      `SELECT sm.dir, EXISTS (SELECT 1 FROM source_models o JOIN runs r ON r.id = o.run_id
                               WHERE o.dir = sm.dir AND r.experiment_id <> @id) AS shared
         FROM source_models sm JOIN runs r ON r.id = sm.run_id
        WHERE r.experiment_id = @id
        GROUP BY sm.dir`,
    )
    .all({ id }) as { dir: string; shared: number }[];
  const freed = folders.filter((f) => f.shared === 0).map((f) => f.dir);
  return {
    experimentId: id,
    name,
    runs: count(db, 'SELECT COUNT(*) AS n FROM runs WHERE experiment_id = ?', id),
    metricValues: count(
      db,
      `SELECT COUNT(*) AS n FROM metrics WHERE run_id IN (${inExperiment})`,
      id,
    ),
    logLines: count(db, `SELECT COUNT(*) AS n FROM run_logs WHERE run_id IN (${inExperiment})`, id),
    models: {
      folders: freed.length,
      bytes: freed.reduce((sum, dir) => sum + folderBytes(workspaceDir, dir), 0),
    },
    sharedModelFolders: folders.length - freed.length,
    active,
    dependants: dependantsOf(db, id),
    reports: count(
      db,
      `SELECT COUNT(*) AS n FROM reports r WHERE EXISTS (
         SELECT 1 FROM json_each(r.run_ids) j WHERE j.value IN (${inExperiment}))`,
      id,
    ),
  };
}

function runList(ids: readonly number[]): string {
  return ids.map((r) => `#${r}`).join(', ');
}

/** Deletes experiment `id` with all its runs, or refuses and deletes nothing. */
export function deleteExperiment(db: Db, workspaceDir: string, id: number): ExperimentDeleteResult {
  const { runIds, dirs } = inTransaction(db, () => {
    const name = experimentName(db, id);
    const active = db
      .prepare(
        `SELECT id, status FROM runs WHERE experiment_id = ? AND status IN ('queued', 'running')
         ORDER BY id`,
      )
      .all(id) as { id: number; status: string }[];
    if (active.length > 0) {
      const list = active.map((r) => `#${r.id} is ${r.status}`).join(', ');
      throw new AppFailure(
        'conflict',
        `“${name}” still has runs to finish (${list}): cancel them first. Nothing was deleted.`,
      );
    }
    const dependants = dependantsOf(db, id);
    if (dependants.length > 0) {
      const lines = dependants.map(
        (d) =>
          `experiment #${d.experimentId} “${d.name}” (run${d.runIds.length === 1 ? '' : 's'} ${runList(d.runIds)})`,
      );
      throw new AppFailure(
        'conflict',
        `Runs of ${lines.join(' and ')} start from the source models of “${name}”: delete those first or keep it. Nothing was deleted.`,
        lines.map((message) => ({ path: '', message: `Depends on it: ${message}` })),
      );
    }
    const ids = (
      db.prepare('SELECT id FROM runs WHERE experiment_id = ? ORDER BY id').all(id) as {
        id: number;
      }[]
    ).map((r) => r.id);
    const freed = deleteRunRows(db, ids);
    // experiment_domains goes with it (ON DELETE CASCADE); the domains stay for other experiments.
    db.prepare('DELETE FROM experiments WHERE id = ?').run(id);
    return { runIds: ids, dirs: freed };
  });
  // Files only after the commit: a failed transaction must leave the models its runs need.
  const artifactsRemoved = removeModelDirs(workspaceDir, dirs);
  return { experimentId: id, deletedRuns: runIds, artifactsRemoved };
}
