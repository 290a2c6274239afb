import { describe, expect, it } from 'vitest';
import type { SplitSizes } from '../../../src-shared/domain/runs';
import {
  TRAIN_METRIC_ROWS,
  trainMetricPool,
  trainMetricSample,
  trainMetricSampleText,
} from '../../../src-shared/domain/trainMetrics';
import { runConfig } from '../engine/fixtures';

const sizes = (train: number, source?: number): SplitSizes => ({
  train,
  val: 5000,
  test: 10_000,
  validationFrom: 'split',
  ...(source === undefined ? {} : { source }),
});

describe('train metrics on a fixed sample (issue 12)', () => {
  it('counts the rows a strategy measures: its own, or the source’s pooled with them', () => {
    const source = runConfig({ kind: 'source', strategy: 'source' });
    expect(trainMetricPool(source, sizes(55_000))).toBe(55_000);
    expect(trainMetricPool(runConfig({ strategy: 'fine-tune' }), sizes(100, 55_000))).toBe(100);
    expect(trainMetricPool(runConfig({ strategy: 'multi-task' }), sizes(100, 55_000))).toBe(100);
    expect(trainMetricPool(runConfig({ strategy: 'mmd' }), sizes(100, 55_000))).toBe(55_100);
    expect(trainMetricPool(runConfig({ strategy: 'tradaboost' }), sizes(100, 55_000))).toBe(55_100);
    const sourceOnly = (targetLabels: boolean) =>
      runConfig({ strategy: 'source-only', strategyParams: { targetLabels } });
    expect(trainMetricPool(sourceOnly(false), sizes(100, 55_000))).toBe(55_000);
    expect(trainMetricPool(sourceOnly(true), sizes(100, 55_000))).toBe(55_100);
  });

  it('is a sample only when the run records a cap its rows exceed, and the sizes are known', () => {
    const capped = runConfig({ kind: 'source', strategy: 'source', trainMetricRows: 10_000 });
    expect(trainMetricSample(capped, sizes(55_000))).toEqual({ rows: 10_000, of: 55_000 });
    expect(trainMetricSample(capped, sizes(10_000))).toBeNull();
    expect(trainMetricSample(capped, null)).toBeNull();
    // Recorded before the cap: every row.
    const old = runConfig({ kind: 'source', strategy: 'source' });
    expect(trainMetricSample(old, sizes(55_000))).toBeNull();
    expect(TRAIN_METRIC_ROWS).toBe(10_000);
  });

  it('says so in one phrase', () => {
    expect(trainMetricSampleText({ rows: 10_000, of: 60_000 })).toBe(
      'train metrics on a fixed sample of 10,000 of 60,000 rows',
    );
  });
});
