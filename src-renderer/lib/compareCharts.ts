import type { CustomSeriesRenderItem, CustomSeriesRenderItemReturn } from 'echarts';
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
import { FONT_STACK, legendStyle, type ChartTheme } from './chartTheme';
import {
  budgetKey,
  budgetText,
  formatBare,
  formatDiff,
  formatDiffInterval,
  formatP,
  formatValue,
  metricFormat,
  sourceText,
  VERDICT_MARK,
  type ValueFormat,
} from './compareFormat';
import { strategiesOf } from './compareInput';

/**
 * The Compare view's charts as serializable configs with a `type` field (STYLE.md #11): a config
 * says what to draw and is built from a `Comparison` by pure functions; `*Option` turns a config
 * and a theme into an ECharts option. Configs hold no functions, so they can be saved and tested.
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

/** Colours of the heatmaps, beside the palette of lib/chartTheme.ts (same light/dark pairs). */
export interface HeatmapColors {
  /** Negative, zero, positive: a red–blue scale, readable with red–green colour blindness. */
  diverging: [string, string, string];
  sequential: [string, string];
  /** Text on the darkest sequential cells. */
  strongText: string;
  empty: string;
}

export const HEATMAP_COLORS: Record<'light' | 'dark', HeatmapColors> = {
  light: {
    diverging: ['#ef8a62', '#f7f7f7', '#67a9cf'],
    sequential: ['#f4f7fb', '#2f63d8'],
    strongText: '#ffffff',
    empty: '#eceef1',
  },
  dark: {
    diverging: ['#b4503f', '#2b3037', '#3a78b5'],
    sequential: ['#1f242b', '#6ea2ff'],
    strongText: '#0c1322',
    empty: '#23272d',
  },
};

// ---------------------------------------------------------------- configs from a comparison

/** One colour per strategy across every chart of a comparison (baseline first). */
export function strategyTones(comparison: Comparison): Map<string, number> {
  const names = strategiesOf(comparison, comparison.request.options.baseline);
  return new Map(names.map((name, i) => [name, i]));
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
  const tones = strategyTones(comparison);
  // Colour by strategy when each group is one strategy (as in the other charts); by position
  // when groups split a strategy further (several targets, budgets, …).
  const strategies = curves.groups.map((g) => g.key.strategy);
  const byStrategy =
    strategies.every((s) => s !== undefined) && new Set(strategies).size === strategies.length;
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
      tone: (byStrategy ? tones.get(group.key.strategy ?? '') : undefined) ?? i,
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
  return learningCurvePanels(comparison.learningCurves, comparison.request.options.baseline);
}

/** The (source, target) pairs of the learning curves, as the picker's choices. */
export function learningPairs(comparison: Comparison): PairChoice[] {
  return panelsOf(comparison).map((p) => ({
    key: pairKey(p.sourceName, p.targetName),
    label: `${sourceText(p.sourceName)} → ${p.targetName}`,
  }));
}

/**
 * Learning curves over the target label budget: one line per strategy (per pair when every
 * pair is shown), the chosen band around each, crossovers with the baseline marked.
 * `pair` null shows every pair.
 */
