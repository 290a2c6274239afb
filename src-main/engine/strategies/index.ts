import type { ResolvedRunConfig } from '../../../src-shared/domain/runs';
import { withInputAdapter } from '../adapter';
import { coral } from './coral';
import { dann } from './dann';
import { distillation } from './distillation';
import { featureExtraction } from './featureExtraction';
import { fineTune } from './fineTune';
import { importanceWeighting } from './importanceWeighting';
import { kmm } from './kmm';
import { mmd } from './mmd';
import { multiTask } from './multiTask';
import { scratch } from './scratch';
import { source } from './source';
import { sourceOnly } from './sourceOnly';
import type { TransferStrategy } from './strategy';
import { structure } from './structure';
import { trAdaBoost } from './trAdaBoost';

/** Every strategy the engine implements, by id: one file each. */
export const STRATEGY_IMPLEMENTATIONS = {
  scratch,
  structure,
  'fine-tune': fineTune,
  'feature-extraction': featureExtraction,
  distillation,
  'multi-task': multiTask,
  'source-only': sourceOnly,
  mmd,
  coral,
  dann,
  'importance-weighting': importanceWeighting,
  kmm,
  tradaboost: trAdaBoost,
  source,
} as const satisfies Record<TransferStrategy['id'], TransferStrategy>;

/**
 * The strategy a run config asks for. Source runs always use 'source'. Transfer strategies come
 * wrapped so that a learned input adapter, when the run needs one, is prepended to whatever
 * model they prepare (adapter.ts).
 */
export function strategyFor(config: ResolvedRunConfig): TransferStrategy {
  if (config.kind === 'source') return STRATEGY_IMPLEMENTATIONS.source;
  if (config.strategy === 'source')
    throw new Error("A transfer run cannot use the 'source' strategy");
  return withInputAdapter(STRATEGY_IMPLEMENTATIONS[config.strategy]);
}
