import { describe, expect, it } from 'vitest';
import {
  MAX_COLUMN_WIDTH,
  MIN_COLUMN_WIDTH,
  clampWidth,
  emptyGridColumns,
  formatMetricValue,
  formatParamValue,
  metricColumnLabel,
  paramLabel,
  toggleMetricColumn,
  toggleParamColumn,
} from '../../../src-renderer/lib/historyGrid';
import { MAX_EXTRA_COLUMNS } from '../../../src-shared/rpc/history';

describe('Runs grid columns', () => {
  it('labels metric columns with their unit and parameters by the names typed in queries', () => {
    expect(metricColumnLabel({ name: 'test_acc', mode: 'last' })).toBe('test_acc last %');
    expect(metricColumnLabel({ name: 'val_loss', mode: 'min' })).toBe('val_loss min');
    expect(paramLabel('training.learningRate')).toBe('lr');
    expect(paramLabel('strategyParams.lambda')).toBe('λ');
    expect(paramLabel('strategyParams.temperature')).toBe('temperature');
  });

  it('shows accuracies in percent, other metrics as recorded, parameters exactly', () => {
    expect(formatMetricValue(0.8212, 'test_acc')).toBe('82.12');
    expect(formatMetricValue(0.8212, 'val_loss')).toBe('0.8212');
    expect(formatMetricValue(null, 'test_acc')).toBe('—');
    expect(formatParamValue(0.0005)).toBe('5e-4');
    expect(formatParamValue(0.01)).toBe('0.01');
    expect(formatParamValue(true)).toBe('true');
    expect(formatParamValue('adam')).toBe('adam');
    expect(formatParamValue(null)).toBe('—');
  });

  it('adds a column at the end, removes it where it is, and stops at the limit', () => {
    let cols = toggleMetricColumn(emptyGridColumns(), { name: 'test_acc', mode: 'last' });
    cols = toggleMetricColumn(cols, { name: 'val_loss', mode: 'min' });
    cols = toggleMetricColumn(cols, { name: 'test_acc', mode: 'last' });
    expect(cols.metrics).toEqual([{ name: 'val_loss', mode: 'min' }]);
    cols = toggleParamColumn(cols, 'seed');
    expect(toggleParamColumn(cols, 'seed').params).toEqual([]);
    let full = emptyGridColumns();
    for (let i = 0; i < MAX_EXTRA_COLUMNS + 2; i++) {
      full = toggleMetricColumn(full, { name: `test_m${i}`, mode: 'last' });
    }
    expect(full.metrics).toHaveLength(MAX_EXTRA_COLUMNS);
  });

  it('keeps dragged widths within bounds', () => {
    expect(clampWidth(10)).toBe(MIN_COLUMN_WIDTH);
    expect(clampWidth(10_000)).toBe(MAX_COLUMN_WIDTH);
    expect(clampWidth(120.6)).toBe(121);
  });
});
