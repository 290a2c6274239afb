import type { ComparedRun, Crossover, LearningCurve } from '../../src-shared/rpc/compare';
import { baselineSourceFor } from '../../src-shared/domain/baselineMatch';
import { cellStat } from './cellStat';

/**
 * The metric's mean over seeds at each numeric label budget, one curve per (source, target,
 * variant) with at least two budgets: how a transfer's advantage changes with target labels.
 * Budget "all" has no position on a labels-per-class axis and is left out.
 */
export function learningCurves(runs: readonly ComparedRun[]): LearningCurve[] {
  const groups = new Map<string, ComparedRun[]>();
  for (const r of runs) {
    if (r.budget === 'all') continue;
    const key = JSON.stringify([r.sourceName, r.targetName, r.variant]);
    const list = groups.get(key);
    if (list) list.push(r);
    else groups.set(key, [r]);
  }
  const curves: LearningCurve[] = [];
  for (const group of groups.values()) {
    const first = group[0];
    if (!first) continue;
    const budgets = [...new Set(group.map((r) => r.budget as number))].sort((a, b) => a - b);
    const points = budgets.flatMap((budget) => {
      const stat = cellStat(group.filter((r) => r.budget === budget).map((r) => r.value ?? NaN));
      return stat ? [{ budget, stat }] : [];
    });
    if (points.length < 2) continue;
    curves.push({
      sourceName: first.sourceName,
      targetName: first.targetName,
      variant: first.variant,
      points,
    });
  }
  return curves;
}

/**
 * Where each variant's curve crosses the baseline's on the same target (baselineSourceFor):
 * between consecutive shared budgets where
 * the advantage d = ±(mean − baseline mean) changes sign, at the linearly interpolated budget.
 * Budgets where d is exactly 0 are skipped rather than counted as a crossing of their own.
 */
export function crossovers(
  curves: readonly LearningCurve[],
  baseline: string,
  higherIsBetter: boolean,
): Crossover[] {
  const out: Crossover[] = [];
  const sign = higherIsBetter ? 1 : -1;
  for (const curve of curves) {
    if (curve.variant === baseline) continue;
    const onTarget = curves.filter(
      (c) => c.variant === baseline && c.targetName === curve.targetName,
    );
    const source = baselineSourceFor(
      curve.sourceName,
      onTarget.map((c) => c.sourceName),
    );
    const base = onTarget.find((c) => source !== undefined && c.sourceName === source);
    if (!base) continue;
    const baseMean = new Map(base.points.map((p) => [p.budget, p.stat.mean]));
    const shared = curve.points.flatMap((p) => {
      const b = baseMean.get(p.budget);
      const d = b === undefined ? 0 : sign * (p.stat.mean - b);
      return b === undefined || d === 0 ? [] : [{ budget: p.budget, d }];
    });
    for (let i = 1; i < shared.length; i++) {
      const a = shared[i - 1];
      const b = shared[i];
      if (!a || !b || Math.sign(a.d) === Math.sign(b.d)) continue;
      out.push({
        sourceName: curve.sourceName,
        targetName: curve.targetName,
        variant: curve.variant,
        from: a.budget,
        to: b.budget,
        at: a.budget + ((b.budget - a.budget) * a.d) / (a.d - b.d),
        direction: a.d > 0 ? 'gains-below' : 'gains-above',
      });
    }
  }
  return out;
}
