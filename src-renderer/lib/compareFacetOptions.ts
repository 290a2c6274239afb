import { axisMax, metricRange } from '../../src-shared/domain/metricRange';
import { FONT_STACK, legendStyle, type ChartTheme } from './chartTheme';
import { axisNumber, bandRenderer, escapeHtml } from './compareChartOptions';
import type { FacetChartConfig } from './compareFacets';
import { formatValue } from './compareFormat';

/**
 * Small multiples (compareFacets.ts) as one ECharts option: a grid per panel with its title, one
 * shared y range so panels compare at a glance, one legend entry per group (every panel's series
 * of a group share its name, so one click hides the group everywhere), and zoom on every panel's
 * x axis at once (mouse wheel / drag inside, and a slider under the panels).
 */

const LEGEND_H = 30;
const TITLE_H = 18;
const ROW_H = 200;
const X_LABELS_H = 24;
const FOOT_H = 46;

/** The chart's height in pixels for its panels: rows of ROW_H plus the legend and the slider. */
export function facetChartHeight(config: FacetChartConfig): number {
  const rows = Math.max(1, Math.ceil(config.facets.length / config.columns));
  return LEGEND_H + rows * ROW_H + FOOT_H;
}

type Option = Record<string, unknown>;

/** The y range every panel shares: the data's, an accuracy axis never past 100 %. */
function yRange(config: FacetChartConfig): { min?: number; max?: number } {
  const ys: number[] = [];
  for (const f of config.facets) {
    for (const l of f.lines) for (const [, y] of l.points) if (y !== null) ys.push(y);
    for (const b of f.bands)
      for (const p of b.points) for (const y of [p.lower, p.upper]) if (y !== null) ys.push(y);
  }
  if (ys.length === 0) return {};
  const lo = Math.min(...ys);
  const hi = Math.max(...ys);
  const range = metricRange(config.yLabel);
  if (config.logY) {
    const max = 10 ** Math.ceil(Math.log10(hi));
    return { min: 10 ** Math.floor(Math.log10(lo)), max: Math.min(max, range.max) };
  }
  const pad = (hi - lo) * 0.05 || Math.abs(hi) * 0.05 || 0.05;
  const min = Math.max(range.min, lo - pad);
  const max = axisMax(config.yLabel, hi) ?? hi + pad;
  return { min: Number(min.toPrecision(3)), max };
}

function tooltipFormatter(config: FacetChartConfig): (raw: unknown) => string {
  return (raw) => {
    const items = (Array.isArray(raw) ? raw : [raw]) as {
      seriesId?: string;
      seriesName?: string;
      marker?: unknown;
      value?: unknown;
    }[];
    const shown = items.filter((p) => p.seriesId?.includes(':line:') === true);
    const first = shown[0]?.value;
    const x = Array.isArray(first) ? Number(first[0]) : NaN;
    const head = Number.isFinite(x) ? `${config.xLabel}: ${String(Number(x.toPrecision(4)))}` : '';
    const rows = shown.map((p) => {
      const v = Array.isArray(p.value) ? (p.value[1] as number | null) : null;
      const run = /:run(\d+)$/.exec(p.seriesId ?? '')?.[1];
      const marker = typeof p.marker === 'string' ? p.marker : '';
      return `${marker}${escapeHtml(p.seriesName ?? '')}${run === undefined ? '' : ` · run #${run}`}: <b>${formatValue(v, config.format)}</b>`;
    });
    return [escapeHtml(head), ...rows].join('<br/>');
  };
}

