import { z } from 'zod';
import type { DatasetSummary } from '../../src-shared/domain/datasets';
import {
  DomainSpecSchema,
  ExperimentSpecSchema,
  type DomainSpec,
  type ExperimentSpec,
} from '../../src-shared/domain/experimentSpec';
import {
  FinalMetricsSchema,
  InputAdapterSchema,
  RunEnvironmentSchema,
  SplitSizesSchema,
  type FinalMetrics,
  type InputAdapter,
  type RunEnvironment,
  type SplitSizes,
} from '../../src-shared/domain/runs';
import type { Db } from './db';
import { readJson } from './json';
import { restoreNonFinite, type NonFinite } from './metrics';
import { rerunSourceFromRow, type RerunSource, type RerunSourceRow } from './runs';

/**
 * The records a JSON bundle carries (reports/bundleExport.ts, reports/bundleImport.ts): read for
 * an export in a handful of queries whatever the number of runs (ids bound as one JSON array),
 * and the fields an import writes that insertExperiment and insertRun leave at their defaults.
 */

const IN_IDS = 'IN (SELECT value FROM json_each(?))';

const ConfusionSchema = z.array(z.array(z.number()));
const IntArray = z.array(z.int());

/** The runs and, transitively, the source runs they depend on, in id order. */
export function withDependencies(db: Db, runIds: readonly number[]): number[] {
  const all = new Set(runIds);
  const dependencies = db.prepare(
    `SELECT DISTINCT depends_on AS id FROM runs WHERE id ${IN_IDS} AND depends_on IS NOT NULL`,
  );
  let frontier = [...all];
  while (frontier.length > 0) {
    const deps = dependencies.all(JSON.stringify(frontier)) as { id: number }[];
    frontier = deps.map((d) => d.id).filter((id) => !all.has(id));
    for (const id of frontier) all.add(id);
  }
  return [...all].sort((a, b) => a - b);
}

/** One epoch of a run, its values exact (NaN and ±Infinity restored), by name. */
export interface RawEpoch {
  epoch: number;
  elapsedS: number;
  values: Record<string, number>;
}

/** The epochs of many runs, in epoch order, each epoch's values in name order. */
export function readRawEpochsOf(db: Db, runIds: readonly number[]): Map<number, RawEpoch[]> {
  const rows = db
    .prepare(
      `SELECT run_id, epoch, name, value, nonfinite, elapsed_s FROM metrics WHERE run_id ${IN_IDS}
       ORDER BY run_id, epoch, name`,
    )
    .all(JSON.stringify(runIds)) as {
    run_id: number;
    epoch: number;
    name: string;
    value: number | null;
    nonfinite: NonFinite | null;
    elapsed_s: number;
  }[];
  const byRun = new Map<number, RawEpoch[]>();
  for (const row of rows) {
    const epochs = byRun.get(row.run_id) ?? [];
    byRun.set(row.run_id, epochs);
    let last = epochs.at(-1);
    if (last?.epoch !== row.epoch) {
      last = { epoch: row.epoch, elapsedS: row.elapsed_s, values: {} };
      epochs.push(last);
    }
    last.values[row.name] = restoreNonFinite(row.value, row.nonfinite);
  }
  return byRun;
}

/** Everything a bundle carries of a run's row, beyond what a re-run copies. */
interface RunRecordRow extends RerunSourceRow {
  backend: string | null;
  environment: string | null;
  data_hash: string | null;
  input_adapter: string | null;
  split_sizes: string | null;
  final_metrics: string | null;
  confusion: string | null;
  error: string | null;
  attempts: number;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  notes: string | null;
  archived_at: string | null;
}

/** A run's whole record, as a bundle carries it (its tags and metrics are read apart). */
export interface RunRecordForBundle extends RerunSource {
  backend: string | null;
  environment: RunEnvironment | null;
  dataHash: string | null;
  inputAdapter: InputAdapter | null;
  splitSizes: SplitSizes | null;
  finalMetrics: FinalMetrics | null;
  confusion: number[][] | null;
  error: string | null;
  attempts: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  notes: string | null;
  archivedAt: string | null;
}

