import { createRequire } from 'node:module';
import { arch, availableParallelism, cpus, platform } from 'node:os';
import {
  adapterLabel,
  AUTO_ORDER,
  backendsFor,
  type BackendAvailability,
  type BackendName,
  type BackendPreference,
  type MachineBackends,
  type RunDevice,
} from '../../src-shared/domain/backends';
import type { RunEnvironment } from '../../src-shared/domain/runs';
import { registerEngineWasmKernels } from './kernels/index';
import { isTfNamespace, tfjs, versionWasm, type Tf } from './tfjs';
import { findAdapter, useWebGpu } from './webgpu';

export type { Tf } from './tfjs';
export type { BackendName } from '../../src-shared/domain/backends';

/**
 * Backend selection. The native TensorFlow bindings are optional: their install downloads
 * libtensorflow, which fails offline and leaves the package out (docs/ENVIRONMENT.md). So they are
 * loaded by name at run time, in try/catch, never imported statically: a missing package must
 * not break the build, the type-check or the bundle. Their namespace has tfjs's own types
 * (tfjs-node re-exports @tensorflow/tfjs), checked with a guard rather than cast. WebGPU (Dawn's
 * binding and tfjs-backend-webgpu) loads only when tried (webgpu.ts).
 */

export interface SelectedBackend {
  tf: Tf;
  backend: BackendName;
  /** tfjs package versions, plus the backend package's. */
  versions: Record<string, string>;
  /** What the run computes on: the adapter for webgpu, the CPU otherwise. */
  device: RunDevice;
}

const NATIVE_PACKAGE = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
} as const;

const require = createRequire(import.meta.url);

type Load = { ok: true; selected: SelectedBackend } | { ok: false; error: string };

/**
 * Picks and initialises a backend, trying those the preference accepts in order
 * (src-shared/domain/backends.ts): 'auto' is tfjs-node-gpu, WebGPU on a hardware adapter,
 * tfjs-node, wasm, then cpu, taking the first that loads. An explicit preference that cannot be
 * had is an error, never a silent fallback: a run that asked for a backend must not quietly run
 * (and time) on another.
 */
export async function selectBackend(preference: BackendPreference): Promise<SelectedBackend> {
  const problems: string[] = [];
  for (const backend of backendsFor(preference)) {
    const loaded = await load(backend, preference === 'webgpu');
    if (loaded.ok) return loaded.selected;
    problems.push(`${backend}: ${loaded.error}`);
  }
  throw new Error(
    preference === 'auto'
      ? `No backend initialised (${problems.join('; ')})`
      : `The '${preference}' backend is not available (${problems.join('; ')})`,
  );
}

function load(backend: BackendName, allowSoftwareGpu: boolean): Promise<Load> {
  switch (backend) {
    case 'tensorflow-gpu':
    case 'tensorflow':
      return tryNative(backend);
    case 'webgpu':
      return tryWebGpu(allowSoftwareGpu);
    case 'wasm':
      return tryWasm();
    case 'cpu':
      return tryCpu();
  }
}

/** The machine's CPU, as a run on a CPU backend records it. */
function cpuDevice(): RunDevice {
  const model = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return { kind: 'cpu', label: `${model} (${availableParallelism()} threads)` };
}

async function tryWasm(): Promise<Load> {
  try {
    if (!(await tfjs.setBackend('wasm'))) return { ok: false, error: 'failed to initialise' };
    await tfjs.ready();
    // The stock wasm kernels fall off their fast paths where training needs them (and lack
    // Conv2DBackpropFilter): the engine's replacements, registered once the backend's own
    // kernels are set up, since they call into them (kernels/index.ts; issue 3, Speed). They are
    // registered for 'wasm' only: every other backend keeps its own kernels.
    registerEngineWasmKernels();
    return {
      ok: true,
      selected: {
        tf: tfjs,
        backend: 'wasm',
        versions: { ...tfjs.version, 'tfjs-backend-wasm': versionWasm },
        device: cpuDevice(),
      },
    };
  } catch (e) {
    return { ok: false, error: message(e) };
  }
}

async function tryCpu(): Promise<Load> {
  if (!(await tfjs.setBackend('cpu'))) return { ok: false, error: 'failed to initialise' };
  await tfjs.ready();
  return {
    ok: true,
    selected: { tf: tfjs, backend: 'cpu', versions: { ...tfjs.version }, device: cpuDevice() },
  };
}

/**
 * WebGPU on the adapter Dawn ranks first. A software adapter (lavapipe, SwiftShader) is taken
 * only when WebGPU was asked for by name: on the CPU it is about 100× slower than wasm.
 */
