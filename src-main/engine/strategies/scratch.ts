import { strategyInfo } from '../../../src-shared/domain/strategies';
import { freshModel, type TransferStrategy } from './strategy';

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
  prepare: freshModel,
};
