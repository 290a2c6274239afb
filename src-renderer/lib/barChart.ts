import { format } from 'echarts/core';
import type { Histogram } from '../../src-shared/rpc/datasets';
import { FONT_STACK, type ChartTheme } from './chartTheme';

/**
 * Bar charts as serializable configs (STYLE.md #11), like the line charts: class distributions
 * and per-feature histograms. `Chart.svelte` (through chartHost.ts) turns a config into an ECharts option.
 */
export interface BarChartConfig {
  type: 'bar';
  /** One label per bar (a class, a bin). */
  categories: string[];
  values: number[];
  /** Per bar: drawn faint (e.g. a class the domain leaves out). */
  muted?: boolean[];
  /** Tooltip text per bar (plain text, escaped when shown); the category and value when absent. */
  tooltips?: string[];
  xLabel?: string;
  yLabel?: string;
  /** A mini chart: no axes, no labels, bars edge to edge (a histogram in a grid of many). */
  compact?: boolean;
  /** Index into the theme's palette. */
  tone?: number;
}

/** Short numbers for bin edges: `0.125`, `-3.2`, `1.2e+5`. */
export function formatEdge(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e5)) return value.toExponential(1);
  return String(Number(value.toPrecision(3)));
}

export function histogramConfig(h: Histogram, tone = 0): BarChartConfig {
  return {
    type: 'bar',
    categories: h.counts.map((_, i) => formatEdge(h.edges[i] ?? Number.NaN)),
    values: [...h.counts],
    tooltips: h.counts.map(
      (count, i) =>
        `${h.feature}: [${formatEdge(h.edges[i] ?? Number.NaN)}, ${formatEdge(h.edges[i + 1] ?? Number.NaN)}) · ${count}`,
    ),
    compact: true,
    tone,
  };
}

/**
 * Rows per class of the whole dataset; the classes a domain keeps are coloured and show their new
 * label (`3 → 0`), the others are faint.
 */
export function classDistributionConfig(
  counts: readonly { label: number; count: number }[],
  kept: readonly number[] | null,
  names?: ReadonlyMap<number, string>,
): BarChartConfig {
  const newLabel = new Map((kept ?? []).map((original, i) => [original, i]));
  return {
    type: 'bar',
    categories: counts.map((c) => {
      const to = newLabel.get(c.label);
      const called = names?.get(c.label) ?? String(c.label);
      return kept === null || to === undefined ? called : `${called}→${to}`;
    }),
    values: counts.map((c) => c.count),
    muted: counts.map((c) => kept !== null && !newLabel.has(c.label)),
    tooltips: counts.map((c) => {
      const to = newLabel.get(c.label);
      const role = kept === null ? '' : to === undefined ? ' · left out' : ` · becomes ${to}`;
      const name = names?.get(c.label);
      const called = name === undefined ? `class ${c.label}` : `class ${c.label} (${name})`;
      return `${called}: ${c.count.toLocaleString('en-US')} rows${role}`;
    }),
    xLabel: 'class',
    yLabel: 'rows',
  };
}

/** What ECharts gives a bar tooltip's formatter. */
export interface BarTooltipParams {
  dataIndex: number;
  name: string;
  value: unknown;
}

/**
 * The tooltip of a bar as HTML: ECharts sets a formatter's string as innerHTML, and the text
 * holds names from the user's files (a CSV header, a class), so all of it is escaped (issue 11:
 * a header `<img src=x onerror=alert(1)>` became a live element in the dataset page).
 */
export function barTooltip(config: BarChartConfig, params: BarTooltipParams): string {
  const text = config.tooltips?.[params.dataIndex] ?? `${params.name}: ${String(params.value)}`;
  return format.encodeHTML(text);
}

export function toEChartsBarOption(
  config: BarChartConfig,
  theme: ChartTheme,
): Record<string, unknown> {
  const colour = theme.palette[(config.tone ?? 0) % theme.palette.length] ?? theme.text;
  const compact = config.compact === true;
  return {
    animation: false,
    textStyle: { fontFamily: FONT_STACK, color: theme.text, fontSize: 11 },
    grid: compact
      ? { left: 1, right: 1, top: 2, bottom: 1 }
      : { left: 48, right: 10, top: 10, bottom: config.xLabel === undefined ? 24 : 38 },
    tooltip: {
      trigger: 'item',
      confine: true,
      backgroundColor: theme.tooltipBg,
      borderColor: theme.tooltipBorder,
      textStyle: { color: theme.text, fontSize: 12 },
      formatter: (params: BarTooltipParams) => barTooltip(config, params),
    },
    xAxis: {
      type: 'category',
      data: config.categories,
      show: !compact,
      name: config.xLabel,
      nameLocation: 'middle',
      nameGap: 24,
      nameTextStyle: { color: theme.muted },
      axisLine: { lineStyle: { color: theme.axis } },
      axisTick: { show: false },
      axisLabel: { color: theme.muted, hideOverlap: true },
    },
    yAxis: {
      type: 'value',
      show: !compact,
      name: config.yLabel,
      nameLocation: 'middle',
      nameGap: 36,
      nameTextStyle: { color: theme.muted },
      minInterval: 1,
      axisLabel: { color: theme.muted },
      splitLine: { lineStyle: { color: theme.split } },
    },
    series: [
      {
        type: 'bar',
        id: 'bars',
        barCategoryGap: compact ? '8%' : '30%',
        data: config.values.map((value, i) => ({
          value,
          itemStyle: {
            color: config.muted?.[i] === true ? theme.axis : colour,
            borderRadius: compact ? 0 : [2, 2, 0, 0],
          },
        })),
      },
    ],
  };
}
