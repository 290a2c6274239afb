/**
 * Instance weights for source samples: reweight the source so that it looks like the target,
 * then train on the weighted source loss Σ_i w_i·ℓ(x_i, y_i). Under covariate shift the ideal
 * weight is the density ratio w(x) = p_T(x)/p_S(x) (Shimodaira 2000, "Improving predictive
 * inference under covariate shift by weighting the log-likelihood function"). Three estimators,
 * one file each (each with its formula and source):
 *
 * (a) classifierWeights.ts: from a probabilistic domain classifier (Bickel, Brückner and
 *     Scheffer 2007, "Discriminative learning for differing training and test distributions",
 *     ICML), w = p(target|x)/p(source|x)·n_S/n_T, clipped and normalised to mean 1.
 *
 * (b) kmm.ts: kernel mean matching (Huang, Smola, Gretton, Borgwardt and Schölkopf 2007,
 *     "Correcting Sample Selection Bias by Unlabeled Data", NIPS 19), the quadratic program
 *         minimise ½βᵀKβ − κᵀβ   subject to β_i ∈ [0, B], |Σ_i β_i − n_S| ≤ n_S·ε.
 *
 * (c) trAdaBoost.ts: TrAdaBoost (Dai, Yang, Xue and Yu 2007, "Boosting for Transfer Learning",
 *     ICML), Algorithm 1: boosting in which misclassified source samples lose weight and
 *     misclassified target samples gain weight.
 *
 * weighting.ts holds the checks they share.
 */
export {
  DEFAULT_WEIGHT_CLIP,
  domainClassifierWeights,
  importanceWeightsFromLogits,
  importanceWeightsFromProbabilities,
  type DomainClassifierOptions,
  type DomainClassifierWeights,
} from './classifierWeights';
export {
  kmmWeights,
  projectOntoBoxAndSum,
  solveKmm,
  type KmmOptions,
  type KmmProblem,
  type KmmResult,
} from './kmm';
export {
  misclassified,
  normalizeWeights,
  trAdaBoostHypothesisWeights,
  trAdaBoostPredict,
  trAdaBoostSourceBeta,
  trAdaBoostUpdate,
  trAdaBoostVote,
  type TrAdaBoostRound,
} from './trAdaBoost';
