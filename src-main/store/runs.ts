import { BudgetSchema, type Budget } from '../../src-shared/domain/experimentSpec';
import { RunDeviceSchema } from '../../src-shared/domain/backends';
import {
  FinalMetricsSchema,
  InputAdapterSchema,
  ResolvedRunConfigSchema,
  RunEnvironmentSchema,
  SplitSizesSchema,
  type FinalMetrics,
  type InputAdapter,
  type ResolvedRunConfig,
  type RunDetail,
  type RunEnvironment,
  type RunKind,
  type RunStatus,
  type RunSummary,
  type SplitSizes,
} from '../../src-shared/domain/runs';
import { compareReproduction, type Reproduction } from '../../src-shared/domain/reproduction';
import type { RunClusterTask } from '../../src-shared/domain/cluster';
import { CLUSTER_OWNER_PREFIX, NOT_CLUSTER_HELD } from './clusterOwner';
import { clusterTaskOf } from './clusterTasks';
import { inTransaction, type Db } from './db';
import { nowIso, readJson } from './json';
import { readMetrics, summariseFinalMetrics } from './metrics';
import { readRunLog } from './runLogs';
import { readTransferability } from './transferability';

export interface NewRun {
  experimentId: number;
  kind: RunKind;
  strategy: string;
  /** The variant's label (variants.ts); `source` for source runs. */
  variant: string;
  domainId: number;
  sourceDomainId: number | null;
  budget: Budget;
  seed: number;
  config: ResolvedRunConfig;
  configHash: string;
  dependsOn: number | null;
  epochs: number;
  /** The run this one re-runs (`transferlab rerun`). */
  rerunOf?: number;
}

export function insertRun(db: Db, r: NewRun): number {
  const info = db
    .prepare(
      `INSERT INTO runs (experiment_id, kind, strategy, variant, domain_id, source_domain_id, budget, seed, status,
         config, config_hash, depends_on, epochs, created_at, rerun_of)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      r.experimentId,
      r.kind,
      r.strategy,
      r.variant,
      r.domainId,
      r.sourceDomainId,
      JSON.stringify(r.budget),
      r.seed,
      JSON.stringify(r.config),
      r.configHash,
      r.dependsOn,
      r.epochs,
      nowIso(),
      r.rerunOf ?? null,
    );
  return Number(info.lastInsertRowid);
}

/** A source run with the same resolved config that is done or still on its way: its model is reused. */
export function findReusableSourceRun(db: Db, configHash: string): number | undefined {
  const row = db
    .prepare(
      `SELECT id FROM runs WHERE kind = 'source' AND config_hash = ?
         AND status IN ('completed', 'queued', 'running')
       ORDER BY CASE status WHEN 'completed' THEN 0 ELSE 1 END, id LIMIT 1`,
    )
    .get(configHash) as { id: number } | undefined;
  return row?.id;
}

export interface RunRow {
  id: number;
  experiment_id: number;
  experiment_name: string;
  kind: RunKind;
  strategy: string;
  variant: string;
  source_name: string | null;
  domain_name: string;
  budget: string;
  seed: number;
  status: RunStatus;
  backend: string | null;
  /** environment's `$.device` as JSON text (NULL when the run recorded none). */
  device: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  epochs_done: number;
  epochs: number;
  final_metrics: string | null;
  error: string | null;
  depends_on: number | null;
  input_adapter: string | null;
  /** 'slurm' for a run handed to Slurm (cluster_tasks, or the owner before its task row). */
  executor: string | null;
}

interface RunDetailRow extends RunRow {
  config: string;
  environment: string | null;
  data_hash: string | null;
  attempts: number;
  heartbeat_at: string | null;
  source_model_hash: string | null;
  kept_model: number;
  imported_id: number | null;
  imported_name: string | null;
  imported_hash: string | null;
  split_sizes: string | null;
  rerun_of: number | null;
}

/** Shared with the History query (runQuery.ts), so a run reads the same everywhere. */
export const SUMMARY_COLUMNS = `
  r.id, r.experiment_id, e.name AS experiment_name, r.kind, r.strategy, r.variant,
  s.name AS source_name, d.name AS domain_name, r.budget, r.seed, r.status, r.backend,
  r.environment -> '$.device' AS device, r.created_at, r.started_at, r.finished_at,
  r.epochs_done, r.epochs, r.final_metrics, r.error, r.depends_on, r.input_adapter,
  COALESCE(
    (SELECT t.executor FROM cluster_tasks t WHERE t.run_id = r.id AND t.attempt = r.attempts),
    CASE WHEN r.owner LIKE '${CLUSTER_OWNER_PREFIX}%' THEN substr(r.owner, ${String(CLUSTER_OWNER_PREFIX.length + 1)}) END
  ) AS executor`;

export const SUMMARY_FROM = `
  FROM runs r
  JOIN experiments e ON e.id = r.experiment_id
  JOIN domains d ON d.id = r.domain_id
  LEFT JOIN domains s ON s.id = r.source_domain_id`;

const SUMMARY_SELECT = `SELECT ${SUMMARY_COLUMNS} ${SUMMARY_FROM}`;

export function summaryFromRow(row: RunRow): RunSummary {
  return {
    id: row.id,
    experimentId: row.experiment_id,
    experimentName: row.experiment_name,
    kind: row.kind,
    strategy: row.strategy,
    variant: row.variant,
    sourceName: row.source_name,
    targetName: row.domain_name,
    budget: readJson(BudgetSchema, row.budget, 'run budget'),
    seed: row.seed,
    status: row.status,
    backend: row.backend,
    device:
      row.device === null
        ? null
        : readJson(RunDeviceSchema, row.device, `device of run #${row.id}`),
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    epochsDone: row.epochs_done,
    epochs: row.epochs,
    finalMetrics:
      row.final_metrics === null
        ? null
        : readJson(FinalMetricsSchema, row.final_metrics, 'final metrics'),
    error: row.error,
    dependsOn: row.depends_on,
    inputAdapter:
      row.input_adapter === null
        ? null
        : readJson(InputAdapterSchema, row.input_adapter, 'input adapter'),
    ...(row.executor === 'slurm' ? { executor: 'slurm' as const } : {}),
  };
}

