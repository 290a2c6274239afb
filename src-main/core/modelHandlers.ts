import type { RpcHandlers } from '../../src-shared/rpc/contract';
import {
  deleteImportedModel,
  exportModel,
  getModelDetail,
  importModel,
  listModelSummaries,
  updateModelSettings,
  type ModelServiceContext,
} from './modelService';
import { modelStorage } from './keptModels';
import { setKeepModels } from '../store/runModels';

type ModelMethods =
  | 'models.list'
  | 'models.get'
  | 'models.import'
  | 'models.update'
  | 'models.delete'
  | 'models.export'
  | 'models.storage'
  | 'models.setKeep';

/** The models methods of the contract (issue 13), over modelService.ts. */
export function modelHandlers(ctx: ModelServiceContext): Pick<RpcHandlers, ModelMethods> {
  return {
    'models.list': () => listModelSummaries(ctx.db),
    'models.get': ({ ref }) => getModelDetail(ctx.db, ref),
    'models.import': (input) => importModel(ctx, input),
    'models.update': (input) => updateModelSettings(ctx, input),
    'models.delete': ({ id }) => deleteImportedModel(ctx.db, id),
    'models.export': (input) => exportModel(ctx, input),
    'models.storage': () => modelStorage(ctx.db),
    'models.setKeep': ({ keep }) => {
      setKeepModels(ctx.db, keep);
      return modelStorage(ctx.db);
    },
  };
}
