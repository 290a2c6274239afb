import type { StrategyId } from '../../../src-shared/domain/experimentSpec';
import type { ResolvedRunConfig } from '../../../src-shared/domain/runs';

/**
 * Which strategies a crashed run can resume from its last committed epoch (issue 11). A
 * checkpoint (checkpoint.ts) holds what the training loop can capture generically: every weight
 * of the prepared model and every variable the optimizer trains (a DANN domain classifier, a
 * multi-task source head, a FitNets regressor and an input adapter included), the optimizers'
 * state, the batch streams, early stopping and the elapsed time. Everything else a strategy
 * holds must be rebuilt by `prepare` exactly as it was: fixed by the config, the data and the
 * source model (fine-tune's L2-SP anchors, a distillation teacher, importance and KMM weights,
 * which are deterministic functions of the training rows and the seed). A strategy that changes
 * JavaScript-side state while it trains is not resumable, unless its state is captured.
 *
 * Pure, and free of tfjs: the parent process asks it before deciding between resuming and
 * restarting a crashed run.
 */

/** null: resumable; otherwise why not, for the run's log. */
const NOT_RESUMABLE: Record<StrategyId | 'source', string | null> = {
  source: null,
  scratch: null,
  structure: null,
  'fine-tune': null,
  'feature-extraction': null,
  distillation: null,
  'multi-task': null,
  'source-only': null,
  mmd: null,
  coral: null,
  dann: null,
  'importance-weighting': null,
  kmm: null,
  // Its boosting rounds live outside the trained model: the frozen learners that still vote,
  // their β_t and the sample weights, all changed at each epoch's end (endEpoch).
  tradaboost:
    "TrAdaBoost's boosting rounds (earlier learners, their votes and the sample weights) are not checkpointed",
};

/** Why a run with this config cannot resume from a checkpoint, or undefined when it can. */
export function whyNotResumable(config: ResolvedRunConfig): string | undefined {
  const strategy = config.kind === 'source' ? 'source' : config.strategy;
  return NOT_RESUMABLE[strategy] ?? undefined;
}

/** Whether a crashed run with this config can resume from its last committed epoch. */
export function isResumable(config: ResolvedRunConfig): boolean {
  return whyNotResumable(config) === undefined;
}
