import { describe, expect, it } from 'vitest';
import { REQUIRE_WEBGPU, webgpuPolicy } from '../../../helpers/webgpu';

/** Where the webgpu tests run, fail or skip (test/helpers/webgpu.ts); no adapter needed. */
describe('the webgpu tests without an adapter', () => {
  it('run where there is one, whatever the environment says', () => {
    expect(webgpuPolicy(undefined, {})).toEqual({ action: 'run' });
    expect(webgpuPolicy(undefined, { [REQUIRE_WEBGPU]: '1' })).toEqual({ action: 'run' });
  });

  it('fail in CI, which requires one, and skip elsewhere, saying how to install lavapipe', () => {
    const missing = 'Dawn found no WebGPU adapter (Vulkan, Metal or D3D12)';
    const ci = webgpuPolicy(missing, { [REQUIRE_WEBGPU]: '1' });
    const here = webgpuPolicy(missing, { [REQUIRE_WEBGPU]: undefined });
    expect(ci.action).toBe('fail');
    expect(here.action).toBe('skip');
    for (const p of [ci, here]) {
      if (p.action === 'run') continue;
      expect(p.message).toContain(missing);
      expect(p.message).toContain('bookworm-backports mesa-vulkan-drivers');
    }
    expect(webgpuPolicy(missing, { [REQUIRE_WEBGPU]: '0' }).action).toBe('skip');
  });
});
