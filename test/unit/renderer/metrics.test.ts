import { describe, expect, it } from 'vitest';
import type { EpochMetrics } from '../../../src-shared/domain/runs';
import { mergeEpochs, metricNames, upsertEpoch } from '../../../src-renderer/lib/metrics';
import { metricPoints, overlayCurves, runCurves } from '../../../src-renderer/lib/chartConfig';

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
        { label: 'a', tone: 0, dashed: false, epochs: [epoch(1)] },
        { label: 'b', tone: 1, dashed: true, epochs: [] },
      ],
      'loss',
      'loss',
    );
    expect(config.series.map((s) => s.name)).toEqual(['a']);
  });
});
