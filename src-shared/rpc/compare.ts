import { z } from 'zod';
import type { RunDevice } from '../domain/backends';
import type { Budget } from '../domain/experimentSpec';
import type { ResolvedRunConfig, RunKind, RunStatus, SplitSizes } from '../domain/runs';

/**
 * The Compare contract (issue 5): which runs are compared (the selection), how (the options), and
 * everything the Compare view and every report format show, computed once on the main side
 * (src-main/analysis/comparison.ts) so the view, the CLI and the reports cannot disagree.
 */

/** Whole experiments and/or single runs; their union is compared. */
export const CompareSelectionSchema = z
  .object({
    experimentIds: z.array(z.int().positive()).max(100).default([]),
    runIds: z.array(z.int().positive()).max(5000).default([]),
  })
  .strict()
  .refine((s) => s.experimentIds.length + s.runIds.length > 0, {
    message: 'Choose at least one experiment or run to compare.',
  });
export type CompareSelection = z.infer<typeof CompareSelectionSchema>;

/** What a band around a mean curve shows; every chart and table names it. */
export const BandSchema = z.enum(['std', 'se', 'ci95']);
export type Band = z.infer<typeof BandSchema>;

export const BAND_LABELS: Record<Band, string> = {
  std: '± 1 standard deviation',
  se: '± 1 standard error',
  ci95: '95% confidence interval (Student t)',
};

/** Summary-table columns: targets, budgets, or every (target, budget) pair. */
export const SummaryColumnsSchema = z.enum(['auto', 'target', 'budget', 'target-budget']);

/**
 * A field runs can be grouped by: a dotted path into the run's resolved config
 * (`strategy`, `budget`, `seed`, `strategyParams.lambda`, `model.type`, `training.learningRate`,
 * `domain.transform.rotateDeg`, …; see domain/configFields.ts) or one of the run's own columns
 * `run` (every run alone), `variant`, `experiment`, `source`, `target`.
 */
export const GroupFieldSchema = z
  .string()
  .min(1)
  .max(120)
  .regex(/^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/, 'a field is a dotted path such as model.type');

/** `val_acc` for `test_acc`: the validation twin of a test metric, what selection reads by default. */
export function defaultSelectBy(metric: string): string {
  return `val_${metric.replace(/^test_/, '')}`;
}

export const CompareOptionsSchema = z
  .object({
    /** The final metric compared across runs (test accuracy by default). */
    metric: z.string().min(1).max(64).default('test_acc'),
    /** Whether a larger `metric` is better; default: false for names ending in "loss". */
    higherIsBetter: z.boolean().optional(),
    /**
     * The variant every other one is measured against: a variant's label, or a strategy id when
     * that strategy has one variant in the comparison (or, with model selection, its selected row).
     */
    baseline: z.string().min(1).max(200).default('scratch'),
    /**
     * Model selection among the variants of each strategy (issue 10): `none` shows every variant;
     * `validation` keeps, for each (source, target, budget, seed), the variant with the best
     * validation metric (`selectBy`), scored on test, as DomainBed's training-domain validation
     * does; `oracle` selects on the compared test metric itself, an upper bound that is labelled
     * as such everywhere.
     */
    selection: z.enum(['none', 'validation', 'oracle']).default('none'),
    /**
     * The final validation metric `validation` selects on; default: `val_` + the compared
     * metric's name without its `test_` prefix (test_acc → val_acc).
     */
    selectBy: z.string().min(1).max(64).optional(),
    /** The test behind verdicts (both are always reported). */
    test: z.enum(['t', 'wilcoxon']).default('t'),
    /** Family-wise error rate, Holm-corrected across every gain of the comparison. */
    alpha: z.number().gt(0).lt(1).default(0.05),
    /** The per-epoch metric drawn as curves. */
    curveMetric: z.string().min(1).max(64).default('val_acc'),
    /**
     * Fields the curves are grouped by; empty (the default): the strategy, plus the target, the
     * source and the budget where they vary, so a band never mixes budgets or targets unasked.
     */
    groupBy: z.array(GroupFieldSchema).max(4).default([]),
    band: BandSchema.default('ci95'),
    summaryColumns: SummaryColumnsSchema.default('auto'),
  })
  .strict();