/** Runs newest first, in one query (joins, not a query per run). */
export function listRuns(
  db: Db,
  filter: { experimentId?: number; limit?: number } = {},
): RunSummary[] {
  const limit = filter.limit ?? 1000;
  const rows =
    filter.experimentId === undefined
      ? (db.prepare(`${SUMMARY_SELECT} ORDER BY r.id DESC LIMIT ?`).all(limit) as RunRow[])
      : (db
          .prepare(`${SUMMARY_SELECT} WHERE r.experiment_id = ? ORDER BY r.id LIMIT ?`)
          .all(filter.experimentId, limit) as RunRow[]);
  return rows.map(summaryFromRow);
}

export function getRun(db: Db, id: number): RunDetail | undefined {
  const row = db
    .prepare(
      `SELECT q.*, r.config, r.environment, r.data_hash, r.attempts, r.heartbeat_at,
              r.split_sizes, r.rerun_of, sm.weights_hash AS source_model_hash,
              EXISTS (SELECT 1 FROM source_models own WHERE own.run_id = r.id) AS kept_model,
              im.id AS imported_id, im.name AS imported_name, im.weights_hash AS imported_hash
       FROM (${SUMMARY_SELECT} WHERE r.id = ?) q
       JOIN runs r ON r.id = q.id
       LEFT JOIN models im ON im.file_hash = json_extract(r.config, '$.sourceDomain.pretrained.model')
       LEFT JOIN source_models sm ON sm.run_id = COALESCE(r.depends_on, CASE WHEN r.kind = 'source' THEN r.id END)`,
    )
    .get(id) as RunDetailRow | undefined;
  if (!row) return undefined;
  return {
    ...summaryFromRow(row),
    config: readJson(ResolvedRunConfigSchema, row.config, 'run config'),
    environment:
      row.environment === null
        ? null
        : readJson(RunEnvironmentSchema, row.environment, 'run environment'),
    dataHash: row.data_hash,
    sourceModelHash: row.source_model_hash ?? row.imported_hash,
    importedSource:
      row.imported_id === null ? null : { id: row.imported_id, name: row.imported_name ?? '' },
    keptModel: row.kept_model === 1,
    attempts: row.attempts,
    heartbeatAt: row.heartbeat_at,
    metrics: readMetrics(db, id),
    transferability: readTransferability(db, id),
    log: readRunLog(db, id),
    splitSizes:
      row.split_sizes === null ? null : readJson(SplitSizesSchema, row.split_sizes, 'split sizes'),
    rerunOf: row.rerun_of,
    reruns: (
      db.prepare('SELECT id FROM runs WHERE rerun_of = ? ORDER BY id').all(id) as { id: number }[]
    ).map((r) => r.id),
    reproduction: row.rerun_of === null ? null : reproductionOf(db, row.rerun_of, id),
    ...clusterField(db, id),
  };
}

