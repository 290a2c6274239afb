import { describe, expect, it } from 'vitest';
import { preferenceProblem, type MachineBackends } from '../../../src-shared/domain/backends';
import {
  backendChoices,
  backendProblems,
  machineState,
} from '../../../src-renderer/lib/backendChoices';

/**
 * The designer's backend options and problems (issue 15) on a machine with a hardware GPU and
 * tfjs-node-gpu: the words the options use, and a problem worded as the plan's refusal words it.
 */

const GPU_MACHINE: MachineBackends = {
  backends: [
    {
      backend: 'tensorflow-gpu',
      available: true,
      auto: true,
      detail: 'CUDA device (TensorFlow); tfjs-node-gpu 4.22.0',
    },
    {
      backend: 'webgpu',
      available: true,
      auto: true,
      detail: 'NVIDIA H100 (nvidia, hopper); tfjs-backend-webgpu 4.22.0',
      adapter: {
        vendor: 'nvidia',
        architecture: 'hopper',
        device: 'NVIDIA H100',
        description: '',
        software: false,
        limits: {},
      },
    },
    { backend: 'tensorflow', available: false, auto: false, detail: 'tfjs-node is not installed' },
    { backend: 'wasm', available: true, auto: true, detail: 'wasm' },
    { backend: 'cpu', available: true, auto: true, detail: 'cpu' },
  ],
  auto: 'tensorflow-gpu',
  probedAt: '2026-12-06T10:00:00.000Z',
};

describe('backendChoices', () => {
  it('names the adapter of a hardware GPU and the device native TensorFlow uses', () => {
    const choices = backendChoices({ state: 'known', machine: GPU_MACHINE });
    expect(choices.map((c) => [c.value, c.text, c.disabled])).toEqual([
      ['auto', 'auto (tensorflow-gpu here)', false],
      // One of its two packages is enough for 'tensorflow'.
      ['tensorflow', 'tensorflow (native) — CUDA', false],
      ['webgpu', 'webgpu (GPU) — NVIDIA H100 (nvidia, hopper)', false],
      ['wasm', 'wasm', false],
      ['cpu', 'cpu (plain JS)', false],
    ]);
    expect(choices.find((c) => c.value === 'webgpu')?.help).toBe(
      'NVIDIA H100 (nvidia, hopper); tfjs-backend-webgpu 4.22.0',
    );
  });
});

describe('backendProblems', () => {
  it('is the planner’s sentence for a backend the machine lacks, nothing before the list is in', () => {
    const noGpu: MachineBackends = {
      ...GPU_MACHINE,
      backends: GPU_MACHINE.backends.map((b) =>
        b.backend === 'webgpu'
          ? { backend: 'webgpu', available: false, auto: false, detail: 'no WebGPU adapter' }
          : b,
      ),
    };
    const known = machineState(noGpu, null);
    expect(backendProblems('webgpu', known)).toEqual([preferenceProblem('webgpu', noGpu)]);
    expect(backendProblems('webgpu', known)[0]).toMatch(/^Backend 'webgpu' is not available/);
    expect(backendProblems('tensorflow', known)).toEqual([]);
    expect(backendProblems('auto', known)).toEqual([]);
    expect(backendProblems('webgpu', machineState(undefined, null))).toEqual([]);
    expect(machineState(undefined, { message: 'timed out' })).toEqual({
      state: 'failed',
      message: 'timed out',
    });
  });
});
