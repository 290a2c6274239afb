import type { LegendComponentOption } from 'echarts';
import type { LineChartConfig } from './chartConfig';

export type ResolvedTheme = 'light' | 'dark';

export interface ChartTheme {
  text: string;
  muted: string;
  axis: string;
  split: string;
  tooltipBg: string;
  tooltipBorder: string;
  palette: readonly string[];
}

/** Tableau 10 (colour-blind aware), brightened for dark backgrounds. Keep in step with app.css. */
export const CHART_THEMES: Record<ResolvedTheme, ChartTheme> = {
  light: {
    text: '#1f2328',
    muted: '#5f6673',
    axis: '#c9cdd4',
    split: '#eceef1',
    tooltipBg: '#ffffff',
    tooltipBorder: '#d4d8de',
    palette: [
      '#4e79a7',
      '#f28e2b',
      '#59a14f',
      '#e15759',
      '#76b7b2',
      '#b8960b',
      '#b07aa1',
      '#ff9da7',
      '#9c755f',
      '#8f8a86',
    ],
  },
  dark: {
    text: '#e3e6ea',
    muted: '#9aa3ae',
    axis: '#454c57',
    split: '#2a2f37',
    tooltipBg: '#23272e',
    tooltipBorder: '#3a404a',
    palette: [
      '#7aa6d6',
      '#ffa64d',
      '#7fcf72',
      '#ff7b7d',
      '#8fd6d0',
      '#f5d86a',
      '#cf9bc2',
      '#ffb8c0',
      '#c4977a',
      '#cfc6c2',
    ],
  },
};

export const FONT_STACK =
  'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "Noto Sans", "Liberation Sans", Arial, sans-serif';

export function formatY(value: number, format: LineChartConfig['yFormat']): string {
  if (format === 'percent') return `${(value * 100).toFixed(1)} %`;
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e5)) return value.toExponential(2);
  return value.toFixed(abs >= 100 ? 1 : 4);
}

function axisLabel(value: number, format: LineChartConfig['yFormat']): string {
  if (format === 'percent') return `${Math.round(value * 100)}%`;
  return String(Number(value.toPrecision(4)));
}

/**
 * The ECharts option for a config. Series carry stable ids (their names) so that a
 * `setOption` with new arrays updates lines in place instead of re-creating them.
 */
export function toEChartsOption(
  config: LineChartConfig,
  theme: ChartTheme,
): Record<string, unknown> {
  const yFormat = config.yFormat ?? 'number';
  const showLegend = new Set(config.series.map((s) => s.group ?? s.name)).size > 1;
  return {
    animation: false,
    color: [...theme.palette],
    textStyle: { fontFamily: FONT_STACK, color: theme.text, fontSize: 11 },
    grid: { left: 56, right: 16, top: showLegend ? 30 : 12, bottom: 34 },
    legend: legendStyle(theme, showLegend),
    tooltip: {
      trigger: config.tooltip ?? 'axis',
      confine: true,
      backgroundColor: theme.tooltipBg,
      borderColor: theme.tooltipBorder,
      textStyle: { color: theme.text, fontSize: 12 },
      axisPointer: { type: 'line', lineStyle: { color: theme.axis } },
      valueFormatter: (value: unknown) =>
        typeof value === 'number' ? formatY(value, yFormat) : Array.isArray(value) ? '' : 'NaN',
    },
    xAxis: {
      type: 'value',
      name: config.xLabel,
      nameLocation: 'middle',
      nameGap: 22,
      nameTextStyle: { color: theme.muted },
      minInterval: 1,
      // Epochs start at 1: an axis from 0 leaves an empty first interval.
      min: 'dataMin',
      ...(config.xMax === undefined
        ? {}
        : { max: (extent: { max: number }) => Math.max(extent.max, config.xMax ?? 0) }),
      axisLine: { lineStyle: { color: theme.axis } },
      axisTick: { lineStyle: { color: theme.axis } },
      axisLabel: { color: theme.muted },
      splitLine: { show: false },
    },
    yAxis: {
      type: 'value',
      name: config.yLabel,
      nameLocation: 'middle',
      nameGap: 42,
      nameTextStyle: { color: theme.muted },
      scale: config.yMin === undefined && config.yMax === undefined,
      ...(config.yMin === undefined ? {} : { min: config.yMin }),
      ...(config.yMax === undefined ? {} : { max: config.yMax }),
      axisLine: { show: false },
      axisLabel: { color: theme.muted, formatter: (v: number) => axisLabel(v, yFormat) },
      splitLine: { lineStyle: { color: theme.split } },
    },
    series: config.series.map((s, i) => ({
      type: 'line',
      id: s.name,
      name: s.group ?? s.name,
      // A grouped line names its run on each point, so the item tooltip (which ECharts
      // escapes) says which run it is under the group's name.
      data: s.group === undefined ? s.points : s.points.map((p) => ({ value: p, name: s.name })),
      color: theme.palette[(s.tone ?? i) % theme.palette.length],
      showSymbol: s.points.length <= 1,
      symbolSize: 5,
      connectNulls: false,
      sampling: s.points.length > 2000 ? 'lttb' : undefined,
      lineStyle: { width: 1.5, type: s.dashed === true ? 'dashed' : 'solid' },
      emphasis: { focus: 'series', lineStyle: { width: 2.5 } },
    })),
  };
}

/** The legend every line chart uses: one scrolling row of short line keys above the plot. */
export function legendStyle(theme: ChartTheme, show: boolean): LegendComponentOption {
  return {
    show,
    type: 'scroll',
    top: 0,
    left: 8,
    right: 8,
    icon: 'roundRect',
    itemWidth: 14,
    itemHeight: 3,
    itemGap: 12,
    textStyle: { color: theme.muted, fontSize: 11 },
    pageTextStyle: { color: theme.muted },
    pageIconColor: theme.muted,
    pageIconInactiveColor: theme.axis,
  };
}