export type CompareOptions = z.infer<typeof CompareOptionsSchema>;

export const CompareInputSchema = z
  .object({
    selection: CompareSelectionSchema,
    options: CompareOptionsSchema.default(CompareOptionsSchema.parse({})),
  })
  .strict();
export type CompareInput = z.input<typeof CompareInputSchema>;
export type CompareRequest = z.infer<typeof CompareInputSchema>;

/** Mean and spread of one cell over seeds; spread is null from a single value. */
export interface CellStat {
  n: number;
  mean: number;
  std: number | null;
  se: number | null;
  ci95: [number, number] | null;
  /** Runs in the cell without a finite value (failed, diverged, still running). */
  excluded: number;
}

export interface ComparedRun {
  id: number;
  experimentId: number;
  experimentName: string;
  kind: RunKind;
  strategy: string;
  /**
   * The row it is compared in: its variant's label, with the experiment added when two
   * experiments give one label different settings (Comparison.notes says so), or, with model
   * selection, the strategy's selected row (`mmd [selected on val_acc]`).
   */
  variant: string;
  /** The label the run recorded (RunSummary.variant). */
  recordedVariant: string;
  sourceName: string | null;
  targetName: string;
  budget: Budget;
  seed: number;
  status: RunStatus;
  /** The backend it ran on and the device it computed on (issue 15); null when not recorded. */
  backend: string | null;
  device: RunDevice | null;
  /** The compared final metric; null when the run has none that is finite. */
  value: number | null;
  config: ResolvedRunConfig;
  tags: string[];
  notes: string | null;
  /** Rows per split the run used (null for runs before issue 10). */
  splitSizes: SplitSizes | null;
  /** Its final value of the selection metric (validation), when a selection is asked for. */
  selectionValue: number | null;
}

/** How the numbers of a table row came about: as the variant ran, or selected among variants. */
export type RowRule = 'as-run' | 'selected-validation' | 'selected-oracle';

export const ROW_RULE_LABELS: Record<RowRule, string> = {
  'as-run': 'as run',
  'selected-validation': 'selected on validation',
  'selected-oracle': 'oracle: selected on test',
};

/** Labelled rows a selection used per choice, and where they came from. */
export interface LabelCount {
  from: 'split' | 'budget' | 'mixed' | 'unknown';
  min: number | null;
  max: number | null;
}

/** One strategy's variants reduced to one row by model selection. */
export interface SelectionGroup {
  strategy: string;
  /** The row's label in every table (`mmd [selected on val_acc]`). */
  row: string;
  variants: string[];
  /** How often each variant was chosen, over every (source, target, budget, seed). */
  picks: { variant: string; count: number }[];
  /** Choices made: one per (source, target, budget, seed) with a scored candidate. */
  choices: number;
  /** Validation rows the selection looked at per choice (validation mode). */
  validationLabels: LabelCount;
  /** Labelled training rows of the chosen runs. */
  trainLabels: LabelCount;
}

export interface SelectionSummary {
  mode: 'validation' | 'oracle';
  rule: RowRule;
  /** The metric choices were made on (val_acc; the test metric for the oracle). */
  selectBy: string;
  higherIsBetter: boolean;
  /** One sentence for every table and report. */
  description: string;
  groups: SelectionGroup[];
}

export interface SummaryTable {
  metric: string;
  /** What the columns are. */
  columnsBy: 'target' | 'budget' | 'target-budget';
  columns: string[];
  /** Rows = variants (transfer runs only), cells aligned with `columns`. */
  rows: { variant: string; strategy: string; rule: RowRule; cells: (CellStat | null)[] }[];
}

export type TestOutcome<T> = ({ ok: true } & T) | { ok: false; reason: string };

