import type { CellStat } from '../../src-shared/rpc/compare';
import { summarize } from './summary';

/**
 * A table cell's statistics over seeds (summary.ts), in the contract's shape: null when no value
 * is finite, spread null from a single value. Never NaN: JSON would turn it into null silently.
 */
export function cellStat(values: readonly number[]): CellStat | null {
  if (!values.some((v) => Number.isFinite(v))) return null;
  const s = summarize(values);
  return {
    n: s.n,
    mean: s.mean,
    std: s.spread?.std ?? null,
    se: s.spread?.se ?? null,
    ci95: s.spread ? [s.spread.ci.lower, s.spread.ci.upper] : null,
    excluded: s.excluded,
  };
}

/** "Budget 10" → "10/class"; the whole training split → "all". */
export function budgetLabel(budget: number | 'all'): string {
  return budget === 'all' ? 'all' : `${budget}/class`;
}
