import { describe, expect, it } from 'vitest';
import { classDistributionConfig } from '../../../src-renderer/lib/barChart';
import { runCurves } from '../../../src-renderer/lib/chartConfig';
import { chartDrawing, chartFacts } from '../../../src-renderer/lib/chartHost';
import type { BandChartConfig, HeatmapConfig } from '../../../src-renderer/lib/compareCharts';

const line = runCurves(
  [
    { epoch: 1, values: { loss: 1, val_loss: 1.2 }, elapsedS: 1 },
    { epoch: 2, values: { loss: 0.8 }, elapsedS: 2 },
  ],
  [
    { key: 'loss', label: 'loss' },
    { key: 'val_loss', label: 'val_loss', dashed: true },
  ],
  'loss',
);
const bar = classDistributionConfig(
  [
    { label: 0, count: 5 },
    { label: 1, count: 7 },
    { label: 2, count: 0 },
  ],
  [0, 2],
);
const band: BandChartConfig = {
  type: 'band-lines',
  title: 'val_acc per epoch',
  subtitle: 'mean',
  xLabel: 'epoch',
  yLabel: 'val_acc',
  xScale: 'linear',
  xIntegers: true,
  format: 'percent',
  series: [],
  marks: [],
};
const heatmap: HeatmapConfig = {
  type: 'heatmap',
  title: 'gain',
  subtitle: '',
  xName: 'target',
  yName: 'source',
  xLabels: ['t'],
  yLabels: ['s'],
  cells: [{ x: 0, y: 0, value: 0.1, text: '+10', detail: [] }],
  scale: { kind: 'diverging', max: 0.1, lowText: 'worse', highText: 'better' },
  showText: true,
};

describe('one chart component for every config (issue 12)', () => {
  it('merges line series by id, so that streamed epochs update lines in place', () => {
    const { option, update } = chartDrawing(line, 'light');
    expect(update).toEqual({ replaceMerge: ['series'], lazyUpdate: true });
    expect((option.series as unknown[]).length).toBe(2);
  });

  it('replaces bar, band and heatmap options whole: their categories and groups change', () => {
    for (const config of [bar, band, heatmap]) {
      expect(chartDrawing(config, 'dark').update).toEqual({ notMerge: true, lazyUpdate: true });
    }
  });

  it('draws in the theme asked for', () => {
    const light = chartDrawing(heatmap, 'light').option;
    const dark = chartDrawing(heatmap, 'dark').option;
    expect(JSON.stringify(light.visualMap)).not.toBe(JSON.stringify(dark.visualMap));
  });

  it('puts the counts that tests wait on, per type, on the box', () => {
    expect(chartFacts(line)).toEqual({
      counts: { 'data-points': 2, 'data-series': 2 },
      empty: false,
      emptyText: 'No epochs yet',
    });
    expect(chartFacts(bar).counts).toEqual({ 'data-bars': 3, 'data-muted': 1 });
    expect(chartFacts(bar).empty).toBe(false);
    expect(chartFacts(band)).toEqual({
      counts: { 'data-count': 0 },
      empty: true,
      emptyText: 'Nothing to draw',
    });
    expect(chartFacts(heatmap).counts).toEqual({ 'data-count': 1 });
  });

  it('calls a line chart without a single point empty', () => {
    expect(chartFacts(runCurves([], [{ key: 'loss', label: 'loss' }], 'loss')).empty).toBe(true);
  });
});
