import { describe, expect, it } from 'vitest';
import type { ExperimentSummary } from '../../../src-shared/domain/experiments';
import {
  ariaSortOf,
  DEFAULT_EXPERIMENT_SORT,
  filterExperiments,
  nextExperimentSort,
  progressOf,
  sortExperiments,
  type ExperimentSort,
} from '../../../src-renderer/lib/experimentSort';

function experiment(
  id: number,
  name: string,
  createdAt: string,
  runCounts: ExperimentSummary['runCounts'],
  archivedAt: string | null = null,
): ExperimentSummary {
  const totalRuns = Object.values(runCounts).reduce((a, b) => a + b, 0);
  return { id, name, createdAt, runCounts, totalRuns, archivedAt };
}

// Progress: 1 → 2/4 done, 2 → 0/3, 3 → all 5 done (one failed), 4 → no runs (counts as done).
const list = [
  experiment(1, 'mnist sweep 10', '2026-01-03T10:00:00.000Z', {
    completed: 2,
    running: 1,
    queued: 1,
  }),
  experiment(2, 'Baseline', '2026-01-01T10:00:00.000Z', { queued: 3 }),
  experiment(3, 'mnist sweep 9', '2026-01-02T10:00:00.000Z', { completed: 4, failed: 1 }, 'then'),
  experiment(4, 'baseline', '2026-01-02T10:00:00.000Z', {}),
];
const ids = (sort: ExperimentSort): number[] => sortExperiments(list, sort).map((e) => e.id);

describe('sortExperiments', () => {
  it('sorts by name naturally and case-blind, ties by id', () => {
    expect(ids({ by: 'name', dir: 'asc' })).toEqual([2, 4, 3, 1]);
    expect(ids({ by: 'name', dir: 'desc' })).toEqual([1, 3, 4, 2]);
  });

  it('sorts by creation time, the id breaking a tie', () => {
    expect(ids(DEFAULT_EXPERIMENT_SORT)).toEqual([1, 4, 3, 2]);
    expect(ids({ by: 'created', dir: 'asc' })).toEqual([2, 3, 4, 1]);
  });

  it('sorts by run count and by progress', () => {
    expect(ids({ by: 'runs', dir: 'desc' })).toEqual([3, 1, 2, 4]);
    expect(ids({ by: 'progress', dir: 'asc' })).toEqual([2, 1, 3, 4]);
    expect(list.map(progressOf)).toEqual([0.5, 0, 1, 1]);
  });

  it('returns a copy and leaves the input in its order', () => {
    const before = list.map((e) => e.id);
    sortExperiments(list, { by: 'name', dir: 'asc' });
    expect(list.map((e) => e.id)).toEqual(before);
  });
});

describe('nextExperimentSort and ariaSortOf', () => {
  it('flips the direction of the sorted column, starts a new one in its natural direction', () => {
    expect(nextExperimentSort(DEFAULT_EXPERIMENT_SORT, 'created')).toEqual({
      by: 'created',
      dir: 'asc',
    });
    expect(nextExperimentSort(DEFAULT_EXPERIMENT_SORT, 'name')).toEqual({ by: 'name', dir: 'asc' });
    expect(nextExperimentSort({ by: 'name', dir: 'asc' }, 'runs')).toEqual({
      by: 'runs',
      dir: 'desc',
    });
  });

  it('names the sorted column ascending or descending and every other none', () => {
    expect(ariaSortOf({ by: 'runs', dir: 'asc' }, 'runs')).toBe('ascending');
    expect(ariaSortOf({ by: 'runs', dir: 'desc' }, 'runs')).toBe('descending');
    expect(ariaSortOf({ by: 'runs', dir: 'desc' }, 'name')).toBe('none');
  });
});

describe('filterExperiments', () => {
  it('hides archived experiments unless asked, and matches names or ids', () => {
    expect(filterExperiments(list, '', false).map((e) => e.id)).toEqual([1, 2, 4]);
    expect(filterExperiments(list, '', true).map((e) => e.id)).toEqual([1, 2, 3, 4]);
    expect(filterExperiments(list, ' MNIST ', true).map((e) => e.id)).toEqual([1, 3]);
    expect(filterExperiments(list, '#2', false).map((e) => e.id)).toEqual([2]);
    expect(filterExperiments(list, '3', false)).toEqual([]);
  });
});
