import { renameSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { adapterLines, RUN_COLUMNS, runsTable } from '../../../src-main/cli/format';
import { markStarted } from '../../../src-main/store/runs';
import { historyWorkspace } from '../../helpers/historyWorkspace';
import { transferlabInProcess } from '../../helpers/cliInProcess';
import { CPU_DEVICE, H100_DEVICE, LAVAPIPE_DEVICE, environmentOn } from '../../helpers/runDevices';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();

/**
 * Issue 15: `transferlab runs` names the device of each run beside its backend, describes each
 * GPU adapter once under the table, and `--json` carries the device as the run recorded it.
 * historyWorkspace's runs: A (#1) on lavapipe, B (#2) wasm on the CPU, C (#3) on an H100; D (#4)
 * is left as it was queued, with no environment at all.
 */
function workspace(): string {
  const dir = tempDir();
  const ws = historyWorkspace(dir);
  markStarted(ws.db, ws.ids.A, environmentOn('webgpu', LAVAPIPE_DEVICE), 'h');
  markStarted(ws.db, ws.ids.B, environmentOn('wasm', CPU_DEVICE), 'h');
  markStarted(ws.db, ws.ids.C, environmentOn('webgpu', H100_DEVICE), 'h');
  ws.db.close();
  // The CLI opens transferlab.sqlite; the store helpers write w.sqlite.
  renameSync(join(dir, 'w.sqlite'), join(dir, 'transferlab.sqlite'));
  return dir;
}

describe('transferlab runs and the device each run used', () => {
  it('prints a device column and each adapter once, with its limits', async () => {
    expect(RUN_COLUMNS.slice(8, 10)).toEqual(['backend', 'device']);
    const dir = workspace();
    const { code, stdout } = await transferlabInProcess('runs', '--workspace', dir);
    expect(code).toBe(0);
    const rows = stdout.split('\n').filter((l) => l.startsWith('│'));
    const cells = (id: number): string[] =>
      (rows.find((l) => l.startsWith(`│ ${id} `)) ?? '').split('│').map((c) => c.trim());
    // Cells: '', run, kind, strategy, variant, source → target, budget, seed, status, backend, device.
    expect(cells(1).slice(9, 11)).toEqual(['webgpu', LAVAPIPE_DEVICE.label]);
    expect(cells(2).slice(9, 11)).toEqual(['wasm', CPU_DEVICE.label]);
    expect(cells(3).slice(9, 11)).toEqual(['webgpu', H100_DEVICE.label]);
    expect(cells(4).slice(9, 11)).toEqual(['', '']);
    const below = stdout.slice(stdout.lastIndexOf('┘') + 1);
    expect(below).toContain(`device ${LAVAPIPE_DEVICE.label} (run 1):`);
    expect(below).toContain('  description: llvmpipe: Mesa 25.0.7-2~bpo12+1 (LLVM 15.0.6) 0.0.1');
    expect(below).toContain('  software: yes (a CPU implementation)');
    expect(below).toContain(
      '  limits: max buffer 4 GiB · max storage binding 128 MiB · workgroup storage 32 KiB · ' +
        'invocations per workgroup 1024 · workgroup size x 1024',
    );
    expect(below).toContain(`device ${H100_DEVICE.label} (run 3):`);
    expect(below).toContain('  architecture: hopper');
    // A CPU has no adapter to describe.
    expect(below).not.toContain(`device ${CPU_DEVICE.label}`);
  });

  it('keeps the recorded device in --json, null where none was recorded', async () => {
    const dir = workspace();
    const { code, stdout } = await transferlabInProcess('runs', '--workspace', dir, '--json');
    expect(code).toBe(0);
    const runs = JSON.parse(stdout) as { id: number; device: unknown }[];
    expect(Object.fromEntries(runs.map((r) => [r.id, r.device]))).toEqual({
      1: LAVAPIPE_DEVICE,
      2: CPU_DEVICE,
      3: H100_DEVICE,
      4: null,
    });
  });

  it('lists an adapter used by several runs once, naming the runs as ranges', () => {
    const base = { device: LAVAPIPE_DEVICE };
    const lines = adapterLines([
      { id: 7, ...base },
      { id: 3, ...base },
      { id: 4, ...base },
      { id: 5, ...base },
      { id: 9, device: null },
    ]);
    expect(lines.filter((l) => l.startsWith('device '))).toEqual([
      `device ${LAVAPIPE_DEVICE.label} (runs 3-5, 7):`,
    ]);
    expect(runsTable([], false)).not.toContain('device llvmpipe');
  });
});
