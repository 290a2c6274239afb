import { describe, expect, it } from 'vitest';
import {
  formatDiffCi,
  formatMetricCell,
  formatMetricDiff,
  formatMetricValue,
} from '../../../src-main/reports/numbers';

/** Issue 14: a report reads in the units the workbench shows (accuracy in %, gains in pp). */
describe('report units', () => {
  const stat = {
    n: 5,
    mean: 0.656,
    std: 0.0215,
    se: 0.0096,
    ci95: [-0.0096, 0.0607] as [number, number],
    excluded: 0,
  };

  it('writes an accuracy in percent and its differences in percentage points', () => {
    expect(formatMetricValue(0.6816, 'test_acc')).toBe('68.16 %');
    expect(formatMetricDiff(0.0256, 'test_acc')).toBe('+2.56 pp');
    expect(formatMetricDiff(-0.0689, 'test_acc')).toBe('−6.89 pp');
    expect(formatMetricCell(stat, 'test_acc')).toBe('65.60 ± 2.15 % (n=5)');
    expect(formatDiffCi(stat, 'test_acc')).toBe('[−0.96, 6.07] pp');
  });

  it('writes any other metric as it is', () => {
    expect(formatMetricValue(0.9619, 'test_loss')).toBe('0.9619');
    expect(formatMetricDiff(-0.0689, 'test_loss')).toBe('-0.0689');
    expect(formatMetricCell(stat, 'test_loss')).toBe('0.6560 ± 0.0215 (n=5)');
    expect(formatMetricValue(null, 'test_acc')).toBe('–');
  });
});
