import { z } from 'zod';

/**
 * Where training runs (issue 15): the backends a machine has, the GPU adapter a WebGPU run used,
 * and the device every run records. Kept apart from training.ts, which holds only the spec's
 * preference, so that the CLI, the designer and the run page share one description.
 */

/**
 * What a spec may ask for. 'auto' takes the fastest the machine has (backendOrder below);
 * 'webgpu' takes the best WebGPU adapter, a software one (lavapipe, SwiftShader) included, which
 * 'auto' never takes: it is slower than wasm, and only asking for it by name gets it.
 */
export const BackendPreferenceSchema = z.enum(['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu']);
export type BackendPreference = z.infer<typeof BackendPreferenceSchema>;

/**
 * The backend a run used: 'tensorflow-gpu' is tfjs-node-gpu (CUDA), 'tensorflow' tfjs-node (native
 * TensorFlow on the CPU), 'webgpu' tfjs-backend-webgpu on Dawn (npm `webgpu`).
 */
export const BackendNameSchema = z.enum(['tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm', 'cpu']);
export type BackendName = z.infer<typeof BackendNameSchema>;

/**
 * 'auto''s order: native TensorFlow on CUDA, then a hardware WebGPU adapter, then native
 * TensorFlow on the CPU, then wasm, then the pure-JS cpu backend.
 */
export const AUTO_ORDER: readonly BackendName[] = [
  'tensorflow-gpu',
  'webgpu',
  'tensorflow',
  'wasm',
  'cpu',
];

/** The backends each preference accepts, in the order they are tried. */
export function backendsFor(preference: BackendPreference): readonly BackendName[] {
  switch (preference) {
    case 'auto':
      return AUTO_ORDER;
    case 'tensorflow':
      return ['tensorflow-gpu', 'tensorflow'];
    default:
      return [preference];
  }
}

/**
 * The limits of a WebGPU adapter that bound what trains on it: the largest buffer a tensor may
 * take, the largest binding a kernel may read, and the workgroup sizes tfjs's shaders use.
 */
export const ADAPTER_LIMITS = [
  'maxBufferSize',
  'maxStorageBufferBindingSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
] as const;

/** A WebGPU adapter as GPUAdapterInfo describes it, plus the limits above. */
export const GpuAdapterSchema = z.object({
  vendor: z.string().max(200),
  architecture: z.string().max(200),
  device: z.string().max(200),
  description: z.string().max(500),
  /**
   * A CPU implementation of the GPU API (lavapipe, SwiftShader, WARP): GPUAdapterInfo's
   * isFallbackAdapter, or a known software driver's name.
   */
  software: z.boolean(),
  limits: z.record(z.string(), z.number()),
});
export type GpuAdapter = z.infer<typeof GpuAdapterSchema>;

/** The device a run computed on: the CPU for native, wasm and cpu; the adapter for webgpu. */
export const RunDeviceSchema = z.object({
  kind: z.enum(['cpu', 'gpu', 'software-gpu']),
  /** One line for tables, e.g. "NVIDIA H100 (nvidia, hopper)", "llvmpipe (software GPU)". */
  label: z.string().max(300),
  adapter: GpuAdapterSchema.optional(),
});
export type RunDevice = z.infer<typeof RunDeviceSchema>;

/** One backend as this machine has it, from `transferlab backends` and the designer. */
export const BackendAvailabilitySchema = z.object({
  backend: BackendNameSchema,
  available: z.boolean(),
  /** Why not, when it is not available; what it is (package version, adapter) when it is. */
  detail: z.string().max(2000),
  /** Whether 'auto' would take it (a software WebGPU adapter is available but never auto). */
  auto: z.boolean(),
  adapter: GpuAdapterSchema.optional(),
});
export type BackendAvailability = z.infer<typeof BackendAvailabilitySchema>;

export const MachineBackendsSchema = z.object({
  backends: z.array(BackendAvailabilitySchema),
  /** What 'auto' picks on this machine. */
  auto: BackendNameSchema,
  probedAt: z.string(),
});
export type MachineBackends = z.infer<typeof MachineBackendsSchema>;

/**
 * Whether a preference can be had on a machine; a sentence saying why not when it cannot (the
 * planner refuses such a spec before any run starts).
 */
export function preferenceProblem(
  preference: BackendPreference,
  machine: MachineBackends,
): string | undefined {
  if (preference === 'auto') return undefined;
  const wanted = backendsFor(preference);
  const found = machine.backends.filter((b) => wanted.includes(b.backend));
  if (found.some((b) => b.available)) return undefined;
  const why = found.map((b) => `${b.backend}: ${b.detail}`).join('; ');
  const have = machine.backends
    .filter((b) => b.available)
    .map((b) => b.backend)
    .join(', ');
  return `Backend '${preference}' is not available on this machine (${why}). Available: ${have}.`;
}

/** A one-line description of an adapter, for tables and logs. */
export function adapterLabel(adapter: GpuAdapter): string {
  const name = adapter.device || adapter.description || 'unknown adapter';
  const kind = adapter.software
    ? 'software GPU'
    : [adapter.vendor, adapter.architecture].filter((s) => s !== '').join(', ');
  return kind === '' ? name : `${name} (${kind})`;
}
