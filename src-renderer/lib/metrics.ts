import type { EpochMetrics } from '../../src-shared/domain/runs';

/**
 * Adds one epoch to a run's metrics, kept sorted by epoch: appended in the usual case, replacing an
 * epoch already there (an event that raced a fetch), inserted otherwise. Mutates `list`.
 */
export function upsertEpoch(
  list: EpochMetrics[],
  entry: EpochMetrics,
): 'appended' | 'replaced' | 'inserted' {
  const last = list.at(-1);
  if (last === undefined || entry.epoch > last.epoch) {
    list.push(entry);
    return 'appended';
  }
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const at = list[mid];
    if (at !== undefined && at.epoch < entry.epoch) lo = mid + 1;
    else hi = mid;
  }
  if (list[lo]?.epoch === entry.epoch) {
    list[lo] = entry;
    return 'replaced';
  }
  list.splice(lo, 0, entry);
  return 'inserted';
}

/** A fetched history merged with the epochs that streamed in while it was being fetched. */
export function mergeEpochs(
  fetched: readonly EpochMetrics[],
  streamed: readonly EpochMetrics[],
): EpochMetrics[] {
  const list = [...fetched].sort((a, b) => a.epoch - b.epoch);
  for (const entry of streamed) upsertEpoch(list, entry);
  return list;
}

/** The metric names present in a run's epochs, the usual four first. */
export function metricNames(list: readonly EpochMetrics[]): string[] {
  const seen = new Set<string>();
  for (const entry of list) for (const key of Object.keys(entry.values)) seen.add(key);
  const preferred = ['loss', 'val_loss', 'acc', 'val_acc'];
  return [
    ...preferred.filter((k) => seen.has(k)),
    ...[...seen].filter((k) => !preferred.includes(k)).sort(),
  ];
}
