import type { SetOptionOpts } from './echarts';
import { toEChartsBarOption, type BarChartConfig } from './barChart';
import type { LineChartConfig } from './chartConfig';
import { CHART_THEMES, toEChartsOption, type ResolvedTheme } from './chartTheme';
import { bandChartOption, heatmapOption, HEATMAP_COLORS } from './compareChartOptions';
import type { BandChartConfig, HeatmapConfig } from './compareCharts';
import { facetChartOption } from './compareFacetOptions';
import type { FacetChartConfig } from './compareFacets';
import { parallelOption, type ParallelConfig } from './compareParallel';
import { embeddingScatterOption, type EmbeddingScatterConfig } from './embeddingScatter';

/**
 * Every chart the renderer draws, as a serializable config told apart by `type` (STYLE.md #11).
 * `Chart.svelte` draws any of them: the ECharts set-up (init, size, theme, updates, dispose)
 * lives there once, and what differs per type lives here (no DOM, so that tests run it in Node).
 */
export type ChartConfig =
  | LineChartConfig
  | BarChartConfig
  | BandChartConfig
  | HeatmapConfig
  | FacetChartConfig
  | ParallelConfig
  | EmbeddingScatterConfig;

export interface ChartDrawing {
  option: Record<string, unknown>;
  /** How `setOption` applies it to what is drawn. */
  update: SetOptionOpts;
}

/** The ECharts option of a config in a theme, and how it replaces the one drawn before. */
export function chartDrawing(config: ChartConfig, theme: ResolvedTheme): ChartDrawing {
  const colours = CHART_THEMES[theme];
  switch (config.type) {
    case 'line':
      // Merged with new arrays: series are matched by id, and replaceMerge drops the ones no
      // longer in the config instead of leaving stale lines behind; streamed points do not
      // re-create the chart.
      return {
        option: toEChartsOption(config, colours),
        update: { replaceMerge: ['series'], lazyUpdate: true },
      };
    case 'bar':
      // Not merged: the categories change with the class subset.
      return {
        option: toEChartsBarOption(config, colours),
        update: { notMerge: true, lazyUpdate: true },
      };
    case 'band-lines':
      // Not merged: a new grouping or a new band is a different chart.
      return {
        option: bandChartOption(config, colours),
        update: { notMerge: true, lazyUpdate: true },
      };
    case 'heatmap':
      return {
        option: heatmapOption(config, colours, HEATMAP_COLORS[theme]),
        update: { notMerge: true, lazyUpdate: true },
      };
    case 'facet-lines':
      // Not merged: another facet or x axis is a different set of grids.
      return {
        option: facetChartOption(config, colours),
        update: { notMerge: true, lazyUpdate: true },
      };
    case 'parallel':
      return {
        option: parallelOption(config, colours, theme),
        update: { notMerge: true, lazyUpdate: true },
      };
    case 'embedding-scatter':
      // Not merged: another projection or model is another picture.
      return {
        option: embeddingScatterOption(config, colours),
        update: { notMerge: true, lazyUpdate: true },
      };
  }
}

/** Counts a chart's box carries as data-* attributes, for tests to wait on. */
export type ChartCounts = Record<`data-${string}`, number>;

export interface ChartFacts {
  counts: ChartCounts;
  /** Nothing to draw (yet). */
  empty: boolean;
  /** What the empty box says unless its caller knows better. */
  emptyText: string;
}

/** What the box says of a config: its counts, and whether there is nothing to draw. */
export function chartFacts(config: ChartConfig): ChartFacts {
  const emptyText = 'Nothing to draw';
  switch (config.type) {
    case 'line':
      return {
        counts: {
          'data-points': config.series[0]?.points.length ?? 0,
          'data-series': config.series.length,
        },
        empty: config.series.every((s) => s.points.length === 0),
        emptyText: 'No epochs yet',
      };
    case 'bar':
      return {
        counts: {
          'data-bars': config.values.length,
          'data-muted': config.muted?.filter(Boolean).length ?? 0,
        },
        // Bars of zero rows are still a distribution: a bar chart is never "empty".
        empty: false,
        emptyText,
      };
    case 'band-lines':
      return {
        counts: { 'data-count': config.series.length },
        empty: config.series.length === 0,
        emptyText,
      };
    case 'heatmap':
      return {
        counts: { 'data-count': config.cells.length },
        empty: config.cells.length === 0,
        emptyText,
      };
    case 'facet-lines':
      return {
        // data-count: legend groups, as the band chart counted its series.
        counts: {
          'data-count': config.groups.length,
          'data-facets': config.facets.length,
          'data-lines': config.facets.reduce((a, f) => a + f.lines.length, 0),
        },
        empty: config.facets.length === 0,
        emptyText,
      };
    case 'parallel':
      return {
        counts: { 'data-count': config.rows.length, 'data-axes': config.axes.length + 1 },
        empty: config.rows.length === 0,
        emptyText,
      };
    case 'embedding-scatter':
      return {
        counts: { 'data-points': config.x.length },
        empty: config.x.length === 0,
        emptyText,
      };
  }
}
