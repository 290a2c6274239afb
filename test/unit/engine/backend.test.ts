import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import * as tfjsImported from '@tensorflow/tfjs';
import { runEnvironment, selectBackend } from '../../../src-main/engine/backend';
import { isTfNamespace, tfjs } from '../../../src-main/engine/tfjs';
import { hasNativeTensorflow as hasNative } from '../../helpers/nativeTensorflow';

describe('the tfjs the engine loads with require (engine/tfjs.ts)', () => {
  it('is a tfjs namespace, and the same instance an ES import gets', () => {
    expect(isTfNamespace(tfjs)).toBe(true);
    expect(isTfNamespace(createRequire(import.meta.url)('@tensorflow/tfjs'))).toBe(true);
    expect(isTfNamespace({ ...tfjs, tidy: undefined })).toBe(false);
    // One engine, one registry of kernels and backends, whichever way a module reached it.
    expect(tfjs.engine()).toBe(tfjsImported.engine());
  });
});

describe('selectBackend', () => {
  it('initialises wasm when asked, with its version recorded', async () => {
    const selected = await selectBackend('wasm');
    expect(selected.backend).toBe('wasm');
    expect(selected.tf.getBackend()).toBe('wasm');
    expect(selected.versions['tfjs-backend-wasm']).toMatch(/^\d+\.\d+\.\d+/);
    expect(selected.versions['tfjs-core']).toMatch(/^4\./);
    expect(selected.tf.sum(selected.tf.tensor1d([1, 2, 3])).dataSync()[0]).toBe(6);
  });

  it('initialises cpu when asked', async () => {
    const selected = await selectBackend('cpu');
    expect(selected.backend).toBe('cpu');
    expect(selected.tf.getBackend()).toBe('cpu');
    expect(selected.versions['tfjs-backend-wasm']).toBeUndefined();
  });

  it('takes the first backend that loads for auto: tensorflow when installed, else wasm', async () => {
    const selected = await selectBackend('auto');
    if (hasNative) expect(selected.backend).toMatch(/^tensorflow/);
    else expect(selected.backend).toBe('wasm');
    expect(selected.tf.getBackend()).toBe(hasNative ? 'tensorflow' : 'wasm');
  });

  it('refuses an explicit tensorflow preference it cannot meet instead of falling back', async () => {
    if (hasNative) {
      expect((await selectBackend('tensorflow')).backend).toMatch(/^tensorflow/);
    } else {
      await expect(selectBackend('tensorflow')).rejects.toThrow(
        "The 'tensorflow' backend is not available (tensorflow-gpu: @tensorflow/tfjs-node-gpu is not installed; tensorflow: @tensorflow/tfjs-node is not installed)",
      );
    }
  });

  it('describes the environment a run used', async () => {
    const env = runEnvironment(await selectBackend('wasm'));
    expect(env.backend).toBe('wasm');
    expect(env.node).toBe(process.versions.node);
    expect(env.platform).toBe(process.platform);
    expect(env.arch).toBe(process.arch);
    expect(env.cpus).toBeGreaterThan(0);
    expect(env.versions.tfjs).toMatch(/^4\./);
  });
});
