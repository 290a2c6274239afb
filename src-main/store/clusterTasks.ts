import {
  ResolvedRunConfigSchema,
  type ResolvedRunConfig,
  type RunStatus,
} from '../../src-shared/domain/runs';
import type { RunClusterTask, SlurmOptions } from '../../src-shared/domain/cluster';
import { SLURM_ENDED_STATES, SlurmOptionsSchema } from '../../src-shared/domain/cluster';
import { clusterOwner, type ClusterExecutor } from './clusterOwner';
import { inTransaction, type Db } from './db';
import { nowIso, readJson } from './json';
import { appendRunLog } from './runLogs';

/**
 * The runs a cluster holds and the scheduler's tasks that hold them (migration 014). Only SQL
 * here; what the monitor makes of a task's state is core/clusterMonitor.ts's business.
 */

/**
 * Hands queued runs to a cluster: from now on no local queue claims them. Called in the
 * transaction that created them, so no process on the workspace can claim one in between.
 */
export function holdForCluster(db: Db, runIds: readonly number[], executor: ClusterExecutor): void {
  const hold = db.prepare(
    `UPDATE runs SET owner = ? WHERE id = ? AND status = 'queued' AND owner IS NULL`,
  );
  for (const id of runIds) hold.run(clusterOwner(executor), id);
}

/** A held run as the submitter needs it to write its job file. */
export interface HeldRun {
  id: number;
  experimentId: number;
  config: ResolvedRunConfig;
  domainId: number;
  dependsOn: number | null;
  rerunOf: number | null;
  /** The attempt its worker records (runs.attempts after this start). */
  attempt: number;
}

/**
 * Starts one attempt of each held, still queued run: its attempt count goes up and a task row
 * (no job yet) is written, in one transaction. Runs that ended meanwhile (cancelled) are left out.
 */
export function startClusterAttempts(
  db: Db,
  runIds: readonly number[],
  executor: ClusterExecutor,
): HeldRun[] {
  return inTransaction(db, () => {
    const select = db.prepare(
      `SELECT id, experiment_id, config, domain_id, depends_on, rerun_of, attempts FROM runs
       WHERE id = ? AND status = 'queued' AND owner = ?`,
    );
    const bump = db.prepare(
      `UPDATE runs SET attempts = attempts + 1, error = NULL, cancel_requested = 0 WHERE id = ?`,
    );
    const task = db.prepare(
      `INSERT INTO cluster_tasks (run_id, attempt, executor, updated_at) VALUES (?, ?, ?, ?)`,
    );
    const held: HeldRun[] = [];
    for (const id of runIds) {
      const row = select.get(id, clusterOwner(executor)) as
        | {
            id: number;
            experiment_id: number;
            config: string;
            domain_id: number;
            depends_on: number | null;
            rerun_of: number | null;
            attempts: number;
          }
        | undefined;
      if (!row) continue;
      bump.run(id);
      task.run(id, row.attempts + 1, executor, nowIso());
      held.push({
        id: row.id,
        experimentId: row.experiment_id,
        config: readJson(ResolvedRunConfigSchema, row.config, `config of run #${row.id}`),
        domainId: row.domain_id,
        dependsOn: row.depends_on,
        rerunOf: row.rerun_of,
        attempt: row.attempts + 1,
      });
    }
    return held;
  });
}

export interface SubmittedTask {
  runId: number;
  attempt: number;
  jobId: string;
  taskId: number;
  /** One line for the run's log (what was submitted, where its script and logs are). */
  log: string;
}

/** Records sbatch's answer for a group of tasks, with a log line each, in one transaction. */
export function recordSubmission(db: Db, tasks: readonly SubmittedTask[]): void {
  inTransaction(db, () => {
    const now = nowIso();
    const update = db.prepare(
      `UPDATE cluster_tasks SET job_id = ?, task_id = ?, state = 'PENDING', submitted_at = ?,
         updated_at = ? WHERE run_id = ? AND attempt = ?`,
    );
    for (const t of tasks) {
      update.run(t.jobId, t.taskId, now, now, t.runId, t.attempt);
      appendRunLog(db, t.runId, 'info', t.log);
    }
  });
}

