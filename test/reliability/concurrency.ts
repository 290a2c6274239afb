import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { campaignSpec } from './campaign';
import { snapshot } from './checks';
import { startCli, startServer, stopGracefully, trainerPids } from './processes';

/**
 * The concurrency case (issue 11): a server and two CLI runs on one workspace, with a trainer
 * limit of `limit`. Samples how many runs are 'running' and how many trainer processes exist, and
 * returns the maxima beside the limit, with the final statuses.
 */
export async function runConcurrencyCase(
  workspace: string,
  limit: number,
): Promise<{
  limit: number;
  maxRunning: number;
  maxTrainerProcesses: number;
  statuses: Record<string, number>;
  cliExitCodes: (number | null)[];
  seconds: number;
}> {
  const started = Date.now();
  const server = await startServer(workspace, limit);
  let maxRunning = 0;
  let maxTrainerProcesses = 0;
  const sampler = setInterval(() => {
    try {
      const snap = snapshot(workspace);
      if (snap) maxRunning = Math.max(maxRunning, snap.running);
    } catch {
      // Skipped sample (a lock); the next comes soon.
    }
    maxTrainerProcesses = Math.max(maxTrainerProcesses, trainerPids().length);
  }, 100);
  try {
    const specs = [100, 200].map((seed) => {
      const file = join(workspace, `concurrency-${seed}.json`);
      writeFileSync(file, JSON.stringify(campaignSpec([seed, seed + 1])));
      return file;
    });
    const clis = specs.map((file) => startCli(file, workspace));
    const cliExitCodes = await Promise.all(clis.map((c) => c.exited));
    const statuses: Record<string, number> = {};
    for (const status of snapshot(workspace)?.statuses.values() ?? [])
      statuses[status] = (statuses[status] ?? 0) + 1;
    return {
      limit,
      maxRunning,
      maxTrainerProcesses,
      statuses,
      cliExitCodes,
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    clearInterval(sampler);
    await stopGracefully(server);
  }
}
