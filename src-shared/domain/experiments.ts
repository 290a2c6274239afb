import type { ExperimentSpec } from './experimentSpec';
import type { RunStatus, RunSummary } from './runs';

export interface ExperimentSummary {
  id: number;
  name: string;
  createdAt: string;
  runCounts: Partial<Record<RunStatus, number>>;
  totalRuns: number;
}

export interface ExperimentDetail extends ExperimentSummary {
  spec: ExperimentSpec;
  runs: RunSummary[];
}

/** A spec shipped in resources/examples. */
export interface ExampleSpec {
  id: string;
  title: string;
  description: string;
  spec: ExperimentSpec;
}
