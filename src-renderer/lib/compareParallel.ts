import { flattenConfig } from '../../src-shared/domain/configFields';
import type { Comparison } from '../../src-shared/rpc/compare';
import { FONT_STACK, type ChartTheme } from './chartTheme';
import { escapeHtml } from './compareChartOptions';
import { fieldText, formatValue, metricFormat, type ValueFormat } from './compareFormat';

/**
 * Parallel coordinates (issue 14), as W&B and MLflow draw a sweep: one axis per variant parameter
 * that differs among the compared transfer runs (strategy, λ, learning rate, frozen layers, budget…),
 * the compared final metric last, one line per run coloured by that metric. Parameters with few
 * values, or missing for some strategies, are category axes (— for "not a parameter of this run").
 */

/** Config paths shown as axes, in this order of preference; seeds and domains are not parameters. */
const PARAM_PREFIXES = ['strategy', 'strategyParams.', 'budget', 'training.', 'model.'];
const MAX_AXES = 8;

export interface ParallelAxis {
  /** The config path (`strategyParams.l2sp`). */
  field: string;
  /** What the axis is titled: the path's last part (`l2sp`) unless two axes share it. */
  name: string;
  kind: 'value' | 'category';
  /** Category axes: their values in display order. */
  categories: string[];
}

export interface ParallelRow {
  runId: number;
  variant: string;
  /** One per parameter axis: a number on value axes, a category's text otherwise. */
  values: (number | string)[];
  /** The metric in display units (percent for accuracies). */
  metric: number;
}

export interface ParallelConfig {
  type: 'parallel';
  title: string;
  subtitle: string;
  metric: string;
  format: ValueFormat;
  axes: ParallelAxis[];
  rows: ParallelRow[];
  /** The metric's extent over the rows (display units), for the colour scale. */
  min: number;
  max: number;
  higherIsBetter: boolean;
}

function shortName(field: string, fields: readonly string[]): string {
  const last = (f: string): string => f.slice(f.lastIndexOf('.') + 1);
  return fields.filter((f) => last(f) === last(field)).length > 1 ? field : last(field);
}

function paramRank(field: string): number {
  const i = PARAM_PREFIXES.findIndex((p) => (p.endsWith('.') ? field.startsWith(p) : field === p));
  return i < 0 ? -1 : i;
}

/** "—" first, then numbers by value (0.001 < 0.01 < 0.1, which text order gets wrong), then text. */
function byNumberThenText(a: string, b: string): number {
  if (a === '—' || b === '—') return a === b ? 0 : a === '—' ? -1 : 1;
  const x = Number(a);
  const y = Number(b);
  if (Number.isFinite(x) && Number.isFinite(y)) return x - y;
  return a.localeCompare(b, undefined, { numeric: true });
}

export function parallelChart(comparison: Comparison): ParallelConfig {
  const metric = comparison.request.options.metric;
  const format = metricFormat(metric);
  const scale = format === 'percent' ? 100 : 1;
  const runs = comparison.runs.filter((r) => r.kind !== 'source' && r.value !== null);
  const flat = new Map(runs.map((r) => [r.id, flattenConfig(r.config)]));
  // A parameter that varies where present is an axis, "—" marking the runs of strategies without
  // it (λ of fine-tune beside scratch); one only some strategies have but all at one value
  // (fine-tune's defaults) says no more than the strategy axis, and is left out.
  const distinctOf = new Map<string, Set<string>>();
  for (const config of flat.values())
    for (const [field, value] of config) {
      if (paramRank(field) < 0) continue;
      const seen = distinctOf.get(field) ?? new Set<string>();
      seen.add(fieldText(value));
      distinctOf.set(field, seen);
    }
  const fields = [...distinctOf]
    .filter(([, seen]) => seen.size > 1)
    .map(([field]) => field)
    .sort((a, b) => paramRank(a) - paramRank(b) || a.localeCompare(b))
    .slice(0, MAX_AXES);
  const axes = fields.map((field): ParallelAxis => {
    const label = shortName(field, fields);
    const values = runs.map((r) => flat.get(r.id)?.get(field));
    const numeric = values.every((v) => typeof v === 'number');
    const distinct = new Set(values.map((v) => fieldText(v ?? undefined)));
    // A number with many values reads best on a scale; a handful (a sweep's grid) as categories.
    if (numeric && distinct.size > 6) return { field, name: label, kind: 'value', categories: [] };
    return {
      field,
      name: label,
      kind: 'category',
      categories: [...distinct].map((v) => (v === 'null' ? '—' : v)).sort(byNumberThenText),
    };
  });
  const rows = runs.map((r): ParallelRow => {
    const config = flat.get(r.id);
    return {
      runId: r.id,
      variant: r.variant,
      values: axes.map((axis) => {
        const v = config?.get(axis.field);
        if (axis.kind === 'value' && typeof v === 'number') return v;
        const text = fieldText(v ?? undefined);
        return text === 'null' ? '—' : text;
      }),
      metric: (r.value ?? 0) * scale,
    };
  });
  const metrics = rows.map((r) => r.metric);
  return {
    type: 'parallel',
    title: `Parameters → ${metric}`,
    subtitle: `one line per transfer run (${rows.length}), coloured by its final ${metric}${format === 'percent' ? ' (%)' : ''}; drag on an axis to filter`,
    metric,
    format,
    axes,
    rows,
    min: metrics.length === 0 ? 0 : Math.min(...metrics),
    max: metrics.length === 0 ? 1 : Math.max(...metrics),
    higherIsBetter: comparison.higherIsBetter,
  };
}

