import { flattenConfig } from '../../src-shared/domain/configFields';
import { clipToRange, metricRange } from '../../src-shared/domain/metricRange';
import {
  BAND_LABELS,
  type Band,
  type ComparedRun,
  type CurveGroup,
  type Curves,
  type RunCurve,
} from '../../src-shared/rpc/compare';
import { summarize } from './summary';

/** A run's value of a group-by field: its own columns, or a dotted path into its config. */
export function fieldValue(run: ComparedRun, field: string): string {
  switch (field) {
    case 'run':
      return `#${run.id}`;
    case 'variant':
      return run.variant;
    case 'experiment':
      return run.experimentName;
    case 'source':
      return run.sourceName ?? '—';
    case 'target':
      return run.targetName;
    default: {
      const value = flattenConfig(run.config).get(field);
      return value === undefined || value === null ? '—' : String(value);
    }
  }
}

function groupLabel(key: Record<string, string>, runs: readonly ComparedRun[]): string {
  const entries = Object.entries(key);
  const first = runs[0];
  if (entries.length === 1 && entries[0]?.[0] === 'run' && first) {
    return `#${first.id} ${first.variant} · ${first.targetName} · seed ${first.seed}`;
  }
  if (entries.length === 1) return entries[0]?.[1] ?? '';
  return entries.map(([field, value]) => `${field}=${value}`).join(', ');
}

/** The band's bounds around the mean: ± std, ± SE, or the Student t 95% interval. */
function bandBounds(
  values: readonly number[],
  band: Band,
): { mean: number; lower: number | null; upper: number | null } {
  const s = summarize(values);
  if (!s.spread) return { mean: s.mean, lower: null, upper: null };
  if (band === 'ci95') return { mean: s.mean, lower: s.spread.ci.lower, upper: s.spread.ci.upper };
  const half = band === 'std' ? s.spread.std : s.spread.se;
  return { mean: s.mean, lower: s.mean - half, upper: s.mean + half };
}

/**
 * Per-epoch curves of one metric, runs grouped by the chosen fields: each group's mean over its
 * runs at every epoch with the chosen band. Runs that stopped early leave later epochs, so `n`
 * is counted per epoch; one value gives a mean without a band. Each run's own curve comes too
 * (`runs`, with the wall time of each epoch), for the view's small multiples (issue 14).
 */
export function epochCurves(
  runs: readonly ComparedRun[],
  series: ReadonlyMap<number, readonly { epoch: number; value: number | null; elapsedS: number }[]>,
  metric: string,
  groupBy: readonly string[],
  band: Band,
): Curves {
  const groups = new Map<string, { key: Record<string, string>; runs: ComparedRun[] }>();
  for (const run of runs) {
    if (!series.has(run.id)) continue;
    const key = Object.fromEntries(groupBy.map((f) => [f, fieldValue(run, f)]));
    const id = JSON.stringify(key);
    const group = groups.get(id);
    if (group) group.runs.push(run);
    else groups.set(id, { key, runs: [run] });
  }
  const curveGroups = [...groups.values()].map(({ key, runs: members }): CurveGroup => {
    const byEpoch = new Map<number, number[]>();
    for (const run of members) {
      for (const point of series.get(run.id) ?? []) {
        if (point.value === null || !Number.isFinite(point.value)) continue;
        const list = byEpoch.get(point.epoch);
        if (list) list.push(point.value);
        else byEpoch.set(point.epoch, [point.value]);
      }
    }
    const epochs = [...byEpoch.keys()].sort((a, b) => a - b);
    const stats = epochs.map((e) => bandBounds(byEpoch.get(e) ?? [], band));
    // The band drawn stays in the metric's range (an accuracy band never past 100 %).
    const range = metricRange(metric);
    return {
      key,
      label: groupLabel(key, members),
      runIds: members.map((r) => r.id),
      epochs,
      mean: stats.map((s) => s.mean),
      lower: stats.map((s) => clipToRange(s.lower, range)),
      upper: stats.map((s) => clipToRange(s.upper, range)),
      n: epochs.map((e) => byEpoch.get(e)?.length ?? 0),
    };
  });
  const runCurves = runs.flatMap((run): RunCurve[] => {
    const points = series.get(run.id) ?? [];
    if (points.length === 0) return [];
    return [
      {
        runId: run.id,
        epochs: points.map((p) => p.epoch),
        values: points.map((p) => (p.value !== null && Number.isFinite(p.value) ? p.value : null)),
        elapsedS: points.map((p) => p.elapsedS),
      },
    ];
  });
  return {
    metric,
    groupBy: [...groupBy],
    band,
    bandLabel: BAND_LABELS[band],
    groups: curveGroups,
    runs: runCurves,
  };
}
