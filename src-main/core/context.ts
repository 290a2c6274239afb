import type { CoreOptions } from './types';
import type { Db } from '../store/db';
import type { EventBus } from './events';
import type { RunQueue, TrainerLauncher } from './runQueue';
import { statusEvent } from './runEvents';

/** What every domain's handlers share: the workspace, its queue and the event bus. */
export interface CoreContext {
  db: Db;
  workspaceDir: string;
  transport: CoreOptions['transport'];
  events: EventBus;
  /** Null in a process that executes no runs (read-only commands). */
  queue: RunQueue | null;
  launch: TrainerLauncher;
  /** The workspace's trainer limit now (queue.ts). */
  limit(): number;
}

/** Tells every client a run's status as stored (runEvents.ts), if the run exists. */
export function emitStatus(ctx: Pick<CoreContext, 'db' | 'events'>, runId: number): void {
  const event = statusEvent(ctx.db, runId);
  if (event) ctx.events.emit(event);
}
