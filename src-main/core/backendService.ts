import type { MachineBackends } from '../../src-shared/domain/backends';
import { AppFailure } from '../../src-shared/result';
import { runModelsRequest } from '../engine/trainer/modelsHost';
import type { ModelsRunner } from './modelService';

/**
 * Which training backends this machine has (issue 15), for `backends.list`, the designer and
 * the planner's refusal of a spec asking for one it lacks. The probe loads every binding it
 * finds (tfjs-node, Dawn), so it runs in a models child process (engine/backend.ts
 * probeBackends), never in this process, which owns the UI or the database.
 *
 * What a machine has does not change while the app runs (a driver or a package installed
 * meanwhile needs a restart of the trainers too), so the answer is kept for the service's
 * lifetime; `refresh` asks again. A failed probe is not kept: the next call tries again.
 */

/** A probe loads Dawn and tries a first computation on every backend: seconds, not minutes. */
export const PROBE_TIMEOUT_MS = 60_000;

export interface BackendService {
  list(options?: { refresh?: boolean }): Promise<MachineBackends>;
}

/** Runs the probe in a models child process of its own. */
export const probeInChildProcess: ModelsRunner = (request) =>
  runModelsRequest(request, { timeoutMs: PROBE_TIMEOUT_MS });

export function createBackendService(
  runModels: ModelsRunner = probeInChildProcess,
): BackendService {
  let kept: Promise<MachineBackends> | undefined;
  const probe = async (): Promise<MachineBackends> => {
    const answer = await runModels({ type: 'backends' });
    if (answer.type === 'backends') return answer.machine;
    const why = answer.type === 'failed' ? answer.error : `an answer of type '${answer.type}'`;
    throw new AppFailure(
      'unavailable',
      `Could not find out which backends this machine has: ${why}`,
    );
  };
  return {
    list: ({ refresh = false } = {}) => {
      if (kept === undefined || refresh) {
        // Callers that ask while a probe runs share it; a failure is forgotten once it is told.
        const probing = probe();
        kept = probing;
        probing.catch(() => {
          if (kept === probing) kept = undefined;
        });
      }
      return kept;
    },
  };
}
