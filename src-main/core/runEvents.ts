import type { RunStatusEvent } from '../../src-shared/rpc/events';
import type { Db } from '../store/db';
import { runState, type RunState } from '../store/watch';

/**
 * The one place a `run.status` event is made: from the run's row as stored, so every process and
 * every path (queue, cancel, create, re-run, the cross-process watcher) says the same thing.
 * `error` overrides what the row says for events about an ending the row explains elsewhere.
 */
export function statusEventOf(state: RunState, error?: string | null): RunStatusEvent {
  return {
    type: 'run.status',
    runId: state.id,
    experimentId: state.experimentId,
    status: state.status,
    backend: state.backend,
    error: error === undefined ? state.error : error,
    epochsDone: state.epochsDone,
    ...(state.status === 'completed' && state.finalMetrics !== null
      ? { finalMetrics: state.finalMetrics }
      : {}),
  };
}

export function statusEvent(db: Db, runId: number, error?: string | null): RunStatusEvent | null {
  const state = runState(db, runId);
  return state ? statusEventOf(state, error) : null;
}
