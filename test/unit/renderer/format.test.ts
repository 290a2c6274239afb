import { describe, expect, it } from 'vitest';
import {
  elapsedMs,
  formatBudget,
  formatDuration,
  formatJson,
  formatMetric,
  formatPercent,
  shortHash,
  testAccuracy,
} from '../../../src-renderer/lib/format';

describe('formatting', () => {
  it('formats durations densely', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(12_340)).toBe('12.3 s');
    expect(formatDuration(245_000)).toBe('4 m 05 s');
    expect(formatDuration(2 * 3600_000 + 7 * 60_000)).toBe('2 h 07 m');
  });

  it('measures elapsed time, up to now while unfinished', () => {
    const start = '2025-01-01T00:00:00.000Z';
    expect(elapsedMs(null, null, 0)).toBeNull();
    expect(elapsedMs(start, '2025-01-01T00:00:05.000Z', 0)).toBe(5000);
    expect(elapsedMs(start, null, Date.parse(start) + 1500)).toBe(1500);
  });

  it('shows non-finite metrics as NaN and missing ones as a dash', () => {
    expect(formatMetric(undefined)).toBe('—');
    expect(formatMetric(null)).toBe('NaN');
    expect(formatMetric(0.123456)).toBe('0.1235');
    expect(formatPercent(0.9512)).toBe('95.1 %');
  });

  it('finds test accuracy under the names the engine may use', () => {
    expect(testAccuracy(null)).toBeUndefined();
    expect(testAccuracy({ test_loss: 0.1, test_acc: 0.9 })).toBe(0.9);
    expect(testAccuracy({ loss: 1 })).toBeUndefined();
  });

  it('keeps arrays of plain values on one line in JSON', () => {
    expect(formatJson({ classes: [5, 6], model: { hidden: [64, 32] }, list: [{ a: 1 }] })).toBe(
      [
        '{',
        '  "classes": [5, 6],',
        '  "model": {',
        '    "hidden": [64, 32]',
        '  },',
        '  "list": [',
        '    {',
        '      "a": 1',
        '    }',
        '  ]',
        '}',
      ].join('\n'),
    );
  });

  it('formats budgets and hashes', () => {
    expect(formatBudget('all')).toBe('all');
    expect(formatBudget(10)).toBe('10/class');
    expect(shortHash('0123456789abcdef', 6)).toBe('012345…');
    expect(shortHash(null)).toBe('—');
  });
});
