import { ResolvedRunConfigSchema, type ResolvedRunConfig } from '../../src-shared/domain/runs';
import {
  ExperimentPlanRecordSchema,
  type ExperimentPlanRecord,
  type ExperimentTiming,
} from '../../src-shared/rpc/plan';
import type { Db } from './db';
import { nowIso, readJson } from './json';

/**
 * What a plan's estimate reads and writes (issue 10): how long completed runs took, the speed
 * calibration runs measured, and the plan recorded with each experiment.
 */

/** A completed run's time: wall clock from its claim to its end, and its training epochs. */
export interface RunTiming {
  config: ResolvedRunConfig;
  wallSeconds: number;
  epochsDone: number;
  /** Seconds from the run's start to its last epoch's end (the trainer's clock). */
  trainingSeconds: number;
}

/**
 * The completed runs of these strategies (`source` for source runs) with their times, in one
 * query: a plan only matches runs of its own strategies, so the others are not read.
 */
export function readRunTimings(db: Db, strategies: readonly string[]): RunTiming[] {
  const rows = db
    .prepare(
      `SELECT r.id, r.config, r.started_at, r.finished_at, r.epochs_done,
              (SELECT MAX(m.elapsed_s) FROM metrics m WHERE m.run_id = r.id) AS last_elapsed
       FROM runs r
       WHERE r.status = 'completed' AND r.started_at IS NOT NULL AND r.finished_at IS NOT NULL
         AND r.epochs_done > 0 AND r.strategy IN (SELECT value FROM json_each(?))`,
    )
    .all(JSON.stringify(strategies)) as {
    id: number;
    config: string;
    started_at: string;
    finished_at: string;
    epochs_done: number;
    last_elapsed: number | null;
  }[];
  return rows.flatMap((row) => {
    const wall = (Date.parse(row.finished_at) - Date.parse(row.started_at)) / 1000;
    if (!Number.isFinite(wall) || wall <= 0 || row.last_elapsed === null) return [];
    return [
      {
        config: readJson(ResolvedRunConfigSchema, row.config, `config of run #${row.id}`),
        wallSeconds: wall,
        epochsDone: row.epochs_done,
        trainingSeconds: Math.min(row.last_elapsed, wall),
      },
    ];
  });
}

export interface Calibration {
  startupSeconds: number;
  secondsPerEpoch: number;
  backend: string;
}

export function readCalibrations(db: Db): Map<string, Calibration> {
  const rows = db
    .prepare('SELECT key, startup_s, seconds_per_epoch, backend FROM calibrations')
    .all() as { key: string; startup_s: number; seconds_per_epoch: number; backend: string }[];
  return new Map(
    rows.map((r) => [
      r.key,
      { startupSeconds: r.startup_s, secondsPerEpoch: r.seconds_per_epoch, backend: r.backend },
    ]),
  );
}

export function saveCalibration(db: Db, key: string, c: Calibration): void {
  db.prepare(
    `INSERT OR REPLACE INTO calibrations (key, startup_s, seconds_per_epoch, backend, measured_at)
     VALUES (?, ?, ?, ?, ?)`,
  ).run(key, c.startupSeconds, c.secondsPerEpoch, c.backend, nowIso());
}

export function saveExperimentPlan(db: Db, experimentId: number, plan: ExperimentPlanRecord): void {
  db.prepare('UPDATE experiments SET plan = ? WHERE id = ?').run(
    JSON.stringify(plan),
    experimentId,
  );
}

export function readExperimentPlan(db: Db, experimentId: number): ExperimentPlanRecord | null {
  const row = db.prepare('SELECT plan FROM experiments WHERE id = ?').get(experimentId) as
    { plan: string | null } | undefined;
  return row?.plan ? readJson(ExperimentPlanRecordSchema, row.plan, 'experiment plan') : null;
}

/**
 * First start to last end of an experiment's runs as planned (re-runs, queued later by hand, are
 * not part of the plan); the wall time once every one of them has ended.
 */
export function readExperimentTiming(db: Db, experimentId: number): ExperimentTiming {
  const row = db
    .prepare(
      `SELECT MIN(started_at) AS started, MAX(finished_at) AS finished,
              SUM(status IN ('queued', 'running')) AS unfinished
       FROM runs WHERE experiment_id = ? AND rerun_of IS NULL`,
    )
    .get(experimentId) as {
    started: string | null;
    finished: string | null;
    unfinished: number | null;
  };
  const unfinished = row.unfinished ?? 0;
  const wall =
    unfinished === 0 && row.started !== null && row.finished !== null
      ? (Date.parse(row.finished) - Date.parse(row.started)) / 1000
      : null;
  return {
    startedAt: row.started,
    finishedAt: row.finished,
    wallSeconds: wall,
    unfinished,
  };
}
