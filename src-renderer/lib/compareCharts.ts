import { clipToRange, metricRange } from '../../src-shared/domain/metricRange';
import {
  learningCurvePanels,
  type LearningCurvePanel,
} from '../../src-shared/domain/baselineMatch';
import {
  BAND_LABELS,
  type Band,
  type CellStat,
  type Comparison,
  type ConfusionMatrix,
  type Gain,
} from '../../src-shared/rpc/compare';
import {
  budgetKey,
  budgetText,
  formatDiff,
  formatDiffInterval,
  formatP,
  metricFormat,
  sourceText,
  VERDICT_MARK,
  type ValueFormat,
} from './compareFormat';
import { isOracle, rowRules, variantsOf } from './compareInput';

/**
 * The Compare view's charts as serializable configs with a `type` field (STYLE.md #11): a config
 * says what to draw and is built from a `Comparison` by pure functions; compareChartOptions.ts turns a
 * config and a theme into an ECharts option. Configs hold no functions, so they can be saved and tested.
 */

export interface BandPoint {
  x: number;
  mean: number | null;
  lower: number | null;
  upper: number | null;
  n: number;
}

export interface BandSeriesConfig {
  name: string;
  /** Index into the theme's palette. */
  tone: number;
  points: BandPoint[];
}

/** A vertical marker at x on one series (a crossover). */
export interface VerticalMark {
  series: string;
  x: number;
  label: string;
}

/** Mean lines, each with a shaded band between lower and upper. */
export interface BandChartConfig {
  type: 'band-lines';
  title: string;
  /** What the line and the band are: every chart names its band. */
  subtitle: string;
  xLabel: string;
  yLabel: string;
  xScale: 'linear' | 'log';
  /** Integer x ticks (epochs). */
  xIntegers: boolean;
  format: ValueFormat;
  series: BandSeriesConfig[];
  marks: VerticalMark[];
}

export interface HeatmapCell {
  /** Column (x) and row (y) indices. */
  x: number;
  y: number;
  /** Null: no value (drawn empty). */
  value: number | null;
  /** The text written in the cell. */
  text: string;
  /** The tooltip's lines. */
  detail: string[];
}

export interface HeatmapConfig {
  type: 'heatmap';
  title: string;
  subtitle: string;
  xName: string;
  yName: string;
  xLabels: string[];
  yLabels: string[];
  cells: HeatmapCell[];
  /** Diverging scales are centred at 0 (−max … +max); sequential ones run 0 … max. */
  scale: {
    kind: 'diverging' | 'sequential';
    max: number;
    lowText: string;
    highText: string;
    /** Diverging: negative values are the good ones (a loss), so the colours swap sides. */
    reversed?: boolean;
  };
  /** Hide cell texts when cells get too small to read them. */
  showText: boolean;
}

// ---------------------------------------------------------------- configs from a comparison

/** One colour per variant (row) across every chart of a comparison (baseline first). */
export function variantTones(comparison: Comparison): Map<string, number> {
  return new Map(variantsOf(comparison).map((name, i) => [name, i]));
}

/** The row gains are measured against: as the server resolved it, else as asked. */
export function baselineOf(comparison: Comparison): string {
  return comparison.baseline ?? comparison.request.options.baseline;
}

/** The band of a cell: mean ± std, mean ± SE, or the 95% CI; null from a single value. */
export function cellBand(stat: CellStat, band: Band): [number, number] | null {
  switch (band) {
    case 'std':
      return stat.std === null ? null : [stat.mean - stat.std, stat.mean + stat.std];
    case 'se':
      return stat.se === null ? null : [stat.mean - stat.se, stat.mean + stat.se];
    case 'ci95':
      return stat.ci95;
  }
}

/** Mean curves per group over epochs, with the chosen band (Comparison.curves). */
export function curvesChart(comparison: Comparison): BandChartConfig {
  const { curves } = comparison;
  const tones = variantTones(comparison);
  // Colour by variant when each group is one variant (as in the other charts); by position when
  // groups split a variant further (several targets, budgets, …) or group otherwise.
  const keys = curves.groups.map((g) => g.key.variant ?? g.key.strategy);
  const byVariant = keys.every((k) => k !== undefined) && new Set(keys).size === keys.length;
  return {
    type: 'band-lines',
    title: `${curves.metric} per epoch`,
    subtitle: `line: mean over seeds · band: ${curves.bandLabel} · groups: ${curves.groupBy.join(' × ')}`,
    xLabel: 'epoch',
    yLabel: curves.metric,
    xScale: 'linear',
    xIntegers: true,
    format: metricFormat(curves.metric),
    series: curves.groups.map((group, i) => ({
      name: `${group.label} (n=${group.runIds.length})`,
      tone: (byVariant ? tones.get(keys[i] ?? '') : undefined) ?? i,
      points: group.epochs.map((x, j) => ({
        x,
        mean: group.mean[j] ?? null,
        lower: group.lower[j] ?? null,
        upper: group.upper[j] ?? null,
        n: group.n[j] ?? 0,
      })),
    })),
    marks: [],
  };
}

