import { describe, expect, it } from 'vitest';
import type { EpochMetrics } from '../../../src-shared/domain/runs';
import { mergeEpochs, metricNames, upsertEpoch } from '../../../src-renderer/lib/metrics';
import { metricPoints, overlayCurves, runCurves } from '../../../src-renderer/lib/chartConfig';
import { CHART_THEMES, toEChartsOption } from '../../../src-renderer/lib/chartTheme';

const epoch = (n: number, loss: number | null = n): EpochMetrics => ({
  epoch: n,
  values: { loss, acc: 0.5 },
  elapsedS: n,
});

describe('metrics cache', () => {
  it('appends, replaces and inserts by epoch', () => {
    const list = [epoch(1), epoch(2)];
    expect(upsertEpoch(list, epoch(3))).toBe('appended');
    expect(upsertEpoch(list, epoch(2, 9))).toBe('replaced');
    expect(list[1]?.values.loss).toBe(9);
    const gappy = [epoch(1), epoch(4)];
    expect(upsertEpoch(gappy, epoch(2))).toBe('inserted');
    expect(gappy.map((e) => e.epoch)).toEqual([1, 2, 4]);
  });

  it('merges a fetched history with epochs streamed meanwhile', () => {
    const merged = mergeEpochs([epoch(2), epoch(1), epoch(3)], [epoch(3, 7), epoch(4)]);
    expect(merged.map((e) => e.epoch)).toEqual([1, 2, 3, 4]);
    expect(merged[2]?.values.loss).toBe(7);
  });

  it('lists the usual metrics first', () => {
    const list: EpochMetrics[] = [{ epoch: 1, values: { zeta: 1, acc: 1, loss: 1 }, elapsedS: 0 }];
    expect(metricNames(list)).toEqual(['loss', 'acc', 'zeta']);
  });
});

describe('chart configs', () => {
  it('keeps non-finite values as gaps and skips absent metrics', () => {
    const list: EpochMetrics[] = [
      epoch(1),
      epoch(2, null),
      { epoch: 3, values: { acc: 1 }, elapsedS: 3 },
    ];
    expect(metricPoints(list, 'loss')).toEqual([
      [1, 1],
      [2, null],
    ]);
  });

  it('is plain serializable data', () => {
    const config = runCurves([epoch(1)], [{ key: 'loss', label: 'loss' }], 'loss', { xMax: 20 });
    expect(JSON.parse(JSON.stringify(config))).toEqual(config);
    expect(config).toMatchObject({
      type: 'line',
      xMax: 20,
      series: [{ name: 'loss', points: [[1, 1]] }],
    });
  });

  it('overlays only runs that have points', () => {
    const config = overlayCurves(
      [
        { label: 'a', group: 'scratch', tone: 0, dashed: false, epochs: [epoch(1)] },
        { label: 'b', group: 'scratch', tone: 1, dashed: true, epochs: [] },
      ],
      'loss',
      'loss',
    );
    expect(config.series.map((s) => s.name)).toEqual(['a']);
  });

  it('keys the legend by group, not by run, and still names each run in its points', () => {
    const config = overlayCurves(
      [
        { label: '#3 scratch · s0', group: 'scratch', tone: 0, dashed: false, epochs: [epoch(1)] },
        { label: '#4 scratch · s1', group: 'scratch', tone: 0, dashed: false, epochs: [epoch(1)] },
        {
          label: '#5 fine-tune · s0',
          group: 'fine-tune',
          tone: 1,
          dashed: false,
          epochs: [epoch(1)],
        },
      ],
      'loss',
      'loss',
    );
    const option = toEChartsOption(config, CHART_THEMES.light);
    const series = option.series as { id: string; name: string; data: { name: string }[] }[];
    // Three lines, two legend entries: ECharts merges entries of the same name.
    expect(series.map((s) => s.id)).toEqual([
      '#3 scratch · s0',
      '#4 scratch · s1',
      '#5 fine-tune · s0',
    ]);
    expect(new Set(series.map((s) => s.name))).toEqual(new Set(['scratch', 'fine-tune']));
    expect(series[1]?.data[0]?.name).toBe('#4 scratch · s1');
    expect((option.legend as { show: boolean }).show).toBe(true);
  });
});
