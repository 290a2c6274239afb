import {
  CompareOptionsSchema,
  defaultSelectBy,
  ROW_RULE_LABELS,
  type Band,
  type CompareOptions,
  type CompareRequest,
  type Comparison,
  type RowRule,
} from '../../src-shared/rpc/compare';
import type { Route } from './routes';

/** The selection as the view holds it: sorted, deduplicated ids. */
export interface Selection {
  experimentIds: number[];
  runIds: number[];
}

export const DEFAULT_OPTIONS: CompareOptions = CompareOptionsSchema.parse({});

/** Final metrics every run records (src-main/engine/train.ts). */
export const FINAL_METRICS = [
  'test_acc',
  'test_loss',
  'val_acc',
  'val_loss',
  'train_acc',
  'train_loss',
] as const;

/** Per-epoch metrics a curve can show. */
export const CURVE_METRICS = ['val_acc', 'val_loss', 'acc', 'loss'] as const;

export const BAND_CHOICES: { value: Band; label: string }[] = [
  { value: 'std', label: 'std' },
  { value: 'se', label: 'SE' },
  { value: 'ci95', label: '95% CI' },
];

export const ALPHA_CHOICES = [0.01, 0.05, 0.1] as const;

export const SUMMARY_COLUMN_CHOICES: { value: CompareOptions['summaryColumns']; label: string }[] =
  [
    { value: 'auto', label: 'auto' },
    { value: 'target', label: 'targets' },
    { value: 'budget', label: 'budgets' },
    { value: 'target-budget', label: 'target × budget' },
  ];

/** Group-by fields that every comparison offers, whatever varies. */
export const BASE_GROUP_FIELDS = [
  'variant',
  'strategy',
  'source',
  'target',
  'experiment',
  'run',
] as const;

export type SelectionMode = CompareOptions['selection'];

/**
 * Model selection among a strategy's variants (issue 10): every variant as a row of its own,
 * the variant with the best validation metric per (source, target, budget, seed), or the oracle
 * that chooses on the test metric itself (an upper bound, marked as such wherever it shows).
 */
export const SELECTION_CHOICES: { value: SelectionMode; label: string; help: string }[] = [
  {
    value: 'none',
    label: 'Every variant',
    help: 'Every variant is a row of its own',
  },
  {
    value: 'validation',
    label: 'Selected on validation',
    help: 'Per strategy, the variant with the best validation metric for each source, target, budget and seed, reported with its test metric',
  },
  {
    value: 'oracle',
    label: 'Oracle (selected on test)',
    help: 'Per strategy, the variant with the best test metric: chosen on test data, an upper bound no real selection reaches',
  },
];

/** Validation metrics a selection can choose on (final metrics every run records). */
export const SELECT_BY_METRICS = ['val_acc', 'val_loss'] as const;

/** The metric a validation selection chooses on under these options. */
export function selectByOf(options: Pick<CompareOptions, 'metric' | 'selectBy'>): string {
  return options.selectBy ?? defaultSelectBy(options.metric);
}

/** `selectBy` to send for a choice: none when it is the default, so it follows the metric. */
export function selectByPatch(metric: string, chosen: string): string | undefined {
  return chosen === defaultSelectBy(metric) ? undefined : chosen;
}

/** How a row's numbers came about, in words; the oracle's are flagged everywhere. */
export function ruleText(rule: RowRule): string {
  return ROW_RULE_LABELS[rule];
}

export function isOracle(rule: RowRule | undefined): boolean {
  return rule === 'selected-oracle';
}

/** Each row's rule (as run, selected on validation, oracle), by its label. */
export function rowRules(comparison: Comparison): Map<string, RowRule> {
  return new Map(comparison.summary.rows.map((r) => [r.variant, r.rule]));
}

/**
 * The group-by choices: the run's own columns, then the config fields that vary across the
 * compared runs (the ones that split runs into more than one group), then any field already
 * chosen (a saved setup may name one that no longer varies).
 */
export function groupChoices(varying: readonly string[], chosen: readonly string[]): string[] {
  const out: string[] = [...BASE_GROUP_FIELDS];
  for (const field of [...varying, ...chosen]) if (!out.includes(field)) out.push(field);
  return out;
}

/**
 * Toggles a group-by field, at most four (the contract's limit). Removing the last one leaves
 * the empty list: automatic grouping (the strategy, plus target, source and budget where they
 * vary; see CompareOptionsSchema).
 */
