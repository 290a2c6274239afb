import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What must hold after every kill, read from the workspace database by a separate read-only
 * connection (as a user's second tool would): the file is sound, every run's epochs-done equals
 * its stored epochs, and no epoch once committed has vanished or changed, unless the run's log
 * says it restarted from the start (a strategy that cannot resume), in which case it is trained
 * again, to the same values since runs are deterministic.
 */

export interface Snapshot {
  integrity: string;
  /** Runs whose epochs_done differs from the epochs they have stored. */
  countMismatches: { id: number; epochsDone: number; stored: number }[];
  /** `run:epoch:name` → the stored value (null for a non-finite one). */
  values: Map<string, number | null>;
  statuses: Map<number, string>;
  running: number;
  /** Runs whose log says they restarted from epoch 1 (their earlier epochs were cleared). */
  restarted: Set<number>;
}

export function snapshot(workspace: string): Snapshot | null {
  const file = join(workspace, 'transferlab.sqlite');
  if (!existsSync(file)) return null;
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    const integrity = String(db.pragma('integrity_check', { simple: true }));
    const countMismatches = (
      db
        .prepare(
          `SELECT id, epochs_done AS epochsDone,
                  (SELECT COALESCE(MAX(epoch), 0) FROM metrics m WHERE m.run_id = r.id) AS stored
           FROM runs r WHERE epochs_done != stored`,
        )
        .all() as { id: number; epochsDone: number; stored: number }[]
    ).slice();
    const values = new Map<string, number | null>();
    for (const row of db.prepare('SELECT run_id, epoch, name, value FROM metrics').all() as {
      run_id: number;
      epoch: number;
      name: string;
      value: number | null;
    }[])
      values.set(`${row.run_id}:${row.epoch}:${row.name}`, row.value);
    const statuses = new Map<number, string>();
    for (const row of db.prepare('SELECT id, status FROM runs').all() as {
      id: number;
      status: string;
    }[])
      statuses.set(row.id, row.status);
    const restarted = new Set(
      (
        db
          .prepare(
            `SELECT DISTINCT run_id FROM run_logs WHERE message LIKE 'Restarted from epoch 1%'`,
          )
          .all() as { run_id: number }[]
      ).map((r) => r.run_id),
    );
    const running = [...statuses.values()].filter((s) => s === 'running').length;
    return { integrity, countMismatches, values, statuses, running, restarted };
  } finally {
    db.close();
  }
}

/**
 * Committed epochs missing or changed in `later`: for a run that restarted only once it has
 * finished (then every epoch must be back, equal); for any other run at every check.
 */
export function lostEpochs(observed: Map<string, number | null>, later: Snapshot): string[] {
  const lost: string[] = [];
  for (const [key, value] of observed) {
    const runId = Number(key.split(':')[0]);
    const status = later.statuses.get(runId);
    if (status === undefined) continue;
    const now = later.values.get(key);
    const mayBeCleared = later.restarted.has(runId) && status !== 'completed';
    if (now === undefined && mayBeCleared) continue;
    if (now === undefined || !sameValue(now, value))
      lost.push(`${key}: ${String(value)} → ${String(now)}`);
  }
  return lost;
}

function sameValue(a: number | null, b: number | null): boolean {
  return a === b || (a !== null && b !== null && Object.is(a, b));
}

/** Runs still 'running' under the registered process of this pid (0 once they are taken back). */
export function runsHeldByPid(workspace: string, pid: number): number {
  const db = new Database(join(workspace, 'transferlab.sqlite'), { readonly: true });
  try {
    db.pragma('busy_timeout = 5000');
    return (
      db
        .prepare(
          `SELECT COUNT(*) AS n FROM runs r JOIN processes p ON p.owner = r.owner
           WHERE p.pid = ? AND r.status = 'running'`,
        )
        .get(pid) as { n: number }
    ).n;
  } finally {
    db.close();
  }
}
