import type { Embedding, EmbeddingSide } from '../../src-shared/domain/embedding';
import { FONT_STACK, type ChartTheme } from './chartTheme';
import { escapeHtml } from './compareChartOptions';

/**
 * The embedding view's scatter plots (issue 14, point 3) as a serializable config (STYLE.md #11):
 * one model's 2-D projection of the source and target rows, coloured by domain (the question is
 * whether the two colours mix) with each class its own marker shape (whether they mix class by
 * class, not only as clouds).
 */

export type EmbeddingProjection = 'pca' | 'umap';

export interface EmbeddingScatterConfig {
  type: 'embedding-scatter';
  /** Legend names of the two domains, source first. */
  domains: [string, string];
  /** Per point: x, y, 0 = source or 1 = target, and its class label. */
  x: number[];
  y: number[];
  domain: number[];
  label: number[];
  /** Class names by label, when the dataset names its classes. */
  classNames?: Record<number, string>;
  projection: EmbeddingProjection;
}

/**
 * Marker shapes, one per class (cycling after eight: a hint, not a key): four shapes filled, then
 * the same four hollow. Hollow ones are drawn as outlines in the domain's colour, not as ECharts'
 * `empty*` symbols, whose white fill would glare on the dark theme.
 */
const SHAPES = ['circle', 'rect', 'triangle', 'diamond'] as const;
export const CLASS_MARKER_COUNT = 2 * SHAPES.length;

/** Unicode look-alikes of the markers for the key beside the plots. */
export const CLASS_GLYPHS = ['●', '■', '▲', '◆', '○', '□', '△', '◇'] as const;

export function classSymbolIndex(label: number, labels: readonly number[]): number {
  const sorted = [...new Set(labels)].sort((a, b) => a - b);
  return Math.max(0, sorted.indexOf(label)) % CLASS_MARKER_COUNT;
}

export function embeddingScatterConfig(
  embedding: Embedding,
  side: EmbeddingSide,
  projection: EmbeddingProjection,
  classNames?: Record<number, string>,
): EmbeddingScatterConfig {
  const flat = side[projection];
  const n = embedding.points.domain.length;
  return {
    type: 'embedding-scatter',
    domains: [`source: ${embedding.sourceName}`, `target: ${embedding.targetName}`],
    x: Array.from({ length: n }, (_, i) => flat[2 * i] ?? 0),
    y: Array.from({ length: n }, (_, i) => flat[2 * i + 1] ?? 0),
    domain: [...embedding.points.domain],
    label: [...embedding.points.label],
    ...(classNames ? { classNames } : {}),
    projection,
  };
}

interface ScatterTooltipParams {
  seriesIndex: number;
  dataIndex: number;
}

export function embeddingScatterOption(
  config: EmbeddingScatterConfig,
  theme: ChartTheme,
): Record<string, unknown> {
  const labels = config.label;
  const className = (label: number): string => {
    const name = config.classNames?.[label];
    return name === undefined ? `class ${label}` : `class ${label} (${name})`;
  };
  // One series per domain, so the legend toggles a domain; each keeps the point's row index.
  const series = config.domains.map((name, d) => {
    const rows = config.domain.flatMap((dom, i) => (dom === d ? [i] : []));
    return {
      type: 'scatter',
      name,
      symbolSize: 7,
      itemStyle: {
        color: theme.palette[d] ?? theme.text,
        opacity: 0.75,
        borderColor: theme.tooltipBg,
        borderWidth: 0.5,
      },
      emphasis: { focus: 'series' },
      data: rows.map((i) => {
        const marker = classSymbolIndex(labels[i] ?? 0, labels);
        const colour = theme.palette[d] ?? theme.text;
        return {
          value: [config.x[i] ?? 0, config.y[i] ?? 0],
          symbol: SHAPES[marker % SHAPES.length],
          ...(marker >= SHAPES.length
            ? { itemStyle: { color: 'transparent', borderColor: colour, borderWidth: 1.4 } }
            : {}),
        };
      }),
    };
  });
  const axis = (name: string) => ({
    type: 'value',
    scale: true,
    name,
    nameLocation: 'middle',
    nameGap: 22,
    nameTextStyle: { color: theme.muted },
    axisLine: { lineStyle: { color: theme.axis } },
    axisLabel: { show: false },
    axisTick: { show: false },
    splitLine: { lineStyle: { color: theme.split } },
  });
  const [xName, yName] = config.projection === 'pca' ? ['PC 1', 'PC 2'] : ['UMAP 1', 'UMAP 2'];
  return {
    animation: false,
    textStyle: { fontFamily: FONT_STACK, color: theme.text, fontSize: 11 },
    grid: { left: 28, right: 10, top: 30, bottom: 30 },
    legend: {
      top: 0,
      left: 0,
      itemWidth: 10,
      itemHeight: 10,
      textStyle: { color: theme.text },
      data: config.domains,
    },
    tooltip: {
      trigger: 'item',
      confine: true,
      backgroundColor: theme.tooltipBg,
      borderColor: theme.tooltipBorder,
      textStyle: { color: theme.text, fontSize: 12 },
      formatter: (params: ScatterTooltipParams) => {
        const d = params.seriesIndex;
        const row = config.domain.flatMap((dom, i) => (dom === d ? [i] : []))[params.dataIndex];
        if (row === undefined) return '';
        return escapeHtml(`${config.domains[d] ?? ''} · ${className(labels[row] ?? 0)}`);
      },
    },
    xAxis: axis(xName),
    yAxis: axis(yName),
    series,
  };
}
