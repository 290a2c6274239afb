import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { ADAPTER_LIMITS, type GpuAdapter } from '../../src-shared/domain/backends';
import { tfjs } from './tfjs';

/**
 * WebGPU in Node (issue 15): Dawn's Node binding (npm `webgpu`, its prebuilt dawn.node inside
 * the package) gives a GPU device on Vulkan, Metal or D3D12, and @tensorflow/tfjs-backend-webgpu
 * trains on it. Both load only when a run asks for WebGPU or a probe looks for it: the binding is
 * 21 MB of native code that a wasm run has no use for.
 *
 * tfjs's webgpu backend asks `navigator.gpu` for an adapter when it is first set (and registers
 * itself only if `navigator.gpu` exists when its package loads). Node has no `navigator.gpu`, so
 * this module installs one whose requestAdapter hands back the adapter chosen here: the engine,
 * not the backend's power preference, decides which adapter a run trains on, so that a software
 * adapter is taken only when asked for (backend.ts).
 */

const require = createRequire(import.meta.url);

/** The parts of the WebGPU API this module uses (the `webgpu` package's types are not loaded). */
interface AdapterLike {
  readonly info: {
    vendor: string;
    architecture: string;
    device: string;
    description: string;
    isFallbackAdapter?: boolean;
  };
  readonly limits: Record<string, unknown>;
}
interface GpuLike {
  requestAdapter(options?: {
    powerPreference?: 'high-performance' | 'low-power';
    forceFallbackAdapter?: boolean;
  }): Promise<AdapterLike | null>;
}

/** Software drivers that implement the GPU API on the CPU, by the names they report. */
const SOFTWARE_DRIVER = /llvmpipe|lavapipe|swiftshader|softpipe|microsoft basic render|\bwarp\b/i;

let dawn: Promise<GpuLike> | undefined;
let found: Promise<FoundAdapter | null> | undefined;

/** Loads Dawn once per process: its globals (GPUBufferUsage, ...) and a GPU object. */
function loadDawn(): Promise<GpuLike> {
  dawn ??= (async () => {
    // Mesa's Vulkan drivers warn once per process when XDG_RUNTIME_DIR is unset; any writable
    // folder silences it.
    process.env.XDG_RUNTIME_DIR ??= tmpdir();
    // An ES module package: imported, not required. Its own `create` takes Dawn's toggles.
    const module: unknown = await import('webgpu');
    if (!isDawnModule(module)) throw new Error("the package 'webgpu' has no create() or globals");
    Object.assign(globalThis, module.globals);
    const gpu = module.create([]);
    if (!isGpu(gpu)) throw new Error("the package 'webgpu' did not create a GPU object");
    return gpu;
  })();
  return dawn;
}

export interface FoundAdapter {
  adapter: AdapterLike;
  info: GpuAdapter;
}

/**
 * The adapter Dawn ranks first for high performance (a discrete GPU before an integrated one),
 * described; null when there is none. Rejects when the binding itself cannot load.
 */
export function findAdapter(): Promise<FoundAdapter | null> {
  // Once per process: tfjs's backend keeps the first adapter it is given (useWebGpu).
  found ??= (async () => {
    const gpu = await loadDawn();
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    return adapter === null ? null : { adapter, info: describeAdapter(adapter) };
  })();
  return found;
}

export function describeAdapter(adapter: AdapterLike): GpuAdapter {
  const { vendor, architecture, device, description, isFallbackAdapter } = adapter.info;
  const limits: Record<string, number> = {};
  for (const name of ADAPTER_LIMITS) {
    const value = adapter.limits[name];
    if (typeof value === 'number') limits[name] = value;
  }
  return {
    vendor,
    architecture,
    device,
    description,
    software:
      isFallbackAdapter === true ||
      architecture === 'software' ||
      SOFTWARE_DRIVER.test(`${device} ${description}`),
    limits,
  };
}

let chosen: AdapterLike | undefined;

/**
 * Sets tfjs's webgpu backend on `found`'s adapter. tfjs creates the backend once per process, on
 * the adapter requestAdapter gives it the first time: a later call with another adapter would
 * silently keep the first, so it is refused.
 */
export async function useWebGpu(found: FoundAdapter): Promise<void> {
  if (chosen !== undefined && chosen !== found.adapter) {
    throw new Error('this process already trains on another WebGPU adapter');
  }
  chosen = found.adapter;
  const gpu: GpuLike = { requestAdapter: () => Promise.resolve(found.adapter) };
  const navigator: unknown = Reflect.get(globalThis, 'navigator');
  if (typeof navigator === 'object' && navigator !== null) {
    // Node 21+ (Electron's) has a navigator: give it a gpu.
    Object.defineProperty(navigator, 'gpu', { value: gpu, configurable: true });
  } else {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true });
  }
  // Registers the 'webgpu' backend with tfjs (it looks for navigator.gpu as it loads).
  require('@tensorflow/tfjs-backend-webgpu');
  if (!(await tfjs.setBackend('webgpu')))
    throw new Error('the webgpu backend failed to initialise');
  await tfjs.ready();
}

function isDawnModule(
  value: unknown,
): value is { create(flags: string[]): unknown; globals: object } {
  return (
    typeof value === 'object' &&
    value !== null &&
    'create' in value &&
    typeof value.create === 'function' &&
    'globals' in value &&
    typeof value.globals === 'object' &&
    value.globals !== null
  );
}

function isGpu(value: unknown): value is GpuLike {
  return (
    typeof value === 'object' &&
    value !== null &&
    'requestAdapter' in value &&
    typeof value.requestAdapter === 'function'
  );
}
