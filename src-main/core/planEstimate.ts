import { createHash } from 'node:crypto';
import { canonicalJson } from '../../src-shared/canonicalJson';
import type { ResolvedRunConfig } from '../../src-shared/domain/runs';
import type { EstimateBasis, PlanEstimate } from '../../src-shared/rpc/plan';
import type { Calibration, RunTiming } from '../store/planning';

/**
 * A plan's wall time on this machine (issue 10). Runs of one kind — the same run kind,
 * strategy, model, domains, label budget, batch size, validation rows and backend preference —
 * are taken to cost the same per epoch whatever their seed, learning rate or strategy
 * parameters. Each planned run's time comes from the completed runs of its kind in the
 * workspace (median seconds per epoch and median start-up), else from a calibration run of its
 * kind, else it is unknown and left out (and counted as such). The runs are then laid out on the
 * machine's trainers as the queue takes them: oldest first, a transfer run not before its source
 * run has ended.
 */

/** The kind of a run, for matching its time: a hash of what its speed depends on. */
export function timingKey(config: ResolvedRunConfig): string {
  const key = canonicalJson({
    kind: config.kind,
    strategy: config.strategy,
    model: config.model,
    domain: config.domain,
    sourceDomain: config.sourceDomain ?? null,
    budget: config.budget,
    batchSize: config.training.batchSize,
    validation: config.training.validation ?? null,
    backend: config.training.backend,
  });
  return createHash('sha256').update(key).digest('hex');
}

export interface RunSpeed {
  startupSeconds: number;
  secondsPerEpoch: number;
  basis: Exclude<EstimateBasis, 'unknown'>;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Speeds by timing key: measured from completed runs, else calibrated. */
export function knownSpeeds(
  timings: readonly RunTiming[],
  calibrations: ReadonlyMap<string, Calibration>,
): Map<string, RunSpeed> {
  const byKey = new Map<string, RunTiming[]>();
  for (const t of timings) {
    const key = timingKey(t.config);
    const list = byKey.get(key) ?? [];
    list.push(t);
    byKey.set(key, list);
  }
  const speeds = new Map<string, RunSpeed>();
  for (const [key, c] of calibrations)
    speeds.set(key, {
      startupSeconds: c.startupSeconds,
      secondsPerEpoch: c.secondsPerEpoch,
      basis: 'calibrated',
    });
  for (const [key, list] of byKey) {
    speeds.set(key, {
      startupSeconds: median(list.map((t) => Math.max(0, t.wallSeconds - t.trainingSeconds))),
      secondsPerEpoch: median(list.map((t) => t.trainingSeconds / t.epochsDone)),
      basis: 'measured',
    });
  }
  return speeds;
}

/** A run of the plan to lay out: its config, and the planned source run it waits for. */
export interface ScheduledRun {
  config: ResolvedRunConfig;
  /** Index (in the list) of the planned source run it waits for; null when none is planned. */
  after: number | null;
}

/**
 * Lays the runs out on `concurrency` trainers in list order (the queue claims the oldest
 * claimable run): each starts when a trainer is free and its source run has ended.
 */
function layOut(
  durations: readonly number[],
  runs: readonly ScheduledRun[],
  concurrency: number,
): number {
  const free = Array.from({ length: concurrency }, () => 0);
  const ends: number[] = [];
  let wall = 0;
  runs.forEach((run, i) => {
    const ready = run.after === null ? 0 : (ends[run.after] ?? 0);
    let slot = 0;
    for (let s = 1; s < free.length; s++) if ((free[s] ?? 0) < (free[slot] ?? 0)) slot = s;
    const start = Math.max(free[slot] ?? 0, ready);
    const end = start + (durations[i] ?? 0);
    free[slot] = end;
    ends[i] = end;
    wall = Math.max(wall, end);
  });
  return wall;
}

export function estimatePlan(
  runs: readonly ScheduledRun[],
  speeds: ReadonlyMap<string, RunSpeed>,
  concurrency: number,
): PlanEstimate {
  const basis: Record<EstimateBasis, number> = { measured: 0, calibrated: 0, unknown: 0 };
  const durations = runs.map((run) => {
    const speed = speeds.get(timingKey(run.config));
    if (!speed) {
      basis.unknown += 1;
      return 0;
    }
    basis[speed.basis] += 1;
    return speed.startupSeconds + run.config.training.epochs * speed.secondsPerEpoch;
  });
  const upperBound = runs.some((r) => r.config.training.earlyStopping !== undefined);
  const parts = [
    basis.measured > 0 ? `${basis.measured} from comparable completed runs` : null,
    basis.calibrated > 0 ? `${basis.calibrated} from calibration runs` : null,
    basis.unknown > 0 ? `${basis.unknown} not estimated (nothing comparable measured yet)` : null,
  ].filter((p): p is string => p !== null);
  return {
    wallSeconds: layOut(durations, runs, concurrency),
    runSeconds: durations.reduce((a, b) => a + b, 0),
    concurrency,
    basis,
    upperBound,
    method:
      `Runs timed on this machine: ${parts.join(', ')}; laid out on ${concurrency} trainer${concurrency === 1 ? '' : 's'}, source runs first` +
      (upperBound ? '; every epoch counted, so early stopping can only make it shorter.' : '.'),
  };
}
