import { z } from 'zod';
import { ExperimentSpecSchema, type Budget } from '../domain/experimentSpec';
import type { TransferabilityProbeScores } from '../domain/runs';

/**
 * Transferability before launch ('transferability.estimate'): the designer sends its draft spec
 * and gets, for each source→target pair, LEEP, NCE, H-score and LogME of a source model already
 * trained with the same settings, or why there are none yet. Nothing is created.
 */

/** A source→target pair by its indices in the spec's `sources` and `targets`. */
export const EstimatePairSchema = z
  .object({ source: z.int().min(0).max(19), target: z.int().min(0).max(19) })
  .strict();
export type EstimatePair = z.infer<typeof EstimatePairSchema>;

export const TransferabilityEstimateInputSchema = z
  .object({
    spec: ExperimentSpecSchema,
    /** The pairs to score; every source × target pair when omitted. */
    pairs: z.array(EstimatePairSchema).min(1).max(400).optional(),
  })
  .strict();

/** One pair's answer; a pair that cannot be scored says why, without failing the others. */
export type PairEstimate =
  | {
      status: 'scored';
      scores: TransferabilityProbeScores;
      /** The labelled target rows scored on. */
      samples: number;
      /** The source run whose model was scored; null for an imported model (`modelId`). */
      sourceRunId: number | null;
      /** The imported model scored (issue 13), when the source names one. */
      modelId: number | null;
    }
  | {
      status: 'no-source-model';
      message: string;
      /** A queued or running source run with these settings, whose model will do once trained. */
      sourceRunId: number | null;
    }
  /** Nothing to score with these settings (budget 0, different input shapes). */
  | { status: 'unavailable'; message: string }
  /** Scoring was attempted and failed. */
  | { status: 'error'; message: string };

/**
 * The budget whose labelled target rows are scored: the most labels the spec gives a transfer
 * run ('all' above any number), so the estimate rests on as many rows as the experiment has.
 */
export function scoringBudget(budgets: readonly Budget[]): Budget {
  if (budgets.includes('all')) return 'all';
  return Math.max(0, ...budgets.map((b) => (b === 'all' ? 0 : b)));
}

export interface TransferabilityPairEstimate {
  source: number;
  target: number;
  sourceName: string;
  targetName: string;
  /** The label budget and seed whose labelled target rows are scored (largest budget, first seed). */
  budget: Budget;
  seed: number;
  estimate: PairEstimate;
}

export interface TransferabilityEstimate {
  pairs: TransferabilityPairEstimate[];
}