/** Low to high metric: a perceptually ordered scale that reads on both backgrounds (viridis ends). */
const SCALE: Record<'light' | 'dark', string[]> = {
  light: ['#fde725', '#21918c', '#3b0f70'],
  dark: ['#3b528b', '#21918c', '#fde725'],
};

export function parallelOption(
  config: ParallelConfig,
  theme: ChartTheme,
  mode: 'light' | 'dark',
): Record<string, unknown> {
  const n = config.axes.length;
  const colours = [...SCALE[mode]];
  if (!config.higherIsBetter) colours.reverse();
  const axisStyle = {
    nameTextStyle: { color: theme.text, fontSize: 11 },
    axisLine: { lineStyle: { color: theme.axis } },
    axisTick: { lineStyle: { color: theme.axis } },
    // Every category named ("—" included): a sweep's few values are the point of the axis.
    axisLabel: { color: theme.muted, interval: 0, backgroundColor: theme.tooltipBg, padding: 1 },
  };
  const unit = config.format === 'percent' ? ' (%)' : '';
  return {
    animation: false,
    textStyle: { fontFamily: FONT_STACK, color: theme.text, fontSize: 11 },
    parallel: { left: 60, right: 120, top: 40, bottom: 28, parallelAxisDefault: axisStyle },
    parallelAxis: [
      ...config.axes.map((a, i) => ({
        dim: i,
        name: a.name,
        type: a.kind,
        ...(a.kind === 'category' ? { data: a.categories } : { scale: true }),
      })),
      {
        dim: n,
        name: `${config.metric}${unit}`,
        type: 'value',
        min: Math.floor(config.min),
        max: Math.ceil(config.max),
        nameTextStyle: { color: theme.text, fontSize: 11, fontWeight: 600 },
      },
    ],
    visualMap: {
      type: 'continuous',
      dimension: n,
      min: Math.floor(config.min),
      max: Math.ceil(config.max),
      calculable: true,
      orient: 'vertical',
      right: 8,
      top: 'middle',
      itemWidth: 12,
      itemHeight: 140,
      precision: config.format === 'percent' ? 1 : 3,
      textStyle: { color: theme.muted, fontSize: 11 },
      inRange: { color: colours },
    },
    tooltip: {
      trigger: 'item',
      confine: true,
      backgroundColor: theme.tooltipBg,
      borderColor: theme.tooltipBorder,
      textStyle: { color: theme.text, fontSize: 12 },
      formatter: (p: { dataIndex?: number }) => {
        const row = config.rows[p.dataIndex ?? -1];
        if (row === undefined) return '';
        const params = config.axes.map((a, i) => `${a.name}: ${String(row.values[i] ?? '')}`);
        return [
          `run #${row.runId} · ${row.variant}`,
          ...params,
          `${config.metric}: ${formatValue(row.metric / (config.format === 'percent' ? 100 : 1), config.format)}`,
        ]
          .map(escapeHtml)
          .join('<br/>');
      },
    },
    series: [
      {
        type: 'parallel',
        id: 'runs',
        data: config.rows.map((r) => [...r.values, r.metric]),
        lineStyle: { width: 1.2, opacity: config.rows.length > 60 ? 0.45 : 0.7 },
        emphasis: { lineStyle: { width: 2.5, opacity: 1 } },
        inactiveOpacity: 0.05,
        activeOpacity: 1,
        smooth: false,
      },
    ],
  };
}
