import type { RunClusterTask } from './cluster';
import { z } from 'zod';
import { RunDeviceSchema, type RunDevice } from './backends';
import type { Reproduction } from './reproduction';
import {
  BudgetSchema,
  DomainSpecSchema,
  ModelSpecSchema,
  StrategyIdSchema,
  TrainingSpecSchema,
} from './experimentSpec';

export const RunStatusSchema = z.enum([
  'queued',
  'running',
  'completed',
  'failed',
  'cancelled',
  'crashed',
  'diverged',
]);
export type RunStatus = z.infer<typeof RunStatusSchema>;

export const TERMINAL_STATUSES: readonly RunStatus[] = [
  'completed',
  'failed',
  'cancelled',
  'crashed',
  'diverged',
];

export function isTerminal(status: RunStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

/**
 * `source` runs train a source model on a source domain (full labels); `transfer` runs train one
 * strategy on one target, possibly starting from a source run's model.
 */
export const RunKindSchema = z.enum(['source', 'transfer']);
export type RunKind = z.infer<typeof RunKindSchema>;

/** Everything a trainer needs, fully resolved: stored on the run so it can be reproduced. */
export const ResolvedRunConfigSchema = z.object({
  kind: RunKindSchema,
  strategy: z.union([StrategyIdSchema, z.literal('source')]),
  strategyParams: z.record(z.string(), z.union([z.number(), z.boolean()])),
  /** The domain trained on: the source domain for `source` runs, the target otherwise. */
  domain: DomainSpecSchema,
  /** The source domain a transfer run transfers from (absent for scratch). */
  sourceDomain: DomainSpecSchema.optional(),
  budget: BudgetSchema,
  seed: z.int(),
  model: ModelSpecSchema,
  training: TrainingSpecSchema,
  /**
   * The revision of the strategy's procedure the run ran (StrategyInfo.revision), recorded for
   * strategies that have had more than one; absent: revision 1. The engine runs this revision.
   */
  strategyRevision: z.int().positive().optional(),
  /**
   * The train metrics (per-epoch `loss` and `acc`, final `train_*`) are measured on a fixed
   * sample of at most this many of the rows they cover, drawn once from the seed
   * (trainMetrics.ts, issue 12). Absent (runs planned before): on every row; the engine honours
   * what the run records. A measurement setting, not a training one: it changes no weight, so a
   * run's identity (hashConfig) and the comparisons' variant rows ignore it.
   */
  trainMetricRows: z.int().positive().optional(),
});
export type ResolvedRunConfig = z.infer<typeof ResolvedRunConfigSchema>;

/** Library and machine versions recorded with each run. */
export const RunEnvironmentSchema = z.object({
  backend: z.string(),
  versions: z.record(z.string(), z.string()),
  platform: z.string(),
  arch: z.string(),
  cpus: z.int(),
  node: z.string(),
  /** What the run computed on (issue 15); absent in runs recorded before it. */
  device: RunDeviceSchema.optional(),
});
export type RunEnvironment = z.infer<typeof RunEnvironmentSchema>;

const ShapeSchema = z.array(z.int().positive()).min(1);

/**
 * What a run put between the target's inputs and a model built for the source's input shape,
 * when the two differ (src-main/engine/adapterShapes.ts decides which):
 * - `resize`: image rows ([h, w] or [h, w, c]) resized once, when the data is loaded, bilinearly
 *   with half-pixel centres (as tf.image.resizeBilinear with halfPixelCenters), with a grey ↔ RGB
 *   conversion when the channels differ; the model and the strategy see `to` only.
 * - `linear`: a trainable, seeded Dense(prod(to)) layer without activation prepended to the
 *   model on the target's path (flattening `from`, reshaping to `to`), trained with the run.
 */
export const InputAdapterSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('resize'),
    from: ShapeSchema,
    to: ShapeSchema,
    method: z.literal('bilinear'),
    channels: z.enum(['same', 'grey-to-rgb', 'rgb-to-grey']),
  }),
  z.object({
    kind: z.literal('linear'),
    from: ShapeSchema,
    to: ShapeSchema,
    /** Weights of the adapter (kernel and bias). */
    parameters: z.int().nonnegative(),
  }),
]);
export type InputAdapter = z.infer<typeof InputAdapterSchema>;