/** The cluster task of a run handed to one (issue 16); nothing for a run trained here. */
function clusterField(db: Db, id: number): { cluster?: RunClusterTask } {
  const task = clusterTaskOf(db, id);
  return task ? { cluster: task } : {};
}

/** What a reproduction check compares of one run: its outcome, backend, data and metrics. */
function reproducedRun(db: Db, id: number) {
  const row = db
    .prepare(
      `SELECT id, status, backend, data_hash, final_metrics,
              json_extract(environment, '$.device.kind') AS device_kind,
              json_extract(environment, '$.device.label') AS device_label
       FROM runs WHERE id = ?`,
    )
    .get(id) as
    | {
        id: number;
        status: RunStatus;
        backend: string | null;
        data_hash: string | null;
        final_metrics: string | null;
        device_kind: string | null;
        device_label: string | null;
      }
    | undefined;
  if (!row) return undefined;
  return {
    id: row.id,
    status: row.status,
    // On a GPU the adapter is part of what "the same backend" means (issue 15): two GPUs, or two
    // drivers, compile the kernels differently, so only the same adapter promises the same bits.
    backend:
      row.backend !== null && row.device_label !== null && row.device_kind !== 'cpu'
        ? `${row.backend} on ${row.device_label}`
        : row.backend,
    dataHash: row.data_hash,
    metrics: readMetrics(db, id),
    finalMetrics:
      row.final_metrics === null
        ? null
        : readJson(FinalMetricsSchema, row.final_metrics, 'final metrics'),
  };
}

/** Whether re-run `rerunId` reproduced run `originalId` (null once the original is deleted). */
export function reproductionOf(db: Db, originalId: number, rerunId: number): Reproduction | null {
  const original = reproducedRun(db, originalId);
  const rerun = reproducedRun(db, rerunId);
  return original && rerun ? compareReproduction(original, rerun) : null;
}

export interface ClaimedRun {
  id: number;
  experimentId: number;
  config: ResolvedRunConfig;
  domainId: number;
  dependsOn: number | null;
  /** The run it re-runs (`transferlab rerun`). */
  rerunOf: number | null;
  /** How many times it has been started, this start included. */
  attempt: number;
}

export interface ClaimScope {
  /** Only these experiments' runs and the queued source runs they wait for (the CLI). */
  experimentIds?: readonly number[];
  /** Runs in status 'running' across every process of the workspace, at most (queue.ts). */
  limit: number;
}

/**
 * Atomically takes the oldest queued run whose source run (if any) has completed, and marks it
 * running under `owner`, unless the workspace's trainers are all taken. IMMEDIATE transaction: two
 * processes never claim the same run, nor together exceed the limit. A scoped claim also takes the
 * queued source runs its experiments depend on, whichever experiment queued them, so a process
 * never waits for work nobody is going to do. Committed epochs are kept: the queue resumes from
 * them or clears them when it starts the trainer.
 */
