import type { EChartsOption, SeriesOption } from 'echarts';
import { axisMax, clipToRange, metricRange } from '../../src-shared/domain/metricRange';
import {
  learningCurvePanels,
  type LearningCurvePanel,
} from '../../src-shared/domain/baselineMatch';
import { trainMetricSample } from '../../src-shared/domain/trainMetrics';
import type { Comparison, Crossover, Gain } from '../../src-shared/rpc/compare';
import { formatMetricDiff, formatSource, formatValue } from './numbers';
import { baselineName, ruleLabel } from './selectionText';
import { CHART_HEIGHT, CHART_WIDTH, renderSvg } from './svgChart';

/**
 * The report's charts, as ECharts options rendered to SVG: mean curves over epochs with their
 * band, learning curves over the target-label budget with crossovers marked, and the gain heat
 * maps (source × target, one per variant and budget). Series and maps are keyed by variant, so two
 * variants of one strategy never share a line or a map. Each comes with a caption in words.
 */
export interface ReportChart {
  title: string;
  caption: string;
  svg: string;
}

/** A report stays readable (and small) for large comparisons; the tables hold everything. */
export const MAX_CHARTS_PER_KIND = 24;

const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];

const color = (i: number): string => PALETTE[i % PALETTE.length] ?? '#4e79a7';

/** ECharts leaves a gap at '-' (a group with no finite value at that epoch). */
const gap = (v: number | null): number | '-' => (v === null || !Number.isFinite(v) ? '-' : v);

/**
 * A shaded band between `lower` and `upper` at each x: the lower bound drawn invisibly with the
 * width up to the upper bound stacked on it (ECharts has no band series). Gaps where a bound is
 * missing (a single value has no spread).
 */
function bandSeries(
  label: string,
  xs: readonly number[],
  lower: readonly (number | null)[],
  upper: readonly (number | null)[],
  colorIndex: number,
): SeriesOption[] {
  const bounds = xs.map((_, k) => {
    const lo = lower[k] ?? null;
    const hi = upper[k] ?? null;
    return lo === null || hi === null ? null : { lo, width: hi - lo };
  });
  const stack = `band-${label}`;
  return [
    {
      type: 'line',
      name: `${label} (band low)`,
      data: xs.map((x, k) => [x, bounds[k]?.lo ?? '-']),
      stack,
      symbol: 'none',
      lineStyle: { opacity: 0 },
      silent: true,
    },
    {
      type: 'line',
      name: `${label} (band)`,
      data: xs.map((x, k) => [x, bounds[k]?.width ?? '-']),
      stack,
      symbol: 'none',
      lineStyle: { opacity: 0 },
      areaStyle: { color: color(colorIndex), opacity: 0.18 },
      silent: true,
    },
  ];
}

export function meanCurvesChart(comparison: Comparison): ReportChart | null {
  const { curves } = comparison;
  if (curves.groups.length === 0) return null;
  const series: SeriesOption[] = [];
  curves.groups.forEach((group, i) => {
    series.push(...bandSeries(group.label, group.epochs, group.lower, group.upper, i), {
      type: 'line',
      name: group.label,
      data: group.epochs.map((e, k) => [e, gap(group.mean[k] ?? null)]),
      symbol: 'none',
      lineStyle: { color: color(i), width: 2 },
      itemStyle: { color: color(i) },
    });
  });
  const title = `${curves.metric} over epochs, mean by ${curves.groupBy.join(', ')}`;
  // The legend wraps at about three labels a row; the plot keeps its height above it.
  const legendRows = Math.ceil(curves.groups.length / 3);
  const option: EChartsOption = {
    title: { text: title, subtext: `Shaded band: ${curves.bandLabel}`, left: 'center' },
    legend: { data: curves.groups.map((g) => g.label), bottom: 0, type: 'plain' },
    grid: { left: 60, right: 30, top: 70, bottom: 50 + 22 * legendRows },
    xAxis: {
      type: 'value',
      name: 'epoch',
      nameLocation: 'middle',
      nameGap: 25,
      minInterval: 1,
      min: 'dataMin',
      max: 'dataMax',
    },
    yAxis: {
      type: 'value',
      name: curves.metric,
      scale: true,
      max: (extent: { max: number }) => axisMax(curves.metric, extent.max),
    },
    series,
  };
  return {
    title,
    caption:
      `Lines: the mean of each group's runs at each epoch. Shaded: ${curves.bandLabel}.` +
      trainSampleSentence(comparison),
    svg: renderSvg(option, 'mean-curves', CHART_WIDTH, CHART_HEIGHT + 22 * (legendRows - 1)),
  };
}