/** One variant against the baseline in one (source, target, budget) cell, paired by seed. */
export interface Gain {
  sourceName: string | null;
  targetName: string;
  budget: Budget;
  variant: string;
  strategy: string;
  rule: RowRule;
  baseline: string;
  baselineRule: RowRule;
  /** Complete seed pairs tested. */
  n: number;
  strategyMean: number | null;
  baselineMean: number | null;
  /** Mean of the paired differences Δ = strategy − baseline. */
  meanDiff: number | null;
  /** Mean and spread of the differences over the paired seeds. */
  diff: CellStat | null;
  tTest: TestOutcome<{ t: number; df: number; p: number }>;
  wilcoxon: TestOutcome<{ v: number; p: number; method: 'exact' | 'normal' }>;
  /** Holm-adjusted p of the chosen test across every gain of the comparison. */
  pHolm: number | null;
  verdict: 'win' | 'tie' | 'loss' | 'untested';
  /** Significantly worse than the baseline after Holm correction. */
  negativeTransfer: boolean;
  strategyOnlySeeds: number[];
  baselineOnlySeeds: number[];
  incompleteSeeds: number[];
}

export interface WinTieLoss {
  variant: string;
  win: number;
  tie: number;
  loss: number;
  untested: number;
}

/** Mean metric over seeds at each label budget, for one (source, target, variant). */
export interface LearningCurve {
  sourceName: string | null;
  targetName: string;
  variant: string;
  points: { budget: number; stat: CellStat }[];
}

/**
 * Where a strategy's learning curve crosses the baseline's on one (source, target): between two
 * budgets the sign of mean(strategy) − mean(baseline) changes (linearly interpolated `at`).
 */
export interface Crossover {
  sourceName: string | null;
  targetName: string;
  variant: string;
  from: number;
  to: number;
  at: number;
  /** 'gains-below': transfer helps below `at` and stops helping above (the usual shape). */
  direction: 'gains-below' | 'gains-above';
}

/** A mean curve over epochs for one group of runs, with the chosen band. */
export interface CurveGroup {
  /** Field → value of the group, e.g. { strategy: 'finetune' }. */
  key: Record<string, string>;
  label: string;
  runIds: number[];
  epochs: number[];
  mean: (number | null)[];
  lower: (number | null)[];
  upper: (number | null)[];
  /** Runs with a finite value at each epoch (runs stop early at different epochs). */
  n: number[];
}

/**
 * One run's own curve of the metric (issue 14): the Compare view facets, groups, smooths and
 * re-axes these (epoch, step, wall time) without asking the server again.
 */
export interface RunCurve {
  runId: number;
  epochs: number[];
  /** Null where the value was not finite. */
  values: (number | null)[];
  /** Wall time since the run's start when each epoch was logged (the store's `elapsed_s`). */
  elapsedS: number[];
}

export interface Curves {
  metric: string;
  groupBy: string[];
  band: Band;
  bandLabel: string;
  groups: CurveGroup[];
  /** Every run with at least one epoch of the metric, in run order. */
  runs: RunCurve[];
}

export interface Comparison {
  /** The request, with defaults applied: enough to regenerate this comparison. */
  request: CompareRequest;
  generatedAt: string;
  higherIsBetter: boolean;
  /** Every selected run; the statistics use those not in `excluded`. */
  runs: ComparedRun[];
  /** Selected runs left out of the statistics, and why (e.g. not finished). */
  excluded: { runId: number; reason: string }[];
  /** Config fields whose values differ across the runs: the useful group-by choices. */
  varyingFields: string[];
  /** The baseline row gains are measured against (null: no row matches `options.baseline`). */
  baseline: string | null;
  /** Model selection among variants, when asked for. */
  selection: SelectionSummary | null;
  /** What a reader must know to read the numbers right (labels told apart, a missing baseline). */
  notes: string[];
  summary: SummaryTable;
  gains: Gain[];
  winTieLoss: WinTieLoss[];
  learningCurves: LearningCurve[];
  crossovers: Crossover[];
  curves: Curves;
}

/** A chart setup the Compare view saved under a name. */
export const ChartSetupSaveSchema = z
  .object({
    name: z.string().trim().min(1).max(120),
    input: CompareInputSchema,
  })
  .strict();
export interface ChartSetup {
  id: number;
  name: string;
  input: CompareRequest;
  updatedAt: string;
}

/** A run's confusion matrix on its test split: rows = true class, columns = predicted. */
export interface ConfusionMatrix {
  runId: number;
  /** Class names in index order: the dataset's names of the classes the domain kept, else their labels. */
  labels: string[];
  matrix: number[][];
}