async function tryWebGpu(allowSoftware: boolean): Promise<Load> {
  try {
    const found = await findAdapter();
    if (found === null) return { ok: false, error: 'no WebGPU adapter (Vulkan, Metal or D3D12)' };
    if (found.info.software && !allowSoftware) {
      return {
        ok: false,
        error: `only a software adapter, ${adapterLabel(found.info)}, which 'auto' never takes (ask for 'webgpu' by name)`,
      };
    }
    await useWebGpu(found);
    return {
      ok: true,
      selected: {
        tf: tfjs,
        backend: 'webgpu',
        versions: {
          ...tfjs.version,
          'tfjs-backend-webgpu': packageVersion('@tensorflow/tfjs-backend-webgpu'),
          webgpu: packageVersion('webgpu'),
        },
        device: {
          kind: found.info.software ? 'software-gpu' : 'gpu',
          label: adapterLabel(found.info),
          adapter: found.info,
        },
      },
    };
  } catch (e) {
    return {
      ok: false,
      error: isModuleNotFound(e) ? "the package 'webgpu' is not installed" : message(e),
    };
  }
}

/**
 * What this machine has: every backend tried in turn, in this process. It loads every binding it
 * finds, so it runs in a child process of its own (trainer/backendsEntry.ts), never where a run
 * trains. A backend is available when it initialised and computed a small sum correctly.
 */
export async function probeBackends(): Promise<MachineBackends> {
  const backends: BackendAvailability[] = [];
  for (const backend of AUTO_ORDER) {
    const loaded = await load(backend, true);
    if (!loaded.ok) {
      backends.push({ backend, available: false, auto: false, detail: loaded.error });
      continue;
    }
    const { selected } = loaded;
    const check = await sumCheck(selected.tf);
    const adapter = selected.device.adapter;
    backends.push({
      backend,
      available: check === undefined,
      auto: check === undefined && adapter?.software !== true,
      detail: check ?? `${selected.device.label}; ${backendPackageVersion(selected)}`,
      ...(adapter ? { adapter } : {}),
    });
  }
  const auto = backends.find((b) => b.auto)?.backend ?? 'cpu';
  return { backends, auto, probedAt: new Date().toISOString() };
}

/** A sum on the backend, read back: a problem when it is wrong or throws. */
async function sumCheck(tf: Tf): Promise<string | undefined> {
  try {
    const sum = tf.sum(tf.tensor1d([1, 2, 3, 4]));
    const [value] = await sum.data();
    sum.dispose();
    return value === 10 ? undefined : `computed 1+2+3+4 = ${value}`;
  } catch (e) {
    return `failed a first computation: ${message(e)}`;
  }
}

/** The package a backend comes from, with its version, e.g. "tfjs-backend-wasm 4.22.0". */
function backendPackageVersion(selected: SelectedBackend): string {
  const name = BACKEND_PACKAGE[selected.backend];
  return `${name} ${selected.versions[name] ?? 'unknown'}`;
}

const BACKEND_PACKAGE: Record<BackendName, string> = {
  'tensorflow-gpu': 'tfjs-node-gpu',
  tensorflow: 'tfjs-node',
  webgpu: 'tfjs-backend-webgpu',
  wasm: 'tfjs-backend-wasm',
  cpu: 'tfjs-backend-cpu',
};

/** What a run records about where it ran. */
export function runEnvironment(selected: SelectedBackend): RunEnvironment {
  const versions: Record<string, string> = { ...selected.versions };
  if ('electron' in process.versions) versions.electron = process.versions.electron;
  return {
    backend: selected.backend,
    versions,
    platform: platform(),
    arch: arch(),
    cpus: availableParallelism(),
    node: process.versions.node,
    device: selected.device,
  };
}

async function tryNative(backend: 'tensorflow-gpu' | 'tensorflow'): Promise<Load> {
  const pkg = NATIVE_PACKAGE[backend];
  let loaded: unknown;
  try {
    // CommonJS packages, loaded by a name TypeScript and the bundler do not resolve.
    loaded = require(pkg);
  } catch (e) {
    return { ok: false, error: isModuleNotFound(e) ? `${pkg} is not installed` : message(e) };
  }
  if (!isTfNamespace(loaded))
    return { ok: false, error: `${pkg} does not export a tfjs namespace` };
  try {
    if (!(await loaded.setBackend('tensorflow'))) {
      return { ok: false, error: `${pkg}: the tensorflow backend failed to initialise` };
    }
    await loaded.ready();
  } catch (e) {
    return { ok: false, error: `${pkg}: ${message(e)}` };
  }
  return {
    ok: true,
    selected: {
      tf: loaded,
      backend,
      versions: { ...loaded.version, [pkg.slice('@tensorflow/'.length)]: packageVersion(pkg) },
      // tfjs-node-gpu runs on the CUDA device TensorFlow picks; it does not say which.
      device:
        backend === 'tensorflow-gpu'
          ? { kind: 'gpu', label: 'CUDA device (TensorFlow)' }
          : cpuDevice(),
    },
  };
}

function packageVersion(pkg: string): string {
  try {
    const manifest: unknown = require(`${pkg}/package.json`);
    if (typeof manifest === 'object' && manifest !== null && 'version' in manifest) {
      return String(manifest.version);
    }
  } catch {
    // Fall through: the version is informative only.
  }
  return 'unknown';
}

function isModuleNotFound(e: unknown): boolean {
  return e instanceof Error && 'code' in e && e.code === 'MODULE_NOT_FOUND';
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
