import { strategyInfo } from '../../../src-shared/domain/strategies';
import { coralLoss } from '../losses/index';
import { alignmentModel } from './adaptation';
import {
  declaredNeeds,
  numberParam,
  type StrategyContext,
  type TransferStrategy,
} from './strategy';

/**
 * Deep CORAL (Sun, Saenko 2016, "Deep CORAL: correlation alignment for deep domain adaptation",
 * ECCV 2016 workshops): one model trained on
 *
 *   L(θ) = CE_S(θ) + CE_T(θ) + λ·ℓ_CORAL,   ℓ_CORAL = ‖C_S − C_T‖²_F / (4d²),
 *
 * C_S and C_T the covariances of hidden layer `layer`'s d features on a seeded source batch and
 * on the step's target rows (a batch of the unlabelled pool, with the labelled target batch),
 * CE_S the source batch's mean cross-entropy and CE_T the labelled target batch's (absent at
 * budget 0). The paper adapts the last layer and picks λ so that the two losses are about equal
 * at the end of training. ‖·‖²_F/(4d²) shrinks as 1/d² with the layer's width d, hence the
 * default λ = 100 (on 30°-rotated digits with 64 hidden units, λ = 10, 100 and 1000 lifted
 * source-only's 0.31 test accuracy to 0.48, 0.53 and 0.57). A covariance needs two rows: a step
 * whose source or target batch has one (a stream's remainder) leaves the term out.
 *
 * The model is the run's ModelSpec from the run seed and an epoch one pass over the source rows,
 * exactly as source-only trains (adaptation.ts): at λ = 0 the two are the same run.
 */
const info = strategyInfo('coral');

export const coral = {
  id: 'coral',
  info,
  needs: declaredNeeds(info),
  prepare: (ctx: StrategyContext) => {
    const lambda = numberParam(ctx.config, 'lambda');
    return alignmentModel(ctx, 'coral', (_model, layer) => {
      ctx.log('info', `CORAL between source and target features of ${layer.name}, λ = ${lambda}`);
      return {
        loss: (hSource, hTarget) =>
          lambda === 0 || hSource.shape[0] < 2 || hTarget.shape[0] < 2
            ? undefined
            : ctx.tf.mul(lambda, coralLoss(ctx.tf, hSource, hTarget)),
      };
    });
  },
} satisfies TransferStrategy;
