import type { Component } from 'svelte';
import { render } from 'svelte/server';
import { describe, expect, it } from 'vitest';
import { LAVAPIPE_MACHINE as LAVAPIPE } from '../../test/helpers/runDevices';
import type { MachineState } from '../lib/backendChoices';
import BackendSelectComponent from './BackendSelect.svelte';

// typescript-eslint sees no types in .svelte files: the props are named here, loosely.
const BackendSelect = BackendSelectComponent as unknown as Component<Record<string, unknown>>;

/**
 * The designer's backend select (issue 15), rendered on the server runtime: the options this
 * machine offers, the help line under it, and the same five options while the list loads.
 */

interface Rendered {
  options: { value: string; text: string; disabled: boolean; selected: boolean }[];
  help: string | undefined;
  errors: string[];
}

function select(value: string, machine: MachineState, errors: string[] = []): Rendered {
  const { body } = render(BackendSelect, {
    props: { id: 'backend', value, machine, errors, testid: 'backend' },
  });
  const html = body.replace(/<!--[^>]*-->/g, '');
  const options = [...html.matchAll(/<option([^>]*)>([^<]*)<\/option>/g)].map((m) => {
    const attributes = m[1] ?? '';
    return {
      value: /value="([^"]*)"/.exec(attributes)?.[1] ?? '',
      text: m[2] ?? '',
      disabled: /\sdisabled/.test(attributes),
      selected: /\sselected/.test(attributes),
    };
  });
  return {
    options,
    help: /id="help-backend">([^<]*)</.exec(html)?.[1],
    errors: [...html.matchAll(/<p class="field-error[^"]*">([^<]*)<\/p>/g)].map((m) => m[1] ?? ''),
  };
}

describe('BackendSelect', () => {
  it('offers what this machine has: auto says its pick, a missing one is disabled with why', () => {
    const { options, help } = select('auto', { state: 'known', machine: LAVAPIPE });
    expect(options.map(({ value, text, disabled }) => ({ value, text, disabled }))).toEqual([
      { value: 'auto', text: 'auto (wasm here)', disabled: false },
      {
        value: 'tensorflow',
        text: 'tensorflow (native) — not available: @tensorflow/tfjs-node-gpu is not installed; @tensorflow/tfjs-node is not installed',
        disabled: true,
      },
      { value: 'webgpu', text: 'webgpu (GPU) — software GPU — slower than wasm', disabled: false },
      { value: 'wasm', text: 'wasm', disabled: false },
      { value: 'cpu', text: 'cpu (plain JS)', disabled: false },
    ]);
    expect(options.find((o) => o.selected)?.value).toBe('auto');
    expect(help).toBe('The fastest this machine has: wasm.');
  });

  it('says what the chosen one runs on, and shows the problem of one the machine lacks', () => {
    expect(select('webgpu', { state: 'known', machine: LAVAPIPE }).help).toBe(
      "llvmpipe (software GPU); tfjs-backend-webgpu 4.22.0. Slower than wasm: 'auto' never takes it.",
    );
    // A spec loaded with tensorflow keeps it chosen (disabled) with its problem under it.
    const problem = "Backend 'tensorflow' is not available on this machine (…).";
    const chosen = select('tensorflow', { state: 'known', machine: LAVAPIPE }, [problem]);
    expect(chosen.options.find((o) => o.selected)).toMatchObject({
      value: 'tensorflow',
      disabled: true,
    });
    expect(chosen.help).toBe('Not available on this machine: choose another.');
    expect(chosen.errors).toEqual([problem]);
  });

  it('keeps the same five options, all enabled, and a help line while the list loads or failed', () => {
    for (const machine of [
      { state: 'loading' },
      { state: 'failed', message: 'the probe timed out' },
    ] as const) {
      const { options, help } = select('wasm', machine);
      expect(options.map((o) => o.value)).toEqual(['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu']);
      expect(options.every((o) => !o.disabled)).toBe(true);
      expect(options[0]?.text).toBe('auto (fastest available)');
      expect(help).toBe(
        machine.state === 'loading'
          ? 'Checking this machine’s backends…'
          : 'Could not check this machine’s backends: the probe timed out',
      );
    }
  });
});