function nullableJson<S extends z.ZodType>(
  schema: S,
  text: string | null,
  what: string,
): z.infer<S> | null {
  return text === null ? null : readJson(schema, text, what);
}

/** The runs' records, in id order. */
export function readRunRecords(db: Db, runIds: readonly number[]): RunRecordForBundle[] {
  const rows = db
    .prepare(
      `SELECT id, experiment_id, kind, strategy, variant, domain_id, source_domain_id, budget, seed,
              status, config, config_hash, depends_on, epochs, backend, environment, data_hash,
              input_adapter, split_sizes,
              final_metrics, confusion, error, attempts, created_at, started_at, finished_at, notes,
              archived_at
       FROM runs WHERE id ${IN_IDS} ORDER BY id`,
    )
    .all(JSON.stringify(runIds)) as RunRecordRow[];
  return rows.map((r) => ({
    ...rerunSourceFromRow(r),
    backend: r.backend,
    environment: nullableJson(RunEnvironmentSchema, r.environment, `environment of run #${r.id}`),
    dataHash: r.data_hash,
    inputAdapter: nullableJson(
      InputAdapterSchema,
      r.input_adapter,
      `input adapter of run #${r.id}`,
    ),
    splitSizes: nullableJson(SplitSizesSchema, r.split_sizes, `split sizes of run #${r.id}`),
    finalMetrics: nullableJson(
      FinalMetricsSchema,
      r.final_metrics,
      `final metrics of run #${r.id}`,
    ),
    confusion: nullableJson(ConfusionSchema, r.confusion, `confusion of run #${r.id}`),
    error: r.error,
    attempts: r.attempts,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    notes: r.notes,
    archivedAt: r.archived_at,
  }));
}

export interface DomainRecordForBundle {
  id: number;
  datasetId: number;
  name: string;
  spec: DomainSpec;
}

/** The domains' records, in id order. */
export function readDomainRecords(db: Db, domainIds: readonly number[]): DomainRecordForBundle[] {
  const rows = db
    .prepare(`SELECT id, dataset_id, name, spec FROM domains WHERE id ${IN_IDS} ORDER BY id`)
    .all(JSON.stringify(domainIds)) as {
    id: number;
    dataset_id: number;
    name: string;
    spec: string;
  }[];
  return rows.map((d) => ({
    id: d.id,
    datasetId: d.dataset_id,
    name: d.name,
    spec: readJson(DomainSpecSchema, d.spec, `spec of domain #${d.id}`),
  }));
}

/** What a bundle says of a dataset: enough to match it in another workspace, not its locator. */
export interface DatasetRecordForBundle {
  id: number;
  name: string;
  kind: DatasetSummary['kind'];
  contentHash: string;
  samples: number;
  featureShape: number[];
  classes: number[];
}

/** The datasets' records, in id order. */
export function readDatasetRecords(
  db: Db,
  datasetIds: readonly number[],
): DatasetRecordForBundle[] {
  const rows = db
    .prepare(
      `SELECT id, name, kind, content_hash, samples, feature_shape, classes FROM datasets
       WHERE id ${IN_IDS} ORDER BY id`,
    )
    .all(JSON.stringify(datasetIds)) as {
    id: number;
    name: string;
    kind: DatasetSummary['kind'];
    content_hash: string;
    samples: number;
    feature_shape: string;
    classes: string;
  }[];
  return rows.map((d) => ({
    id: d.id,
    name: d.name,
    kind: d.kind,
    contentHash: d.content_hash,
    samples: d.samples,
    featureShape: readJson(IntArray, d.feature_shape, `shape of dataset #${d.id}`),
    classes: readJson(IntArray, d.classes, `classes of dataset #${d.id}`),
  }));
}

export interface ExperimentRecordForBundle {
  id: number;
  name: string;
  /** What the user wrote, kept as written (any JSON; the spec is its parsed form). */
  specInput: unknown;
  spec: ExperimentSpec;
  createdAt: string;
}