/** A (source, target) pair's key in the learning-curve picker. */
export function pairKey(sourceName: string | null, targetName: string): string {
  return JSON.stringify([sourceName, targetName]);
}

export interface PairChoice {
  key: string;
  label: string;
}

/** The learning-curve panels: each (source, target) with its baseline (baselineMatch.ts). */
function panelsOf(comparison: Comparison): LearningCurvePanel[] {
  return learningCurvePanels(comparison.learningCurves, baselineOf(comparison));
}

/** The (source, target) pairs of the learning curves, as the picker's choices. */
export function learningPairs(comparison: Comparison): PairChoice[] {
  return panelsOf(comparison).map((p) => ({
    key: pairKey(p.sourceName, p.targetName),
    label: `${sourceText(p.sourceName)} → ${p.targetName}`,
  }));
}

/**
 * Learning curves over the target label budget: one line per variant (per pair when every
 * pair is shown), the chosen band around each, crossovers with the baseline marked.
 * `pair` null shows every pair.
 */
export function learningChart(comparison: Comparison, pair: string | null): BandChartConfig {
  const { band, metric } = comparison.request.options;
  const bounds = metricRange(metric);
  const baseline = baselineOf(comparison);
  const tones = variantTones(comparison);
  const curves =
    pair === null
      ? comparison.learningCurves
      : (panelsOf(comparison).find((p) => pairKey(p.sourceName, p.targetName) === pair)?.curves ??
        []);
  const several = pair === null && learningPairs(comparison).length > 1;
  const nameOf = (variant: string, s: string | null, t: string): string =>
    several ? `${variant} · ${s === null ? t : `${s} → ${t}`}` : variant;
  const budgets = curves.flatMap((c) => c.points.map((p) => p.budget));
  const min = Math.min(...budgets);
  const max = Math.max(...budgets);
  const log = budgets.length > 0 && min > 0 && max / min >= 8;
  return {
    type: 'band-lines',
    title: `${metric} over the target label budget`,
    subtitle: `line: mean over seeds · band: ${BAND_LABELS[band]} · crossovers with ${baseline} marked`,
    xLabel: log ? 'labels per class (log scale)' : 'labels per class',
    yLabel: metric,
    xScale: log ? 'log' : 'linear',
    xIntegers: true,
    format: metricFormat(metric),
    series: curves.map((curve) => ({
      name: nameOf(curve.variant, curve.sourceName, curve.targetName),
      tone: tones.get(curve.variant) ?? 0,
      points: [...curve.points]
        .sort((a, b) => a.budget - b.budget)
        .map((p) => {
          const range = cellBand(p.stat, band);
          return {
            x: p.budget,
            mean: p.stat.mean,
            // Drawn within the metric's range: no accuracy band past 100 % (issue 14).
            lower: clipToRange(range?.[0] ?? null, bounds),
            upper: clipToRange(range?.[1] ?? null, bounds),
            n: p.stat.n,
          };
        }),
    })),
    marks: comparison.crossovers
      .filter((c) => pair === null || pairKey(c.sourceName, c.targetName) === pair)
      .map((c) => ({
        series: nameOf(c.variant, c.sourceName, c.targetName),
        x: c.at,
        label: `crossover ≈ ${c.at.toFixed(c.at < 10 ? 1 : 0)}`,
      })),
  };
}

/** Budgets the gains cover, as select choices. */
export function gainBudgets(gains: readonly Gain[]): { key: string; label: string }[] {
  const seen = new Map<string, string>();
  for (const g of gains) seen.set(budgetKey(g.budget), budgetText(g.budget));
  return [...seen]
    .sort(([a], [b]) => (a === 'all' ? 1 : b === 'all' ? -1 : Number(a) - Number(b)))
    .map(([key, label]) => ({ key, label }));
}

/** The text a gain's cell and chip carry besides its number. */
export function verdictMark(gain: Gain): string {
  if (gain.negativeTransfer) return '⚠ negative';
  return `${VERDICT_MARK[gain.verdict]} ${gain.verdict}`;
}

/** The variants the gains cover (the heatmap's choices), in colour order (variantsOf). */
export function gainVariants(comparison: Comparison): string[] {
  const withGains = new Set(comparison.gains.map((g) => g.variant));
  return variantsOf(comparison).filter((v) => withGains.has(v));
}

