import type { ComparedRun, RowRule, SummaryTable } from '../../src-shared/rpc/compare';
import type { CompareOptions } from '../../src-shared/rpc/compare';
import { budgetLabel, cellStat } from './cellStat';

type ColumnsBy = SummaryTable['columnsBy'];

/** 'auto': targets × budgets when both vary, else whichever varies (budgets when neither does). */
export function resolveColumns(
  runs: readonly ComparedRun[],
  choice: CompareOptions['summaryColumns'],
): ColumnsBy {
  if (choice !== 'auto') return choice;
  const targets = new Set(runs.map((r) => r.targetName)).size;
  const budgets = new Set(runs.map((r) => String(r.budget))).size;
  if (targets > 1 && budgets > 1) return 'target-budget';
  return targets > 1 ? 'target' : 'budget';
}

function columnOf(run: ComparedRun, by: ColumnsBy): string {
  if (by === 'target') return run.targetName;
  if (by === 'budget') return budgetLabel(run.budget);
  return `${run.targetName} · ${budgetLabel(run.budget)}`;
}

/** Budgets sort numerically ("all" last), everything else in first-seen order. */
function budgetRank(run: ComparedRun): number {
  return run.budget === 'all' ? Number.MAX_SAFE_INTEGER : run.budget;
}

/**
 * Rows = variants (the baseline first), columns = targets, budgets or both; each cell the
 * metric's mean ± std over the runs (seeds) in it, with n and the runs excluded as not finite.
 * Each row carries the rule its numbers come from (as run, or selected among variants).
 */
export function summaryTable(
  runs: readonly ComparedRun[],
  metric: string,
  baseline: string,
  choice: CompareOptions['summaryColumns'],
  rules: ReadonlyMap<string, RowRule> = new Map(),
): SummaryTable {
  const columnsBy = resolveColumns(runs, choice);
  const ordered = [...runs].sort((a, b) => budgetRank(a) - budgetRank(b) || a.id - b.id);
  const columns = [...new Set(ordered.map((r) => columnOf(r, columnsBy)))];
  const variants = [...new Map(runs.map((r) => [r.variant, r.strategy])).entries()].sort(
    ([a], [b]) => (a === baseline ? -1 : b === baseline ? 1 : 0),
  );
  const rows = variants.map(([variant, strategy]) => ({
    variant,
    strategy,
    rule: rules.get(variant) ?? ('as-run' as const),
    cells: columns.map((column) => {
      const values = runs
        .filter((r) => r.variant === variant && columnOf(r, columnsBy) === column)
        .map((r) => r.value ?? NaN);
      return values.length === 0 ? null : cellStat(values);
    }),
  }));
  return { metric, columnsBy, columns, rows };
}
