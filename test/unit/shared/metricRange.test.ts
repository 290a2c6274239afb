import { describe, expect, it } from 'vitest';
import { axisMax, clipToRange, metricRange } from '../../../src-shared/domain/metricRange';

/** Issue 14: no accuracy axis or band past 100 %. */
describe('metric ranges', () => {
  it('knows accuracies lie in [0, 1] and losses are ≥ 0', () => {
    expect(metricRange('test_acc')).toEqual({ min: 0, max: 1 });
    expect(metricRange('acc')).toEqual({ min: 0, max: 1 });
    expect(metricRange('val_loss')).toEqual({ min: 0, max: Infinity });
    expect(metricRange('best_epoch')).toEqual({ min: -Infinity, max: Infinity });
  });

  it('clips band bounds to the range and keeps null', () => {
    const acc = metricRange('val_acc');
    expect(clipToRange(1.2, acc)).toBe(1);
    expect(clipToRange(-0.1, acc)).toBe(0);
    expect(clipToRange(0.5, acc)).toBe(0.5);
    expect(clipToRange(null, acc)).toBeNull();
    expect(clipToRange(-3, metricRange('val_loss'))).toBe(0);
  });

  it('ends an accuracy axis at the next 10 %, never past 100 %', () => {
    expect(axisMax('test_acc', 0.73)).toBeCloseTo(0.8, 12);
    expect(axisMax('test_acc', 0.8)).toBeCloseTo(0.8, 12);
    expect(axisMax('test_acc', 0.97)).toBe(1);
    expect(axisMax('test_acc', 1)).toBe(1);
    expect(axisMax('val_loss', 2.3)).toBeUndefined();
  });
});
