import { describe, expect, it } from 'vitest';
import { formatScenario, runValidation } from '../../../scripts/validate';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();

describe('npm run validate --quick', () => {
  // Needs Debian's dataset-fashion-mnist, which .ci/run installs.
  it('runs both scenarios through the core and tabulates every strategy with finite numbers', async () => {
    const lines: string[] = [];
    const results = await runValidation({
      workspace: tempDir(),
      seeds: 2,
      quick: true,
      log: (line) => lines.push(line),
    });
    expect(results.map((r) => r.baseline)).toEqual(['scratch', 'scratch', 'source-only']);
    const [task, control, shift] = results;
    expect(task?.rows.map((r) => r.strategy)).toEqual([
      'scratch',
      'structure',
      'fine-tune',
      'fine-tune + L2-SP (0.01)',
      'feature-extraction',
      'distillation',
      'multi-task',
    ]);
    expect(control?.rows.map((r) => r.strategy)).toEqual([
      'scratch',
      'fine-tune',
      'feature-extraction',
    ]);
    expect(shift?.rows.map((r) => r.strategy)).toEqual([
      'source-only',
      'mmd',
      'coral',
      'dann',
      'importance-weighting',
    ]);
    for (const result of results) {
      expect(result.failedRuns).toEqual([]);
      for (const row of result.rows) {
        expect(row.accuracies).toHaveLength(2);
        for (const acc of row.accuracies) {
          expect(acc).toBeGreaterThanOrEqual(0);
          expect(acc).toBeLessThanOrEqual(1);
        }
        expect(Number.isFinite(row.mean)).toBe(true);
        expect(Number.isFinite(row.std)).toBe(true);
        if (row.strategy !== result.baseline) expect(row.t).not.toBeNull();
      }
      const table = formatScenario(result, 2);
      for (const row of result.rows) expect(table).toContain(row.strategy);
      expect(table).not.toContain('NaN');
    }
    // Well above chance (20%) for the 5-class target even in the quick setting.
    expect(task?.rows.find((r) => r.strategy === 'scratch')?.mean).toBeGreaterThan(0.4);
    // The control's target is the source's own task: fine-tuning the source model must beat
    // training from scratch on 10 labels per class, for every seed. The quick source model sees
    // 400 images per class for 2 epochs and fine-tuning trains a new head, so the gain is small:
    // a plain PyTorch run of this control on the same rows gains 1.69 ± 0.93 points over 10 seeds
    // (bench/reference/scenarios/validate-control-quick.json, issue 17); the mean of 2 seeds must
    // clear its one-sided 99 % lower bound, 1.69 − 2.33·0.93/√2 = 0.15 points.
    const controlRow = (strategy: string) => control?.rows.find((r) => r.strategy === strategy);
    const scratch = controlRow('scratch')?.accuracies ?? [];
    const fineTune = controlRow('fine-tune');
    expect(fineTune?.accuracies).toHaveLength(2);
    fineTune?.accuracies.forEach((acc, seed) => {
      expect(acc).toBeGreaterThan(scratch[seed] ?? 1);
    });
    expect((fineTune?.mean ?? 0) - (controlRow('scratch')?.mean ?? 1)).toBeGreaterThan(0.0015);
  }, 240_000);
});
