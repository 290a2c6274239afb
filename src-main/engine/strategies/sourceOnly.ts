import { strategyInfo } from '../../../src-shared/domain/strategies';
import { crossEntropy } from '../head';
import { logits } from '../model';
import { checkAdaptable, freshRunModel, sourceBatch } from './adaptation';
import {
  booleanParam,
  declaredNeeds,
  trainableVariables,
  type StrategyContext,
  type TrainStep,
  type TransferStrategy,
} from './strategy';

/**
 * Source only: the baseline of domain adaptation (e.g. Ganin et al. 2016, Table 2's "source
 * only"). The run's ModelSpec, from the run seed, trained on the source domain's labelled rows
 * (the target's classes) and evaluated on the target:
 *
 *   L(θ) = CE_S(θ)        (with `targetLabels`: CE_S(θ) + CE_T(θ)),
 *
 * CE_S the mean cross-entropy of a seeded source batch and CE_T that of the labelled target batch
 * when the budget gives one. Adaptation gain = metric(MMD, CORAL, DANN, weighting) −
 * metric(source-only) on the same target, budget and seed; the alignment methods train exactly
 * this model on exactly these source batches (adaptation.ts), plus their term. With
 * `targetLabels` it is their λ = 0 ablation at a budget above 0; without, target labels are
 * ignored whatever the budget.
 *
 * Per-epoch `loss` and `acc`: on the source's training rows (and the labelled target rows with
 * `targetLabels`), the rows it trains on.
 */
const info = strategyInfo('source-only');

export const sourceOnly = {
  id: 'source-only',
  info,
  needs: declaredNeeds(info),
  prepare: (ctx: StrategyContext) => {
    const { tf, numClasses } = ctx;
    checkAdaptable(ctx, 'source-only');
    const withTarget = booleanParam(ctx.config, 'targetLabels');
    const model = freshRunModel(ctx);
    ctx.log(
      'info',
      withTarget
        ? 'Source only: training on the source labels and the labelled target rows'
        : 'Source only: training on the source labels; target labels unused',
    );
    return {
      model,
      trainable: trainableVariables(tf, model),
      frozenLayers: [],
      loss: (step: TrainStep) => {
        const source = sourceBatch(step, 'source-only');
        const sourceLoss = crossEntropy(
          tf,
          logits(tf, model, source.x, true),
          source.y,
          numClasses,
        );
        return withTarget ? tf.add(sourceLoss, step.targetLoss) : sourceLoss;
      },
      epochLength: 'source',
      trainMetrics: withTarget ? 'source-and-target' : 'source',
      dispose: () => {
        model.dispose();
      },
    };
  },
} satisfies TransferStrategy;