export function toggleGroup(groupBy: readonly string[], field: string): string[] {
  if (groupBy.includes(field)) return groupBy.filter((f) => f !== field);
  return groupBy.length >= 4 ? [...groupBy] : [...groupBy, field];
}

function normalise(ids: readonly number[]): number[] {
  return [...new Set(ids)].sort((a, b) => a - b);
}

export function makeSelection(
  experimentIds: readonly number[],
  runIds: readonly number[],
): Selection {
  return { experimentIds: normalise(experimentIds), runIds: normalise(runIds) };
}

export function isEmptySelection(s: Selection): boolean {
  return s.experimentIds.length === 0 && s.runIds.length === 0;
}

export function sameSelection(a: Selection, b: Selection): boolean {
  return (
    a.experimentIds.join(',') === b.experimentIds.join(',') &&
    a.runIds.join(',') === b.runIds.join(',')
  );
}

export function toggleId(ids: readonly number[], id: number): number[] {
  return ids.includes(id) ? ids.filter((x) => x !== id) : normalise([...ids, id]);
}

/** The compare route for a selection (and the saved setup it came from, if any). */
export function compareRoute(selection: Selection, setup: number | null): Route {
  return {
    name: 'compare',
    experiments: selection.experimentIds,
    runs: selection.runIds,
    setup,
  };
}

export function compareRequest(selection: Selection, options: CompareOptions): CompareRequest {
  return {
    selection: { experimentIds: [...selection.experimentIds], runIds: [...selection.runIds] },
    options: { ...options, groupBy: [...options.groupBy] },
  };
}

/** A saved setup's options over the defaults (older setups may lack newer options). */
export function optionsOf(request: CompareRequest): CompareOptions {
  return { ...DEFAULT_OPTIONS, ...request.options, groupBy: [...request.options.groupBy] };
}

/**
 * Every row label of a comparison, in an order that does not change with model selection: the
 * baseline row first, then the variants of the transfer runs A→Z (every variant is a row without
 * selection, and is still drawn in the epoch curves with it), then the selected rows. Colours
 * follow this order in every chart, so a variant keeps its colour when selection is switched on.
 */
export function variantsOf(comparison: Comparison | null): string[] {
  if (comparison === null) return [];
  const recorded = [
    ...new Set(comparison.runs.filter((r) => r.kind === 'transfer').map((r) => r.variant)),
  ].sort((a, b) => a.localeCompare(b));
  const rows = comparison.summary.rows.map((r) => r.variant);
  const first = comparison.baseline === null ? [] : [comparison.baseline];
  return [...new Set([...first, ...recorded, ...rows])];
}

export interface BaselineChoice {
  /** What `options.baseline` becomes: the row's label, or for a selected row its strategy. */
  value: string;
  label: string;
  rule: RowRule;
}

/**
 * Baseline choices: one per row of the summary table. A selected row is chosen by its strategy id
 * (the contract resolves a strategy to its one row), so it stays the baseline while the rule
 * changes. The current baseline is added when no row is it, so the select shows what is in effect.
 */
export function baselineChoices(comparison: Comparison | null, baseline: string): BaselineChoice[] {
  const choices: BaselineChoice[] = (comparison?.summary.rows ?? []).map((r) => ({
    value: r.rule === 'as-run' ? r.variant : r.strategy,
    label: r.variant,
    rule: r.rule,
  }));
  const current = baselineValue(comparison, baseline);
  if (!choices.some((c) => c.value === current))
    choices.unshift({
      value: baseline,
      label: comparison === null ? baseline : `${baseline} (no single row)`,
      rule: 'as-run',
    });
  return choices;
}

/**
 * The baseline choice in effect: the asked one when a row is it, else the row the server
 * resolved it to (a strategy id with one row), else the asked one.
 */
export function baselineValue(comparison: Comparison | null, baseline: string): string {
  if (comparison === null) return baseline;
  const rows = comparison.summary.rows;
  const asked = rows.find((r) => (r.rule === 'as-run' ? r.variant : r.strategy) === baseline);
  if (asked) return baseline;
  if (comparison.request.options.baseline !== baseline || comparison.baseline === null)
    return baseline;
  const resolved = rows.find((r) => r.variant === comparison.baseline);
  if (!resolved) return baseline;
  return resolved.rule === 'as-run' ? resolved.variant : resolved.strategy;
}
