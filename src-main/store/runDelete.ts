import { existsSync, realpathSync, rmSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { AppFailure } from '../../src-shared/result';
import { inTransaction, type Db } from './db';

/** Tables that hang off a run by `run_id`. Each also cascades (migrations 001–005), but they are
 * deleted by name so a later table that forgets `ON DELETE CASCADE` fails a test, not a user. */
const CHILD_TABLES = [
  'metrics',
  'run_metric_summary',
  'run_tags',
  'run_logs',
  'run_transferability',
  'source_models',
  'run_embeddings',
  'run_event_cursors',
  'cluster_tasks',
] as const;

export interface DeleteRunsResult {
  deleted: number[];
  /** Model folders removed from <workspace>/models. */
  artifactsRemoved: number;
}

/** "#4", "#4 and #5", "#4, #5 and #6". */
function runList(ids: readonly number[]): string {
  const names = ids.map((id) => `#${id}`);
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1] ?? ''}`;
}

/** Whether `path` lies strictly below `root` (both absolute, already resolved). */
function strictlyInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}

/**
 * The path of a model folder if it lies strictly inside `<workspace>/models`, also once links
 * are followed, otherwise undefined. A `dir` comes from the database, which a bundle import or a
 * hand edit may have filled: it is never trusted to point anywhere else.
 */
export function modelDirInside(workspaceDir: string, dir: string): string | undefined {
  const models = resolve(workspaceDir, 'models');
  const target = resolve(workspaceDir, dir);
  if (!strictlyInside(models, target) || !existsSync(target)) return undefined;
  // A link inside models/ (the folder itself or one of its parents) could lead anywhere.
  if (!strictlyInside(realpathSync(models), realpathSync(target))) return undefined;
  return target;
}

/**
 * Deletes finished runs with everything recorded about them (issue 5): metrics and their
 * summaries, tags, logs, transferability scores and source-model rows, all in one transaction,
 * then the model folders that no remaining run points to. Nothing is deleted when any run is
 * missing, still queued or running, or is the source of a run that is not being deleted too.
 * Experiments stay, even when all their runs are gone: they hold the spec and cost nothing.
 */
export function deleteRuns(db: Db, workspaceDir: string, ids: readonly number[]): DeleteRunsResult {
  const wanted = [...new Set(ids)].sort((a, b) => a - b);
  const idsJson = JSON.stringify(wanted);

  const dirs = inTransaction(db, () => {
    const found = db
      .prepare(`SELECT id, status FROM runs WHERE id IN (SELECT value FROM json_each(?))`)
      .all(idsJson) as { id: number; status: string }[];
    const foundIds = new Set(found.map((r) => r.id));
    const missing = wanted.filter((id) => !foundIds.has(id));
    if (missing.length > 0) {
      throw new AppFailure('not_found', `No run ${runList(missing)}: nothing was deleted.`);
    }

    const active = found.filter((r) => r.status === 'queued' || r.status === 'running');
    if (active.length > 0) {
      const list = active.map((r) => `#${r.id} is ${r.status}`).join(', ');
      throw new AppFailure(
        'conflict',
        `Run ${list}: cancel ${active.length === 1 ? 'it' : 'them'} first. Nothing was deleted.`,
      );
    }

    const dependants = db
      .prepare(
        `SELECT depends_on AS source, id FROM runs
         WHERE depends_on IN (SELECT value FROM json_each(@ids))
           AND id NOT IN (SELECT value FROM json_each(@ids))
         ORDER BY depends_on, id`,
      )
      .all({ ids: idsJson }) as { source: number; id: number }[];
    if (dependants.length > 0) {
      const bySource = new Map<number, number[]>();
      for (const d of dependants) {
        const list = bySource.get(d.source);
        if (list) list.push(d.id);
        else bySource.set(d.source, [d.id]);
      }
      const lines = [...bySource].map(
        ([source, runs]) =>
          `Run #${source} is the source model of run${runs.length === 1 ? '' : 's'} ${runList(runs)}`,
      );
      throw new AppFailure(
        'conflict',
        `${lines.join('; ')}: delete ${dependants.length === 1 ? 'it' : 'them'} too or keep it. Nothing was deleted.`,
        lines.map((message) => ({ path: '', message })),
      );
    }

    return deleteRunRows(db, wanted);
  });

  // Files only after the commit: a failed transaction must leave the models a run needs.
  const artifactsRemoved = removeModelDirs(workspaceDir, dirs);
  return { deleted: wanted, artifactsRemoved };
}

/**
 * Deletes the rows of runs already checked (finished, no dependant left behind) and everything
 * that hangs off them. Call it inside a transaction; it returns the model folders no remaining
 * run points to, for `removeModelDirs` once that transaction has committed. Shared by deleting
 * runs and deleting a whole experiment (store/experimentDelete.ts).
 */
export function deleteRunRows(db: Db, ids: readonly number[]): string[] {
  const idsJson = JSON.stringify(ids);
  const modelDirs = db
    .prepare(
      `SELECT DISTINCT dir FROM source_models WHERE run_id IN (SELECT value FROM json_each(?))`,
    )
    .all(idsJson) as { dir: string }[];

  for (const table of CHILD_TABLES) {
    db.prepare(`DELETE FROM ${table} WHERE run_id IN (SELECT value FROM json_each(?))`).run(
      idsJson,
    );
  }
  // Runs in the set may depend on each other (a source run and its transfer runs): unlink
  // them first, so the foreign key on depends_on (no cascade) cannot refuse the delete.
  db.prepare(
    `UPDATE runs SET depends_on = NULL WHERE id IN (SELECT value FROM json_each(?)) AND depends_on IS NOT NULL`,
  ).run(idsJson);
  db.prepare(`DELETE FROM runs WHERE id IN (SELECT value FROM json_each(?))`).run(idsJson);

  // Content-addressed folders: another source run with the same weights keeps the folder.
  const stillUsed = db.prepare('SELECT 1 FROM source_models WHERE dir = ? LIMIT 1');
  return modelDirs.map((r) => r.dir).filter((dir) => stillUsed.get(dir) === undefined);
}

/** Removes model folders after the commit that freed them; returns how many went. */
export function removeModelDirs(workspaceDir: string, dirs: readonly string[]): number {
  let removed = 0;
  for (const dir of dirs) {
    try {
      const path = modelDirInside(workspaceDir, dir);
      if (path === undefined) continue;
      rmSync(path, { recursive: true, force: true, maxRetries: 2 });
      removed += 1;
    } catch {
      // A folder that cannot be removed now is left behind as litter, never a broken run: the
      // rows are already gone and nothing points to it.
    }
  }
  return removed;
}
