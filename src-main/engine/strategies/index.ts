import type { ResolvedRunConfig } from '../../../src-shared/domain/runs';
import { distillation } from './distillation';
import { featureExtraction } from './featureExtraction';
import { fineTune } from './fineTune';
import { multiTask } from './multiTask';
import { scratch } from './scratch';
import { source } from './source';
import type { TransferStrategy } from './strategy';
import { structure } from './structure';

/** Every strategy the engine implements, by id: one file each. */
export const STRATEGY_IMPLEMENTATIONS = {
  scratch,
  structure,
  'fine-tune': fineTune,
  'feature-extraction': featureExtraction,
  distillation,
  'multi-task': multiTask,
  source,
} as const satisfies Record<TransferStrategy['id'], TransferStrategy>;

/** The strategy a run config asks for. Source runs always use 'source'. */
export function strategyFor(config: ResolvedRunConfig): TransferStrategy {
  if (config.kind === 'source') return STRATEGY_IMPLEMENTATIONS.source;
  if (config.strategy === 'source')
    throw new Error("A transfer run cannot use the 'source' strategy");
  return STRATEGY_IMPLEMENTATIONS[config.strategy];
}