export function learningChart(comparison: Comparison, pair: string | null): BandChartConfig {
  const { band, baseline, metric } = comparison.request.options;
  const tones = strategyTones(comparison);
  const curves =
    pair === null
      ? comparison.learningCurves
      : (panelsOf(comparison).find((p) => pairKey(p.sourceName, p.targetName) === pair)?.curves ??
        []);
  const several = pair === null && learningPairs(comparison).length > 1;
  const nameOf = (strategy: string, s: string | null, t: string): string =>
    several ? `${strategy} · ${s === null ? t : `${s} → ${t}`}` : strategy;
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
      name: nameOf(curve.strategy, curve.sourceName, curve.targetName),
      tone: tones.get(curve.strategy) ?? 0,
      points: [...curve.points]
        .sort((a, b) => a.budget - b.budget)
        .map((p) => {
          const range = cellBand(p.stat, band);
          return {
            x: p.budget,
            mean: p.stat.mean,
            lower: range?.[0] ?? null,
            upper: range?.[1] ?? null,
            n: p.stat.n,
          };
        }),
    })),
    marks: comparison.crossovers
      .filter((c) => pair === null || pairKey(c.sourceName, c.targetName) === pair)
      .map((c) => ({
        series: nameOf(c.strategy, c.sourceName, c.targetName),
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

/**
 * Source × target heatmap of the mean gain of one strategy at one budget. The colour scale is
 * centred at 0 and spans the largest |gain| of the whole comparison, so switching strategies
 * keeps colours comparable.
 */
export function gainHeatmap(
  comparison: Comparison,
  strategy: string,
  budget: string,
): HeatmapConfig {
  const { metric, baseline } = comparison.request.options;
  const format = metricFormat(metric);
  const gains = comparison.gains.filter(
    (g) => g.strategy === strategy && budgetKey(g.budget) === budget,
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
        `${strategy} − ${baseline}: ${formatDiff(value, format)} ${formatDiffInterval(g.diff, format)}`,
        `paired seeds: ${g.n} · Holm p: ${formatP(g.pHolm)}`,
        `verdict: ${g.verdict}${g.negativeTransfer ? ' (negative transfer)' : ''}`,
      ],
    };
  });
  return {
    type: 'heatmap',
    title: `Gain of ${strategy} over ${baseline}, ${metric}, ${budgetText(budget === 'all' ? 'all' : Number(budget))}`,
    subtitle: `mean paired difference over seeds; ▲ win, = tie, ▼ loss, ? untested, ⚠ negative transfer`,
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

// ---------------------------------------------------------------- ECharts options

type Option = Record<string, unknown>;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function axisNumber(value: number, format: ValueFormat): string {
  if (format === 'percent') return `${Math.round(value * 100)}%`;
  return String(Number(value.toPrecision(4)));
}

/** Contiguous runs of points with a finite band, as index ranges [start, end). */
export function bandSegments(points: readonly BandPoint[]): [number, number][] {
  const out: [number, number][] = [];
  let start = -1;
  points.forEach((p, i) => {
    const ok = p.lower !== null && p.upper !== null;
    if (ok && start < 0) start = i;
    if (!ok && start >= 0) {
      out.push([start, i]);
      start = -1;
    }
  });
  if (start >= 0) out.push([start, points.length]);
  return out;
}

/**
 * One polygon per contiguous segment, drawn when ECharts renders the segment's first item (a
 * custom series calls renderItem per item); a lone point gets an error bar instead.
 */
function bandRenderer(points: readonly BandPoint[], color: string): CustomSeriesRenderItem {
  const segments = new Map(bandSegments(points).map(([s, e]) => [s, e]));
  return (params, api): CustomSeriesRenderItemReturn => {
    const end = segments.get(params.dataIndex);
    if (end === undefined) return null;
    const seg = points.slice(params.dataIndex, end);
    const lower = seg.map((p) => api.coord([p.x, p.lower ?? 0]));
    const upper = seg.map((p) => api.coord([p.x, p.upper ?? 0]));
    if (seg.length === 1) {
      const [lo] = lower;
      const [hi] = upper;
      if (lo === undefined || hi === undefined) return null;
      const [x = 0, y1 = 0] = lo;
      const [, y2 = 0] = hi;
      const cap = (y: number) => ({
        type: 'line' as const,
        shape: { x1: x - 4, y1: y, x2: x + 4, y2: y },
        style: { stroke: color, lineWidth: 1.2 },
      });
      return {
        type: 'group',
        children: [
          {
            type: 'line',
            shape: { x1: x, y1, x2: x, y2 },
            style: { stroke: color, lineWidth: 1.2 },
          },
          cap(y1),
          cap(y2),
        ],
      };
    }
    return {
      type: 'polygon',
      shape: { points: [...lower, ...upper.reverse()] },
      style: { fill: color, opacity: 0.16 },
      silent: true,
    };
  };
}

interface TooltipParam {
  seriesType?: string;
  seriesName?: string;
  marker?: unknown;
  value?: unknown;
}

function bandTooltip(config: BandChartConfig): (raw: unknown) => string {
  return (raw) => {
    const params = (Array.isArray(raw) ? raw : [raw]) as TooltipParam[];
    const lines = params.filter((p) => p.seriesType === 'line' && Array.isArray(p.value));
    const first = lines[0]?.value as unknown[] | undefined;
    const head = first === undefined ? '' : `${config.xLabel} ${String(first[0])}`;
    const rows = lines.map((p) => {
      const [, mean, lower, upper, n] = p.value as [
        number,
        number | null,
        number | null,
        number | null,
        number,
      ];
      const range =
        lower === null || upper === null
          ? ''
          : ` [${formatBare(lower, config.format)}, ${formatBare(upper, config.format)}]`;
      const marker = typeof p.marker === 'string' ? p.marker : '';
      return `${marker}${escapeHtml(p.seriesName ?? '')}: <b>${formatValue(mean, config.format)}</b>${range} <span style="opacity:.7">n=${n}</span>`;
    });
    return [escapeHtml(head), ...rows].join('<br/>');
  };
}

export function bandChartOption(config: BandChartConfig, theme: ChartTheme): Option {
  const color = (tone: number): string => theme.palette[tone % theme.palette.length] ?? '#888';
  const series = config.series.flatMap((s) => {
    const c = color(s.tone);
    const marks = config.marks.filter((m) => m.series === s.name);
    return [
      {
        type: 'custom',
        id: `${s.name}\u0000band`,
        name: s.name,
        data: s.points.map((p) => [p.x, p.lower, p.upper]),
        encode: { x: 0, y: [1, 2] },
        renderItem: bandRenderer(s.points, c),
        color: c,
        silent: true,
        z: 1,
        tooltip: { show: false },
      },
      {
        type: 'line',
        id: s.name,
        name: s.name,
        data: s.points.map((p) => [p.x, p.mean, p.lower, p.upper, p.n]),
        encode: { x: 0, y: 1 },
        color: c,
        z: 3,
        showSymbol: s.points.length <= 12,
        symbolSize: 5,
        connectNulls: false,
        lineStyle: { width: 1.6 },
        emphasis: { focus: 'series', lineStyle: { width: 2.5 } },
        ...(marks.length === 0
          ? {}
          : {
              markLine: {
                silent: true,
                symbol: 'none',
                lineStyle: { color: c, type: 'dashed', width: 1.2 },
                label: {
                  position: 'insideEndTop',
                  color: theme.text,
                  fontSize: 11,
                  formatter: (p: { name?: string }) => p.name ?? '',
                },
                data: marks.map((m) => ({ name: m.label, xAxis: m.x })),
              },
            }),
      },
    ];
  });
  return {
    animation: false,
    color: [...theme.palette],
    textStyle: { fontFamily: FONT_STACK, color: theme.text, fontSize: 11 },
    grid: { left: 58, right: 18, top: 34, bottom: 38 },
    legend: legendStyle(theme, true),
    tooltip: {
      trigger: 'axis',
      confine: true,
      backgroundColor: theme.tooltipBg,
      borderColor: theme.tooltipBorder,
      textStyle: { color: theme.text, fontSize: 12 },
      axisPointer: { type: 'line', lineStyle: { color: theme.axis } },
      formatter: bandTooltip(config),
    },
    xAxis: {
      type: config.xScale === 'log' ? 'log' : 'value',
      name: config.xLabel,
      nameLocation: 'middle',
      nameGap: 24,
      nameTextStyle: { color: theme.muted },
      scale: config.xScale === 'linear' && !config.xIntegers,
      ...(config.xScale === 'linear' && config.xIntegers ? { minInterval: 1, min: 'dataMin' } : {}),
      ...(config.xScale === 'log' ? { logBase: 10 } : {}),
      axisLine: { lineStyle: { color: theme.axis } },
      axisTick: { lineStyle: { color: theme.axis } },
      axisLabel: { color: theme.muted },
      splitLine: { show: false },
    },
    yAxis: {
      type: 'value',
      name: config.yLabel,
      nameLocation: 'middle',
      nameGap: 44,
      nameTextStyle: { color: theme.muted },
      scale: true,
      axisLine: { show: false },
      axisLabel: {
        color: theme.muted,
        formatter: (v: number) => axisNumber(v, config.format),
      },
      splitLine: { lineStyle: { color: theme.split } },
    },
    series,
  };
}

export function heatmapOption(
  config: HeatmapConfig,
  theme: ChartTheme,
  colors: HeatmapColors,
): Option {
  const { scale } = config;
  const min = scale.kind === 'diverging' ? -scale.max : 0;
  const inRange = scale.kind === 'diverging' ? [...colors.diverging] : [...colors.sequential];
  if (scale.reversed === true) inRange.reverse();
  const longest = Math.max(0, ...config.yLabels.map((l) => l.length));
  const data = config.cells.map((cell) => {
    // Sequential cells past 60 % of the scale are dark (light theme) or bright (dark theme):
    // their text takes the contrasting colour.
    const strong =
      scale.kind === 'sequential' && cell.value !== null && cell.value / scale.max > 0.6;
    return {
      value: [cell.x, cell.y, cell.value ?? '-'],
      label: { color: strong ? colors.strongText : theme.text },
    };
  });
  return {
    animation: false,
    textStyle: { fontFamily: FONT_STACK, color: theme.text, fontSize: 11 },
    grid: {
      left: Math.min(160, 24 + longest * 7),
      right: 86,
      top: 8,
      bottom: 48,
    },
    tooltip: {
      confine: true,
      backgroundColor: theme.tooltipBg,
      borderColor: theme.tooltipBorder,
      textStyle: { color: theme.text, fontSize: 12 },
      formatter: (p: { dataIndex?: number }) =>
        (config.cells[p.dataIndex ?? -1]?.detail ?? []).map(escapeHtml).join('<br/>'),
    },
    xAxis: {
      type: 'category',
      data: config.xLabels,
      name: config.xName,
      nameLocation: 'middle',
      nameGap: 30,
      nameTextStyle: { color: theme.muted },
      axisLine: { lineStyle: { color: theme.axis } },
      axisTick: { show: false },
      axisLabel: { color: theme.muted, interval: 0, hideOverlap: true },
      splitArea: { show: false },
    },
    yAxis: {
      type: 'category',
      data: config.yLabels,
      name: config.yName,
      nameLocation: 'middle',
      nameGap: Math.min(140, 12 + longest * 7),
      nameTextStyle: { color: theme.muted },
      inverse: true,
      axisLine: { lineStyle: { color: theme.axis } },
      axisTick: { show: false },
      axisLabel: { color: theme.muted, interval: 0 },
    },
    visualMap: {
      type: 'continuous',
      min,
      max: scale.max,
      dimension: 2,
      calculable: false,
      orient: 'vertical',
      right: 4,
      top: 'middle',
      itemWidth: 12,
      itemHeight: 140,
      text: [scale.highText, scale.lowText],
      textStyle: { color: theme.muted, fontSize: 11 },
      inRange: { color: inRange },
      outOfRange: { color: colors.empty },
    },
    series: [
      {
        type: 'heatmap',
        id: 'cells',
        data,
        itemStyle: { borderColor: theme.tooltipBg, borderWidth: 1 },
        label: {
          show: config.showText,
          fontSize: 11,
          lineHeight: 14,
          formatter: (p: { dataIndex?: number }) => config.cells[p.dataIndex ?? -1]?.text ?? '',
        },
        emphasis: { itemStyle: { borderColor: theme.text, borderWidth: 1 } },
      },
    ],
  };
}
