import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PlanSummary } from '../../../src-shared/rpc/plan';
import type { RerunJsonOutput } from '../../../src-main/cli/rerun';
import { useTempDirs } from '../../helpers/tempDir';
import { transferlab } from '../../helpers/transferlabCli';

const tempDir = useTempDirs();

/** Two sources and a sweep: plan's count must be run's count (issue 10). */
const spec = {
  name: 'plan and rerun',
  sources: [
    { name: 'A', dataset: { generator: 'linear-binary', features: 8, samples: 200, taskSeed: 3 } },
    {
      name: 'A2',
      dataset: { generator: 'linear-binary', features: 8, samples: 200, taskSeed: 3, angleDeg: 5 },
    },
  ],
  targets: [
    {
      name: 'B',
      dataset: { generator: 'linear-binary', features: 8, samples: 200, taskSeed: 3, angleDeg: 20 },
    },
  ],
  strategies: [{ id: 'scratch' }, { id: 'fine-tune', sweep: { l2sp: [0, 0.1] } }],
  budgets: [10],
  seeds: [0],
  model: { type: 'mlp', hidden: [4] },
  training: { epochs: 2, learningRate: 0.01, batchSize: 32, backend: 'wasm' },
};

describe('transferlab plan and rerun', () => {
  it('plans what run queues, and rerun --check verifies an exact reproduction', async () => {
    const workspace = tempDir();
    const file = join(workspace, 'spec.json');
    writeFileSync(file, JSON.stringify(spec));
    const planned = await transferlab(['plan', file, '--workspace', workspace, '--json']);
    expect(planned.code, planned.stderr).toBe(0);
    const plan = JSON.parse(planned.stdout) as PlanSummary;
    // 2 source runs; scratch once; each fine-tune variant once per source.
    expect(plan).toMatchObject({ newSourceRuns: 2, transferRuns: 5, queuedRuns: 7 });
    expect(plan.variants.map((v) => v.label)).toEqual([
      'scratch',
      'fine-tune · l2sp λ=0',
      'fine-tune · l2sp λ=0.1',
    ]);
    // A fresh workspace: every kind of run was calibrated, with its progress on stderr.
    expect(plan.estimate?.basis).toEqual({ measured: 0, calibrated: 7, unknown: 0 });
    expect(planned.stderr).toMatch(/calibrating 5\/5: timed/);

    const text = await transferlab(['plan', file, '--workspace', workspace, '--no-calibrate']);
    expect(text.stdout).toMatch(/Runs queued when launched: 7\n/);
    expect(text.stdout).toMatch(/Estimated wall time: [\d.]+ s on \d trainers?/);

    const ran = await transferlab(['run', file, '--workspace', workspace, '--json']);
    expect(ran.code, ran.stderr).toBe(0);
    const runs = (JSON.parse(ran.stdout) as { runs: { id: number; variant: string }[] }).runs;
    expect(runs).toHaveLength(plan.queuedRuns);
    const ids = runs.filter((r) => r.variant !== 'source').map((r) => String(r.id));

    const rerun = await transferlab([
      'rerun',
      ...ids,
      '--check',
      '--json',
      '--workspace',
      workspace,
    ]);
    expect(rerun.code, rerun.stderr).toBe(0);
    const out = JSON.parse(rerun.stdout) as RerunJsonOutput;
    expect(out.reproduced).toBe(true);
    expect(out.reruns.map((r) => r.reproduction?.outcome)).toEqual(ids.map(() => 'exact'));

    const refused = await transferlab(['rerun', '999', '--workspace', workspace]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/No run #999/);
  });
});
