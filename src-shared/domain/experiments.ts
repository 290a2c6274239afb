import type { ExperimentSpec } from './experimentSpec';
import type { Budget } from './experimentSpec';
import type { RunStatus, RunSummary, TransferabilityScores } from './runs';
import type { ExperimentPlanRecord, ExperimentTiming } from '../rpc/plan';

export interface ExperimentSummary {
  id: number;
  name: string;
  createdAt: string;
  runCounts: Partial<Record<RunStatus, number>>;
  totalRuns: number;
  /** When it was archived (hidden from the Experiments list by default); null if it is not. */
  archivedAt: string | null;
}

export interface ExperimentDetail extends ExperimentSummary {
  spec: ExperimentSpec;
  runs: RunSummary[];
  transferability: TransferabilitySummary;
  /** The plan recorded when it was created (null for experiments created before issue 10). */
  plan: ExperimentPlanRecord | null;
  /** The real time its runs took, to set beside the plan's estimate. */
  timing: ExperimentTiming;
}

/** One run's source model scored on its target before training, and the gain it then realised. */
export interface TransferabilityItem {
  runId: number;
  strategy: string;
  /** The run's variant (RunSummary.variant). */
  variant: string;
  sourceName: string | null;
  targetName: string;
  budget: Budget;
  seed: number;
  scores: TransferabilityScores;
  testAcc: number | null;
  /** test_acc minus that of scratch on the same target, budget and seed; null until both exist. */
  gain: number | null;
}

/** Kendall's τ-b between a score and the realised gain, over a variant's runs with a gain. */
export interface TransferabilityCorrelation {
  variant: string;
  score: keyof TransferabilityScores;
  /** null when fewer than 3 runs have a gain, or when the scores or gains are all equal. */
  tau: number | null;
  n: number;
  /** Why tau is null beyond too few runs: H-scores of two kinds (unshrunk and shrunk) mixed. */
  note?: string;
}

export interface TransferabilitySummary {
  items: TransferabilityItem[];
  correlations: TransferabilityCorrelation[];
}

/** A spec shipped in resources/examples. */
export interface ExampleSpec {
  id: string;
  title: string;
  description: string;
  spec: ExperimentSpec;
}