export function claimNextRun(db: Db, owner: string, scope: ClaimScope): ClaimedRun | undefined {
  return inTransaction(db, () => {
    // A cluster's runs hold no trainer of this machine (store/clusterTasks.ts).
    const running = db
      .prepare(
        `SELECT COUNT(*) AS n FROM runs WHERE status = 'running' AND ${NOT_CLUSTER_HELD('owner')}`,
      )
      .get() as { n: number };
    if (running.n >= scope.limit) return undefined;
    const ids = scope.experimentIds;
    const where =
      ids === undefined
        ? ''
        : `AND (r.experiment_id IN (SELECT value FROM json_each(@ids))
             OR r.id IN (SELECT depends_on FROM runs WHERE status = 'queued'
                           AND experiment_id IN (SELECT value FROM json_each(@ids))))`;
    const row = db
      .prepare(
        `SELECT r.id, r.experiment_id, r.config, r.domain_id, r.depends_on, r.rerun_of, r.attempts
         FROM runs r
         LEFT JOIN runs dep ON dep.id = r.depends_on
         WHERE r.status = 'queued' AND r.owner IS NULL
           AND (r.depends_on IS NULL OR dep.status = 'completed') ${where}
         ORDER BY r.id LIMIT 1`,
      )
      .get(ids === undefined ? {} : { ids: JSON.stringify(ids) }) as
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
    if (!row) return undefined;
    const now = nowIso();
    db.prepare(
      `UPDATE runs SET status = 'running', owner = ?, started_at = ?, heartbeat_at = ?, attempts = attempts + 1,
         cancel_requested = 0, error = NULL WHERE id = ?`,
    ).run(owner, now, now, row.id);
    return {
      id: row.id,
      experimentId: row.experiment_id,
      config: readJson(ResolvedRunConfigSchema, row.config, 'run config'),
      domainId: row.domain_id,
      dependsOn: row.depends_on,
      rerunOf: row.rerun_of,
      attempt: row.attempts + 1,
    };
  });
}

/** The data hash a run recorded when its trainer loaded the data (null before that). */
export function runDataHash(db: Db, id: number): string | undefined {
  const row = db.prepare('SELECT data_hash FROM runs WHERE id = ?').get(id) as
    { data_hash: string | null } | undefined;
  return row?.data_hash ?? undefined;
}

export function markStarted(
  db: Db,
  id: number,
  environment: RunEnvironment,
  dataHash: string,
  inputAdapter: InputAdapter | null = null,
  splitSizes: SplitSizes | null = null,
): void {
  db.prepare(
    `UPDATE runs SET backend = ?, environment = ?, data_hash = ?, input_adapter = ?, split_sizes = ?,
       heartbeat_at = ?
     WHERE id = ?`,
  ).run(
    environment.backend,
    JSON.stringify(environment),
    dataHash,
    inputAdapter === null ? null : JSON.stringify(inputAdapter),
    splitSizes === null ? null : JSON.stringify(splitSizes),
    nowIso(),
    id,
  );
}

export type EndStatus = Extract<
  RunStatus,
  'completed' | 'failed' | 'cancelled' | 'crashed' | 'diverged'
>;

/**
 * Ends a run, and in the same transaction ends the queued runs that depended on it when it did
 * not complete (they can never start). Returns those dependants and the status they got.
 */
export function finishRun(
  db: Db,
  id: number,
  status: EndStatus,
  details: { finalMetrics?: FinalMetrics; confusion?: number[][]; error?: string } = {},
): { dependants: number[]; dependantStatus: EndStatus } {
  return inTransaction(db, () => {
    db.prepare(
      `UPDATE runs SET status = ?, final_metrics = ?, confusion = ?, error = ?, finished_at = ?, owner = NULL, heartbeat_at = NULL
       WHERE id = ?`,
    ).run(
      status,
      details.finalMetrics === undefined ? null : JSON.stringify(details.finalMetrics),
      details.confusion === undefined ? null : JSON.stringify(details.confusion),
      details.error ?? null,
      nowIso(),
      id,
    );
    if (details.finalMetrics) summariseFinalMetrics(db, id, details.finalMetrics);
    if (status === 'completed') return { dependants: [], dependantStatus: 'failed' };
    const dependants = db
      .prepare(`SELECT id FROM runs WHERE depends_on = ? AND status = 'queued'`)
      .all(id) as { id: number }[];
    // Cancelling a source run cancels what waited for it; any other ending fails it.
    const next = status === 'cancelled' ? 'cancelled' : 'failed';
    const end = db.prepare(
      `UPDATE runs SET status = ?, error = ?, finished_at = ? WHERE id = ? AND status = 'queued'`,
    );
    for (const d of dependants) {
      end.run(
        next,
        `Its source run #${id} ended ${status}; no source model to start from.`,
        nowIso(),
        d.id,
      );
    }
    return { dependants: dependants.map((d) => d.id), dependantStatus: next };
  });
}

/**
 * Cancels a run that has not started yet, and the queued runs waiting for it as their source.
 * Returns the ids cancelled (empty when the run was no longer queued).
 */
