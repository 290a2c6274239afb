import { isTerminal } from '../../src-shared/domain/runs';
import type { RpcHandlers } from '../../src-shared/rpc/contract';
import { AppFailure } from '../../src-shared/result';
import { readConfusion } from '../store/confusion';
import { updateRun } from '../store/runAnnotations';
import { deleteRuns } from '../store/runDelete';
import { queryRuns } from '../store/runQuery';
import { deleteView, listSavedViews, saveView } from '../store/savedViews';
import { cancelQueuedRun, getRun, listRuns, requestCancel, runStatus } from '../store/runs';
import { emitStatus, type CoreContext } from './context';
import type { BackendService } from './backendService';
import { rerunRuns } from './rerunService';
import { backendIssues, needsProbe } from './specBackends';

type RunHandlers = Pick<
  RpcHandlers,
  | 'runs.list'
  | 'runs.get'
  | 'runs.query'
  | 'runs.update'
  | 'runs.views.list'
  | 'runs.views.save'
  | 'runs.views.delete'
  | 'runs.cancel'
  | 'runs.delete'
  | 'runs.confusion'
  | 'runs.rerun'
>;

/**
 * Cancels a run wherever it is: this process's trainer, the queue (with what waits for it), or
 * another process's trainer, which sees the request at its next heartbeat. False when the run
 * had already ended.
 */
export function cancelRun(ctx: CoreContext, id: number): boolean {
  const current = runStatus(ctx.db, id);
  if (!current) throw new AppFailure('not_found', `No run #${id}.`);
  if (isTerminal(current.status)) return false;
  if (ctx.queue?.cancel(id)) return true;
  const cancelled = cancelQueuedRun(ctx.db, id);
  if (cancelled.length > 0) {
    for (const runId of cancelled) emitStatus(ctx, runId);
    return true;
  }
  return requestCancel(ctx.db, id);
}

/** The run history's services: list, query, detail, annotate, cancel, delete, re-run. */
export function runHandlers(ctx: CoreContext, backends?: BackendService): RunHandlers {
  const { db } = ctx;
  return {
    'runs.list': ({ experimentId, limit }) =>
      listRuns(db, {
        ...(experimentId !== undefined ? { experimentId } : {}),
        ...(limit !== undefined ? { limit } : {}),
      }),
    'runs.get': ({ id }) => {
      const run = getRun(db, id);
      if (!run) throw new AppFailure('not_found', `No run #${id}.`);
      return run;
    },
    'runs.query': (query) => queryRuns(db, query),
    'runs.update': (update) => updateRun(db, update),
    'runs.views.list': () => listSavedViews(db),
    'runs.views.save': (view) => saveView(db, view),
    'runs.views.delete': ({ name }) => ({ deleted: deleteView(db, name) }),
    'runs.cancel': ({ id }) => ({ cancelled: cancelRun(ctx, id) }),
    'runs.delete': ({ ids }) => deleteRuns(db, ctx.workspaceDir, ids),
    'runs.confusion': ({ id }) => readConfusion(db, id),
    'runs.rerun': async ({ ids }) => {
      if (backends) await refuseMissingBackends(ctx, backends, ids);
      const result = rerunRuns(db, ids);
      for (const { rerun } of result.pairs) emitStatus(ctx, rerun);
      for (const id of result.experimentIds) ctx.queue?.adopt(id);
      return result;
    },
  };
}

/**
 * A re-run trains on the backend its original asked for (issue 15): refused before anything is
 * queued when this machine lacks it (a run from a machine with tfjs-node or a GPU), as a spec
 * asking for it is refused when planned (specBackends.ts), rather than failing when it starts.
 */
async function refuseMissingBackends(
  ctx: CoreContext,
  backends: BackendService,
  ids: readonly number[],
): Promise<void> {
  const asked = [...new Set(ids)].flatMap((id) => {
    const preference = getRun(ctx.db, id)?.config.training.backend;
    return preference !== undefined && needsProbe(preference)
      ? [{ path: `Run #${id}`, preference }]
      : [];
  });
  if (asked.length === 0) return;
  const issues = backendIssues(asked, await backends.list());
  if (issues.length > 0) {
    throw new AppFailure(
      'invalid_input',
      `Nothing re-run: ${issues.map((i) => `${i.path}: ${i.message}`).join(' ')}`,
      issues,
    );
  }
}
