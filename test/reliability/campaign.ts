import Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../../src-main/engine/random';
import { lostEpochs, runsHeldByPid, snapshot, type Snapshot } from './checks';
import {
  childPids,
  kill9,
  startCli,
  startServer,
  stopGracefully,
  trainerPids,
  type Actor,
} from './processes';

/**
 * Kill -9 at random points (issue 11): a server and CLI runs share one workspace and a grid with
 * source → transfer dependencies; the campaign kills the CLI, the server or one of their trainers
 * at random moments, restarts what it killed after a random delay (often at once), and checks
 * after every kill that the database is sound and nothing committed was lost. After each wave's
 * kills, a server finishes the queue, and the time every run takes to reach a final state is
 * measured against the stated bound.
 */

export interface CampaignOptions {
  workspace: string;
  waves: number;
  killsPerWave: number;
  seed: number;
  /** Trainer limit of the workspace (the server sets it). */
  concurrency: number;
  /** Seconds the runs of a wave may take to reach a final state after its last kill. */
  settleBoundS: number;
  log: (line: string) => void;
}

export interface CampaignFigures {
  kills: { cli: number; server: number; trainer: number };
  restartsAtOnce: number;
  checks: number;
  integrityFailures: string[];
  countMismatches: string[];
  lost: string[];
  /** The most runs in status 'running' seen at once, and trainer processes alive at once. */
  maxRunning: number;
  maxTrainerProcesses: number;
  settleSeconds: number[];
  /**
   * Seconds from the kill of a CLI or server that held running runs until no run was left
   * 'running' under it, when another process had the workspace open at the kill (else its
   * restart does it, after the random restart delay).
   */
  takeBackSeconds: number[];
  unsettled: number;
  statuses: Record<string, number>;
  resumedRuns: number;
  restartedRuns: number;
  runs: number;
}

/** A small grid: a source run, then scratch, fine-tune (resumable) and TrAdaBoost (restarts). */
export function campaignSpec(seeds: number[]): Record<string, unknown> {
  return {
    name: `reliability seeds ${seeds.join(',')}`,
    sources: [{ name: 'digits 0–4', dataset: 'digits', classes: [0, 1, 2, 3, 4] }],
    targets: [{ name: 'digits 0–4, 10 labels', dataset: 'digits', classes: [0, 1, 2, 3, 4] }],
    strategies: [{ id: 'scratch' }, { id: 'fine-tune' }, { id: 'tradaboost' }],
    budgets: [10],
    seeds,
    model: { type: 'mlp', hidden: [64, 32], activation: 'relu' },
    training: {
      epochs: 40,
      learningRate: 0.003,
      batchSize: 16,
      optimizer: 'adam',
      backend: 'auto',
    },
    sourceTraining: {
      epochs: 40,
      learningRate: 0.003,
      batchSize: 32,
      optimizer: 'adam',
      backend: 'auto',
    },
  };
}