/** Per-epoch metrics measured on the training rows (not val_* nor test_*). */
const TRAIN_CURVE_METRICS = new Set(['loss', 'acc']);

/**
 * For curves of a train metric, one sentence when runs measured it on a fixed sample of their
 * training rows (issue 12); empty otherwise.
 */
function trainSampleSentence(comparison: Comparison): string {
  const { metric } = comparison.curves;
  if (!TRAIN_CURVE_METRICS.has(metric)) return '';
  const drawn = new Set(comparison.curves.groups.flatMap((g) => g.runIds));
  const runs = comparison.runs.filter((run) => drawn.has(run.id));
  const samples = runs.flatMap((run) => {
    const sample = trainMetricSample(run.config, run.splitSizes);
    return sample === null ? [] : [sample];
  });
  const [first] = samples;
  if (first === undefined) return '';
  const int = (n: number): string => n.toLocaleString('en-US');
  const rows = samples.every((s) => s.rows === first.rows && s.of === first.of)
    ? `${int(first.rows)} of ${int(first.of)}`
    : `at most ${int(Math.max(...samples.map((s) => s.rows)))}`;
  const scope =
    samples.length === runs.length
      ? ''
      : ` (${samples.length} of the ${runs.length} runs; the others on every row)`;
  return ` ${metric} is measured on a fixed sample of ${rows} training rows per run, the same every epoch${scope}.`;
}

function pairKey(c: { sourceName: string | null; targetName: string }): string {
  return JSON.stringify([c.sourceName, c.targetName]);
}

function learningCurveChart(
  panel: LearningCurvePanel,
  crossovers: Crossover[],
  metric: string,
  key: string,
): ReportChart | null {
  const { curves } = panel;
  if (curves.length === 0) return null;
  const budgets = curves.flatMap((c) => c.points.map((p) => p.budget));
  // A curve needs two budgets; one budget is a table cell, not a curve.
  if (new Set(budgets).size < 2) return null;
  const logAxis = budgets.every((b) => b > 0);
  const series: SeriesOption[] = curves.flatMap((curve, i): SeriesOption[] => {
    const marks = crossovers.filter((c) => c.variant === curve.variant);
    const budgetsOf = curve.points.map((p) => p.budget);
    const band = bandSeries(
      curve.variant,
      budgetsOf,
      // Drawn within the metric's range: no accuracy band past 100 % (issue 14).
      curve.points.map((p) => clipToRange(p.stat.ci95?.[0] ?? null, metricRange(metric))),
      curve.points.map((p) => clipToRange(p.stat.ci95?.[1] ?? null, metricRange(metric))),
      i,
    );
    const line: SeriesOption = {
      type: 'line',
      name: curve.variant,
      data: curve.points.map((p) => [p.budget, gap(p.stat.mean)]),
      lineStyle: { color: color(i), width: 2 },
      itemStyle: { color: color(i) },
      ...(marks.length > 0
        ? {
            markLine: {
              symbol: 'none',
              lineStyle: { color: color(i), type: 'dashed' },
              label: { formatter: `crossover ≈ {c}`, position: 'insideEndTop' },
              data: marks.map((m) => ({ xAxis: Number(m.at.toPrecision(4)) })),
            },
          }
        : {}),
    };
    return [...band, line];
  });
  const title = `${metric} over label budget: ${formatSource(panel.sourceName)} → ${panel.targetName}`;
  const option: EChartsOption = {
    title: { text: title, left: 'center' },
    legend: { data: curves.map((c) => c.variant), bottom: 0 },
    grid: { left: 60, right: 40, top: 60, bottom: 70 },
    xAxis: {
      type: logAxis ? 'log' : 'value',
      name: 'target labels',
      nameLocation: 'middle',
      nameGap: 25,
    },
    yAxis: {
      type: 'value',
      name: metric,
      scale: true,
      max: (extent: { max: number }) => axisMax(metric, extent.max),
    },
    series,
  };
  const words = crossovers.map(
    (c) =>
      `${c.variant} crosses the baseline near ${formatValue(c.at, 1)} labels (${
        c.direction === 'gains-below' ? 'helps below, not above' : 'helps above, not below'
      })`,
  );
  return {
    title,
    caption:
      `Mean ${metric} over seeds at each target-label budget${logAxis ? ' (log scale)' : ''}; ` +
      'shaded: 95% confidence interval (Student t) over seeds.' +
      (words.length > 0 ? ` Dashed lines: ${words.join('; ')}.` : ' No crossover.'),
    svg: renderSvg(option, key),
  };
}

