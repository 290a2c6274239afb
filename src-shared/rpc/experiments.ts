import { z } from 'zod';

/**
 * Keeping the Experiments list usable at scale (issue 14, point 5): archiving an experiment hides
 * it from the list and keeps everything; deleting it first shows exactly what would go.
 */

export const ExperimentUpdateInputSchema = z
  .object({
    id: z.int().positive(),
    /** Archived experiments leave the list (a toggle shows them) and keep their runs. */
    archived: z.boolean(),
  })
  .strict();
export type ExperimentUpdate = z.infer<typeof ExperimentUpdateInputSchema>;

/** Runs of another experiment that start from this experiment's source runs. */
export interface ExperimentDependants {
  experimentId: number;
  name: string;
  runIds: number[];
}

/**
 * What deleting an experiment would remove, and what stops it. Deleting is refused while `active`
 * or `dependants` is not empty; `reports` only warns (those reports stay but can no longer be
 * regenerated from the database).
 */
export interface ExperimentDeletePreview {
  experimentId: number;
  name: string;
  runs: number;
  /** Per-epoch metric values (one per run, epoch and metric name). */
  metricValues: number;
  logLines: number;
  /** Model folders removed with the runs: those no run outside this experiment still uses. */
  models: { folders: number; bytes: number };
  /** Model folders these runs kept that stay, because another run or imported model uses them. */
  sharedModelFolders: number;
  /** Runs queued or running: cancel them first. */
  active: { id: number; status: 'queued' | 'running' }[];
  dependants: ExperimentDependants[];
  /** Saved reports that compared some of these runs. */
  reports: number;
}

export interface ExperimentDeleteResult {
  experimentId: number;
  deletedRuns: number[];
  /** Model folders removed after the rows were gone. */
  artifactsRemoved: number;
}