/** One line for people: the run log, the run view, the CLI. */
export function describeInputAdapter(adapter: InputAdapter): string {
  const from = `[${adapter.from.join(', ')}]`;
  const to = `[${adapter.to.join(', ')}]`;
  if (adapter.kind === 'resize') {
    const channels =
      adapter.channels === 'same'
        ? ''
        : adapter.channels === 'grey-to-rgb'
          ? ', grey → RGB'
          : ', RGB → grey';
    return `target images resized ${from} → ${to} (bilinear${channels})`;
  }
  return (
    `learned linear adapter ${from} → ${to} before the model ` +
    `(${adapter.parameters} weights, trained with the run)`
  );
}

/** Scores of the source model on the target before training (LEEP and NCE ≤ 0; higher is better). */
/**
 * A probe's transferability scores (engine/transferability), and since issue 14 what says whether
 * to trust them: `features`, the width d of the source model's features, to compare with the
 * number of target rows scored (n < d makes the feature covariance singular), and
 * `hScoreShrinkage`, the Ledoit–Wolf λ by which the H-score's covariance was shrunk (Ibrahim et
 * al. 2022). Optional: scores stored before issue 14 have neither.
 */
export const TransferabilityScoresSchema = z.object({
  leep: z.number(),
  nce: z.number(),
  hScore: z.number(),
  logMe: z.number(),
  features: z.int().positive().optional(),
  hScoreShrinkage: z.number().min(0).max(1).optional(),
});
/** What a probe reports: the four scores, and `features` and `hScoreShrinkage` when known. */
export type TransferabilityProbeScores = z.infer<typeof TransferabilityScoresSchema>;
/**
 * The four scores alone, so that `keyof TransferabilityScores` names a score (the tables' columns,
 * Kendall's τ per score).
 */
export type TransferabilityScores = Omit<
  TransferabilityProbeScores,
  'features' | 'hScoreShrinkage'
>;

export const FinalMetricsSchema = z.record(z.string(), z.number().nullable());
export type FinalMetrics = z.infer<typeof FinalMetricsSchema>;

/**
 * The rows of each split a run used, reported by its trainer once the data is loaded: how many
 * labelled rows it trained on, and how many labelled rows validated it (early stopping, model
 * selection), from the target's validation split or held out of the label budget.
 */
export const SplitSizesSchema = z.object({
  train: z.int().nonnegative(),
  val: z.int().nonnegative(),
  test: z.int().nonnegative(),
  validationFrom: z.enum(['split', 'budget']),
  unlabelled: z.int().nonnegative().optional(),
  source: z.int().nonnegative().optional(),
});
export type SplitSizes = z.infer<typeof SplitSizesSchema>;

export interface RunSummary {
  id: number;
  experimentId: number;
  experimentName: string;
  kind: RunKind;
  strategy: string;
  /**
   * The variant it ran (issue 10): the strategy entry's label, e.g. `fine-tune · l2sp λ=0.01`;
   * `source` for source runs. Comparisons group by it, so two variants never merge.
   */
  variant: string;
  sourceName: string | null;
  targetName: string;
  budget: z.infer<typeof BudgetSchema>;
  seed: number;
  status: RunStatus;
  backend: string | null;
  /**
   * What it computed on (issue 15): RunEnvironment.device as the run recorded it; null before
   * the trainer started, and for runs recorded before issue 15.
   */
  device: RunDevice | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Epochs completed so far and planned. */
  epochsDone: number;
  epochs: number;
  finalMetrics: FinalMetrics | null;
  error: string | null;
  /** The source run whose model this run starts from. */
  dependsOn: number | null;
  /**
   * How the target's inputs were fitted to the source's input shape, when they differed; known
   * once the trainer has loaded the data.
   */
  inputAdapter: InputAdapter | null;
  /**
   * Where it trains when not on this machine (issue 16): 'slurm' for a run handed to Slurm;
   * absent for a run of the local queue. A queued Slurm run waits in Slurm's queue.
   */
  executor?: 'slurm';
}

