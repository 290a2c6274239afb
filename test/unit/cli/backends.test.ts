import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MachineBackends } from '../../../src-shared/domain/backends';
import { LAVAPIPE_MACHINE as LAVAPIPE } from '../../helpers/runDevices';
import {
  adapterLines,
  backendsCommand,
  BackendsArgsSchema,
  backendsText,
} from '../../../src-main/cli/backends';
import { parseArgs, UsageError } from '../../../src-main/cli/args';
import type { CliIo } from '../../../src-main/cli/io';

/**
 * `transferlab backends` (issue 15): its table, the adapter under it, what auto picks, its
 * arguments, and the "Probing backends…" line a terminal sees while a slow probe runs.
 */

afterEach(() => {
  vi.useRealTimers();
});

function io(stderrIsTTY: boolean): { io: CliIo; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    io: {
      out: (text) => (out += text),
      err: (text) => (err += text),
      stderrIsTTY,
      stdoutIsTTY: false,
      stderr: new PassThrough(),
    },
    out: () => out,
    err: () => err,
  };
}

describe('backendsText', () => {
  it('has one row per backend, in the order auto tries them, then the adapter and auto’s pick', () => {
    const text = backendsText(LAVAPIPE, false);
    const rows = text
      .split('\n')
      .filter((l) => /^│ \S/.test(l))
      .map((l) =>
        l
          .split('│')
          .slice(1, 4)
          .map((c) => c.trim()),
      );
    expect(rows).toEqual([
      ['backend', 'available', 'auto'],
      ['tensorflow-gpu', 'no', 'no'],
      ['webgpu', 'yes', 'no'],
      ['tensorflow', 'no', 'no'],
      ['wasm', 'yes', 'yes'],
      ['cpu', 'yes', 'yes'],
    ]);
    expect(text).toContain('@tensorflow/tfjs-node is not installed');
    expect(text.endsWith('\nauto picks: wasm\n')).toBe(true);
    // No escape codes without colour.
    expect(text).not.toContain('\u001b[');
  });

  it('describes the adapter: what it says of itself, its limits, and why auto leaves it', () => {
    expect(adapterLines(LAVAPIPE)).toEqual([
      'webgpu adapter: llvmpipe (software GPU)',
      '  vendor            mesa',
      '  architecture      software',
      '  device            llvmpipe',
      '  description       llvmpipe: Mesa 25.0.7 (LLVM 15.0.6)',
      '  software          yes (a CPU implementation)',
      '  max buffer        4 GiB (4294967295 bytes)',
      '  workgroup size x  1024',
      `  webgpu on this adapter is slower than wasm: 'auto' never takes it; a spec gets it with "backend": "webgpu".`,
    ]);
    const hardware: MachineBackends = {
      ...LAVAPIPE,
      backends: LAVAPIPE.backends.map((b) =>
        b.adapter
          ? {
              ...b,
              auto: true,
              adapter: { ...b.adapter, vendor: 'nvidia', architecture: 'hopper', software: false },
            }
          : b,
      ),
      auto: 'webgpu',
    };
    const lines = adapterLines(hardware);
    expect(lines[0]).toBe('webgpu adapter: llvmpipe (nvidia, hopper)');
    expect(lines.some((l) => l.includes('slower than wasm'))).toBe(false);
    expect(adapterLines({ ...LAVAPIPE, backends: LAVAPIPE.backends.slice(2) })).toEqual([]);
  });
});

describe('backendsCommand', () => {
  it('takes --json only', () => {
    expect(parseArgs(BackendsArgsSchema, {})).toEqual({ json: false });
    expect(parseArgs(BackendsArgsSchema, { json: true })).toEqual({ json: true });
    expect(() => parseArgs(BackendsArgsSchema, { workspace: '/tmp' })).toThrow(UsageError);
  });

  it('prints the machine as one JSON document with --json', async () => {
    const t = io(false);
    expect(await backendsCommand({ json: true }, t.io, () => Promise.resolve(LAVAPIPE))).toBe(0);
    expect(JSON.parse(t.out())).toEqual(LAVAPIPE);
    expect(t.err()).toBe('');
  });

  it('says it is probing on a terminal when the probe takes over a second, never in a pipe', async () => {
    vi.useFakeTimers();
    const slowProbe = (): Promise<MachineBackends> =>
      new Promise((resolve) =>
        setTimeout(() => {
          resolve(LAVAPIPE);
        }, 1500),
      );
    for (const tty of [true, false]) {
      const t = io(tty);
      const done = backendsCommand({}, t.io, slowProbe);
      await vi.advanceTimersByTimeAsync(1500);
      expect(await done).toBe(0);
      expect(t.err()).toBe(tty ? 'Probing backends…\n' : '');
      expect(t.out()).toContain('auto picks: wasm');
    }
    // A quick probe says nothing, even on a terminal.
    const quick = io(true);
    await backendsCommand({}, quick.io, () => Promise.resolve(LAVAPIPE));
    await vi.advanceTimersByTimeAsync(2000);
    expect(quick.err()).toBe('');
  });
});
