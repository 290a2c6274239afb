import { ExperimentSpecSchema } from '../../src-shared/domain/experimentSpec';
import type { ExperimentSummary } from '../../src-shared/domain/experiments';
import type { RunStatus } from '../../src-shared/domain/runs';
import { AppFailure } from '../../src-shared/result';
import type { Db } from './db';
import { nowIso, readJson } from './json';
import type { ExperimentSpec } from '../../src-shared/domain/experimentSpec';

export interface NewExperiment {
  name: string;
  specInput: unknown;
  spec: ExperimentSpec;
  origin: string;
}

export function insertExperiment(db: Db, e: NewExperiment): number {
  const info = db
    .prepare(
      'INSERT INTO experiments (name, spec_input, spec, origin, created_at) VALUES (?, ?, ?, ?, ?)',
    )
    .run(e.name, JSON.stringify(e.specInput), JSON.stringify(e.spec), e.origin, nowIso());
  return Number(info.lastInsertRowid);
}

export function linkDomain(
  db: Db,
  experimentId: number,
  domainId: number,
  role: 'source' | 'target',
): void {
  db.prepare(
    'INSERT OR IGNORE INTO experiment_domains (experiment_id, domain_id, role) VALUES (?, ?, ?)',
  ).run(experimentId, domainId, role);
}

interface ExperimentRow {
  id: number;
  name: string;
  spec: string;
  created_at: string;
  archived_at: string | null;
}

/**
 * Experiments (every one, or only `onlyId`) with their run counts per status: two queries,
 * whatever the number of experiments.
 */
export function listExperiments(db: Db, onlyId?: number): ExperimentSummary[] {
  const one = onlyId === undefined ? [] : [onlyId];
  const rows = db
    .prepare(
      `SELECT id, name, created_at, archived_at FROM experiments ${one.length ? 'WHERE id = ?' : ''} ORDER BY id DESC`,
    )
    .all(...one) as Omit<ExperimentRow, 'spec'>[];
  const counts = db
    .prepare(
      `SELECT experiment_id, status, COUNT(*) AS n FROM runs
       ${one.length ? 'WHERE experiment_id = ?' : ''} GROUP BY experiment_id, status`,
    )
    .all(...one) as { experiment_id: number; status: RunStatus; n: number }[];
  const byExperiment = new Map<number, Partial<Record<RunStatus, number>>>();
  for (const c of counts) {
    const entry = byExperiment.get(c.experiment_id) ?? {};
    entry[c.status] = c.n;
    byExperiment.set(c.experiment_id, entry);
  }
  return rows.map((r) => {
    const runCounts = byExperiment.get(r.id) ?? {};
    const totalRuns = Object.values(runCounts).reduce((a, b) => a + b, 0);
    return {
      id: r.id,
      name: r.name,
      createdAt: r.created_at,
      runCounts,
      totalRuns,
      archivedAt: r.archived_at,
    };
  });
}

/**
 * Archives or unarchives an experiment (issue 14, point 5): archived ones leave the Experiments
 * list by default and keep everything. Archiving an archived experiment keeps its first time.
 */
export function setExperimentArchived(db: Db, id: number, archived: boolean): void {
  const info = db
    .prepare(
      'UPDATE experiments SET archived_at = CASE WHEN ? THEN COALESCE(archived_at, ?) ELSE NULL END WHERE id = ?',
    )
    .run(archived ? 1 : 0, nowIso(), id);
  if (info.changes === 0) throw new AppFailure('not_found', `No experiment #${id}.`);
}

export function getExperimentSpec(
  db: Db,
  id: number,
): { name: string; createdAt: string; spec: ExperimentSpec } | undefined {
  const row = db
    .prepare('SELECT id, name, spec, created_at FROM experiments WHERE id = ?')
    .get(id) as Omit<ExperimentRow, 'archived_at'> | undefined;
  if (!row) return undefined;
  return {
    name: row.name,
    createdAt: row.created_at,
    spec: readJson(ExperimentSpecSchema, row.spec, 'experiment spec'),
  };
}
