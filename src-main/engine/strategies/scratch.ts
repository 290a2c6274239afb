import { strategyInfo } from '../../../src-shared/domain/strategies';
import { buildMlp } from '../model';
import { trainableVariables, type StrategyContext, type TransferStrategy } from './strategy';

/**
 * From scratch: the baseline every transfer strategy is compared with. The model of the run's
 * ModelSpec, initialised from the run seed (Glorot/He, see model.ts), trained on the target
 * labels only. Transfer gain = metric(strategy) − metric(scratch) on the same target, budget
 * and seed.
 */
export const scratch: TransferStrategy = {
  id: 'scratch',
  info: strategyInfo('scratch'),
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
