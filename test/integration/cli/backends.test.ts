import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MachineBackendsSchema } from '../../../src-shared/domain/backends';
import { transferlabInProcess } from '../../helpers/cliInProcess';
import { transferlab } from '../../helpers/transferlabCli';
import { tinySpec } from '../../helpers/tinySpec';
import { useTempDirs } from '../../helpers/tempDir';
import { REQUIRE_WEBGPU } from '../../helpers/webgpu';
import { hasNativeTensorflow as hasNative } from '../../helpers/nativeTensorflow';

/**
 * `transferlab backends [--json]` as a user runs it (bin/transferlab.js, the real probe in a
 * models child process), and `transferlab plan` refusing a backend the machine lacks (issue 15).
 */

const tempDir = useTempDirs();

/**
 * Mesa's lavapipe (a software Vulkan driver) is installed, so Dawn finds an adapter
 * (docs/ENVIRONMENT.md); CI, which installs it, says so with TRANSFERLAB_REQUIRE_WEBGPU=1.
 */
const ICD_DIR = '/usr/share/vulkan/icd.d';
const hasLavapipe =
  process.env[REQUIRE_WEBGPU] === '1' ||
  (existsSync(ICD_DIR) && readdirSync(ICD_DIR).some((f) => f.startsWith('lvp_')));

describe('transferlab backends', () => {
  it('--json lists every backend, wasm and cpu always, webgpu with its adapter on lavapipe', async () => {
    const { code, stdout, stderr } = await transferlab(['backends', '--json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const machine = MachineBackendsSchema.parse(JSON.parse(stdout));
    expect(machine.backends.map((b) => b.backend)).toEqual([
      'tensorflow-gpu',
      'webgpu',
      'tensorflow',
      'wasm',
      'cpu',
    ]);
    for (const name of ['wasm', 'cpu']) {
      expect(machine.backends.find((b) => b.backend === name)).toMatchObject({
        available: true,
        auto: true,
      });
    }
    const webgpu = machine.backends.find((b) => b.backend === 'webgpu');
    if (hasLavapipe) {
      expect(webgpu).toMatchObject({
        available: true,
        // A software adapter is there by name only: 'auto' never takes it.
        auto: false,
        adapter: { vendor: 'mesa', software: true },
      });
      expect(webgpu?.adapter?.limits.maxBufferSize).toBeGreaterThan(0);
      expect(machine.auto).not.toBe('webgpu');
    }
    expect(Date.parse(machine.probedAt)).not.toBeNaN();
  });

  it('prints a table, the adapter and what auto picks; nothing on stderr in a pipe', async () => {
    const { code, stdout, stderr } = await transferlab(['backends']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/│ backend +│ available │ auto │ detail/);
    expect(stdout).toMatch(/│ wasm +│ yes +│ yes +│/);
    expect(stdout).toMatch(/\nauto picks: (wasm|webgpu|tensorflow|tensorflow-gpu)\n$/);
    if (hasLavapipe) {
      expect(stdout).toMatch(/\nwebgpu adapter: .*\(software GPU\)\n {2}vendor +mesa\n/);
      expect(stdout).toMatch(/\n {2}max buffer +\d/);
    }
  });
});

describe('transferlab plan with a backend the machine lacks', () => {
  it.skipIf(hasNative)(
    'is refused as bad input (exit 2) at training.backend, before anything is queued',
    async () => {
      const file = join(tempDir(), 'spec.json');
      const spec = tinySpec('tensorflow asked');
      writeFileSync(
        file,
        JSON.stringify({
          ...spec,
          training: { ...(spec.training as object), backend: 'tensorflow' },
        }),
      );
      const workspace = tempDir();
      const planned = await transferlabInProcess(
        'plan',
        file,
        '--workspace',
        workspace,
        '--no-calibrate',
      );
      expect(planned.code).toBe(2);
      expect(planned.stdout).toBe('');
      expect(planned.stderr).toMatch(
        /\n {2}- training\.backend: Backend 'tensorflow' is not available on this machine \(tensorflow-gpu: @tensorflow\/tfjs-node-gpu is not installed; tensorflow: @tensorflow\/tfjs-node is not installed\)\. Available: .*cpu\.\n/,
      );
      const run = await transferlabInProcess('run', file, '--workspace', workspace, '--json');
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('training.backend: Backend');
      const runs = await transferlabInProcess('runs', '--workspace', workspace, '--json');
      expect(JSON.parse(runs.stdout)).toEqual([]);
    },
  );
});
