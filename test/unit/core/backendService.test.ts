import { describe, expect, it } from 'vitest';
import type { MachineBackends } from '../../../src-shared/domain/backends';
import { ExperimentSpecSchema } from '../../../src-shared/domain/experimentSpec';
import { AppFailure } from '../../../src-shared/result';
import { createBackendService } from '../../../src-main/core/backendService';
import type { ModelsRunner } from '../../../src-main/core/modelService';
import {
  backendIssues,
  backendsAsked,
  needsProbe,
  specBackendIssues,
} from '../../../src-main/core/specBackends';
import type { ModelsAnswer } from '../../../src-main/engine/trainer/modelsProtocol';
import { tinySpec } from '../../helpers/tinySpec';

/**
 * The backend service (issue 15): the probe runs once per core and is kept, `refresh` probes
 * again, callers during a probe share it, and a failed probe is not kept. The spec check asks the
 * probe only for the preferences a machine may lack, and says at each field what it lacks.
 */

/** A machine like this one: no native TensorFlow, WebGPU on lavapipe only, wasm and cpu. */
function machine(webgpu: 'hardware' | 'software' | 'none'): MachineBackends {
  const adapter = {
    vendor: webgpu === 'hardware' ? 'nvidia' : 'mesa',
    architecture: webgpu === 'hardware' ? 'hopper' : 'software',
    device: webgpu === 'hardware' ? 'NVIDIA H100' : 'llvmpipe',
    description: '',
    software: webgpu === 'software',
    limits: { maxBufferSize: 2 ** 32 - 1 },
  };
  return {
    backends: [
      {
        backend: 'tensorflow-gpu',
        available: false,
        auto: false,
        detail: '@tensorflow/tfjs-node-gpu is not installed',
      },
      webgpu === 'none'
        ? { backend: 'webgpu', available: false, auto: false, detail: 'no WebGPU adapter' }
        : {
            backend: 'webgpu',
            available: true,
            auto: webgpu === 'hardware',
            detail: 'an adapter',
            adapter,
          },
      {
        backend: 'tensorflow',
        available: false,
        auto: false,
        detail: '@tensorflow/tfjs-node is not installed',
      },
      { backend: 'wasm', available: true, auto: webgpu !== 'hardware', detail: 'wasm' },
      { backend: 'cpu', available: true, auto: true, detail: 'cpu' },
    ],
    auto: webgpu === 'hardware' ? 'webgpu' : 'wasm',
    probedAt: '2026-12-06T10:00:00.000Z',
  };
}

/** A models runner answering the probe with `answers` in turn, counting the requests. */
function runner(answers: (ModelsAnswer | Error)[]): { run: ModelsRunner; asked: () => number } {
  let asked = 0;
  const run: ModelsRunner = (request) => {
    asked++;
    expect(request).toEqual({ type: 'backends' });
    const next = answers.shift();
    if (next === undefined) return Promise.reject(new Error('probed once too often'));
    return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
  };
  return { run, asked: () => asked };
}

describe('createBackendService', () => {
  it('probes once and keeps the answer; callers during the probe share it; refresh probes again', async () => {
    const first = machine('software');
    const second = machine('hardware');
    const { run, asked } = runner([
      { type: 'backends', machine: first },
      { type: 'backends', machine: second },
    ]);
    const service = createBackendService(run);
    const [a, b] = await Promise.all([service.list(), service.list()]);
    expect(a).toEqual(first);
    expect(b).toBe(a);
    expect(await service.list({ refresh: false })).toBe(a);
    expect(asked()).toBe(1);
    expect(await service.list({ refresh: true })).toEqual(second);
    expect(await service.list()).toEqual(second);
    expect(asked()).toBe(2);
  });

  it('refuses with the probe’s reason and keeps no failure, so the next call probes again', async () => {
    const { run, asked } = runner([
      {
        type: 'failed',
        error: 'The models process took too long and was stopped.',
        refused: false,
      },
      { type: 'exported', files: ['x'] },
      { type: 'backends', machine: machine('none') },
    ]);
    const service = createBackendService(run);
    const failure = await service.list().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(AppFailure);
    expect(failure).toMatchObject({
      code: 'unavailable',
      message:
        'Could not find out which backends this machine has: The models process took too long and was stopped.',
    });
    await expect(service.list()).rejects.toThrow(/an answer of type 'exported'/);
    expect((await service.list()).auto).toBe('wasm');
    expect(asked()).toBe(3);
  });
});

describe('the backends a spec asks for', () => {
  const spec = (training: object, sourceTraining?: object) =>
    ExperimentSpecSchema.parse({
      ...tinySpec('backends'),
      training,
      ...(sourceTraining ? { sourceTraining } : {}),
    });

  it('are the spec’s training and sourceTraining, each at its path', () => {
    expect(backendsAsked(spec({ backend: 'webgpu' }))).toEqual([
      { path: 'training.backend', preference: 'webgpu' },
    ]);
    expect(backendsAsked(spec({}, { backend: 'tensorflow' }))).toEqual([
      { path: 'training.backend', preference: 'auto' },
      { path: 'sourceTraining.backend', preference: 'tensorflow' },
    ]);
  });

  it('need the probe only where a machine may lack them', () => {
    expect(['auto', 'wasm', 'cpu'].map((p) => needsProbe(p as 'auto'))).toEqual([
      false,
      false,
      false,
    ]);
    expect(needsProbe('tensorflow')).toBe(true);
    expect(needsProbe('webgpu')).toBe(true);
  });

  it('are refused at their path with what the machine lacks and has', () => {
    const asked = backendsAsked(spec({ backend: 'webgpu' }, { backend: 'tensorflow' }));
    expect(backendIssues(asked, machine('software'))).toEqual([
      {
        path: 'sourceTraining.backend',
        message:
          "Backend 'tensorflow' is not available on this machine (tensorflow-gpu: @tensorflow/tfjs-node-gpu is not installed; tensorflow: @tensorflow/tfjs-node is not installed). Available: webgpu, wasm, cpu.",
      },
    ]);
    // A software adapter is there for 'webgpu' by name; without any adapter, webgpu is refused.
    expect(backendIssues(asked, machine('none')).map((i) => i.path)).toEqual([
      'training.backend',
      'sourceTraining.backend',
    ]);
  });

  it('ask nothing of the probe for a plain spec, and say at each field when it fails', async () => {
    const { run, asked } = runner([new Error('fork failed')]);
    const service = createBackendService(run);
    expect(await specBackendIssues(spec({ backend: 'cpu' }, { backend: 'auto' }), service)).toEqual(
      [],
    );
    expect(asked()).toBe(0);
    const issues = await specBackendIssues(
      spec({ backend: 'webgpu' }, { backend: 'wasm' }),
      service,
    );
    expect(issues).toEqual([
      {
        path: 'training.backend',
        message: "could not check that backend 'webgpu' is available: fork failed",
      },
    ]);
    expect(asked()).toBe(1);
  });
});
