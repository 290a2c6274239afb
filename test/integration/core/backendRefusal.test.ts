import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MachineBackends } from '../../../src-shared/domain/backends';
import { openCore } from '../../../src-main/core/core';
import type { Core } from '../../../src-main/core/types';
import type { ModelsRunner } from '../../../src-main/core/modelService';
import { dispatch } from '../../../src-main/transports/dispatch';
import { useTempDirs } from '../../helpers/tempDir';
import { tinySpec } from '../../helpers/tinySpec';

/**
 * Issue 15, point 1: a spec asking for a backend this machine lacks is refused when planned and
 * when created, at the field that asks, with the machine's own reasons; not five seconds into
 * every run. The probe is the real one, in a models child process: tfjs-node is not installed
 * here, so 'tensorflow' is refused; 'webgpu' is accepted exactly when the probe found an adapter
 * (lavapipe, where mesa-vulkan-drivers is installed).
 */

const tempDir = useTempDirs();

function spec(training: object, sourceTraining?: object): Record<string, unknown> {
  const base = tinySpec('backend check');
  return {
    ...base,
    training: { ...(base.training as object), ...training },
    ...(sourceTraining ? { sourceTraining } : {}),
  };
}

describe('planning against the machine’s backends (real probe)', () => {
  let core: Core;
  let machine: MachineBackends;
  beforeAll(async () => {
    core = await openCore({ workspaceDir: tempDir(), transport: 'in-process', queue: 'none' });
    machine = await core.handlers['backends.list']({});
  });
  afterAll(async () => {
    await core.close();
  });

  it('refuses tensorflow at training.backend when tfjs-node is not installed, creating nothing', async () => {
    const tensorflow = machine.backends.filter((b) => b.backend.startsWith('tensorflow'));
    // Where tfjs-node is installed, this machine is not the one this test is about.
    if (tensorflow.some((b) => b.available)) return;
    const planned = await dispatch(core.handlers, 'experiments.plan', {
      spec: spec({ backend: 'tensorflow' }),
      estimate: 'none',
    });
    expect(planned.ok).toBe(false);
    if (planned.ok) return;
    expect(planned.error.code).toBe('invalid_input');
    expect(planned.error.issues).toEqual([
      {
        path: 'training.backend',
        message: expect.stringMatching(
          /^Backend 'tensorflow' is not available on this machine \(tensorflow-gpu: @tensorflow\/tfjs-node-gpu is not installed; tensorflow: @tensorflow\/tfjs-node is not installed\)\. Available: .*wasm, cpu\.$/,
        ) as unknown,
      },
    ]);
    expect(planned.error.message).toMatch(/^Invalid experiment spec: training\.backend: Backend/);

    const created = await dispatch(core.handlers, 'experiments.create', {
      spec: spec({ backend: 'auto' }, { backend: 'tensorflow' }),
    });
    expect(created).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', issues: [{ path: 'sourceTraining.backend' }] },
    });
    expect(await core.handlers['experiments.list']({})).toEqual([]);
  });

  it('accepts webgpu exactly when the probe found an adapter, and reports other problems with it', async () => {
    const webgpu = machine.backends.find((b) => b.backend === 'webgpu');
    const planned = await dispatch(core.handlers, 'experiments.plan', {
      spec: spec({ backend: 'webgpu' }),
      estimate: 'none',
    });
    if (webgpu?.available === true) {
      expect(planned).toMatchObject({ ok: true, value: { queuedRuns: 3 } });
    } else {
      expect(planned).toMatchObject({
        ok: false,
        error: { issues: [{ path: 'training.backend' }] },
      });
    }
    // A backend problem comes with the plan's own, all at once.
    const both = await dispatch(core.handlers, 'experiments.plan', {
      spec: { ...spec({ backend: 'tensorflow' }), budgets: [0] },
      estimate: 'none',
    });
    expect(both.ok).toBe(false);
    if (both.ok) return;
    const paths = (both.error.issues ?? []).map((i) => i.path);
    expect(paths).toContain('strategies.0');
    expect(paths.includes('training.backend')).toBe(
      !machine.backends.some((b) => b.backend.startsWith('tensorflow') && b.available),
    );
  });
});

