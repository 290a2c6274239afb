import type { EpochMetrics, FinalMetrics, RunStatus } from './runs';

/**
 * Whether a re-run reproduced its original (issue 10, `transferlab rerun --check`):
 * - `exact`: every per-epoch and final metric is bitwise equal (what the same seed on the same
 *   backend gives: the engine draws every random number from the seed);
 * - `within-tolerance`: another backend, and every value within REPRODUCTION_TOLERANCE of the
 *   original, relatively (float32 kernels of two backends round differently, and training
 *   amplifies it);
 * - `differs`: the first epoch and metric where they differ are named;
 * - `pending`: the re-run has not finished; `incomparable`: one of them did not complete.
 */
export type ReproductionOutcome =
  'exact' | 'within-tolerance' | 'differs' | 'pending' | 'incomparable';

/** The largest relative difference accepted between backends: 1 %. */
export const REPRODUCTION_TOLERANCE = 0.01;

export interface MetricDifference {
  /** An epoch, or 'final' for the final metrics. */
  epoch: number | 'final';
  metric: string;
  /** null: not finite, or absent in that run. */
  original: number | null;
  rerun: number | null;
}

export interface Reproduction {
  originalRunId: number;
  rerunRunId: number;
  outcome: ReproductionOutcome;
  backends: { original: string | null; rerun: string | null };
  sameBackend: boolean;
  /** Whether both trained and were evaluated on the same arrays; null when one is unknown. */
  sameData: boolean | null;
  /** The largest relative difference over every compared value (0 when exact). */
  maxRelativeDifference: number | null;
  tolerance: number;
  firstDifference: MetricDifference | null;
  /** One sentence for the run page and the CLI. */
  message: string;
}

export interface ReproducedRun {
  id: number;
  status: RunStatus;
  backend: string | null;
  dataHash: string | null;
  metrics: readonly EpochMetrics[];
  finalMetrics: FinalMetrics | null;
}

type Value = number | null | undefined;

function relativeDifference(a: Value, b: Value): number {
  if (a === b) return 0;
  if (a === null || a === undefined || b === null || b === undefined) return Infinity;
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), Number.MIN_VALUE);
}

/** Every compared value pair, epochs in order, then the final metrics. */
function pairs(original: ReproducedRun, rerun: ReproducedRun): MetricDifference[] {
  const out: MetricDifference[] = [];
  const byEpoch = (run: ReproducedRun): Map<number, EpochMetrics['values']> =>
    new Map(run.metrics.map((m) => [m.epoch, m.values]));
  const a = byEpoch(original);
  const b = byEpoch(rerun);
  const epochs = [...new Set([...a.keys(), ...b.keys()])].sort((x, y) => x - y);
  const row = (
    epoch: number | 'final',
    x: Record<string, number | null> | undefined,
    y: Record<string, number | null> | undefined,
  ): void => {
    const names = [...new Set([...Object.keys(x ?? {}), ...Object.keys(y ?? {})])].sort();
    for (const metric of names)
      out.push({ epoch, metric, original: x?.[metric] ?? null, rerun: y?.[metric] ?? null });
    // A metric absent on one side shows as null there; an epoch one run lacks, as all nulls.
    if (names.length === 0 && (x === undefined) !== (y === undefined))
      out.push({ epoch, metric: '(epoch)', original: null, rerun: null });
  };
  for (const epoch of epochs) row(epoch, a.get(epoch), b.get(epoch));
  row('final', original.finalMetrics ?? undefined, rerun.finalMetrics ?? undefined);
  return out;
}

function describeValue(v: number | null): string {
  return v === null ? 'none' : String(v);
}

export function compareReproduction(original: ReproducedRun, rerun: ReproducedRun): Reproduction {
  const backends = { original: original.backend, rerun: rerun.backend };
  const sameBackend = original.backend !== null && original.backend === rerun.backend;
  const sameData =
    original.dataHash === null || rerun.dataHash === null
      ? null
      : original.dataHash === rerun.dataHash;
  const base = {
    originalRunId: original.id,
    rerunRunId: rerun.id,
    backends,
    sameBackend,
    sameData,
    tolerance: REPRODUCTION_TOLERANCE,
  };
  if (rerun.status === 'queued' || rerun.status === 'running') {
    return {
      ...base,
      outcome: 'pending',
      maxRelativeDifference: null,
      firstDifference: null,
      message: `Re-run #${rerun.id} has not finished yet.`,
    };
  }
  if (original.status !== 'completed' || rerun.status !== 'completed') {
    return {
      ...base,
      outcome: 'incomparable',
      maxRelativeDifference: null,
      firstDifference: null,
      message: `Not compared: run #${original.id} ended ${original.status} and re-run #${rerun.id} ended ${rerun.status}.`,
    };
  }
  if (sameData === false) {
    return {
      ...base,
      outcome: 'differs',
      maxRelativeDifference: null,
      firstDifference: null,
      message: `Re-run #${rerun.id} trained on other data than run #${original.id} (its data hash differs).`,
    };
  }
  const compared = pairs(original, rerun);
  let max = 0;
  let first: MetricDifference | null = null;
  for (const p of compared) {
    const d = relativeDifference(p.original, p.rerun);
    // Bitwise: Object.is tells -0 from 0 and equal NaNs apart from nulls (stored as null anyway).
    const differs = !Object.is(p.original, p.rerun) || p.metric === '(epoch)';
    if (differs && first === null) first = p;
    if (differs) max = Math.max(max, d === 0 ? Number.MIN_VALUE : d);
  }
  if (first === null) {
    return {
      ...base,
      outcome: 'exact',
      maxRelativeDifference: 0,
      firstDifference: null,
      message: `Reproduced exactly: every per-epoch and final metric of re-run #${rerun.id} equals run #${original.id}'s, bit for bit${sameBackend ? '' : ` (backends ${backends.original ?? '?'} and ${backends.rerun ?? '?'})`}.`,
    };
  }
  const where =
    first.epoch === 'final'
      ? `the final ${first.metric}`
      : first.metric === '(epoch)'
        ? `epoch ${first.epoch} (in one run only)`
        : `epoch ${first.epoch}, ${first.metric}`;
  const at = `first at ${where}: ${describeValue(first.original)} → ${describeValue(first.rerun)}`;
  if (!sameBackend && max <= REPRODUCTION_TOLERANCE) {
    return {
      ...base,
      outcome: 'within-tolerance',
      maxRelativeDifference: max,
      firstDifference: first,
      message: `Within tolerance: another backend (${backends.original ?? '?'} → ${backends.rerun ?? '?'}); the largest relative difference is ${max.toPrecision(3)} (tolerance ${REPRODUCTION_TOLERANCE}).`,
    };
  }
  return {
    ...base,
    outcome: 'differs',
    maxRelativeDifference: Number.isFinite(max) ? max : null,
    firstDifference: first,
    message: `Differs from run #${original.id}, ${at}${sameBackend ? ' (same backend)' : ''}.`,
  };
}