export function cancelQueuedRun(db: Db, id: number): number[] {
  return inTransaction(db, () => {
    const changed = db
      .prepare(
        `UPDATE runs SET status = 'cancelled', finished_at = ? WHERE id = ? AND status = 'queued'`,
      )
      .run(nowIso(), id).changes;
    if (changed === 0) return [];
    const dependants = db
      .prepare(`SELECT id FROM runs WHERE depends_on = ? AND status = 'queued'`)
      .all(id) as { id: number }[];
    const cancel = db.prepare(
      `UPDATE runs SET status = 'cancelled', error = ?, finished_at = ? WHERE id = ? AND status = 'queued'`,
    );
    for (const d of dependants) cancel.run(`Its source run #${id} was cancelled.`, nowIso(), d.id);
    return [id, ...dependants.map((d) => d.id)];
  });
}

/** Asks whichever process runs it to stop (checked at each heartbeat). */
export function requestCancel(db: Db, id: number): boolean {
  return (
    db.prepare(`UPDATE runs SET cancel_requested = 1 WHERE id = ? AND status = 'running'`).run(id)
      .changes > 0
  );
}

export function recordSourceModel(
  db: Db,
  runId: number,
  domainId: number,
  weightsHash: string,
  dir: string,
): void {
  db.prepare(
    `INSERT OR REPLACE INTO source_models (run_id, domain_id, weights_hash, dir, created_at) VALUES (?, ?, ?, ?, ?)`,
  ).run(runId, domainId, weightsHash, dir, nowIso());
}

export function getSourceModel(db: Db, runId: number): { dir: string; hash: string } | undefined {
  const row = db
    .prepare('SELECT dir, weights_hash FROM source_models WHERE run_id = ?')
    .get(runId) as { dir: string; weights_hash: string } | undefined;
  return row ? { dir: row.dir, hash: row.weights_hash } : undefined;
}

export function runStatus(
  db: Db,
  id: number,
): { status: RunStatus; experimentId: number } | undefined {
  const row = db.prepare('SELECT status, experiment_id FROM runs WHERE id = ?').get(id) as
    { status: RunStatus; experiment_id: number } | undefined;
  return row ? { status: row.status, experimentId: row.experiment_id } : undefined;
}

export function experimentRunIds(
  db: Db,
  experimentId: number,
): { id: number; status: RunStatus }[] {
  return db
    .prepare('SELECT id, status FROM runs WHERE experiment_id = ? ORDER BY id')
    .all(experimentId) as {
    id: number;
    status: RunStatus;
  }[];
}

/** What a re-run copies from a run (the fields it was inserted with), and its id and status. */
export interface RerunSource extends Omit<NewRun, 'rerunOf'> {
  id: number;
  status: RunStatus;
}

/**
 * The `runs` columns a RerunSource is read from, as SQLite returns them; bundles.ts reads these
 * and more for a run's whole record.
 */
export interface RerunSourceRow {
  id: number;
  experiment_id: number;
  kind: RunKind;
  strategy: string;
  variant: string;
  domain_id: number;
  source_domain_id: number | null;
  budget: string;
  seed: number;
  status: RunStatus;
  config: string;
  config_hash: string;
  depends_on: number | null;
  epochs: number;
}

export function rerunSourceFromRow(row: RerunSourceRow): RerunSource {
  return {
    id: row.id,
    experimentId: row.experiment_id,
    kind: row.kind,
    strategy: row.strategy,
    variant: row.variant,
    domainId: row.domain_id,
    sourceDomainId: row.source_domain_id,
    budget: readJson(BudgetSchema, row.budget, `budget of run #${row.id}`),
    seed: row.seed,
    status: row.status,
    config: readJson(ResolvedRunConfigSchema, row.config, `config of run #${row.id}`),
    configHash: row.config_hash,
    dependsOn: row.depends_on,
    epochs: row.epochs,
  };
}

export function readRerunSource(db: Db, id: number): RerunSource | undefined {
  const row = db
    .prepare(
      `SELECT id, experiment_id, kind, strategy, variant, domain_id, source_domain_id, budget, seed,
              status, config, config_hash, depends_on, epochs
       FROM runs WHERE id = ?`,
    )
    .get(id) as RerunSourceRow | undefined;
  return row ? rerunSourceFromRow(row) : undefined;
}
