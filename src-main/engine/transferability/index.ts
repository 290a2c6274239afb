import { hScoreDetails, type HScoreOptions } from './hscore';
import type { LabelsInput, MatrixInput } from './inputs';
import { leep } from './leep';
import { logMe, type LogMeOptions } from './logme';
import { nce } from './nce';

/**
 * Transferability before training (issue 3, point 8): scores that predict, from a source model's
 * outputs on the target data alone, how well that model will transfer, so that the experiment
 * designer can show them beside each source→target pair before anything is trained.
 *
 * The caller runs the source model once over the target training inputs and passes
 * - `probs`: its class probabilities θ(x) (n×Z, softmax rows; engine/model.ts `probabilities`),
 *   for LEEP (Nguyen et al. 2020) and NCE (Tran et al. 2019), which need a classifier head;
 * - `features`: its penultimate activations f(x) (n×D), for H-score (Bao et al. 2019) and LogME
 *   (You et al. 2021), which read the representation;
 * - `labels`: the target labels, 0..K−1.
 * Everything here is a pure float64 function of those numbers. For all four, higher means more
 * transferable; values are comparable across source models on the same target data, not across
 * targets. Once runs finish, `kendallTauB(scores, realisedGains)` says how well a score ranked
 * the pairs.
 *
 * The H-score computed here is by default the shrunk H-score of Ibrahim, Ponomareva and Mazumder
 * 2022, with the Ledoit–Wolf λ (hscore.ts, ledoitWolf.ts): with few labels the target rows are
 * fewer than the features (5 per class, 576 features), and Bao et al.'s H-score is then pinned at
 * its maximum K − 1 for every source model (issue 14). `features` (d) and `hScoreShrinkage` (λ)
 * come with the scores so that a reader can tell when n < d.
 */

export type { FlatMatrix, LabelsInput, MatrixInput, MatrixRows } from './inputs';
export { eepClassifier, leep, type EepClassifier, type TargetClassOptions } from './leep';
export { nce, nceFromSourceLabels } from './nce';
export { hScore, hScoreDetails, type HScoreOptions, type HScoreResult } from './hscore';
export { ledoitWolfShrinkage } from './ledoitWolf';
export {
  logMe,
  logMeDetails,
  type LogMeClassEvidence,
  type LogMeOptions,
  type LogMeResult,
} from './logme';
export { kendallTau, kendallTauB, type KendallTau } from './rankCorrelation';

export interface TransferabilityInput {
  /** Source-model class probabilities on the target samples, n×Z. */
  readonly probs: MatrixInput;
  /** Source-model penultimate features on the same samples, n×D. */
  readonly features: MatrixInput;
  /** Target labels, n integers in 0..numTargetClasses−1. */
  readonly labels: LabelsInput;
  readonly numTargetClasses: number;
  /** Passed to hScore; `shrinkage` defaults to 'ledoit-wolf' here (0 gives Bao et al.'s). */
  readonly hScore?: Omit<HScoreOptions, 'numTargetClasses'>;
  /** Passed to logMe; the defaults reproduce the reference implementation. */
  readonly logMe?: Omit<LogMeOptions, 'numTargetClasses'>;
}

export interface TransferabilityScores {
  /** LEEP: the EEP classifier's mean log-likelihood, ≤ 0. */
  readonly leep: number;
  /** NCE: −H(Y | Z) with Z the source's arg-max class, ≤ 0. */
  readonly nce: number;
  /**
   * H-score: tr(cov_λ(f)⁺ (1 − λ) cov(E[f | y])), in [0, K − 1]; by default λ is Ledoit–Wolf's
   * (Ibrahim et al. 2022), λ = 0 being Bao et al.'s tr(cov(f)⁺ cov(E[f | y])).
   */
  readonly hScore: number;
  /** LogME: mean per-sample log evidence of a Bayesian linear model per class. */
  readonly logMe: number;
  /** d, the width of the features: with fewer rows than this, cov(f) is singular. */
  readonly features: number;
  /** The λ the H-score used (0: not shrunk). */
  readonly hScoreShrinkage: number;
}

/** All four scores for one source model on one target data set, with what they rest on. */
export function transferabilityScores(input: TransferabilityInput): TransferabilityScores {
  const { probs, features, labels, numTargetClasses } = input;
  const rowsOf = (m: MatrixInput) => ('data' in m ? m.rows : m.length);
  if (rowsOf(probs) !== rowsOf(features)) {
    throw new Error(
      `probs has ${rowsOf(probs)} rows but features has ${rowsOf(features)}: ` +
        'both must come from the same target samples',
    );
  }
  const h = hScoreDetails(features, labels, {
    ...input.hScore,
    shrinkage: input.hScore?.shrinkage ?? 'ledoit-wolf',
    numTargetClasses,
  });
  return {
    leep: leep(probs, labels, { numTargetClasses }),
    nce: nce(probs, labels, { numTargetClasses }),
    hScore: h.score,
    logMe: logMe(features, labels, { ...input.logMe, numTargetClasses }),
    features: 'data' in features ? features.cols : (features[0]?.length ?? 0),
    hScoreShrinkage: h.shrinkage,
  };
}
