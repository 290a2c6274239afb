import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

const run = promisify(execFile);
const repo = join(import.meta.dirname, '..', '..', '..');
const BenchJson = z.object({
  flopsPerSample: z.record(z.string(), z.number()),
  results: z.array(
    z.object({
      workload: z.string(),
      batch: z.number(),
      runner: z.string(),
      samples: z.array(z.object({ samplesPerSecond: z.number(), leak: z.string() })),
    }),
  ),
});
const wasmDist = join(repo, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');

/**
 * The bench as the GPU kit carries it (bench/gpu/bundle.ts, issue 15): one ES module that must
 * run where no node_modules is in reach, with only tfjs-backend-wasm's .wasm files beside it.
 * The bundler takes in the engine's packages only because bundle.ts rewrites its
 * `createRequire` line; a bundle that left them out would fail here, not on the GPU machine.
 */
describe('the bundled bench (GPU kit)', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'transferlab-bench-bundle-'));
    await run(
      process.execPath,
      ['--import', 'tsx', 'bench/gpu/bundle.ts', join(folder, 'bench.mjs')],
      {
        cwd: repo,
      },
    );
    for (const file of (await readdir(wasmDist)).filter((f) => f.endsWith('.wasm'))) {
      await copyFile(join(wasmDist, file), join(folder, file));
    }
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('trains the MLP on wasm and prints samples/s and GFLOP/s, from a folder without node_modules', async () => {
    const { stdout } = await run(
      process.execPath,
      [
        join(folder, 'bench.mjs'),
        ...['--backend', 'wasm', '--workloads', 'mlp784', '--batch', '32'],
        ...['--seconds', '0.2', '--rounds', '1', '--rows', '300', '--torch', 'off'],
        ...['--json', join(folder, 'out.json')],
      ],
      { cwd: folder, env: { ...process.env, NODE_PATH: '' } },
    );
    expect(stdout).toContain('GFLOP/s (wall)');
    const written = BenchJson.parse(JSON.parse(await readFile(join(folder, 'out.json'), 'utf8')));
    expect(written.flopsPerSample).toEqual({ mlp784: 1_408_512 });
    expect(written.results).toHaveLength(1);
    const [result] = written.results;
    expect(result).toMatchObject({ workload: 'mlp784', batch: 32, runner: 'fused' });
    expect(result?.samples).toHaveLength(1);
    expect(result?.samples[0]?.samplesPerSecond).toBeGreaterThan(0);
    expect(result?.samples[0]?.leak).toBe('none');
  });
});