export function learningCurveCharts(comparison: Comparison): ReportChart[] {
  const charts: ReportChart[] = [];
  const baseline = baselineName(comparison);
  for (const panel of learningCurvePanels(comparison.learningCurves, baseline)) {
    if (charts.length >= MAX_CHARTS_PER_KIND) break;
    const key = pairKey(panel);
    const chart = learningCurveChart(
      panel,
      comparison.crossovers.filter((c) => pairKey(c) === key),
      comparison.summary.metric,
      `learning-${charts.length}`,
    );
    if (chart !== null) charts.push(chart);
  }
  return charts;
}

function heatmapChart(
  gains: Gain[],
  metric: string,
  higherIsBetter: boolean,
  extent: number,
  key: string,
): ReportChart | null {
  const first = gains[0];
  if (first === undefined) return null;
  const sources = [...new Set(gains.map((g) => formatSource(g.sourceName)))];
  const targets = [...new Set(gains.map((g) => g.targetName))];
  const data = gains.map((g) => ({
    value: [
      targets.indexOf(g.targetName),
      sources.indexOf(formatSource(g.sourceName)),
      gap(g.meanDiff),
    ],
    label: {
      show: true,
      formatter: `${formatMetricDiff(g.meanDiff, metric)}${g.negativeTransfer ? ' !' : g.verdict === 'win' ? ' *' : ''}`,
    },
  }));
  const budget = first.budget === 'all' ? 'all labels' : `${first.budget} labels`;
  const title = `Δ ${metric}: ${first.variant} − ${first.baseline}, ${budget}`;
  // Selected rows say so in their labels too; the caption names the rule in words.
  const rules = [
    ...(first.rule === 'as-run' ? [] : [`${first.variant}: ${ruleLabel(first.rule)}`]),
    ...(first.baselineRule === 'as-run'
      ? []
      : [`${first.baseline}: ${ruleLabel(first.baselineRule)}`]),
  ];
  const option: EChartsOption = {
    title: { text: title, left: 'center' },
    grid: { left: 140, right: 90, top: 50, bottom: 60 },
    xAxis: { type: 'category', data: targets, name: 'target', nameLocation: 'middle', nameGap: 30 },
    yAxis: {
      type: 'category',
      data: sources,
      name: 'source',
      nameLocation: 'middle',
      nameGap: 110,
    },
    visualMap: {
      type: 'continuous',
      min: -extent,
      max: extent,
      calculable: false,
      orient: 'vertical',
      right: 10,
      top: 'middle',
      text: higherIsBetter ? ['better', 'worse'] : ['worse', 'better'],
      // Blue where the strategy beats the baseline, whichever direction is better.
      inRange: { color: higherIsBetter ? [RED, WHITE, BLUE] : [BLUE, WHITE, RED] },
    },
    series: [{ type: 'heatmap', data }],
  };
  return {
    title,
    caption:
      'Mean paired difference over seeds (blue: better than the baseline, red: worse). ' +
      '* a significant win, ! negative transfer (significantly worse, Holm-corrected).' +
      (rules.length > 0 ? ` Rows chosen among variants: ${rules.join('; ')}.` : ''),
    svg: renderSvg(option, key, CHART_HEATMAP_WIDTH, Math.max(220, 90 + 40 * sources.length)),
  };
}

const CHART_HEATMAP_WIDTH = 760;
const RED = '#b2182b';
const WHITE = '#f7f7f7';
const BLUE = '#2166ac';

export function gainHeatmaps(comparison: Comparison): ReportChart[] {
  const groups = new Map<string, Gain[]>();
  for (const gain of comparison.gains) {
    // One map per variant (two variants of a strategy are two maps) and budget.
    const key = JSON.stringify([gain.variant, gain.budget]);
    groups.set(key, [...(groups.get(key) ?? []), gain]);
  }
  // One colour scale for every heat map, so equal colours mean equal gains across them (a map
  // of one small gain would otherwise be painted at full strength).
  const extent = Math.max(
    1e-6,
    ...comparison.gains.flatMap((g) =>
      g.meanDiff !== null && Number.isFinite(g.meanDiff) ? [Math.abs(g.meanDiff)] : [],
    ),
  );
  const charts: ReportChart[] = [];
  for (const gains of groups.values()) {
    if (charts.length >= MAX_CHARTS_PER_KIND) break;
    const chart = heatmapChart(
      gains,
      comparison.summary.metric,
      comparison.higherIsBetter,
      extent,
      `heatmap-${charts.length}`,
    );
    if (chart !== null) charts.push(chart);
  }
  return charts;
}