/** A task the monitor follows, with its run's state in the workspace. */
export interface FollowedTask {
  runId: number;
  experimentId: number;
  attempt: number;
  runStatus: RunStatus;
  /** The run's current attempt (a newer one makes this task stale). */
  runAttempt: number;
  cancelRequested: boolean;
  executor: ClusterExecutor;
  jobId: string;
  taskId: number;
  restarts: number;
  state: string | null;
  reason: string | null;
  cancelSentAt: string | null;
  /** Its worker's outcome is ingested: the task ends by itself, nothing to cancel. */
  outcomeIngested: boolean;
  /** The source run it starts from (runs.depends_on). */
  dependsOn: number | null;
}

/** SQL: the ended states as a list literal (constants of ours, never user text). */
const ENDED_STATES = `(${SLURM_ENDED_STATES.map((state) => `'${state}'`).join(', ')})`;

/**
 * The submitted tasks worth asking the scheduler about: those of runs the cluster still holds,
 * and those of runs that ended in the workspace (cancelled, their source failed) while their
 * task may still wait or run, which must be cancelled in the scheduler too. Only a run's current
 * attempt counts: after a requeue the same Slurm task holds the new attempt, and the old row must
 * not make anyone cancel it.
 */
export function followedTasks(db: Db): FollowedTask[] {
  const rows = db
    .prepare(
      `SELECT t.run_id, r.experiment_id, t.attempt, r.status, r.attempts, r.cancel_requested,
              t.executor, t.job_id, t.task_id, t.restarts, t.state, t.reason, t.cancel_sent_at,
              COALESCE(c.ended, 0) AS outcome_ingested, r.depends_on
       FROM cluster_tasks t JOIN runs r ON r.id = t.run_id
       LEFT JOIN run_event_cursors c ON c.run_id = t.run_id AND c.attempt = t.attempt
       WHERE t.job_id IS NOT NULL AND t.attempt = r.attempts
         AND (t.state IS NULL OR t.state NOT IN ${ENDED_STATES})
         AND (r.status IN ('queued', 'running') OR t.cancel_sent_at IS NULL)
       ORDER BY t.job_id, t.task_id`,
    )
    .all() as {
    run_id: number;
    experiment_id: number;
    attempt: number;
    status: RunStatus;
    attempts: number;
    cancel_requested: number;
    executor: ClusterExecutor;
    job_id: string;
    task_id: number;
    restarts: number;
    state: string | null;
    reason: string | null;
    cancel_sent_at: string | null;
    outcome_ingested: number;
    depends_on: number | null;
  }[];
  return rows.map((r) => ({
    runId: r.run_id,
    experimentId: r.experiment_id,
    attempt: r.attempt,
    runStatus: r.status,
    runAttempt: r.attempts,
    cancelRequested: r.cancel_requested === 1,
    executor: r.executor,
    jobId: r.job_id,
    taskId: r.task_id,
    restarts: r.restarts,
    state: r.state,
    reason: r.reason,
    cancelSentAt: r.cancel_sent_at,
    outcomeIngested: r.outcome_ingested === 1,
    dependsOn: r.depends_on,
  }));
}

export function saveTaskState(
  db: Db,
  runId: number,
  attempt: number,
  state: string,
  reason: string | null,
): void {
  db.prepare(
    `UPDATE cluster_tasks SET state = ?, reason = ?, updated_at = ? WHERE run_id = ? AND attempt = ?`,
  ).run(state, reason, nowIso(), runId, attempt);
}

export function markCancelSent(db: Db, runId: number, attempt: number): void {
  db.prepare(
    `UPDATE cluster_tasks SET cancel_sent_at = ?, updated_at = ? WHERE run_id = ? AND attempt = ?`,
  ).run(nowIso(), nowIso(), runId, attempt);
}

/**
 * A requeued task (preemption, node failure) starts its run again as a new attempt: its epochs
 * go, the attempt count becomes the new one (events of the old attempt are refused from now on),
 * the run waits again, and the new attempt's task row takes over the same job and task.
 */
