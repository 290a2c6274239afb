import type { CustomSeriesRenderItem, CustomSeriesRenderItemReturn } from 'echarts';
import { axisMax } from '../../src-shared/domain/metricRange';
import { FONT_STACK, legendStyle, type ChartTheme } from './chartTheme';
import type { BandChartConfig, BandPoint, HeatmapConfig } from './compareCharts';
import { formatBare, formatValue, type ValueFormat } from './compareFormat';

/**
 * The Compare view's chart configs (compareCharts.ts) turned into ECharts options for a theme:
 * bands drawn as polygons by a custom series, heat maps with a diverging visual map.
 */

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

type Option = Record<string, unknown>;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function axisNumber(value: number, format: ValueFormat): string {
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
export function bandRenderer(points: readonly BandPoint[], color: string): CustomSeriesRenderItem {
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
      // An accuracy axis ends at 100 % at most, not at ECharts' next nice value past it.
      max: (extent: { max: number }) => axisMax(config.yLabel, extent.max),
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
