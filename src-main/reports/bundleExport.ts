import { z } from 'zod';
import {
  BudgetSchema,
  DomainSpecSchema,
  ExperimentSpecSchema,
} from '../../src-shared/domain/experimentSpec';
import {
  FinalMetricsSchema,
  InputAdapterSchema,
  SplitSizesSchema,
  ResolvedRunConfigSchema,
  RunEnvironmentSchema,
  type RunKind,
  type RunStatus,
} from '../../src-shared/domain/runs';
import type { Comparison } from '../../src-shared/rpc/compare';
import type { Db } from '../store/db';
import { readJson } from '../store/json';
import { readTagsOf } from '../store/runAnnotations';
import {
  BUNDLE_FORMAT,
  BUNDLE_VERSION,
  BundleSchema,
  encodeMetricValue,
  type Bundle,
  type BundleRun,
} from './bundleSchema';

/**
 * Builds the JSON bundle of a comparison from the database: its runs, the source runs they
 * started from (so lineage survives the trip), their experiments, domains and datasets. A
 * handful of queries whatever the number of runs (ids bound as one JSON array). The result is
 * checked against the import schema, so what is exported can be imported.
 */
interface RunRow {
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

const ConfusionSchema = z.array(z.array(z.number()));
const IntArray = z.array(z.int());

const IN_IDS = 'IN (SELECT value FROM json_each(?))';

/** The runs and, transitively, the source runs they depend on. */
function withDependencies(db: Db, runIds: readonly number[]): number[] {
  const all = new Set(runIds);
  let frontier = [...all];
  while (frontier.length > 0) {
    const deps = db
      .prepare(
        `SELECT DISTINCT depends_on AS id FROM runs WHERE id ${IN_IDS} AND depends_on IS NOT NULL`,
      )
      .all(JSON.stringify(frontier)) as { id: number }[];
    frontier = deps.map((d) => d.id).filter((id) => !all.has(id));
    for (const id of frontier) all.add(id);
  }
  return [...all].sort((a, b) => a - b);
}

function readEpochs(db: Db, runIds: readonly number[]): Map<number, BundleRun['metrics']> {
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
    nonfinite: 'nan' | 'inf' | '-inf' | null;
    elapsed_s: number;
  }[];
  const byRun = new Map<number, BundleRun['metrics']>();
  for (const row of rows) {
    const epochs = byRun.get(row.run_id) ?? [];
    byRun.set(row.run_id, epochs);
    let last = epochs.at(-1);
    if (last?.epoch !== row.epoch) {
      last = { epoch: row.epoch, elapsedS: row.elapsed_s, values: {} };
      epochs.push(last);
    }
    const value =
      row.nonfinite === 'nan'
        ? NaN
        : row.nonfinite === 'inf'
          ? Infinity
          : row.nonfinite === '-inf'
            ? -Infinity
            : (row.value ?? NaN);
    last.values[row.name] = encodeMetricValue(value);
  }
  return byRun;
}

