import { availableParallelism } from 'node:os';
import type { RpcHandlers } from '../../src-shared/rpc/contract';
import type { QueueProcess, QueueStatus } from '../../src-shared/rpc/queue';
import { isClusterOwner } from '../store/clusterOwner';
import type { Db } from '../store/db';
import {
  listProcesses,
  queuedCount,
  setTrainerLimit,
  startableCount,
  slotHolders,
  trainerLimit,
  waitingOnOthers,
  type ProcessRecord,
} from '../store/queue';
import { describeOwner } from './liveness';

/** One trainer per core: each trainer is single-threaded (wasm has no threads in Node). */
export function defaultTrainerLimit(): number {
  return availableParallelism();
}

/** The limit every process on the workspace obeys: set in Settings or by `--concurrency`. */
export function currentTrainerLimit(db: Db): number {
  return trainerLimit(db, defaultTrainerLimit());
}

export function queueStatus(db: Db, self: ProcessRecord | null): QueueStatus {
  const holders = new Map(slotHolders(db).map((h) => [h.owner, h.runs]));
  const processes: QueueProcess[] = listProcesses(db).map((p) => ({
    transport: p.transport,
    host: p.host,
    pid: p.pid,
    running: holders.get(p.owner) ?? 0,
    self: p.owner === self?.owner,
  }));
  const limit = trainerLimit(db, 0);
  return {
    trainerLimit: limit === 0 ? defaultTrainerLimit() : limit,
    limitSet: limit !== 0,
    cores: availableParallelism(),
    running: [...holders.values()].reduce((a, b) => a + b, 0),
    queued: queuedCount(db),
    processes,
  };
}

export function setLimit(db: Db, self: ProcessRecord | null, limit: number): QueueStatus {
  setTrainerLimit(db, limit);
  return queueStatus(db, self);
}

/**
 * One line saying what an experiment's queued runs wait for when nothing of it can start here:
 * a source run another process trains, or trainer slots other processes hold. Null when nothing
 * is waiting on someone else.
 */
export function waitingLine(db: Db, experimentId: number, self: ProcessRecord): string | null {
  const processes = new Map(listProcesses(db).map((p) => [p.owner, p]));
  const blocked = waitingOnOthers(db, [experimentId], self.owner);
  if (blocked.length > 0) {
    const parts = blocked.map((b) =>
      isClusterOwner(b.owner)
        ? `source run #${b.dependsOn} (on Slurm)`
        : `source run #${b.dependsOn} (trained by ${describeOwner(b.owner === null ? null : (processes.get(b.owner) ?? null), self)})`,
    );
    return `Waiting for ${parts.join(', ')}.`;
  }
  const holders = slotHolders(db);
  const running = holders.reduce((sum, h) => sum + h.runs, 0);
  const limit = currentTrainerLimit(db);
  const others = holders.filter((h) => h.owner !== self.owner);
  if (running >= limit && others.length > 0 && startableCount(db, experimentId) > 0) {
    const who = others
      .map(
        (h) =>
          `${describeOwner(h.owner === null ? null : (processes.get(h.owner) ?? null), self)}: ${h.runs}`,
      )
      .join(', ');
    return `Waiting for a trainer slot: ${running} of ${limit} in use (${who}).`;
  }
  return null;
}

/** Settings → Trainers: who holds the workspace's trainer slots, and the limit they share. */
export function queueHandlers(
  db: Db,
  queue: { tick(): void } | null,
  self: ProcessRecord,
): Pick<RpcHandlers, 'queue.status' | 'queue.setLimit'> {
  // A process that executes nothing is not among the processes listed.
  const listed = queue ? self : null;
  return {
    'queue.status': () => queueStatus(db, listed),
    'queue.setLimit': ({ limit }) => {
      const status = setLimit(db, listed, limit);
      // A higher limit may free slots now, not at the next tick.
      queue?.tick();
      return status;
    },
  };
}
