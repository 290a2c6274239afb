import { slurmAvailability } from '../../src-main/cluster/slurm/available';
import {
  describeWith,
  servicePolicy,
  type RequiredService,
  type ServicePolicy,
} from './requiredService';
import {
  arrayTaskStates,
  slurmPhase,
  type SlurmTaskState,
} from '../../src-main/cluster/slurm/status';

/**
 * The Slurm integration tests need a cluster: sbatch on PATH and a slurmctld that answers (CI
 * starts a one-node cluster on localhost, issue 16). CI sets this variable, so there a missing
 * cluster fails the tests instead of skipping them silently; elsewhere they skip, saying how to
 * start one.
 */
export const REQUIRE_SLURM = 'TRANSFERLAB_REQUIRE_SLURM';

const HOW_TO_START =
  'To run them, start a one-node cluster as root: apt-get install -y --no-install-recommends ' +
  'slurmctld slurmd slurm-client munge; eval "$(scripts/slurm/start-one-node.sh)" (it prints ' +
  'the SLURM_CONF to export); scripts/slurm/stop-one-node.sh stops it';

/** Why this process cannot submit to Slurm; undefined when it can. */
export async function missingSlurm(): Promise<string | undefined> {
  const availability = await slurmAvailability({ timeoutMs: 15_000 });
  return availability.available ? undefined : availability.reason;
}

const SLURM: RequiredService = {
  what: 'a Slurm cluster',
  requireVar: REQUIRE_SLURM,
  howTo: HOW_TO_START,
  missing: missingSlurm,
};

/** What the Slurm tests do: run, fail because CI requires a cluster, or skip. */
export function slurmPolicy(
  missing: string | undefined,
  env: Record<string, string | undefined>,
): ServicePolicy {
  return servicePolicy(SLURM, missing, env);
}

/** describe() for tests that submit to Slurm (requiredService.ts says what happens without). */
export function describeOnSlurm(name: string, body: () => void): Promise<void> {
  return describeWith(SLURM, name, body);
}

/** Polls until every task of the array has ended; fails after timeoutMs with the last states. */
export async function waitForArrayEnd(
  jobId: string,
  taskCount: number,
  timeoutMs: number,
): Promise<SlurmTaskState[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const states = await arrayTaskStates(jobId, taskCount);
    if (states.every((task) => slurmPhase(task.state) === 'ended')) return states;
    if (Date.now() > deadline) {
      throw new Error(
        `job ${jobId} has not ended after ${String(timeoutMs)} ms: ${JSON.stringify(states)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Polls until task taskId of the array is in state; fails after timeoutMs. */
export async function waitForTaskState(
  jobId: string,
  taskCount: number,
  taskId: number,
  state: SlurmTaskState['state'],
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const states = await arrayTaskStates(jobId, taskCount);
    if (states[taskId]?.state === state) return;
    if (Date.now() > deadline) {
      throw new Error(
        `task ${jobId}_${String(taskId)} is not ${state} after ${String(timeoutMs)} ms: ${JSON.stringify(states)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
