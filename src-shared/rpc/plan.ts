import { z } from 'zod';
import { ImportIdSchema } from './datasets';
import type { RunStatus } from '../domain/runs';
import type { StrategyId, SweepValue } from '../domain/strategyEntry';

/**
 * Plans and re-runs (issue 10). A plan is what a spec will queue, computed before anything is
 * queued by the same code that creates the experiment (so the count shown is the count queued),
 * with an estimate of its wall time on this machine. Re-runs start new runs with the identical
 * resolved config of past runs and check whether they reproduce.
 */

export const PlanInputSchema = z
  .object({
    spec: z.unknown(),
    /**
     * How the wall time is estimated: `history` from the measured speed of comparable completed
     * runs in this workspace (and earlier calibrations); `calibrate` also times a short real run
     * of every kind of run nothing comparable has measured yet (a few seconds each); `none` skips it.
     */
    estimate: z.enum(['none', 'history', 'calibrate']).default('history'),
    /** A client's own name for this request, echoed by its `plan.calibration` events. */
    requestId: ImportIdSchema.optional(),
  })
  .strict();
export type PlanInput = z.input<typeof PlanInputSchema>;

export interface PlannedVariant {
  /** Index of its entry in the spec's `strategies`. */
  entry: number;
  strategy: StrategyId;
  label: string;
  /** Its swept values, for variants of a sweep. */
  swept: Record<string, SweepValue> | null;
  /** Transfer runs it adds. */
  runs: number;
}

/** How one planned run's time was known. */
export const EstimateBasisSchema = z.enum(['measured', 'calibrated', 'unknown']);
export type EstimateBasis = z.infer<typeof EstimateBasisSchema>;

export const PlanEstimateSchema = z.object({
  /** Estimated wall time: the runs laid out on this machine's trainers, sources first. */
  wallSeconds: z.number().nonnegative(),
  /** The runs' seconds added up (one trainer). */
  runSeconds: z.number().nonnegative(),
  /** Trainers that run at once on this machine (Settings). */
  concurrency: z.int().positive(),
  /** Planned runs by how their time was estimated; `unknown` ones are left out of the sums. */
  basis: z.object({
    measured: z.int().nonnegative(),
    calibrated: z.int().nonnegative(),
    unknown: z.int().nonnegative(),
  }),
  /** Early stopping may end runs before their last epoch: the estimate is then an upper bound. */
  upperBound: z.boolean(),
  /** One sentence saying how it was computed. */
  method: z.string(),
});
export type PlanEstimate = z.infer<typeof PlanEstimateSchema>;

export interface PlanSummary {
  /** Source runs the plan needs, trained now or reused. */
  sourceRuns: number;
  /** Source runs of earlier experiments with the same config, whose models are reused. */
  reusedSourceRuns: { runId: number; status: RunStatus; sourceName: string; seed: number }[];
  newSourceRuns: number;
  transferRuns: number;
  /** What creating the experiment queues: new source runs plus transfer runs. */
  queuedRuns: number;
  variants: PlannedVariant[];
  estimate: PlanEstimate | null;
  /** Why there is no estimate, or what it leaves out. */
  estimateNote: string | null;
}

/** The plan as recorded with an experiment when it was created, shown beside the real time. */
export const ExperimentPlanRecordSchema = z.object({
  plannedAt: z.string(),
  queuedRuns: z.int().nonnegative(),
  sourceRuns: z.int().nonnegative(),
  reusedSourceRuns: z.int().nonnegative(),
  transferRuns: z.int().nonnegative(),
  variants: z.int().nonnegative(),
  estimate: PlanEstimateSchema.nullable(),
});
export type ExperimentPlanRecord = z.infer<typeof ExperimentPlanRecordSchema>;

/** The real time an experiment's runs took: first start to last end. */
export interface ExperimentTiming {
  startedAt: string | null;
  finishedAt: string | null;
  /** Null until every run has ended. */
  wallSeconds: number | null;
  /** Runs still queued or running. */
  unfinished: number;
}

export const RerunInputSchema = z
  .object({ ids: z.array(z.int().positive()).min(1).max(500) })
  .strict();

export interface RerunResult {
  /** Each original run and the new run that re-runs it. */
  pairs: { original: number; rerun: number }[];
  experimentIds: number[];
}