export async function runCampaign(o: CampaignOptions): Promise<CampaignFigures> {
  const rng = new Rng(o.seed);
  const uniform = (lo: number, hi: number): number => lo + (hi - lo) * rng.next();
  const figures: CampaignFigures = {
    kills: { cli: 0, server: 0, trainer: 0 },
    restartsAtOnce: 0,
    checks: 0,
    integrityFailures: [],
    countMismatches: [],
    lost: [],
    maxRunning: 0,
    maxTrainerProcesses: 0,
    settleSeconds: [],
    takeBackSeconds: [],
    unsettled: 0,
    statuses: {},
    resumedRuns: 0,
    restartedRuns: 0,
    runs: 0,
  };
  const observed = new Map<string, number | null>();
  const check = (when: string): Snapshot | null => {
    const snap = snapshot(o.workspace);
    if (!snap) return null;
    figures.checks += 1;
    if (snap.integrity !== 'ok') figures.integrityFailures.push(`${when}: ${snap.integrity}`);
    for (const m of snap.countMismatches)
      figures.countMismatches.push(
        `${when}: run #${m.id} says ${m.epochsDone} epochs, stores ${m.stored}`,
      );
    for (const lost of lostEpochs(observed, snap)) figures.lost.push(`${when}: ${lost}`);
    for (const [key, value] of snap.values) if (!observed.has(key)) observed.set(key, value);
    return snap;
  };

  // Samples the slot invariant while everything runs: never more runs 'running' than the limit.
  const sampler = setInterval(() => {
    try {
      const snap = snapshot(o.workspace);
      if (snap) figures.maxRunning = Math.max(figures.maxRunning, snap.running);
    } catch {
      // A sample that met a lock is skipped; the next one comes 200 ms later.
    }
    figures.maxTrainerProcesses = Math.max(figures.maxTrainerProcesses, trainerPids().length);
  }, 200);

  const actors: Actor[] = [];
  const pending: Promise<void>[] = [];
  try {
    let server: Actor = await startServer(o.workspace, o.concurrency);
    actors.push(server);
    for (let wave = 0; wave < o.waves; wave++) {
      const specFile = join(o.workspace, `reliability-wave-${wave}.json`);
      writeFileSync(specFile, JSON.stringify(campaignSpec([wave])));
      let cli: Actor = startCli(specFile, o.workspace);
      actors.push(cli);
      for (let k = 0; k < o.killsPerWave; k++) {
        await sleep(uniform(0.5, 4) * 1000);
        const victims: { kind: 'cli' | 'server' | 'trainer'; pid: number }[] = [];
        if (cli.child.exitCode === null) victims.push({ kind: 'cli', pid: cli.pid });
        victims.push({ kind: 'server', pid: server.pid });
        for (const actor of [cli, server])
          for (const pid of childPids(actor.pid)) victims.push({ kind: 'trainer', pid });
        // A kind first (CLI, server, trainer: each as likely when present), then one of its pids.
        const kinds = [...new Set(victims.map((v) => v.kind))];
        const kind = kinds[Math.floor(rng.next() * kinds.length)];
        const ofKind = victims.filter((v) => v.kind === kind);
        const victim = ofKind[Math.floor(rng.next() * ofKind.length)];
        if (!victim) continue;
        check(`before kill ${wave}.${k}`);
        const held = victim.kind === 'trainer' ? 0 : runsHeldByPid(o.workspace, victim.pid);
        const othersOpen = victims.some((v) => v.kind !== 'trainer' && v.pid !== victim.pid);
        const killedAt = Date.now();
        kill9(victim.pid);
        if (held > 0 && othersOpen)
          pending.push(
            until(() => runsHeldByPid(o.workspace, victim.pid) === 0, 60_000).then((ok) => {
              figures.takeBackSeconds.push(ok ? (Date.now() - killedAt) / 1000 : Infinity);
            }),
          );
        figures.kills[victim.kind] += 1;
        o.log(`wave ${wave} kill ${k + 1}: ${victim.kind} (pid ${victim.pid})`);
        if (victim.kind === 'cli') await cli.exited;
        if (victim.kind === 'server') await server.exited;
        check(`after kill ${wave}.${k}`);
        // Restart what was killed: at once half the time, else after up to 3 s.
        const delay = rng.next() < 0.5 ? 0 : uniform(0.1, 3) * 1000;
        if (delay === 0) figures.restartsAtOnce += 1;
        await sleep(delay);
        if (victim.kind === 'cli') {
          cli = startCli(specFile, o.workspace);
          actors.push(cli);
        } else if (victim.kind === 'server') {
          server = await startServer(o.workspace);
          actors.push(server);
        }
      }
      // The wave's last kill is done: everything queued must reach a final state in the bound.
      const settleStart = Date.now();
      const settled = await until(() => {
        const snap = snapshot(o.workspace);
        return (
          snap !== null &&
          [...snap.statuses.values()].every((s) => s !== 'queued' && s !== 'running')
        );
      }, o.settleBoundS * 1000);
      const seconds = (Date.now() - settleStart) / 1000;
      figures.settleSeconds.push(seconds);
      if (!settled) figures.unsettled += 1;
      o.log(`wave ${wave}: ${settled ? 'settled' : 'NOT settled'} in ${seconds.toFixed(1)} s`);
      check(`end of wave ${wave}`);
      await Promise.race([cli.exited, sleep(30_000)]);
    }
    await Promise.all(pending);
  } finally {
    clearInterval(sampler);
    for (const actor of actors) await stopGracefully(actor);
  }
  const final = check('end');
  if (final) {
    for (const status of final.statuses.values())
      figures.statuses[status] = (figures.statuses[status] ?? 0) + 1;
    figures.runs = final.statuses.size;
    figures.restartedRuns = final.restarted.size;
  }
  figures.resumedRuns = countResumed(o.workspace);
  return figures;
}

/** Runs that resumed from a checkpoint at least once (their log says so). */
function countResumed(workspace: string): number {
  const db = new Database(join(workspace, 'transferlab.sqlite'), { readonly: true });
  try {
    return (
      db
        .prepare(
          `SELECT COUNT(DISTINCT run_id) AS n FROM run_logs
           WHERE message LIKE 'Resuming after an interruption%'`,
        )
        .get() as { n: number }
    ).n;
  } finally {
    db.close();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    try {
      if (condition()) return true;
    } catch {
      // A read that met a lock: try again.
    }
    await sleep(50);
  }
  return false;
}
