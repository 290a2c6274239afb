import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { ProcessRecord, RunOwner } from '../store/queue';

/**
 * Whether the process that owns running runs is still there. On this host the pid answers at once
 * (a killed process is seen at the next tick, not after a timeout); for a process on another host,
 * or one that never registered (an older version), only its heartbeats can tell.
 */

export interface LivenessLimits {
  /** Silence after which a process on another host (or unregistered) counts as dead. */
  staleMs: number;
  /**
   * Silence after which even a live pid on this host counts as dead: the pid was reused, or the
   * process is stopped (SIGSTOP, a debugger). Long, because a live process is never robbed lightly.
   */
  sameHostStaleMs: number;
}

export const DEFAULT_LIVENESS: LivenessLimits = { staleMs: 10_000, sameHostStaleMs: 60_000 };

/** This process as the owner of the runs it claims: unique even when a pid is reused. */
export function thisProcess(transport: string): ProcessRecord {
  const host = hostname();
  return {
    owner: `${transport}:${host}:${process.pid}:${randomBytes(4).toString('hex')}`,
    host,
    pid: process.pid,
    transport,
  };
}

export function ownerIsGone(
  owner: RunOwner,
  self: ProcessRecord,
  limits: LivenessLimits,
  now = Date.now(),
): boolean {
  if (owner.owner === self.owner) return false;
  const silentFor = (iso: string | null): number =>
    iso === null ? Infinity : now - Date.parse(iso);
  const p = owner.process;
  if (p === null) return silentFor(owner.runHeartbeatAt) > limits.staleMs;
  if (p.host === self.host)
    return !pidIsAlive(p.pid) || silentFor(p.heartbeatAt) > limits.sameHostStaleMs;
  return silentFor(p.heartbeatAt) > limits.staleMs;
}

/** kill(pid, 0) probes without signalling; a zombie (killed, not yet reaped) is dead too. */
export function pidIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return e instanceof Error && 'code' in e && e.code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The state follows the parenthesised command name, which may itself contain ') '.
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    // No /proc (macOS, Windows): kill(pid, 0) is the answer.
    return true;
  }
}

/** "server (pid 1234)", or "server on host-b (pid 1234)" for another host. */
export function describeOwner(p: ProcessRecord | null, self: ProcessRecord): string {
  if (p === null) return 'another process';
  const where = p.host === self.host ? '' : ` on ${p.host}`;
  return `${p.transport}${where} (pid ${p.pid})`;
}
