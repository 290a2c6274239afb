import { strategyInfo } from '../../../src-shared/domain/strategies';
import { declaredNeeds, freshModel, type TransferStrategy } from './strategy';

/**
 * From scratch: the baseline every transfer strategy is compared with. The model of the run's
 * ModelSpec, initialised from the run seed (Glorot/He, see model.ts), trained on the target
 * labels only: minimise (1/n)·Σ CE(f_θ(x_i), y_i). Transfer gain = metric(strategy) −
 * metric(scratch) on the same target, budget and seed.
 */
const info = strategyInfo('scratch');

export const scratch = {
  id: 'scratch',
  info,
  needs: declaredNeeds(info),
  prepare: freshModel,
} satisfies TransferStrategy;