export interface RunDetail extends RunSummary {
  config: ResolvedRunConfig;
  environment: RunEnvironment | null;
  dataHash: string | null;
  sourceModelHash: string | null;
  /**
   * The imported model the run started from (issue 13), when its source names one that is still
   * in the workspace; `sourceModelHash` is then that model's weights hash.
   */
  importedSource: { id: number; name: string } | null;
  /** Whether the run kept the model it trained (source runs always; transfer runs per the setting). */
  keptModel: boolean;
  attempts: number;
  heartbeatAt: string | null;
  metrics: EpochMetrics[];
  /** Measured before training, for runs that start from a source model. */
  transferability: (TransferabilityProbeScores & { samples: number }) | null;
  /** What the trainer reported while it ran, oldest first (capped; see store/runLogs.ts). */
  log: RunLogEntry[];
  /** Rows per split, once the trainer has loaded the data (null for runs before issue 10). */
  splitSizes: SplitSizes | null;
  /** The run this one re-runs with the identical config (`transferlab rerun`). */
  rerunOf: number | null;
  /** Re-runs of this run, oldest first. */
  reruns: number[];
  /** For a re-run: whether it reproduced its original (reproduction.ts). */
  reproduction: Reproduction | null;
  /** The cluster task that holds or held its current attempt (issue 16); absent for local runs. */
  cluster?: RunClusterTask;
}

/** 'debug': a failed trainer's stack trace. */
export const RunLogLevelSchema = z.enum(['debug', 'info', 'warn', 'error']);
export type RunLogLevel = z.infer<typeof RunLogLevelSchema>;

export const RunLogEntrySchema = z.object({
  seq: z.int(),
  /** The run's attempt that wrote it (a run re-queued after a crash tries again). */
  attempt: z.int(),
  level: RunLogLevelSchema,
  message: z.string(),
  /** ISO time. */
  at: z.string(),
});
export type RunLogEntry = z.infer<typeof RunLogEntrySchema>;

/** One epoch of one run. NaN survives (SQLite would store NaN as NULL; see the store). */
export interface EpochMetrics {
  epoch: number;
  /** null stands for a value that is not finite (NaN or ±Infinity). */
  values: Record<string, number | null>;
  /** Seconds since the run started, when the epoch ended. */
  elapsedS: number;
}

/**
 * The domains of a run in words, one rule for every view and report (issue 14): a source run
 * trains the source model on its one domain, "digits 0–4 (source model)", never
 * "digits 0–4 → digits 0–4"; a transfer run is "source → target", or its target alone when its
 * strategy has no source (scratch).
 */
export function runDomainsLabel(run: {
  kind: RunKind;
  sourceName: string | null;
  targetName: string;
}): string {
  if (run.kind === 'source') return `${run.sourceName ?? run.targetName} (source model)`;
  return run.sourceName === null ? run.targetName : `${run.sourceName} → ${run.targetName}`;
}

/**
 * Why a transferability score should not be read at face value, or null (issue 14). With no
 * more target rows than features (n ≤ d) the feature covariance is singular: the H-score is
 * shrunk (Ledoit–Wolf λ, Ibrahim et al. 2022) and good for ranking sources on these rows only;
 * at λ = 1 it says nothing. An H-score scored before shrinkage existed that sits at its maximum
 * K − 1 was pinned there by a singular covariance. LEEP, NCE and LogME need no such warning
 * (LogME chooses its own regularisation; LEEP and NCE use no features).
 */
export function hScoreCaveat(
  scores: TransferabilityProbeScores,
  samples: number,
  targetClasses?: number,
): string | null {
  const shrinkage = scores.hScoreShrinkage;
  if (shrinkage === undefined) {
    return targetClasses !== undefined && scores.hScore >= targetClasses - 1 - 1e-6
      ? `At its maximum K − 1 = ${targetClasses - 1}: an unshrunk H-score with too few rows for its features; not informative (score again).`
      : null;
  }
  if (shrinkage >= 1)
    return 'Uninformative: the feature covariance was shrunk all the way (λ = 1).';
  if (scores.features !== undefined && samples <= scores.features) {
    return `n ≤ d (${samples} rows, ${scores.features} features): shrunk by λ = ${shrinkage.toFixed(2)} (Ledoit–Wolf, Ibrahim et al. 2022); use it to rank sources on these rows only, its values run high at few rows.`;
  }
  return null;
}
