import type { EpochMetrics } from '../../src-shared/domain/runs';

/**
 * Charts as serializable config objects with a `type` field (STYLE.md #11, MLflow's
 * runs-compare types): a view describes what to plot; `Chart.svelte` turns the config into an
 * ECharts option. A later Compare view can save, restore and export these as JSON.
 */
export type Point = [x: number, y: number | null];

export interface LineSeriesConfig {
  name: string;
  /** y null: a value that was not finite (drawn as a gap). */
  points: Point[];
  /** Index into the theme's palette; the series' position when absent. */
  tone?: number;
  dashed?: boolean;
  /**
   * The legend entry the line belongs to (a variant): many runs share one entry, which toggles
   * them together, so the legend stays one row at hundreds of runs. The tooltip still names the
   * run. Absent: the line is its own entry.
   */
  group?: string;
}

export interface LineChartConfig {
  type: 'line';
  xLabel: string;
  yLabel: string;
  series: LineSeriesConfig[];
  yMin?: number;
  yMax?: number;
  /** The planned last epoch: the x axis spans it from the start instead of growing per epoch. */
  xMax?: number;
  /** `axis` for a few series sharing an x (one run); `item` for many overlaid runs. */
  tooltip?: 'axis' | 'item';
  /** Format of y values in tooltips and axis labels. */
  yFormat?: 'number' | 'percent';
}

export function metricPoints(list: readonly EpochMetrics[], metric: string): Point[] {
  const points: Point[] = [];
  for (const entry of list) {
    if (!(metric in entry.values)) continue;
    points.push([entry.epoch, entry.values[metric] ?? null]);
  }
  return points;
}

export interface MetricLine {
  key: string;
  label: string;
  dashed?: boolean;
  tone?: number;
}

/** One run: several metrics (e.g. loss and val_loss) as separate series. */
export function runCurves(
  list: readonly EpochMetrics[],
  lines: readonly MetricLine[],
  yLabel: string,
  extra: Partial<Pick<LineChartConfig, 'yMin' | 'yMax' | 'yFormat' | 'xMax'>> = {},
): LineChartConfig {
  return {
    type: 'line',
    xLabel: 'epoch',
    yLabel,
    tooltip: 'axis',
    ...extra,
    series: lines.map((line, i) => ({
      name: line.label,
      points: metricPoints(list, line.key),
      tone: line.tone ?? i,
      dashed: line.dashed ?? false,
    })),
  };
}

export interface OverlayRun {
  label: string;
  /** Its legend entry (see LineSeriesConfig.group). */
  group: string;
  tone: number;
  dashed: boolean;
  epochs: readonly EpochMetrics[];
}

/** Many runs, one metric each, overlaid. Runs without a single point yet are left out. */
export function overlayCurves(
  runs: readonly OverlayRun[],
  metric: string,
  yLabel: string,
  extra: Partial<Pick<LineChartConfig, 'yMin' | 'yMax' | 'yFormat' | 'xMax'>> = {},
): LineChartConfig {
  const series: LineSeriesConfig[] = [];
  for (const run of runs) {
    const points = metricPoints(run.epochs, metric);
    if (points.length > 0)
      series.push({
        name: run.label,
        group: run.group,
        points,
        tone: run.tone,
        dashed: run.dashed,
      });
  }
  return { type: 'line', xLabel: 'epoch', yLabel, tooltip: 'item', ...extra, series };
}
