import type { LearningCurve } from '../rpc/compare';

/**
 * Which of the baseline's sources a transfer cell is measured against: the same source when the
 * baseline ran with it (e.g. source-only), else the baseline's source-less runs (training from
 * scratch is every source's reference on a target). Undefined when neither exists.
 * Gains, crossovers and the learning-curve panels all match this one way.
 */
export function baselineSourceFor(
  cellSource: string | null,
  baselineSources: readonly (string | null)[],
): string | null | undefined {
  if (baselineSources.includes(cellSource)) return cellSource;
  return baselineSources.includes(null) ? null : undefined;
}

/** One learning-curve chart: a (source, target) pair's strategies with their baseline. */
export interface LearningCurvePanel {
  sourceName: string | null;
  targetName: string;
  curves: LearningCurve[];
}

/**
 * Learning curves arranged for charts: one panel per (source, target) holding its strategies'
 * curves and the baseline's curve it is compared with (baselineSourceFor), so transfer and
 * scratch share axes. A baseline curve no transfer curve uses gets a panel of its own.
 */
export function learningCurvePanels(
  curves: readonly LearningCurve[],
  baseline: string,
): LearningCurvePanel[] {
  const baselines = curves.filter((c) => c.variant === baseline);
  const used = new Set<LearningCurve>();
  const panels = new Map<string, LearningCurvePanel>();
  for (const curve of curves) {
    if (curve.variant === baseline) continue;
    const key = JSON.stringify([curve.sourceName, curve.targetName]);
    let panel = panels.get(key);
    if (!panel) {
      const onTarget = baselines.filter((b) => b.targetName === curve.targetName);
      const source = baselineSourceFor(
        curve.sourceName,
        onTarget.map((b) => b.sourceName),
      );
      const base = onTarget.find((b) => source !== undefined && b.sourceName === source);
      if (base) used.add(base);
      panel = {
        sourceName: curve.sourceName,
        targetName: curve.targetName,
        curves: base ? [base] : [],
      };
      panels.set(key, panel);
    }
    panel.curves.push(curve);
  }
  const alone = baselines
    .filter((b) => !used.has(b))
    .map((b) => ({ sourceName: b.sourceName, targetName: b.targetName, curves: [b] }));
  return [...panels.values(), ...alone];
}
