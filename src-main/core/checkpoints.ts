import { join } from 'node:path';
import type { ResolvedRunConfig } from '../../src-shared/domain/runs';
import { latestCheckpointEpochs, removeCheckpoints } from '../engine/checkpointFiles';
import { whyNotResumable } from '../engine/strategies/resumable';

export { removeCheckpoints };

/** Where a run's trainer keeps its per-epoch checkpoints while the run is unfinished. */
export function checkpointDir(workspaceDir: string, runId: number): string {
  return join(workspaceDir, 'checkpoints', String(runId));
}

/** How a claimed run starts: afresh, from its last committed epoch, or again from the start. */
export type ResumePlan =
  | { action: 'fresh'; resumable: boolean }
  | { action: 'resume'; resumable: true; epoch: number; message: string }
  | { action: 'restart'; resumable: boolean; message: string };

/**
 * A run with committed epochs was interrupted (its process died, or was closed). It resumes from
 * the checkpoint of exactly the epoch the database holds last (the trainer keeps that one and
 * the next), so the stored curve and the model state always agree; without such a checkpoint it
 * starts again and its epochs are cleared, so epochs-done always equals the epochs stored.
 */
export function planResume(
  config: ResolvedRunConfig,
  dir: string,
  committedEpochs: number,
): ResumePlan {
  const why = whyNotResumable(config);
  const resumable = why === undefined;
  if (committedEpochs === 0) return { action: 'fresh', resumable };
  const done = `${committedEpochs} committed epoch${committedEpochs === 1 ? '' : 's'}`;
  if (!resumable)
    return {
      action: 'restart',
      resumable,
      message: `Restarted from epoch 1 after an interruption (${why}): its ${done} were cleared and are trained again.`,
    };
  if (!latestCheckpointEpochs(dir).includes(committedEpochs))
    return {
      action: 'restart',
      resumable,
      message: `Restarted from epoch 1 after an interruption: no checkpoint of epoch ${committedEpochs} was found, so its ${done} were cleared and are trained again.`,
    };
  return {
    action: 'resume',
    resumable,
    epoch: committedEpochs,
    message: `Resuming after an interruption from the checkpoint of epoch ${committedEpochs}.`,
  };
}
