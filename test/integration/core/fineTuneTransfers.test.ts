import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCore } from '../../../src-main/core/core';
import { projectRoot } from '../../../src-main/core/paths';
import type { RunSummary } from '../../../src-shared/domain/runs';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();

/**
 * Issue 17's test: on a target whose classes are the source's under a simple shift (inverted
 * digits), with 10 labels per class, fine-tuning and feature extraction reach what a plain PyTorch
 * run of the same protocol on the same rows reaches, and fine-tuning beats scratch.
 *
 * The protocol is bench/reference/scenarios/digits-inverted.json, run here through the product's
 * own path (the planner, the queue, trainer processes) for seeds 0–4. The thresholds are the
 * PyTorch side of that scenario over its 20 seeds (`npm run reference -- bench/reference/
 * scenarios/digits-inverted.json`, torch 1.13, 2026-12-06): the mean test accuracy μ and standard
 * deviation σ of each strategy, as μ − 2.33·σ/√5, the one-sided 99 % lower bound of a mean of 5
 * seeds drawn from the reference's distribution. Not tuned to pass: before issue 17 (revision 1)
 * fine-tuning reached 0.452 on these seeds and feature extraction 0.870.
 */
const REFERENCE = {
  'fine-tune': { mean: 0.8845, sd: 0.0184 },
  'feature-extraction': { mean: 0.8985, sd: 0.0157 },
} as const;
const SEEDS = [0, 1, 2, 3, 4];

function scenario(): Record<string, unknown> {
  const file = join(projectRoot(), 'bench/reference/scenarios/digits-inverted.json');
  const spec = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const training = spec.training as Record<string, unknown>;
  const sourceTraining = spec.sourceTraining as Record<string, unknown>;
  return {
    ...spec,
    seeds: SEEDS,
    training: { ...training, backend: 'wasm' },
    sourceTraining: { ...sourceTraining, backend: 'wasm' },
  };
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

function testAcc(runs: RunSummary[], variant: string): number[] {
  return SEEDS.map((seed) => {
    const run = runs.find((r) => r.variant === variant && r.seed === seed);
    const acc = run?.finalMetrics?.test_acc;
    if (typeof acc !== 'number') throw new Error(`no test_acc for ${variant} seed ${seed}`);
    return acc;
  });
}

describe('fine-tuning as strong as the PyTorch reference (issue 17)', () => {
  it('reaches the reference on inverted digits at 10 labels per class, and beats scratch', async () => {
    const core = await openCore({ workspaceDir: tempDir(), transport: 'in-process', queue: 'own' });
    try {
      const { experimentId } = await core.handlers['experiments.create']({ spec: scenario() });
      await core.waitForExperiment(experimentId);
      const runs = await core.handlers['runs.list']({ experimentId });
      expect(runs.every((r) => r.status === 'completed')).toBe(true);
      for (const [variant, ref] of Object.entries(REFERENCE)) {
        const bound = ref.mean - (2.33 * ref.sd) / Math.sqrt(SEEDS.length);
        expect(mean(testAcc(runs, variant)), variant).toBeGreaterThanOrEqual(bound);
      }
      const fineTune = testAcc(runs, 'fine-tune');
      const scratch = testAcc(runs, 'scratch');
      const gains = fineTune.map((acc, i) => acc - (scratch[i] ?? NaN));
      expect(mean(gains)).toBeGreaterThan(0);
    } finally {
      await core.close();
    }
  }, 300_000);
});