describe('planning against a probe the test gives (overrides.models)', () => {
  /** A probe that says webgpu is `available` on a hardware adapter, counting its calls. */
  function probe(available: boolean): { models: ModelsRunner; probes: () => number } {
    let probes = 0;
    const models: ModelsRunner = (request) => {
      if (request.type !== 'backends') throw new Error(`unexpected ${request.type}`);
      probes++;
      return Promise.resolve({
        type: 'backends',
        machine: {
          backends: [
            available
              ? {
                  backend: 'webgpu',
                  available: true,
                  auto: true,
                  detail: 'NVIDIA H100 (nvidia, hopper)',
                }
              : { backend: 'webgpu', available: false, auto: false, detail: 'no WebGPU adapter' },
            { backend: 'wasm', available: true, auto: !available, detail: 'wasm' },
            { backend: 'cpu', available: true, auto: true, detail: 'cpu' },
          ],
          auto: available ? 'webgpu' : 'wasm',
          probedAt: '2026-12-06T10:00:00.000Z',
        },
      });
    };
    return { models, probes: () => probes };
  }

  it('plans and creates a webgpu spec when the probe has it, probing once for the core', async () => {
    const { models, probes } = probe(true);
    const core = await openCore(
      { workspaceDir: tempDir(), transport: 'in-process', queue: 'none' },
      { models },
    );
    try {
      // A plain spec never waits for the probe.
      await core.handlers['experiments.plan']({ spec: spec({ backend: 'cpu' }), estimate: 'none' });
      expect(probes()).toBe(0);
      const webgpu = spec({ backend: 'webgpu' });
      const plan = await core.handlers['experiments.plan']({ spec: webgpu, estimate: 'none' });
      expect(plan.queuedRuns).toBe(3);
      const created = await core.handlers['experiments.create']({ spec: webgpu });
      expect(created.runIds).toHaveLength(3);
      expect((await core.handlers['backends.list']({})).auto).toBe('webgpu');
      expect(probes()).toBe(1);
      await core.handlers['backends.list']({ refresh: true });
      expect(probes()).toBe(2);
    } finally {
      await core.close();
    }
  });

  it('refuses it when the probe lacks it, with the probe’s reason', async () => {
    const { models } = probe(false);
    const core = await openCore(
      { workspaceDir: tempDir(), transport: 'in-process', queue: 'none' },
      { models },
    );
    try {
      const planned = await dispatch(core.handlers, 'experiments.plan', {
        spec: spec({ backend: 'webgpu' }),
        estimate: 'none',
      });
      expect(planned).toMatchObject({
        ok: false,
        error: {
          code: 'invalid_input',
          issues: [
            {
              path: 'training.backend',
              message:
                "Backend 'webgpu' is not available on this machine (webgpu: no WebGPU adapter). Available: wasm, cpu.",
            },
          ],
        },
      });
    } finally {
      await core.close();
    }
  });

  it('refuses a re-run on a machine without its backend, queueing nothing', async () => {
    const workspaceDir = tempDir();
    // Planned where WebGPU is at hand; its runs end (cancelled) before training.
    const gpu = await openCore(
      { workspaceDir, transport: 'in-process', queue: 'none' },
      { models: probe(true).models },
    );
    let runIds: number[];
    try {
      runIds = (await gpu.handlers['experiments.create']({ spec: spec({ backend: 'webgpu' }) }))
        .runIds;
      for (const id of runIds) await gpu.handlers['runs.cancel']({ id });
    } finally {
      await gpu.close();
    }
    const scratch = runIds[runIds.length - 2];
    if (scratch === undefined) throw new Error('no runs');
    // Re-run where there is none.
    const cpuOnly = await openCore(
      { workspaceDir, transport: 'in-process', queue: 'none' },
      { models: probe(false).models },
    );
    try {
      const before = (await cpuOnly.handlers['runs.list']({})).length;
      const rerun = await dispatch(cpuOnly.handlers, 'runs.rerun', { ids: [scratch] });
      expect(rerun).toMatchObject({
        ok: false,
        error: {
          code: 'invalid_input',
          message: `Nothing re-run: Run #${scratch}: Backend 'webgpu' is not available on this machine (webgpu: no WebGPU adapter). Available: wasm, cpu.`,
        },
      });
      expect(await cpuOnly.handlers['runs.list']({})).toHaveLength(before);
    } finally {
      await cpuOnly.close();
    }
  });
});