export function restartClusterAttempt(
  db: Db,
  task: Pick<FollowedTask, 'runId' | 'attempt' | 'executor' | 'jobId' | 'taskId' | 'restarts'>,
  restarts: number,
  log: string,
): number {
  return inTransaction(db, () => {
    // The worker of restart k records attempt (first attempt + k) (cluster/jobFile.ts).
    const attempt = task.attempt + (restarts - task.restarts);
    const now = nowIso();
    db.prepare('DELETE FROM metrics WHERE run_id = ?').run(task.runId);
    db.prepare('DELETE FROM run_metric_summary WHERE run_id = ?').run(task.runId);
    db.prepare(
      `UPDATE runs SET status = 'queued', attempts = ?, epochs_done = 0, heartbeat_at = NULL
       WHERE id = ?`,
    ).run(attempt, task.runId);
    db.prepare(
      `UPDATE cluster_tasks SET state = 'REQUEUED', updated_at = ? WHERE run_id = ? AND attempt = ?`,
    ).run(now, task.runId, task.attempt);
    db.prepare(
      `INSERT INTO cluster_tasks (run_id, attempt, executor, job_id, task_id, restarts, state,
         submitted_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'PENDING', ?, ?)`,
    ).run(task.runId, attempt, task.executor, task.jobId, task.taskId, restarts, now, now);
    appendRunLog(db, task.runId, 'warn', log);
    return attempt;
  });
}

/** The task holding a run's current attempt, for the run's page and `transferlab runs`. */
export function clusterTaskOf(db: Db, runId: number): RunClusterTask | null {
  const row = db
    .prepare(
      `SELECT t.executor, t.attempt, t.job_id, t.task_id, t.state, t.reason, t.submitted_at
       FROM cluster_tasks t JOIN runs r ON r.id = t.run_id AND r.attempts = t.attempt
       WHERE t.run_id = ?`,
    )
    .get(runId) as
    | {
        executor: 'slurm';
        attempt: number;
        job_id: string | null;
        task_id: number | null;
        state: string | null;
        reason: string | null;
        submitted_at: string | null;
      }
    | undefined;
  if (!row) return null;
  return {
    executor: row.executor,
    attempt: row.attempt,
    jobId: row.job_id,
    taskId: row.task_id,
    state: row.state,
    reason: row.reason,
    submittedAt: row.submitted_at,
  };
}

const SLURM_PROFILE = 'slurm_profile';

export function readSlurmProfile(db: Db): SlurmOptions | null {
  const row = db.prepare('SELECT value FROM settings WHERE key = ?').get(SLURM_PROFILE) as
    { value: string } | undefined;
  return row ? readJson(SlurmOptionsSchema, row.value, 'the saved Slurm profile') : null;
}

export function saveSlurmProfile(db: Db, profile: SlurmOptions | null): void {
  if (profile === null) db.prepare('DELETE FROM settings WHERE key = ?').run(SLURM_PROFILE);
  else
    db.prepare('INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)').run(
      SLURM_PROFILE,
      JSON.stringify(profile),
    );
}

/** An experiment's runs on a cluster: per job, and per scheduler state of their current tasks. */
export interface ExperimentClusterState {
  jobs: { jobId: string; runs: number }[];
  /** Runs not yet ended, by what the scheduler last said of their task. */
  waiting: { state: string; reason: string | null; runs: number }[];
}

export function experimentClusterState(db: Db, experimentId: number): ExperimentClusterState {
  const jobs = db
    .prepare(
      `SELECT t.job_id AS jobId, COUNT(*) AS runs FROM cluster_tasks t
       JOIN runs r ON r.id = t.run_id AND r.attempts = t.attempt
       WHERE r.experiment_id = ? AND t.job_id IS NOT NULL
       GROUP BY t.job_id ORDER BY MIN(t.submitted_at), t.job_id`,
    )
    .all(experimentId) as { jobId: string; runs: number }[];
  const waiting = db
    .prepare(
      `SELECT COALESCE(t.state, 'SUBMITTING') AS state, t.reason, COUNT(*) AS runs
       FROM cluster_tasks t JOIN runs r ON r.id = t.run_id AND r.attempts = t.attempt
       WHERE r.experiment_id = ? AND r.status IN ('queued', 'running')
       GROUP BY state, t.reason ORDER BY state, t.reason`,
    )
    .all(experimentId) as { state: string; reason: string | null; runs: number }[];
  return { jobs, waiting };
}
