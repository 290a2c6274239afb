import { getKernel, getKernelsForBackend } from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../src-main/engine/backend';
import {
  ENGINE_WASM_KERNELS,
  engineWasmKernelsRegistered,
  registerEngineWasmKernels,
  restoreStockWasmKernels,
} from '../../../../src-main/engine/kernels/index';

describe('engine wasm kernels', () => {
  it('are registered by selectBackend("wasm"), once', async () => {
    await selectBackend('wasm');
    expect(engineWasmKernelsRegistered()).toBe(true);
    expect(registerEngineWasmKernels()).toEqual([]);
    for (const config of ENGINE_WASM_KERNELS) {
      expect(getKernel(config.kernelName, 'wasm').kernelFunc).toBe(config.kernelFunc);
    }
  });

  it('give way to the stock kernels and come back', async () => {
    await selectBackend('wasm');
    const ours = getKernel('BatchMatMul', 'wasm').kernelFunc;
    restoreStockWasmKernels();
    try {
      expect(engineWasmKernelsRegistered()).toBe(false);
      expect(getKernel('BatchMatMul', 'wasm').kernelFunc).not.toBe(ours);
      restoreStockWasmKernels(); // idempotent
    } finally {
      expect(registerEngineWasmKernels()).toEqual(ENGINE_WASM_KERNELS.map((c) => c.kernelName));
    }
    expect(getKernel('BatchMatMul', 'wasm').kernelFunc).toBe(ours);
  });

  it('leave the cpu backend its own kernels', async () => {
    await selectBackend('wasm');
    for (const config of ENGINE_WASM_KERNELS) {
      expect(config.backendName).toBe('wasm');
      const cpu = getKernelsForBackend('cpu').find((c) => c.kernelName === config.kernelName);
      expect(cpu?.kernelFunc).not.toBe(config.kernelFunc);
    }
  });
});
