import type { ResolvedRunConfig } from '../../../src-shared/domain/runs';
import { fineTune } from './fineTune';
import { scratch } from './scratch';
import { source } from './source';
import type { TransferStrategy } from './strategy';

/** Every strategy the engine implements, by id: one file each. */
export const STRATEGY_IMPLEMENTATIONS = {
  scratch,
  'fine-tune': fineTune,
  source,
} as const satisfies Record<TransferStrategy['id'], TransferStrategy>;

/** The strategy a run config asks for. Source runs always use 'source'. */
export function strategyFor(config: ResolvedRunConfig): TransferStrategy {
  if (config.kind === 'source') return STRATEGY_IMPLEMENTATIONS.source;
  if (config.strategy === 'source')
    throw new Error("A transfer run cannot use the 'source' strategy");
  return STRATEGY_IMPLEMENTATIONS[config.strategy];
}
