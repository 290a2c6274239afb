import { describe, expect, it } from 'vitest';
import type { Gain } from '../../../src-shared/rpc/compare';
import {
  budgetText,
  fieldText,
  formatCell,
  formatDiff,
  formatDiffInterval,
  formatP,
  formatValue,
  gainNotes,
  labelCountText,
  metricFormat,
  outcomeP,
} from '../../../src-renderer/lib/compareFormat';

describe('compare formatting', () => {
  it('treats accuracies as percentages and everything else as numbers', () => {
    expect(metricFormat('test_acc')).toBe('percent');
    expect(metricFormat('acc')).toBe('percent');
    expect(metricFormat('val_accuracy')).toBe('percent');
    expect(metricFormat('test_loss')).toBe('number');
    expect(metricFormat('accuracy_gap')).toBe('number');
    expect(formatValue(0.8421, 'percent')).toBe('84.2 %');
    expect(formatValue(0.43121, 'number')).toBe('0.4312');
    expect(formatValue(null, 'number')).toBe('—');
  });

  it('writes summary cells as mean ± std with n', () => {
    const cell = {
      n: 3,
      mean: 0.842,
      std: 0.013,
      se: 0.0075,
      ci95: [0.81, 0.87] as [number, number],
      excluded: 0,
    };
    expect(formatCell(cell, 'percent')).toBe('84.2 ± 1.3 % (n=3)');
    expect(formatCell({ ...cell, n: 1, std: null }, 'percent')).toBe('84.2 % (n=1)');
    expect(formatCell({ ...cell, mean: 0.25, std: 0.0123 }, 'number')).toBe(
      '0.2500 ± 0.0123 (n=3)',
    );
    expect(formatCell(null, 'percent')).toBe('—');
  });

  it('signs differences with a true minus and calls percentage differences pp', () => {
    expect(formatDiff(0.031, 'percent')).toBe('+3.1 pp');
    expect(formatDiff(-0.008, 'percent')).toBe('−0.8 pp');
    expect(formatDiff(0, 'number')).toBe('±0.0000');
    expect(formatDiff(-0.0123, 'number')).toBe('−0.0123');
    const stat = {
      n: 3,
      mean: 0.03,
      std: 0.01,
      se: 0.006,
      ci95: [0.012, -0.005] as [number, number],
      excluded: 0,
    };
    expect(formatDiffInterval(stat, 'percent')).toBe('[+1.2, −0.5] pp');
    expect(formatDiffInterval({ ...stat, ci95: null }, 'percent')).toBe('—');
  });

  it('writes p-values to three places, small ones as <0.001, and says why a test did not run', () => {
    expect(formatP(0.0312)).toBe('0.031');
    expect(formatP(0.0004)).toBe('<0.001');
    expect(formatP(1)).toBe('1.000');
    expect(formatP(null)).toBe('—');
    expect(outcomeP({ ok: false, reason: 'fewer than 2 pairs' })).toEqual({
      text: '—',
      title: 'fewer than 2 pairs',
    });
    expect(outcomeP({ ok: true, p: 0.5 }).text).toBe('0.500');
  });

  it('notes unmatched and incomplete seeds', () => {
    const gain = {
      baseline: 'scratch',
      strategyOnlySeeds: [3],
      baselineOnlySeeds: [4, 5],
      incompleteSeeds: [2],
    } as Pick<Gain, 'baseline' | 'strategyOnlySeeds' | 'baselineOnlySeeds' | 'incompleteSeeds'>;
    expect(gainNotes(gain as Gain)).toEqual([
      'seed 3 without a scratch run',
      'seeds 4, 5 only in scratch',
      'seed 2 incomplete (no finite value)',
    ]);
  });

  it('writes budgets and config values', () => {
    expect(budgetText(10)).toBe('10/class');
    expect(budgetText('all')).toBe('all');
    expect(fieldText(undefined)).toBe('—');
    expect(fieldText(null)).toBe('null');
    expect(fieldText(false)).toBe('false');
    expect(fieldText('[64,32]')).toBe('[64,32]');
  });
});

describe('model selection wording', () => {
  it('says how many labelled rows each choice looked at, and where they came from', () => {
    expect(labelCountText({ from: 'split', min: 2000, max: 2000 }, 'validation row')).toBe(
      '2,000 validation rows (validation split)',
    );
    expect(labelCountText({ from: 'budget', min: 10, max: 40 }, 'validation row')).toBe(
      '10–40 validation rows (held out of the label budget)',
    );
    expect(labelCountText({ from: 'budget', min: 1, max: 1 }, 'row')).toBe(
      '1 row (held out of the label budget)',
    );
    expect(labelCountText({ from: 'mixed', min: 5, max: 500 }, 'row')).toContain('by run');
    expect(labelCountText({ from: 'unknown', min: null, max: null }, 'validation row')).toBe(
      'validation row: not recorded (runs before issue 10)',
    );
  });
});