export function buildBundle(db: Db, comparison: Comparison, title: string): Bundle {
  const runIds = withDependencies(
    db,
    comparison.runs.map((r) => r.id),
  );
  const ids = JSON.stringify(runIds);
  const runRows = db
    .prepare(
      `SELECT id, experiment_id, kind, strategy, variant, domain_id, source_domain_id, budget, seed,
              status, config, config_hash, depends_on, epochs, backend, environment, data_hash,
              input_adapter, split_sizes,
              final_metrics, confusion, error, attempts, created_at, started_at, finished_at, notes,
              archived_at
       FROM runs WHERE id ${IN_IDS} ORDER BY id`,
    )
    .all(ids) as RunRow[];
  const tags = readTagsOf(db, runIds);
  const epochs = readEpochs(db, runIds);

  const domainIds = [
    ...new Set(
      runRows.flatMap((r) => [
        r.domain_id,
        ...(r.source_domain_id === null ? [] : [r.source_domain_id]),
      ]),
    ),
  ];
  const domains = (
    db
      .prepare(`SELECT id, dataset_id, name, spec FROM domains WHERE id ${IN_IDS} ORDER BY id`)
      .all(JSON.stringify(domainIds)) as {
      id: number;
      dataset_id: number;
      name: string;
      spec: string;
    }[]
  ).map((d) => ({
    key: d.id,
    datasetKey: d.dataset_id,
    name: d.name,
    spec: readJson(DomainSpecSchema, d.spec, `spec of domain #${d.id}`),
  }));

  const datasets = (
    db
      .prepare(
        `SELECT id, name, kind, content_hash, samples, feature_shape, classes FROM datasets
         WHERE id ${IN_IDS} ORDER BY id`,
      )
      .all(JSON.stringify([...new Set(domains.map((d) => d.datasetKey))])) as {
      id: number;
      name: string;
      kind: 'builtin' | 'synthetic' | 'imported';
      content_hash: string;
      samples: number;
      feature_shape: string;
      classes: string;
    }[]
  ).map((d) => ({
    key: d.id,
    name: d.name,
    kind: d.kind,
    contentHash: d.content_hash,
    samples: d.samples,
    featureShape: readJson(IntArray, d.feature_shape, `shape of dataset #${d.id}`),
    classes: readJson(IntArray, d.classes, `classes of dataset #${d.id}`),
  }));

  const experiments = (
    db
      .prepare(
        `SELECT id, name, spec_input, spec, created_at FROM experiments WHERE id ${IN_IDS} ORDER BY id`,
      )
      .all(JSON.stringify([...new Set(runRows.map((r) => r.experiment_id))])) as {
      id: number;
      name: string;
      spec_input: string;
      spec: string;
      created_at: string;
    }[]
  ).map((e) => ({
    key: e.id,
    name: e.name,
    specInput: JSON.parse(e.spec_input) as unknown,
    spec: readJson(ExperimentSpecSchema, e.spec, `spec of experiment #${e.id}`),
    createdAt: e.created_at,
  }));

  const runs: BundleRun[] = runRows.map((r) => ({
    key: r.id,
    experimentKey: r.experiment_id,
    kind: r.kind,
    strategy: r.strategy,
    variant: r.variant,
    domainKey: r.domain_id,
    sourceDomainKey: r.source_domain_id,
    budget: readJson(BudgetSchema, r.budget, `budget of run #${r.id}`),
    seed: r.seed,
    status: r.status,
    config: readJson(ResolvedRunConfigSchema, r.config, `config of run #${r.id}`),
    configHash: r.config_hash,
    dependsOnKey: r.depends_on,
    epochs: r.epochs,
    backend: r.backend,
    environment:
      r.environment === null
        ? null
        : readJson(RunEnvironmentSchema, r.environment, `environment of run #${r.id}`),
    dataHash: r.data_hash,
    inputAdapter:
      r.input_adapter === null
        ? null
        : readJson(InputAdapterSchema, r.input_adapter, `input adapter of run #${r.id}`),
    splitSizes:
      r.split_sizes === null
        ? null
        : readJson(SplitSizesSchema, r.split_sizes, `split sizes of run #${r.id}`),
    finalMetrics:
      r.final_metrics === null
        ? null
        : readJson(FinalMetricsSchema, r.final_metrics, `final metrics of run #${r.id}`),
    confusion:
      r.confusion === null
        ? null
        : readJson(ConfusionSchema, r.confusion, `confusion of run #${r.id}`),
    error: r.error,
    attempts: r.attempts,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    notes: r.notes,
    tags: tags.get(r.id) ?? [],
    archivedAt: r.archived_at,
    metrics: epochs.get(r.id) ?? [],
  }));

  const bundle = {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    exportedAt: comparison.generatedAt,
    title,
    request: comparison.request,
    datasets,
    domains,
    experiments,
    runs,
  };
  // What this workspace wrote must be what another one accepts; a failure here is a bug or a
  // corrupt row, named by path.
  const checked = BundleSchema.safeParse(bundle);
  if (!checked.success) {
    throw new Error(`The bundle would not import: ${z.prettifyError(checked.error)}`);
  }
  return checked.data;
}

export function renderBundle(bundle: Bundle): string {
  return `${JSON.stringify(bundle, null, 2)}\n`;
}
