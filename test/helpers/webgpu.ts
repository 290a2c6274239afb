import { findAdapter } from '../../src-main/engine/webgpu';
import {
  describeWith,
  servicePolicy,
  type RequiredService,
  type ServicePolicy,
} from './requiredService';

/**
 * The webgpu tests need a WebGPU adapter, which a machine without a GPU has only through a
 * software Vulkan driver (issue 15). CI installs one and sets this variable, so there a missing
 * adapter fails the tests instead of skipping them silently; elsewhere they skip, saying how to
 * get one.
 */
export const REQUIRE_WEBGPU = 'TRANSFERLAB_REQUIRE_WEBGPU';

const HOW_TO_INSTALL =
  'To run them on the CPU, install lavapipe (a software Vulkan driver): on Debian bookworm add ' +
  "the bookworm-backports suite ('deb http://deb.debian.org/debian bookworm-backports main') and " +
  'run apt-get install -t bookworm-backports mesa-vulkan-drivers';

/** Why this process has no WebGPU adapter; undefined when it has one. */
export async function missingWebGpu(): Promise<string | undefined> {
  try {
    const found = await findAdapter();
    return found === null ? 'Dawn found no WebGPU adapter (Vulkan, Metal or D3D12)' : undefined;
  } catch (e) {
    return `the WebGPU binding did not load (${e instanceof Error ? e.message : String(e)})`;
  }
}

const WEBGPU: RequiredService = {
  what: 'a WebGPU adapter',
  requireVar: REQUIRE_WEBGPU,
  howTo: HOW_TO_INSTALL,
  missing: missingWebGpu,
};

/** What the webgpu tests do: run, fail because CI requires an adapter, or skip. */
export function webgpuPolicy(
  missing: string | undefined,
  env: Record<string, string | undefined>,
): ServicePolicy {
  return servicePolicy(WEBGPU, missing, env);
}

/** describe() for tests that train on webgpu (requiredService.ts says what happens without). */
export function describeOnWebGpu(name: string, body: () => void): Promise<void> {
  return describeWith(WEBGPU, name, body);
}
