import {
  CompareOptionsSchema,
  type Band,
  type CompareOptions,
  type CompareRequest,
  type Comparison,
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
export const BASE_GROUP_FIELDS = ['strategy', 'source', 'target', 'experiment', 'run'] as const;

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

/** Transfer strategies present in a comparison, in a stable order (baseline first). */
export function strategiesOf(comparison: Comparison | null, baseline?: string): string[] {
  if (comparison === null) return [];
  const names = [
    ...new Set(comparison.runs.filter((r) => r.kind === 'transfer').map((r) => r.strategy)),
  ].sort((a, b) => a.localeCompare(b));
  if (baseline !== undefined && names.includes(baseline))
    return [baseline, ...names.filter((n) => n !== baseline)];
  return names;
}

/**
 * Baseline choices: the strategies present, plus the current baseline when it is absent (so the
 * select shows what is in effect, and the view can say that it matches no run).
 */
export function baselineChoices(comparison: Comparison | null, baseline: string): string[] {
  const names = strategiesOf(comparison);
  return names.includes(baseline) ? names : [baseline, ...names];
}
