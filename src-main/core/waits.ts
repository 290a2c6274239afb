import { isTerminal, type RunStatus } from '../../src-shared/domain/runs';
import type { RunStatusEvent } from '../../src-shared/rpc/events';
import type { EventBus } from './events';

/** How often a wait looks at the database for runs that another process executes. */
const POLL_MS = 1000;

/**
 * Resolves once `done()` holds: checked at once, at each terminal `run.status` event that
 * `concerns` (runs this process executes) and every second (runs another process executes, whose
 * events arrive through the workspace watcher or not at all in a read-only process).
 */
export function waitUntil(
  events: EventBus,
  done: () => boolean,
  concerns: (event: RunStatusEvent) => boolean,
): Promise<void> {
  return new Promise<void>((resolve) => {
    if (done()) {
      resolve();
      return;
    }
    const finish = (): void => {
      clearInterval(timer);
      off();
      resolve();
    };
    const timer = setInterval(() => {
      if (done()) finish();
    }, POLL_MS);
    const off = events.on((e) => {
      if (e.type === 'run.status' && isTerminal(e.status) && concerns(e) && done()) finish();
    });
  });
}

/** Every status ended (a run that no longer exists counts as ended). */
export function allEnded(statuses: readonly (RunStatus | undefined)[]): boolean {
  return statuses.every((s) => s === undefined || isTerminal(s));
}
