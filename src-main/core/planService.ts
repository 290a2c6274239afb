import type { TrainerLauncher } from './runQueue';
import type {
  ExperimentPlanRecord,
  PlanEstimate,
  PlanSummary,
  PlannedVariant,
} from '../../src-shared/rpc/plan';
import type { Db } from '../store/db';
import { nowIso } from '../store/json';
import {
  readCalibrations,
  readRunTimings,
  saveCalibration,
  type Calibration,
} from '../store/planning';
import { findReusableSourceRun, runStatus } from '../store/runs';
import type { ExperimentPlan, PlannedTransferRun } from './experimentPlan';
import { estimatePlan, knownSpeeds, timingKey, type ScheduledRun } from './planEstimate';
import { buildTrainJob } from './trainJob';

/**
 * What a plan will queue and how long it will take (issue 10), from the plan createExperiment
 * queues (experimentPlan.ts), so the count the designer and `transferlab plan` show is the count
 * queued. Source runs with the config of one completed or queued elsewhere are reused, as
 * createExperiment reuses them; so is a source run the plan lists twice.
 */

interface PlanLayout {
  summary: Omit<PlanSummary, 'estimate' | 'estimateNote'>;
  /** The runs creating the experiment queues, in queue order, with their dependencies. */
  scheduled: ScheduledRun[];
  /** Reused source runs by plan key (their model is, or will be, there). */
  reusedByKey: Map<string, number>;
}

function layoutOf(db: Db, plan: ExperimentPlan): PlanLayout {
  const reusedSourceRuns: PlanSummary['reusedSourceRuns'] = [];
  const reusedByKey = new Map<string, number>();
  const scheduled: ScheduledRun[] = [];
  const sourceIndex = new Map<string, number>();
  const planned = new Map<string, number>();
  for (const s of plan.sourceRuns) {
    const existing = findReusableSourceRun(db, s.configHash);
    if (existing !== undefined) {
      reusedByKey.set(s.key, existing);
      reusedSourceRuns.push({
        runId: existing,
        status: runStatus(db, existing)?.status ?? 'queued',
        sourceName: s.domain.spec.name,
        seed: s.config.seed,
      });
      continue;
    }
    const twin = planned.get(s.configHash);
    if (twin !== undefined) {
      sourceIndex.set(s.key, twin);
      continue;
    }
    planned.set(s.configHash, scheduled.length);
    sourceIndex.set(s.key, scheduled.length);
    scheduled.push({ config: s.config, after: null });
  }
  const newSourceRuns = scheduled.length;
  for (const t of plan.transferRuns) {
    const after = t.sourceRunKey === null ? null : (sourceIndex.get(t.sourceRunKey) ?? null);
    scheduled.push({ config: t.config, after });
  }
  const runsPerVariant = new Map<string, number>();
  for (const t of plan.transferRuns)
    runsPerVariant.set(t.variant, (runsPerVariant.get(t.variant) ?? 0) + 1);
  const variants: PlannedVariant[] = plan.variants.map((v) => ({
    entry: v.entry,
    strategy: v.strategy,
    label: v.label,
    swept: v.swept,
    runs: runsPerVariant.get(v.label) ?? 0,
  }));
  return {
    summary: {
      sourceRuns: plan.sourceRuns.length,
      reusedSourceRuns,
      newSourceRuns,
      transferRuns: plan.transferRuns.length,
      queuedRuns: newSourceRuns + plan.transferRuns.length,
      variants,
    },
    scheduled,
    reusedByKey,
  };
}

/** The strategies a plan's runs use (`source` for source runs). */
function strategiesOf(runs: readonly ScheduledRun[]): string[] {
  return [...new Set(runs.map((r) => r.config.strategy))];
}

function noteOf(estimate: PlanEstimate | null, asked: string): string | null {
  if (estimate === null) return asked === 'none' ? 'No estimate asked for.' : null;
  if (estimate.basis.unknown === 0) return null;
  return (
    `${estimate.basis.unknown} of the runs have nothing comparable measured in this workspace ` +
    'and are left out of the estimate; a calibration times a short real run of each kind.'
  );
}

/** The plan summary with an estimate from what this workspace has measured (no new run). */
export function summarisePlan(
  db: Db,
  plan: ExperimentPlan,
  o: { concurrency: number; estimate?: 'none' | 'history' },
): PlanSummary {
  const { summary, scheduled } = layoutOf(db, plan);
  const computed =
    o.estimate === 'none'
      ? null
      : estimatePlan(
          scheduled,
          knownSpeeds(readRunTimings(db, strategiesOf(scheduled)), readCalibrations(db)),
          o.concurrency,
        );
  // Nothing measured at all is no estimate (not "0 s").
  const estimate =
    computed !== null && computed.basis.unknown === scheduled.length && scheduled.length > 0
      ? null
      : computed;
  const note =
    computed !== null && estimate === null
      ? 'No run of this plan has anything comparable measured in this workspace yet; a calibration times a short real run of each kind.'
      : noteOf(estimate, o.estimate ?? 'history');
  return { ...summary, estimate, estimateNote: note };
}

