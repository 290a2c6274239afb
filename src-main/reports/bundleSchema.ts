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
  RunKindSchema,
  RunStatusSchema,
} from '../../src-shared/domain/runs';
import { TagSchema } from '../../src-shared/rpc/history';
import { CompareInputSchema } from '../../src-shared/rpc/compare';

/**
 * The JSON bundle (issue 5): what a comparison covered, as records another workspace can import
 * — experiments with their specs, runs with config, seed, status, environment, data hash, final
 * metrics, every epoch's metrics, notes and tags — plus the datasets and domains they name (by
 * content hash: the data itself is not in the bundle). Rows refer to each other by `key`, the id
 * they had where they were exported; ids are reassigned on import.
 *
 * A bundle is a file from anywhere: it is parsed with this schema before anything is written,
 * and every problem is reported by its path.
 */
export const BUNDLE_FORMAT = 'transferlab-bundle';
export const BUNDLE_VERSION = 1;

/** JSON has no NaN or ±Infinity; a diverged run's epochs keep them as these words. */
export const MetricValueSchema = z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity'])]);
export type MetricValue = z.infer<typeof MetricValueSchema>;

const Key = z.int().positive();
const Text = (max: number) => z.string().max(max);
const Time = z.string().min(1).max(64);

export const BundleDatasetSchema = z
  .object({
    key: Key,
    name: Text(500).min(1),
    kind: z.enum(['builtin', 'synthetic', 'imported']),
    contentHash: Text(200).min(1),
    samples: z.int().nonnegative(),
    featureShape: z.array(z.int().positive()).max(8),
    classes: z.array(z.int()).max(100_000),
  })
  .strict();

export const BundleDomainSchema = z
  .object({
    key: Key,
    datasetKey: Key,
    name: Text(200).min(1),
    spec: DomainSpecSchema,
  })
  .strict();

export const BundleExperimentSchema = z
  .object({
    key: Key,
    name: Text(200).min(1),
    /** The spec exactly as it was given (kept verbatim, like the store does). */
    specInput: z.unknown(),
    spec: ExperimentSpecSchema,
    createdAt: Time,
  })
  .strict();

export const BundleEpochSchema = z
  .object({
    epoch: z.int().nonnegative(),
    elapsedS: z.number().nonnegative(),
    values: z.record(Text(64), MetricValueSchema),
  })
  .strict();

export const BundleRunSchema = z
  .object({
    key: Key,
    experimentKey: Key,
    kind: RunKindSchema,
    strategy: Text(64).min(1),
    /** The variant's label (issue 10); bundles written before it imply it from the config. */
    variant: Text(200).min(1).optional(),
    domainKey: Key,
    sourceDomainKey: Key.nullable(),
    budget: BudgetSchema,
    seed: z.int(),
    status: RunStatusSchema,
    config: ResolvedRunConfigSchema,
    configHash: Text(200).min(1),
    /** The source run this one started from (its key in this bundle), when it is included. */
    dependsOnKey: Key.nullable(),
    epochs: z.int().nonnegative(),
    backend: Text(200).nullable(),
    environment: RunEnvironmentSchema.nullable(),
    dataHash: Text(200).nullable(),
    inputAdapter: InputAdapterSchema.nullable(),
    splitSizes: SplitSizesSchema.nullable().optional(),
    finalMetrics: FinalMetricsSchema.nullable(),
    confusion: z.array(z.array(z.number())).max(10_000).nullable(),
    error: Text(20_000).nullable(),
    attempts: z.int().nonnegative(),
    createdAt: Time,
    startedAt: Time.nullable(),
    finishedAt: Time.nullable(),
    notes: Text(20_000).nullable(),
    tags: z.array(TagSchema).max(32),
    archivedAt: Time.nullable(),
    metrics: z.array(BundleEpochSchema).max(100_000),
  })
  .strict();

export const BundleSchema = z
  .object({
    format: z.literal(BUNDLE_FORMAT),
    version: z.literal(BUNDLE_VERSION),
    exportedAt: Time,
    title: Text(200),
    /** The comparison the bundle was exported from; compare it again after import. */
    request: CompareInputSchema,
    datasets: z.array(BundleDatasetSchema).max(10_000),
    domains: z.array(BundleDomainSchema).max(100_000),
    experiments: z.array(BundleExperimentSchema).max(10_000),
    runs: z.array(BundleRunSchema).max(100_000),
  })
  .strict()
  .superRefine((bundle, ctx) => {
    // Every key a row refers to must exist in the bundle: checked here, not half-way through
    // writing.
    const keys = (rows: { key: number }[]) => new Set(rows.map((r) => r.key));
    const datasets = keys(bundle.datasets);
    const domains = keys(bundle.domains);
    const experiments = keys(bundle.experiments);
    const runs = keys(bundle.runs);
    const missing = (path: (string | number)[], what: string, key: number): void => {
      ctx.addIssue({
        code: 'custom',
        path,
        message: `refers to ${what} ${key}, not in the bundle`,
      });
    };
    bundle.domains.forEach((d, i) => {
      if (!datasets.has(d.datasetKey))
        missing(['domains', i, 'datasetKey'], 'dataset', d.datasetKey);
    });
    bundle.runs.forEach((r, i) => {
      if (!experiments.has(r.experimentKey))
        missing(['runs', i, 'experimentKey'], 'experiment', r.experimentKey);
      if (!domains.has(r.domainKey)) missing(['runs', i, 'domainKey'], 'domain', r.domainKey);
      if (r.sourceDomainKey !== null && !domains.has(r.sourceDomainKey))
        missing(['runs', i, 'sourceDomainKey'], 'domain', r.sourceDomainKey);
      if (r.dependsOnKey !== null && !runs.has(r.dependsOnKey))
        missing(['runs', i, 'dependsOnKey'], 'run', r.dependsOnKey);
    });
    for (const [name, rows] of [
      ['datasets', bundle.datasets],
      ['domains', bundle.domains],
      ['experiments', bundle.experiments],
      ['runs', bundle.runs],
    ] as const) {
      if (keys(rows).size !== rows.length)
        ctx.addIssue({ code: 'custom', path: [name], message: 'has two rows with one key' });
    }
  });
export type Bundle = z.infer<typeof BundleSchema>;
export type BundleRun = z.infer<typeof BundleRunSchema>;

export function encodeMetricValue(value: number): MetricValue {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  return value;
}

export function decodeMetricValue(value: MetricValue): number {
  if (value === 'NaN') return NaN;
  if (value === 'Infinity') return Infinity;
  if (value === '-Infinity') return -Infinity;
  return value;
}
