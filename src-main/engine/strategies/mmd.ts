import { strategyInfo } from '../../../src-shared/domain/strategies';
import { mmd2 } from '../losses/index';
import { alignmentModel } from './adaptation';
import {
  declaredNeeds,
  numberParam,
  type StrategyContext,
  type TransferStrategy,
} from './strategy';

/**
 * MMD, the Deep Adaptation Network's discrepancy (Long, Cao, Wang, Jordan 2015, "Learning
 * transferable features with deep adaptation networks", ICML, §3): one model trained on
 *
 *   L(θ) = CE_S(θ) + CE_T(θ) + λ·MMD²_k(h_S, h_T),
 *
 * CE_S the mean cross-entropy of a seeded batch of the source's labelled rows (the same classes
 * as the target), CE_T that of the labelled target batch (absent at budget 0: unsupervised domain
 * adaptation), and MMD²_k the multi-kernel Gaussian maximum mean discrepancy (losses/mmd.ts: the
 * biased estimate, five bandwidths around the batch's median distance, not differentiated)
 * between hidden layer `layer`'s features on the source batch and on the step's target rows (a
 * batch of the unlabelled pool, with the labelled target batch). Minimising it pulls the two
 * domains' feature distributions together, so that a classifier fitted on source labels also
 * fits the target. DAN adapts several layers; here one, chosen by `layer` (0 = the last hidden).
 *
 * The model is the run's ModelSpec from the run seed and an epoch one pass over the source rows,
 * exactly as source-only trains (adaptation.ts): at λ = 0 the two are the same run.
 */
const info = strategyInfo('mmd');

export const mmd = {
  id: 'mmd',
  info,
  needs: declaredNeeds(info),
  prepare: (ctx: StrategyContext) => {
    const lambda = numberParam(ctx.config, 'lambda');
    return alignmentModel(ctx, 'mmd', (_model, layer) => {
      ctx.log('info', `MMD² between source and target features of ${layer.name}, λ = ${lambda}`);
      return {
        loss: (hSource, hTarget) =>
          lambda === 0 ? undefined : ctx.tf.mul(lambda, mmd2(ctx.tf, hSource, hTarget)),
      };
    });
  },
} satisfies TransferStrategy;
