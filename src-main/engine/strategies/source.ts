import { buildMlp } from '../model';
import { trainableVariables, type StrategyContext, type TransferStrategy } from './strategy';

/**
 * Source runs: train the model of the ModelSpec from a seeded initialisation on a source domain
 * with all its labels (the label budget applies to targets only; data/domain.ts), so transfer
 * runs can start from it. The training loop saves the result when the job asks (TrainJob.saveModel).
 */
export const source: TransferStrategy = {
  id: 'source',
  needsSourceModel: false,
  prepare: (ctx: StrategyContext) => {
    const model = buildMlp(
      ctx.tf,
      ctx.config.model,
      ctx.featureShape,
      ctx.numClasses,
      ctx.config.seed,
    );
    return {
      model,
      trainable: trainableVariables(ctx.tf, model),
      frozenLayers: [],
      dispose: () => {
        model.dispose();
      },
    };
  },
};
