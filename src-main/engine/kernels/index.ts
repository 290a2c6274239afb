import type { KernelConfig } from '@tensorflow/tfjs';
import { adamUpdateConfig } from './adam';
import { batchMatMulConfig } from './batchMatMul';
import { conv2DBackpropFilterConfig, conv2DBackpropInputConfig } from './conv2dBackprop';
import { gatherV2Config } from './gather';
import { identityConfig } from './identity';
import { maxPoolGradConfig } from './maxPoolGrad';
import { sumConfig } from './sum';
import { forgetStock, rememberStock } from './wasmHeap';
import { tfjs } from '../tfjs';

const { getKernel, getKernelsForBackend, registerKernel, unregisterKernel } = tfjs;

export { EngineAdam, engineAdam } from './adam';

/**
 * The engine's own wasm kernels (issue 3, "Speed"): replacements for the stock kernels of
 * tfjs-backend-wasm 4.22 that fall off its fast paths where training needs them, and the one
 * it lacks. Each is built from the stock fast kernels (XNNPACK's matrix product and convolution,
 * the Transpose kernel) plus plain loops over the wasm heap where a loop is memory-bound anyway.
 *
 * - BatchMatMul: transposed operands and batches (every Dense backward pass) — batchMatMul.ts.
 * - Conv2DBackpropFilter: missing on wasm (tensorflow/tfjs#8474) — conv2dBackprop.ts.
 * - Conv2DBackpropInput: a naive loop on wasm — conv2dBackprop.ts.
 * - MaxPoolGrad: a naive loop on wasm — maxPoolGrad.ts.
 * - Sum over leading axes (bias gradients): a transpose of the whole input first — sum.ts.
 * - Identity: a copy of every tensor the gradient tape saves — identity.ts.
 * - GatherV2 along axis 0 (each batch's rows): an index computation per element — gather.ts.
 * - TransferlabAdamUpdate (new): Adam's whole update of a variable in one kernel, for
 *   EngineAdam, instead of about fifteen — adam.ts.
 */
export const ENGINE_WASM_KERNELS: readonly KernelConfig[] = [
  batchMatMulConfig,
  conv2DBackpropFilterConfig,
  conv2DBackpropInputConfig,
  maxPoolGradConfig,
  sumConfig,
  identityConfig,
  gatherV2Config,
  adamUpdateConfig,
];

/**
 * Registers the engine's kernels for the wasm backend, replacing the stock ones of the same
 * names (the registry refuses a second registration, so the stock one is unregistered first and
 * kept, for the replacement to call and for restoreStockWasmKernels). Call it once the wasm
 * backend is initialised: the stock kernels' setup (binding their C++ functions) runs at backend
 * initialisation, and the replacements call into them. Idempotent.
 */
export function registerEngineWasmKernels(): string[] {
  const installed: string[] = [];
  for (const config of ENGINE_WASM_KERNELS) {
    const current = registered(config.kernelName);
    if (current?.kernelFunc === config.kernelFunc) continue;
    if (current !== undefined) {
      rememberStock(config.kernelName, current);
      unregisterKernel(config.kernelName, 'wasm');
    }
    registerKernel(config);
    installed.push(config.kernelName);
  }
  return installed;
}

/** Puts the stock kernels back (benchmarks and tests compare the two). Idempotent. */
export function restoreStockWasmKernels(): void {
  for (const config of ENGINE_WASM_KERNELS) {
    if (registered(config.kernelName)?.kernelFunc !== config.kernelFunc) continue;
    unregisterKernel(config.kernelName, 'wasm');
    const stock = forgetStock(config.kernelName);
    if (stock !== undefined) registerKernel(stock);
  }
}

/** Whether the engine's kernels are the ones registered for wasm now. */
export function engineWasmKernelsRegistered(): boolean {
  return ENGINE_WASM_KERNELS.every((c) => registered(c.kernelName)?.kernelFunc === c.kernelFunc);
}

function registered(kernelName: string): KernelConfig | undefined {
  // getKernel returns undefined for a name with no kernel, although its type says otherwise.
  return getKernelsForBackend('wasm').some((c) => c.kernelName === kernelName)
    ? getKernel(kernelName, 'wasm')
    : undefined;
}