export function facetChartOption(config: FacetChartConfig, theme: ChartTheme): Option {
  const color = (tone: number): string => theme.palette[tone % theme.palette.length] ?? '#888';
  const cols = config.columns;
  const rows = Math.max(1, Math.ceil(config.facets.length / cols));
  const y = yRange(config);
  const perRun = config.facets.some((f) => f.lines.some((l) => l.runId !== null));
  const lineCount = config.facets.reduce((a, f) => a + f.lines.length, 0);
  // Many thin lines: each fainter, so 100 runs read as a density rather than a tangle.
  const runOpacity = lineCount > 60 ? 0.45 : 0.7;
  const cell = (i: number) => ({
    row: Math.floor(i / cols),
    col: i % cols,
  });
  const grids = config.facets.map((_, i) => {
    const { row, col } = cell(i);
    return {
      left: `${((col * 100) / cols + 0.5).toFixed(2)}%`,
      width: `${(100 / cols - 1.5).toFixed(2)}%`,
      top: LEGEND_H + row * ROW_H + TITLE_H + 8,
      height: ROW_H - TITLE_H - 8 - X_LABELS_H,
      outerBoundsMode: 'same',
      outerBoundsContain: 'axisLabel',
    };
  });
  const titles = config.facets.map((f, i) => {
    const { row, col } = cell(i);
    return {
      text: `${f.title}  (${f.runs} run${f.runs === 1 ? '' : 's'})`,
      left: `${((col * 100) / cols + 0.5).toFixed(2)}%`,
      top: LEGEND_H + row * ROW_H,
      textStyle: { fontSize: 12, fontWeight: 600, color: theme.text, fontFamily: FONT_STACK },
    };
  });
  const axisIndexes = config.facets.map((_, i) => i);
  const xAxes = config.facets.map((_, i) => ({
    type: 'value',
    gridIndex: i,
    min: 'dataMin',
    max: 'dataMax',
    ...(config.xIntegers ? { minInterval: 1 } : {}),
    name: cell(i).row === rows - 1 || i + cols >= config.facets.length ? config.xLabel : '',
    nameLocation: 'middle',
    nameGap: 22,
    nameTextStyle: { color: theme.muted, fontSize: 11 },
    axisLine: { lineStyle: { color: theme.axis } },
    axisTick: { lineStyle: { color: theme.axis } },
    axisLabel: { color: theme.muted, hideOverlap: true },
    splitLine: { show: false },
  }));
  const yAxes = config.facets.map((_, i) => ({
    type: config.logY ? 'log' : 'value',
    gridIndex: i,
    ...(config.logY ? { logBase: 10 } : {}),
    ...y,
    axisLine: { show: false },
    axisLabel: {
      color: theme.muted,
      hideOverlap: true,
      formatter: (v: number) => axisNumber(v, config.format),
    },
    splitLine: { lineStyle: { color: theme.split } },
  }));
  const series = config.facets.flatMap((f, i) => [
    ...f.bands.map((b) => ({
      type: 'custom',
      id: `f${i}:band:${b.group}`,
      name: b.group,
      xAxisIndex: i,
      yAxisIndex: i,
      data: b.points.map((p) => [p.x, p.lower, p.upper]),
      encode: { x: 0, y: [1, 2] },
      renderItem: bandRenderer(b.points, color(b.tone)),
      color: color(b.tone),
      silent: true,
      z: 1,
      tooltip: { show: false },
    })),
    ...f.lines.map((l) => {
      const raw = l.role === 'raw';
      const id = `f${i}:${l.role}:${l.group}${l.runId === null ? '' : `:run${l.runId}`}`;
      return {
        type: 'line',
        id,
        name: l.group,
        xAxisIndex: i,
        yAxisIndex: i,
        data: l.points,
        color: color(l.tone),
        showSymbol: !perRun && !raw && l.points.length <= 12,
        symbolSize: 4,
        connectNulls: false,
        silent: raw,
        z: raw ? 2 : 3,
        lineStyle: {
          width: l.runId === null ? (raw ? 1 : 1.8) : 1,
          opacity: raw ? 0.25 : l.runId === null ? 1 : runOpacity,
        },
        emphasis: raw
          ? { disabled: true }
          : { focus: 'series', lineStyle: { width: 2.4, opacity: 1 } },
        ...(raw ? { tooltip: { show: false } } : {}),
      };
    }),
  ]);
  return {
    animation: false,
    color: [...theme.palette],
    textStyle: { fontFamily: FONT_STACK, color: theme.text, fontSize: 11 },
    title: titles,
    legend: {
      ...legendStyle(theme, true),
      data: config.groups.map((g) => ({ name: g.name, itemStyle: { color: color(g.tone) } })),
    },
    tooltip: {
      trigger: perRun ? 'item' : 'axis',
      confine: true,
      backgroundColor: theme.tooltipBg,
      borderColor: theme.tooltipBorder,
      textStyle: { color: theme.text, fontSize: 12 },
      axisPointer: { type: 'line', lineStyle: { color: theme.axis } },
      formatter: tooltipFormatter(config),
    },
    grid: grids,
    xAxis: xAxes,
    yAxis: yAxes,
    dataZoom: [
      { type: 'inside', xAxisIndex: axisIndexes, filterMode: 'none' },
      {
        type: 'slider',
        xAxisIndex: axisIndexes,
        filterMode: 'none',
        bottom: 6,
        height: 16,
        left: 48,
        right: 48,
        borderColor: theme.axis,
        textStyle: { color: theme.muted },
        fillerColor: 'rgba(110,140,200,0.18)',
        dataBackground: { lineStyle: { color: theme.axis }, areaStyle: { color: theme.split } },
      },
    ],
    series,
  };
}
