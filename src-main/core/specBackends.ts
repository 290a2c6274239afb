import {
  preferenceProblem,
  type BackendPreference,
  type MachineBackends,
} from '../../src-shared/domain/backends';
import type { ExperimentSpec } from '../../src-shared/domain/experimentSpec';
import type { Issue } from '../../src-shared/result';
import type { BackendService } from './backendService';

/**
 * The backends a spec asks for, checked against what this machine has when the spec is planned
 * (issue 15): a spec asking for tfjs-node on a machine without it is refused at
 * `training.backend`, not five seconds into every run. A strategy entry cannot change the
 * backend (training.ts TrainingOverridesSchema: variants compared with one another train on the
 * same one), so the spec's `training` and `sourceTraining` are the only places to look.
 */

export interface BackendAsked {
  /** Where the spec asks, as a plan problem names it. */
  path: string;
  preference: BackendPreference;
}

export function backendsAsked(spec: ExperimentSpec): BackendAsked[] {
  return [
    { path: 'training.backend', preference: spec.training.backend },
    ...(spec.sourceTraining
      ? [{ path: 'sourceTraining.backend', preference: spec.sourceTraining.backend }]
      : []),
  ];
}

/**
 * Whether a preference needs the probe to be judged. 'auto' always finds one; wasm and cpu come
 * with the app (package dependencies, pure wasm and JavaScript). Only the native bindings and a
 * WebGPU adapter may be missing, so a plain spec never waits for the probe (about a second, a
 * child process).
 */
export function needsProbe(preference: BackendPreference): boolean {
  return preference === 'tensorflow' || preference === 'webgpu';
}

/** The problems of the backends asked for, each at its path. */
export function backendIssues(asked: readonly BackendAsked[], machine: MachineBackends): Issue[] {
  return asked.flatMap(({ path, preference }) => {
    const problem = preferenceProblem(preference, machine);
    return problem === undefined ? [] : [{ path, message: problem }];
  });
}

/**
 * A spec's backend problems on this machine, probing it only when a preference needs it. A probe
 * that fails is a problem at each such preference (its availability cannot be vouched for), so
 * the plan says why rather than the runs failing later.
 */
export async function specBackendIssues(
  spec: ExperimentSpec,
  backends: BackendService,
): Promise<Issue[]> {
  const asked = backendsAsked(spec).filter((a) => needsProbe(a.preference));
  if (asked.length === 0) return [];
  try {
    return backendIssues(asked, await backends.list());
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return asked.map(({ path, preference }) => ({
      path,
      message: `could not check that backend '${preference}' is available: ${why}`,
    }));
  }
}
