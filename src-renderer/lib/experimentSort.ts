import { z } from 'zod';
import type { ExperimentSummary } from '../../src-shared/domain/experiments';
import { TERMINAL_STATUSES } from '../../src-shared/domain/runs';

/**
 * Sorting and filtering the Experiments list (issue 14, point 5). The list is small enough
 * (one row per experiment, not per run) to sort in the renderer; the choice is remembered.
 */

export const EXPERIMENT_SORT_KEYS = ['name', 'created', 'runs', 'progress'] as const;
export type ExperimentSortKey = (typeof EXPERIMENT_SORT_KEYS)[number];

export const ExperimentSortSchema = z
  .object({ by: z.enum(EXPERIMENT_SORT_KEYS), dir: z.enum(['asc', 'desc']) })
  .strict();
export type ExperimentSort = z.infer<typeof ExperimentSortSchema>;

/** Newest first, as the list was before it could be sorted. */
export const DEFAULT_EXPERIMENT_SORT: ExperimentSort = { by: 'created', dir: 'desc' };

/** Runs that have finished, whatever their outcome. */
export function finishedRuns(e: ExperimentSummary): number {
  return TERMINAL_STATUSES.reduce((n, s) => n + (e.runCounts[s] ?? 0), 0);
}

/** The share of its runs that have finished; an experiment without runs counts as done. */
export function progressOf(e: ExperimentSummary): number {
  return e.totalRuns === 0 ? 1 : finishedRuns(e) / e.totalRuns;
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

function compareBy(by: ExperimentSortKey, a: ExperimentSummary, b: ExperimentSummary): number {
  switch (by) {
    case 'name':
      return collator.compare(a.name, b.name);
    case 'created':
      // ISO 8601 times sort as text; the id breaks a tie within one millisecond.
      return a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0;
    case 'runs':
      return a.totalRuns - b.totalRuns;
    case 'progress':
      return progressOf(a) - progressOf(b);
  }
}

/**
 * A sorted copy. Ties fall back to the id in the same direction, so the order is total and the
 * same on every render (rows never swap places while runs progress at the same pace).
 */
export function sortExperiments(
  list: readonly ExperimentSummary[],
  sort: ExperimentSort,
): ExperimentSummary[] {
  const sign = sort.dir === 'asc' ? 1 : -1;
  return [...list].sort((a, b) => sign * (compareBy(sort.by, a, b) || a.id - b.id));
}

/** Names sort A→Z first; times, counts and progress most/newest first. */
export function nextExperimentSort(current: ExperimentSort, by: ExperimentSortKey): ExperimentSort {
  if (current.by === by) return { by, dir: current.dir === 'asc' ? 'desc' : 'asc' };
  return { by, dir: by === 'name' ? 'asc' : 'desc' };
}

export function ariaSortOf(
  sort: ExperimentSort,
  by: ExperimentSortKey,
): 'ascending' | 'descending' | 'none' {
  if (sort.by !== by) return 'none';
  return sort.dir === 'asc' ? 'ascending' : 'descending';
}

/**
 * The experiments to list: archived ones only when asked for, then those whose name contains
 * the query (case-insensitively) or whose id it is (`7` or `#7`).
 */
export function filterExperiments(
  list: readonly ExperimentSummary[],
  query: string,
  showArchived: boolean,
): ExperimentSummary[] {
  const q = query.trim().toLowerCase();
  const id = q.replace(/^#/, '');
  return list.filter(
    (e) =>
      (showArchived || e.archivedAt === null) &&
      (q === '' || e.name.toLowerCase().includes(q) || String(e.id) === id),
  );
}
