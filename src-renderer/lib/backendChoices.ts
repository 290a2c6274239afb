import {
  adapterLabel,
  backendsFor,
  BackendPreferenceSchema,
  preferenceProblem,
  type BackendAvailability,
  type BackendPreference,
  type MachineBackends,
} from '../../src-shared/domain/backends';

/**
 * The designer's "Backend preference" options (issue 15), from what this machine has
 * (`backends.list`): 'auto' says what it picks here, an available backend says what it runs on,
 * and one the machine lacks is disabled with the reason in its text. Until the list is in,
 * every preference is offered as the spec schema has them, so the select keeps its options and
 * its size while the probe runs (about a second, once per app start).
 */

export interface BackendChoice {
  value: BackendPreference;
  /** The option's text. */
  text: string;
  disabled: boolean;
  /** The line under the select while this one is chosen. */
  help: string;
}

/** What the designer knows of the machine: still asking, known, or not to be known. */
export type MachineState =
  | { state: 'loading' }
  | { state: 'known'; machine: MachineBackends }
  | { state: 'failed'; message: string };

const NAMES: Readonly<Record<BackendPreference, string>> = {
  auto: 'auto',
  tensorflow: 'tensorflow (native)',
  webgpu: 'webgpu (GPU)',
  wasm: 'wasm',
  cpu: 'cpu (plain JS)',
};

/** A software adapter computes on the CPU, about 100× slower than wasm (issue 15). */
export const SOFTWARE_GPU_NOTE = 'software GPU — slower than wasm';

/** What an available backend runs on, in a few words for the option's text; none for wasm/cpu. */
function shortDetail(found: BackendAvailability): string | undefined {
  if (found.adapter)
    return found.adapter.software ? SOFTWARE_GPU_NOTE : adapterLabel(found.adapter);
  if (found.backend === 'tensorflow-gpu') return 'CUDA';
  if (found.backend === 'tensorflow') return 'CPU';
  return undefined;
}

function knownChoice(value: BackendPreference, machine: MachineBackends): BackendChoice {
  if (value === 'auto') {
    return {
      value,
      text: `auto (${machine.auto} here)`,
      disabled: false,
      help: `The fastest this machine has: ${machine.auto}.`,
    };
  }
  const wanted = backendsFor(value);
  const entries = machine.backends.filter((b) => wanted.includes(b.backend));
  const found = entries.find((b) => b.available);
  if (!found) {
    const why = entries.map((b) => b.detail).join('; ') || 'not probed';
    return {
      value,
      text: `${NAMES[value]} — not available: ${why}`,
      disabled: true,
      // The reason is the option's text, and the field's problem while it is chosen.
      help: 'Not available on this machine: choose another.',
    };
  }
  const detail = shortDetail(found);
  const software = found.adapter?.software === true;
  return {
    value,
    text: detail === undefined ? NAMES[value] : `${NAMES[value]} — ${detail}`,
    disabled: false,
    help: software ? `${found.detail}. Slower than wasm: 'auto' never takes it.` : found.detail,
  };
}

function pendingChoice(value: BackendPreference, help: string): BackendChoice {
  return {
    value,
    text: value === 'auto' ? 'auto (fastest available)' : NAMES[value],
    disabled: false,
    help: value === 'auto' ? 'The fastest this machine has.' : help,
  };
}

/** Every preference the spec schema has, in its order, as this machine offers it. */
export function backendChoices(machine: MachineState): BackendChoice[] {
  return BackendPreferenceSchema.options.map((value) => {
    switch (machine.state) {
      case 'known':
        return knownChoice(value, machine.machine);
      case 'loading':
        return pendingChoice(value, 'Checking this machine’s backends…');
      case 'failed':
        return pendingChoice(value, `Could not check this machine’s backends: ${machine.message}`);
    }
  });
}

/**
 * The problem of a chosen backend on this machine, as the planner words it (preferenceProblem),
 * so that the designer shows it at once and the plan's refusal of the same spec says the same
 * words once.
 */
export function backendProblems(preference: BackendPreference, machine: MachineState): string[] {
  if (machine.state !== 'known') return [];
  const problem = preferenceProblem(preference, machine.machine);
  return problem === undefined ? [] : [problem];
}

/** The state of the designer's list (state/catalog.svelte.ts `backends`). */
export function machineState(
  machine: MachineBackends | undefined,
  error: { message: string } | null,
): MachineState {
  if (machine !== undefined) return { state: 'known', machine };
  return error === null ? { state: 'loading' } : { state: 'failed', message: error.message };
}
