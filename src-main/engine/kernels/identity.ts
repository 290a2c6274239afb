import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { runStock, wasmBackend } from './wasmHeap';
import { tfjs } from '../tfjs';

const { Identity } = tfjs;

/**
 * Identity (tf.clone) for the wasm backend, sharing the data instead of copying it: one more
 * reference on the same heap block, released by the backend's reference count, as the cpu
 * backend's Identity and the wasm backend's own Reshape already do (tensors are immutable, no
 * kernel writes into its inputs). It matters to training: the engine clones every tensor a
 * gradient needs when it records the tape, so the stock kernel copied each layer's activations
 * once more per step (≈ 1 ms per 128×26×26×32 activation here). Strings keep the stock kernel.
 */
const identity: KernelFunc = ({ inputs, backend: anyBackend }) => {
  const backend = wasmBackend(anyBackend);
  const { x } = inputs as { x: TensorInfo };
  if (x.dtype === 'string') return runStock(backend, Identity, { x });
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
};

export const identityConfig: KernelConfig = {
  kernelName: Identity,
  backendName: 'wasm',
  kernelFunc: identity,
};