/** What is recorded with the experiment, to be shown beside the real time. */
export function planRecord(summary: PlanSummary): ExperimentPlanRecord {
  return {
    plannedAt: nowIso(),
    queuedRuns: summary.queuedRuns,
    sourceRuns: summary.sourceRuns,
    reusedSourceRuns: summary.reusedSourceRuns.length,
    transferRuns: summary.transferRuns,
    variants: summary.variants.length,
    estimate: summary.estimate,
  };
}

/** Batches and seconds a calibration trains before it stops, whichever comes first. */
export const CALIBRATION_LIMITS = { maxBatches: 40, maxSeconds: 4 } as const;

export interface CalibrationProgress {
  done: number;
  total: number;
  /** What was just timed, or failed to be. */
  message: string;
}

/**
 * Times one short real run of every kind of planned run that nothing in the workspace has
 * measured yet (planEstimate.ts timingKey), `concurrency` at a time, and records the speeds so
 * later plans reuse them. A run that needs a source model not trained yet is timed on a freshly
 * initialised model of the same architecture. Returns the problems met (a failed calibration
 * leaves its runs unestimated, never the plan refused).
 */
export async function calibratePlan(
  db: Db,
  workspaceDir: string,
  plan: ExperimentPlan,
  o: {
    launch: TrainerLauncher;
    concurrency: number;
    onProgress?: (p: CalibrationProgress) => void;
  },
): Promise<string[]> {
  const { scheduled, reusedByKey } = layoutOf(db, plan);
  const speeds = knownSpeeds(readRunTimings(db, strategiesOf(scheduled)), readCalibrations(db));
  const byRun = new Map<ScheduledRun['config'], PlannedTransferRun>(
    plan.transferRuns.map((t) => [t.config, t]),
  );
  const pending = new Map<string, ScheduledRun>();
  for (const run of scheduled) {
    const key = timingKey(run.config);
    if (!speeds.has(key) && !pending.has(key)) pending.set(key, run);
  }
  const jobs = [...pending.entries()];
  const problems: string[] = [];
  let done = 0;
  const calibrateOne = async ([key, run]: [string, ScheduledRun]): Promise<void> => {
    const planned = byRun.get(run.config);
    const reused = planned?.sourceRunKey ? reusedByKey.get(planned.sourceRunKey) : undefined;
    const usable = reused !== undefined && runStatus(db, reused)?.status === 'completed';
    const name =
      run.config.kind === 'source'
        ? `source run on ${run.config.domain.name}`
        : `${planned?.variant ?? run.config.strategy} on ${run.config.domain.name}, budget ${String(run.config.budget)}`;
    try {
      const job = buildTrainJob(db, workspaceDir, {
        id: 0,
        config: run.config,
        dependsOn: usable ? reused : null,
      });
      const needsModel = planned?.sourceRunKey !== null && planned?.sourceRunKey !== undefined;
      const untrained =
        needsModel && !usable && planned.source
          ? (planned.source.spec.classes ?? planned.source.dataset.classes).length
          : undefined;
      const measured = await runCalibration(o.launch, {
        ...job,
        saveModel: false,
        calibrate: {
          ...CALIBRATION_LIMITS,
          ...(untrained !== undefined ? { untrainedSourceClasses: untrained } : {}),
        },
      });
      saveCalibration(db, key, measured);
      done += 1;
      o.onProgress?.({ done, total: jobs.length, message: `timed ${name}` });
    } catch (e) {
      done += 1;
      const problem = `Could not time ${name}: ${e instanceof Error ? e.message : String(e)}`;
      problems.push(problem);
      o.onProgress?.({ done, total: jobs.length, message: problem });
    }
  };
  const queue = [...jobs];
  const workers = Array.from({ length: Math.max(1, o.concurrency) }, async () => {
    for (let next = queue.shift(); next; next = queue.shift()) await calibrateOne(next);
  });
  await Promise.all(workers);
  return problems;
}

/**
 * Runs one calibration job in a trainer and returns the speed it measured. The start-up is what
 * the parent waited beyond what the trainer timed after its first batch (the process, the
 * backend, the data, the model), plus the final evaluation every run ends with.
 */
async function runCalibration(
  launch: TrainerLauncher,
  job: Parameters<TrainerLauncher>[0],
): Promise<Calibration> {
  let measured: Calibration | undefined;
  let failure: string | undefined;
  const launchedAt = performance.now();
  const handle = launch(job, (m) => {
    if (m.type === 'calibration') {
      const waited = (performance.now() - launchedAt) / 1000;
      measured = {
        startupSeconds: Math.max(0, waited - m.timedSeconds) + m.finalSeconds,
        secondsPerEpoch: m.batchesPerEpoch * m.secondsPerBatch + m.evalSecondsPerEpoch,
        backend: m.backend,
      };
    }
    if (m.type === 'failed') failure = m.error;
  });
  const exit = await handle.done;
  if (measured) return measured;
  throw new Error(failure ?? exit.error ?? `the trainer ended ${exit.status} without timings`);
}
