import {
  adapterLabel,
  type GpuAdapter,
  type MachineBackends,
  type RunDevice,
} from '../../src-shared/domain/backends';
import type { RunEnvironment } from '../../src-shared/domain/runs';

/**
 * Devices as runs record them (issue 15): lavapipe as Dawn reports it on these machines (Mesa 25
 * from bookworm-backports), an H100 as it would report itself, and a CPU for wasm runs.
 */

export const LAVAPIPE_ADAPTER: GpuAdapter = {
  vendor: 'mesa',
  architecture: 'software',
  device: 'llvmpipe-llvm-15-0-6-256-bits-',
  description: 'llvmpipe: Mesa 25.0.7-2~bpo12+1 (LLVM 15.0.6) 0.0.1',
  software: true,
  limits: {
    maxBufferSize: 4294967295,
    maxStorageBufferBindingSize: 134217728,
    maxComputeWorkgroupStorageSize: 32768,
    maxComputeInvocationsPerWorkgroup: 1024,
    maxComputeWorkgroupSizeX: 1024,
  },
};

export const H100_ADAPTER: GpuAdapter = {
  vendor: 'nvidia',
  architecture: 'hopper',
  device: 'NVIDIA H100 80GB HBM3',
  description: 'NVIDIA: 550.54.15 550.54.15.0',
  software: false,
  limits: {
    maxBufferSize: 68719476736,
    maxStorageBufferBindingSize: 4294967292,
    maxComputeWorkgroupStorageSize: 49152,
    maxComputeInvocationsPerWorkgroup: 1024,
    maxComputeWorkgroupSizeX: 1024,
  },
};

export const LAVAPIPE_DEVICE: RunDevice = {
  kind: 'software-gpu',
  label: adapterLabel(LAVAPIPE_ADAPTER),
  adapter: LAVAPIPE_ADAPTER,
};

export const H100_DEVICE: RunDevice = {
  kind: 'gpu',
  label: adapterLabel(H100_ADAPTER),
  adapter: H100_ADAPTER,
};

export const CPU_DEVICE: RunDevice = {
  kind: 'cpu',
  label: 'Intel(R) Xeon(R) Processor (2 threads)',
};

/** An environment a run records when its trainer starts, on `device` with `backend`. */
export function environmentOn(backend: string, device?: RunDevice): RunEnvironment {
  return {
    backend,
    versions: { '@tensorflow/tfjs': '4.22.0' },
    platform: 'linux',
    arch: 'x64',
    cpus: 2,
    node: '22.12.0',
    ...(device ? { device } : {}),
  };
}

/** What `transferlab backends` finds on these machines: lavapipe for WebGPU, no tfjs-node. */
export const LAVAPIPE_MACHINE: MachineBackends = {
  backends: [
    {
      backend: 'tensorflow-gpu',
      available: false,
      auto: false,
      detail: '@tensorflow/tfjs-node-gpu is not installed',
    },
    {
      backend: 'webgpu',
      available: true,
      auto: false,
      detail: 'llvmpipe (software GPU); tfjs-backend-webgpu 4.22.0',
      adapter: {
        vendor: 'mesa',
        architecture: 'software',
        device: 'llvmpipe',
        description: 'llvmpipe: Mesa 25.0.7 (LLVM 15.0.6)',
        software: true,
        limits: { maxBufferSize: 4294967295, maxComputeWorkgroupSizeX: 1024 },
      },
    },
    {
      backend: 'tensorflow',
      available: false,
      auto: false,
      detail: '@tensorflow/tfjs-node is not installed',
    },
    { backend: 'wasm', available: true, auto: true, detail: 'Xeon (2 threads); tfjs-backend-wasm' },
    { backend: 'cpu', available: true, auto: true, detail: 'Xeon (2 threads); tfjs-backend-cpu' },
  ],
  auto: 'wasm',
  probedAt: '2026-12-06T10:00:00.000Z',
};
