import { describe, it } from 'vitest';
import { findAdapter } from '../../src-main/engine/webgpu';

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

/** What the webgpu tests do: run, fail because CI requires an adapter, or skip. */
export function webgpuPolicy(
  missing: string | undefined,
  env: Record<string, string | undefined>,
): { action: 'run' } | { action: 'fail' | 'skip'; message: string } {
  if (missing === undefined) return { action: 'run' };
  const message = `${missing}. ${HOW_TO_INSTALL}.`;
  return env[REQUIRE_WEBGPU] === '1' ? { action: 'fail', message } : { action: 'skip', message };
}

/**
 * describe() for tests that train on webgpu: as is where the machine has an adapter; without
 * one, a single failing test under TRANSFERLAB_REQUIRE_WEBGPU=1, a skipped suite (and a warning
 * saying how to install lavapipe) otherwise.
 */
export async function describeOnWebGpu(name: string, body: () => void): Promise<void> {
  const policy = webgpuPolicy(await missingWebGpu(), process.env);
  switch (policy.action) {
    case 'run':
      describe(name, body);
      return;
    case 'fail':
      describe(name, () => {
        it(`has a WebGPU adapter (${REQUIRE_WEBGPU}=1)`, () => {
          throw new Error(policy.message);
        });
      });
      return;
    case 'skip':
      console.warn(`Skipped "${name}": ${policy.message}`);
      describe.skip(`${name} (no WebGPU adapter)`, body);
  }
}