/** The experiments' records, in id order. */
export function readExperimentRecords(
  db: Db,
  experimentIds: readonly number[],
): ExperimentRecordForBundle[] {
  const rows = db
    .prepare(
      `SELECT id, name, spec_input, spec, created_at FROM experiments WHERE id ${IN_IDS} ORDER BY id`,
    )
    .all(JSON.stringify(experimentIds)) as {
    id: number;
    name: string;
    spec_input: string;
    spec: string;
    created_at: string;
  }[];
  return rows.map((e) => ({
    id: e.id,
    name: e.name,
    specInput: JSON.parse(e.spec_input) as unknown,
    spec: readJson(ExperimentSpecSchema, e.spec, `spec of experiment #${e.id}`),
    createdAt: e.created_at,
  }));
}

/** A run as another workspace recorded it: any of its config hashes, its seed and creation time. */
export interface RunIdentity {
  configHashes: readonly [string, string];
  seed: number;
  createdAt: string;
}

/** For each identity, the first run here that has it (the same run, imported or not), if any. */
export function findSameRuns(db: Db, runs: readonly RunIdentity[]): (number | undefined)[] {
  const find = db.prepare(
    'SELECT id FROM runs WHERE config_hash IN (?, ?) AND seed = ? AND created_at = ? ORDER BY id LIMIT 1',
  );
  return runs.map((r) => {
    const row = find.get(r.configHashes[0], r.configHashes[1], r.seed, r.createdAt) as
      { id: number } | undefined;
    return row?.id;
  });
}

/** An imported experiment keeps when it was designed, not when it was copied here. */
export function setExperimentCreatedAt(db: Db, id: number, createdAt: string): void {
  db.prepare('UPDATE experiments SET created_at = ? WHERE id = ?').run(createdAt, id);
}

/** What an imported run's record says beyond what insertRun stores. */
export type ImportedRunOutcome = Pick<
  RunRecordForBundle,
  | 'status'
  | 'backend'
  | 'environment'
  | 'dataHash'
  | 'inputAdapter'
  | 'splitSizes'
  | 'finalMetrics'
  | 'confusion'
  | 'error'
  | 'attempts'
  | 'createdAt'
  | 'startedAt'
  | 'finishedAt'
  | 'notes'
  | 'archivedAt'
> & { tags: readonly string[] };

/**
 * Writes an imported run's recorded outcome, timings, notes and tags over the row insertRun
 * made. No owner and no heartbeat: no trainer here ever held it.
 */
export function recordImportedRun(db: Db, id: number, r: ImportedRunOutcome): void {
  db.prepare(
    `UPDATE runs SET status = ?, backend = ?, environment = ?, data_hash = ?, input_adapter = ?,
       split_sizes = ?, final_metrics = ?, confusion = ?, error = ?, attempts = ?, created_at = ?, started_at = ?,
       finished_at = ?, notes = ?, archived_at = ?, owner = NULL, heartbeat_at = NULL
     WHERE id = ?`,
  ).run(
    r.status,
    r.backend,
    r.environment === null ? null : JSON.stringify(r.environment),
    r.dataHash,
    r.inputAdapter === null ? null : JSON.stringify(r.inputAdapter),
    r.splitSizes === null ? null : JSON.stringify(r.splitSizes),
    r.finalMetrics === null ? null : JSON.stringify(r.finalMetrics),
    r.confusion === null ? null : JSON.stringify(r.confusion),
    r.error,
    r.attempts,
    r.createdAt,
    r.startedAt,
    r.finishedAt,
    r.notes,
    r.archivedAt,
    id,
  );
  const tag = db.prepare('INSERT OR IGNORE INTO run_tags (run_id, tag) VALUES (?, ?)');
  for (const t of r.tags) tag.run(id, t);
}

/** Points a run at the source run it started from (set once every imported run has an id). */
export function setRunDependsOn(db: Db, runId: number, dependsOn: number): void {
  db.prepare('UPDATE runs SET depends_on = ? WHERE id = ?').run(dependsOn, runId);
}
