import { createRequire } from 'node:module';
import { arch, availableParallelism, platform } from 'node:os';
import type { BackendPreference } from '../../src-shared/domain/experimentSpec';
import type { RunEnvironment } from '../../src-shared/domain/runs';
import { registerEngineWasmKernels } from './kernels/index';
import { isTfNamespace, tfjs, versionWasm, type Tf } from './tfjs';

export type { Tf } from './tfjs';

/**
 * Backend selection. The native TensorFlow bindings are optional: their install downloads
 * libtensorflow, which fails offline and leaves the package out (docs/ENVIRONMENT.md). So they are
 * loaded by name at run time, in try/catch, never imported statically: a missing package must
 * not break the build, the type-check or the bundle. Their namespace has tfjs's own types
 * (tfjs-node re-exports @tensorflow/tfjs), checked with a guard rather than cast.
 */

/** The backend a run used. 'tensorflow-gpu' is tfjs-node-gpu (CUDA), 'tensorflow' tfjs-node (CPU). */
export type BackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';

export interface SelectedBackend {
  tf: Tf;
  backend: BackendName;
  /** tfjs package versions, plus the backend package's. */
  versions: Record<string, string>;
}

const NATIVE_PACKAGES = [
  { pkg: '@tensorflow/tfjs-node-gpu', backend: 'tensorflow-gpu' },
  { pkg: '@tensorflow/tfjs-node', backend: 'tensorflow' },
] as const;

const require = createRequire(import.meta.url);

/**
 * Picks and initialises a backend. 'auto' tries tfjs-node-gpu, tfjs-node, wasm, then cpu, taking
 * the first that loads. An explicit preference that cannot be had is an error, never a silent
 * fallback: a run that asked for a backend must not quietly run (and time) on another.
 */
export async function selectBackend(preference: BackendPreference): Promise<SelectedBackend> {
  const problems: string[] = [];
  if (preference === 'auto' || preference === 'tensorflow') {
    for (const candidate of NATIVE_PACKAGES) {
      const loaded = await tryNative(candidate.pkg);
      if (loaded.ok)
        return { tf: loaded.tf, backend: candidate.backend, versions: loaded.versions };
      problems.push(`${candidate.pkg}: ${loaded.error}`);
    }
    if (preference === 'tensorflow') {
      throw new Error(`The 'tensorflow' backend is not available (${problems.join('; ')})`);
    }
  }
  if (preference === 'auto' || preference === 'wasm') {
    try {
      if (await tfjs.setBackend('wasm')) {
        await tfjs.ready();
        // The stock wasm kernels fall off their fast paths where training needs them (and lack
        // Conv2DBackpropFilter): the engine's replacements, registered once the backend's own
        // kernels are set up, since they call into them (kernels/index.ts; issue 3, Speed).
        registerEngineWasmKernels();
        return {
          tf: tfjs,
          backend: 'wasm',
          versions: { ...tfjs.version, 'tfjs-backend-wasm': versionWasm },
        };
      }
      problems.push('wasm: the backend failed to initialise');
    } catch (e) {
      problems.push(`wasm: ${message(e)}`);
    }
    if (preference === 'wasm') {
      throw new Error(`The 'wasm' backend is not available (${problems.join('; ')})`);
    }
  }
  if (!(await tfjs.setBackend('cpu'))) {
    throw new Error(`The 'cpu' backend failed to initialise (${problems.join('; ')})`);
  }
  await tfjs.ready();
  return { tf: tfjs, backend: 'cpu', versions: { ...tfjs.version } };
}

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
  };
}

type NativeLoad =
  { ok: true; tf: Tf; versions: Record<string, string> } | { ok: false; error: string };

async function tryNative(pkg: string): Promise<NativeLoad> {
  let loaded: unknown;
  try {
    // CommonJS packages, loaded by a name TypeScript and the bundler do not resolve.
    loaded = require(pkg);
  } catch (e) {
    return { ok: false, error: isModuleNotFound(e) ? 'not installed' : message(e) };
  }
  if (!isTfNamespace(loaded)) return { ok: false, error: 'does not export a tfjs namespace' };
  try {
    if (!(await loaded.setBackend('tensorflow'))) {
      return { ok: false, error: 'the tensorflow backend failed to initialise' };
    }
    await loaded.ready();
  } catch (e) {
    return { ok: false, error: message(e) };
  }
  return {
    ok: true,
    tf: loaded,
    versions: { ...loaded.version, [pkg.slice('@tensorflow/'.length)]: packageVersion(pkg) },
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