/** Whether any number of the comparison comes from the oracle (chosen on test data). */
export function hasOracle(comparison: Comparison): boolean {
  return comparison.summary.rows.some((r) => isOracle(r.rule));
}

/**
 * Source × target heatmap of the mean gain of one variant at one budget. The colour scale is
 * centred at 0 and spans the largest |gain| of the whole comparison, so switching variants
 * keeps colours comparable. An oracle row says so in the title.
 */
export function gainHeatmap(
  comparison: Comparison,
  variant: string,
  budget: string,
): HeatmapConfig {
  const { metric } = comparison.request.options;
  const baseline = baselineOf(comparison);
  const format = metricFormat(metric);
  const oracle = isOracle(rowRules(comparison).get(variant));
  const gains = comparison.gains.filter(
    (g) => g.variant === variant && budgetKey(g.budget) === budget,
  );
  const sources = [...new Set(gains.map((g) => sourceText(g.sourceName)))];
  const targets = [...new Set(gains.map((g) => g.targetName))];
  let max = 0;
  for (const g of comparison.gains)
    if (g.meanDiff !== null && Number.isFinite(g.meanDiff))
      max = Math.max(max, Math.abs(g.meanDiff));
  if (max === 0) max = format === 'percent' ? 0.01 : 1e-6;
  const cells = gains.map((g): HeatmapCell => {
    const value = g.meanDiff !== null && Number.isFinite(g.meanDiff) ? g.meanDiff : null;
    return {
      x: targets.indexOf(g.targetName),
      y: sources.indexOf(sourceText(g.sourceName)),
      value,
      text: `${formatDiff(value, format)}\n${verdictMark(g)}`,
      detail: [
        `${sourceText(g.sourceName)} → ${g.targetName}, ${budgetText(g.budget)}`,
        `${variant} − ${baseline}: ${formatDiff(value, format)} ${formatDiffInterval(g.diff, format)}`,
        `paired seeds: ${g.n} · Holm p: ${formatP(g.pHolm)}`,
        `verdict: ${g.verdict}${g.negativeTransfer ? ' (negative transfer)' : ''}`,
      ],
    };
  });
  return {
    type: 'heatmap',
    title: `Gain of ${variant} over ${baseline}, ${metric}, ${budgetText(budget === 'all' ? 'all' : Number(budget))}`,
    subtitle: `${oracle ? 'ORACLE (variants chosen on test data, an upper bound); ' : ''}mean paired difference over seeds; ▲ win, = tie, ▼ loss, ? untested, ⚠ negative transfer`,
    xName: 'target',
    yName: 'source',
    xLabels: targets,
    yLabels: sources,
    cells,
    scale: {
      kind: 'diverging',
      max,
      lowText: formatDiff(-max, format),
      highText: formatDiff(max, format),
      // Blue always means better than the baseline: for a loss, that is a negative Δ.
      reversed: !comparison.higherIsBetter,
    },
    showText: true,
  };
}

/** A confusion matrix as a heatmap: rows = true class, columns = predicted; counts or row shares. */
export function confusionHeatmap(cm: ConfusionMatrix, rowNormalised: boolean): HeatmapConfig {
  const cells: HeatmapCell[] = [];
  let max = 0;
  cm.matrix.forEach((row, y) => {
    const total = row.reduce((a, b) => a + b, 0);
    row.forEach((count, x) => {
      const value = rowNormalised ? (total === 0 ? null : count / total) : count;
      if (value !== null) max = Math.max(max, value);
      const trueLabel = cm.labels[y] ?? String(y);
      const predicted = cm.labels[x] ?? String(x);
      cells.push({
        x,
        y,
        value,
        text: rowNormalised ? (value === null ? '' : `${Math.round(value * 100)}%`) : String(count),
        detail: [
          `true ${trueLabel}, predicted ${predicted}`,
          `${count} of ${total} test samples${total > 0 ? ` (${((count / total) * 100).toFixed(1)} %)` : ''}`,
        ],
      });
    });
  });
  if (max === 0) max = 1;
  return {
    type: 'heatmap',
    title: `Confusion matrix of run #${cm.runId}`,
    subtitle: rowNormalised
      ? 'rows: true class, columns: predicted; each row sums to 100 %'
      : 'rows: true class, columns: predicted; test-sample counts',
    xName: 'predicted',
    yName: 'true',
    xLabels: cm.labels,
    yLabels: cm.labels,
    cells,
    scale: {
      kind: 'sequential',
      max,
      lowText: '0',
      highText: rowNormalised ? `${Math.round(max * 100)}%` : String(max),
    },
    showText: cm.labels.length <= 20,
  };
}
