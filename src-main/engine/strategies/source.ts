import { freshModel, NEEDS_NOTHING, type TransferStrategy } from './strategy';

/**
 * Source runs: train the model of the ModelSpec from a seeded initialisation on a source domain
 * with all its labels (the label budget applies to targets only; data/domain.ts), so transfer
 * runs can start from it. The training loop saves the result when the job asks (TrainJob.saveModel).
 */
export const source = {
  id: 'source',
  needs: () => NEEDS_NOTHING,
  prepare: freshModel,
} satisfies TransferStrategy;
