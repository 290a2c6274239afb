import { strategyInfo } from '../../../src-shared/domain/strategies';
import { domainClassifierWeights, type DomainClassifierWeights } from '../losses/index';
import {
  checkAdaptable,
  contextData,
  describeWeights,
  targetInputs,
  weightedSourceModel,
} from './adaptation';
import {
  declaredNeeds,
  numberParam,
  type StrategyContext,
  type TransferStrategy,
} from './strategy';

/**
 * Importance weighting under covariate shift (Shimodaira 2000; the classifier-based density
 * ratio of Bickel, Brückner, Scheffer 2007, "Discriminative learning for differing training and
 * test distributions", ICML). If the domains differ in p(x) only, the target risk is the source
 * risk reweighted by w(x) = p_T(x)/p_S(x), and by Bayes' rule
 *
 *   w(x) = [p(target|x) / p(source|x)]·(n_S/n_T)
 *
 * for a domain classifier trained on n_S source and n_T target rows. Once, before training, a
 * logistic regression learns to tell the source's training inputs (label 0) from the target's
 * training inputs (label 1: its unlabelled pool and its labelled rows, labels unused; never a
 * validation or test row), solved to convergence without any random draw (losses/importance.ts).
 * The weights are clipped at `clip` and normalised to mean 1, and the model (the run's
 * ModelSpec from the run seed) trains on
 *
 *   L(θ) = (1/n)·Σ_{i ∈ source batch} w_i·ℓ_i(θ) + CE_T(θ),
 *
 * CE_T the labelled target batch's mean cross-entropy (absent at budget 0). Identical domains
 * give w = 1 everywhere: source-only. The classifier sees the inputs, not learned features, so
 * it corrects a shift in where the inputs lie, not one in how they are labelled.
 */
const info = strategyInfo('importance-weighting');

/** The source rows' weights, as prepare computes them (exported for the tests). */
export async function sourceImportanceWeights(
  ctx: StrategyContext,
): Promise<DomainClassifierWeights> {
  const { tf } = ctx;
  const source = checkAdaptable(ctx, 'importance-weighting');
  const data = contextData(ctx, 'importance-weighting');
  if (data.source === undefined) throw new Error("importance-weighting needs the source's rows");
  const size = ctx.featureShape.reduce((a, b) => a * b, 1);
  const target = targetInputs(ctx, 'importance-weighting');
  const xSource = tf.tensor2d(data.source.x, [source.rows, size]);
  const xTarget = tf.tensor2d(target.x, [target.n, size]);
  try {
    return await domainClassifierWeights(tf, xSource, xTarget, {
      clip: numberParam(ctx.config, 'clip'),
    });
  } finally {
    xSource.dispose();
    xTarget.dispose();
  }
}

export const importanceWeighting: TransferStrategy = {
  id: 'importance-weighting',
  info,
  needs: declaredNeeds(info),
  prepare: async (ctx: StrategyContext) => {
    const result = await sourceImportanceWeights(ctx);
    ctx.log(
      'info',
      `Domain classifier (logistic regression on the inputs): accuracy ${result.accuracy.toFixed(3)} ` +
        `after ${result.iterations} iterations${result.converged ? '' : ' (not converged)'}`,
    );
    ctx.log('info', `Importance weights: ${describeWeights(result.weights)}`);
    return weightedSourceModel(ctx, 'importance-weighting', result.weights);
  },
};
