/**
 * Building blocks of the feature-based and instance-based transfer strategies (issue 3, items 5
 * and 6). Each is a pure function: tensors in, tensors out for the losses (so the training loop
 * differentiates through them), arrays in, arrays out for the sample weights. None keeps a
 * tensor: what they return is the caller's to dispose.
 *
 * How a strategy uses them:
 *
 * - **MMD (DAN)**: take a layer's activations on a source batch and a target batch (unlabelled
 *   target rows are enough) inside the gradient tape, and add λ·mmd2(tf, hSource, hTarget) to the
 *   label loss. Several adapted layers add one term each, as DAN does for fc6–fc8. The default
 *   median bandwidth reads the distances back once per call (cheap on cpu and wasm);
 *   { bandwidth: 'mean' } stays on the device.
 * - **CORAL**: the same, with λ·coralLoss(tf, hSource, hTarget); Sun and Saenko pick λ so the
 *   classification and CORAL losses are about equal at the end of training.
 * - **DANN**: a small domain classifier G_d (e.g. Dense–ReLU–Dense(1)) whose variables join the
 *   trainable ones; add dannDomainLoss(tf, hSource, hTarget, x => G_d.apply(x), λ_p) to the label
 *   loss, with λ_p = dannLambda(step/totalSteps) (and optionally the learning rate of
 *   dannLearningRate). One minimisation trains G_d to separate the domains and, through
 *   gradientReversal, the features to confuse it.
 * - **Instance weighting**: before training, compute one weight per source row from the inputs or
 *   a source model's features: domainClassifierWeights (a logistic-regression domain classifier,
 *   deterministic; its `accuracy` is worth logging: near chance means nothing to correct) or
 *   kmmWeights (at most KMM_MAX_ROWS rows, src-shared: subsample). Then train on the weighted mean
 *   cross-entropy Σ w_i·ℓ_i / Σ w_i of source batches (tf.losses.softmaxCrossEntropy and
 *   sigmoidCrossEntropy take per-sample weights). With a classifier trained elsewhere,
 *   importanceWeightsFromLogits turns its logits into the same weights.
 * - **TrAdaBoost** (a few target labels): start from w = 1 over source then target rows; each
 *   round train a learner on p = normalizeWeights(w), compute misclassified(pred, y) on all rows,
 *   then trAdaBoostUpdate(w, errors, nSource, rounds) gives the next w and β_t. At the end,
 *   trAdaBoostVote(betaTs, predictions, k) (or trAdaBoostPredict for the paper's binary rule)
 *   combines the second half of the rounds.
 */
export {
  DEFAULT_BANDWIDTH_MULTIPLIERS,
  baseBandwidth,
  featureMatrixShape,
  median,
  mmd2,
  multiKernel,
  pairwiseSquaredDistances,
  type GaussianKernelOptions,
  type MmdOptions,
} from './mmd';
export { coralLoss, covariance } from './coral';
export {
  dannDomainLoss,
  dannLambda,
  dannLearningRate,
  domainClassifierLoss,
  gradientReversal,
} from './gradientReversal';
export {
  DEFAULT_WEIGHT_CLIP,
  domainClassifierWeights,
  importanceWeightsFromLogits,
  importanceWeightsFromProbabilities,
  kmmWeights,
  misclassified,
  normalizeWeights,
  projectOntoBoxAndSum,
  solveKmm,
  trAdaBoostHypothesisWeights,
  trAdaBoostPredict,
  trAdaBoostSourceBeta,
  trAdaBoostUpdate,
  trAdaBoostVote,
  type DomainClassifierOptions,
  type DomainClassifierWeights,
  type KmmOptions,
  type KmmProblem,
  type KmmResult,
  type TrAdaBoostRound,
} from './importance';
