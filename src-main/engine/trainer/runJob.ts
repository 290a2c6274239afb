import { runEnvironment, selectBackend, type SelectedBackend, type Tf } from '../backend';
import type { LoadDataset } from '../data/cache';
import type { RunData } from '../data/domain';
import { loadRunData } from '../data/index';
import { probeTransferability } from '../transferability/probe';
import type { TrainJob, TrainerToParent } from '../protocol';
import { train, type Emit, type TrainResult } from '../train';

/**
 * One job, from backend to outcome, as every trainer runs it: the trainer child process
 * (entry.ts, the local queue) and the cluster worker (cluster/worker.ts, issue 16) share this, so
 * a run on Slurm computes exactly what the same run computes here. It emits 'started', the
 * transferability (or why there is none), then train()'s messages, final one included; a
 * failure before or outside the loop (no backend, bad data, a changed dataset) is thrown for the
 * caller to report as 'failed'.
 */

export interface RunJobOptions {
  /** How datasets are read: a warm trainer passes its cache's (data/cache.ts). */
  load?: LoadDataset;
  /** Called once the backend is up, before any data is read (a warm trainer's tensor baseline). */
  onBackend?: (selected: SelectedBackend) => void;
}

export async function runJob(
  job: TrainJob,
  emit: Emit,
  isCancelled: () => boolean,
  options: RunJobOptions = {},
): Promise<TrainResult> {
  const selected = await selectBackend(job.config.training.backend);
  options.onBackend?.(selected);
  const data = await loadRunData(job, options.load);
  if (job.expectedDataHash !== undefined && job.expectedDataHash !== data.dataHash) {
    throw new Error(
      `The data differs from the original run's: its arrays hash ${data.dataHash.slice(0, 12)}…, ` +
        `the original's ${job.expectedDataHash.slice(0, 12)}… (the dataset changed since); not trained`,
    );
  }
  emit({
    type: 'started',
    environment: runEnvironment(selected),
    dataHash: data.dataHash,
    ...(data.inputAdapter ? { inputAdapter: data.inputAdapter } : {}),
    splitSizes: splitSizes(data),
  });
  if (data.inputAdapter?.kind === 'linear') {
    // The source model cannot read the target's rows before the adapter has learned its map.
    emit({
      type: 'log',
      level: 'info',
      message:
        'Transferability not computed: the target reaches the source model only through a learned input adapter',
    });
  } else if (job.sourceModel !== undefined) {
    await emitTransferability(job.sourceModel, selected.tf, data, emit);
  }
  return train(job, selected.tf, emit, isCancelled, data);
}

/** What the run trains and validates on, in rows (RunDetail.splitSizes). */
function splitSizes(
  data: RunData,
): NonNullable<Extract<TrainerToParent, { type: 'started' }>['splitSizes']> {
  return {
    train: data.train.n,
    val: data.val.n,
    test: data.test.n,
    validationFrom: data.validationFrom,
    ...(data.unlabelled ? { unlabelled: data.unlabelled.n } : {}),
    ...(data.source ? { source: data.source.train.n } : {}),
  };
}

/** Scores the source model on the target before training; a failure is logged, not fatal. */
async function emitTransferability(
  sourceModel: NonNullable<TrainJob['sourceModel']>,
  tf: Tf,
  data: RunData,
  emit: Emit,
): Promise<void> {
  try {
    const { scores, samples } = await probeTransferability(tf, sourceModel, data);
    if (Object.values(scores).every(Number.isFinite)) {
      emit({ type: 'transferability', scores: { ...scores }, samples });
    } else {
      emit({
        type: 'log',
        level: 'warn',
        message: `Transferability not finite: ${JSON.stringify(scores)}`,
      });
    }
  } catch (e) {
    emit({
      type: 'log',
      level: 'warn',
      message: `Transferability not computed: ${e instanceof Error ? e.message : String(e)}`,
    });
  }
}
