import { describe, expect, it } from 'vitest';
import type { ReferenceRun } from '../../../bench/reference/exportRuns';
import { sideBySide, type ReferenceOutput } from '../../../bench/reference/sideBySide';

function run(id: number, variant: string, seed: number, testAcc: number): ReferenceRun {
  const source = variant === 'source';
  return {
    id,
    kind: source ? 'source' : 'transfer',
    strategy: source ? 'source' : (variant.split(' ')[0] ?? variant),
    variant,
    target: source ? 'S' : 'T',
    budget: source ? 'all' : 10,
    seed,
    sourceRunId: null,
    numClasses: 3,
    featureShape: [4],
    model: {},
    training: {},
    params: {},
    data: { train: { x: 'a', y: 'b' }, val: { x: 'a', y: 'b' }, test: { x: 'a', y: 'b' } },
    ours: { test_acc: testAcc },
  };
}

const final = (id: number, testAcc: number) => ({ id, final: { test_acc: testAcc }, epochs: [] });

describe('the side-by-side table of the PyTorch reference', () => {
  const runs = [
    run(1, 'source', 0, 0.9),
    run(2, 'source', 1, 0.92),
    run(3, 'scratch', 0, 0.6),
    run(4, 'scratch', 1, 0.62),
    run(5, 'fine-tune', 0, 0.7),
    run(6, 'fine-tune', 1, 0.66),
    run(7, 'mmd', 0, 0.5),
  ];
  const output: ReferenceOutput = {
    torch: '1.13',
    threads: 1,
    runs: [
      final(1, 0.91),
      final(2, 0.9),
      final(3, 0.55),
      final(4, 0.59),
      final(5, 0.75),
      final(6, 0.73),
      { id: 7, skipped: 'the reference has no mmd' },
    ],
  };

  it('pairs each variant with the reference by seed: ours − reference', () => {
    const { rows, skipped } = sideBySide(runs, output);
    expect(rows.map((r) => [r.group, r.variant, r.difference.n])).toEqual([
      ['S', 'source', 2],
      ['T · budget 10', 'scratch', 2],
      ['T · budget 10', 'fine-tune', 2],
    ]);
    const fineTune = rows.find((r) => r.variant === 'fine-tune');
    expect(fineTune?.ours.mean).toBeCloseTo(0.68, 10);
    expect(fineTune?.reference.mean).toBeCloseTo(0.74, 10);
    expect(fineTune?.difference.meanDiff).toBeCloseTo(-0.06, 10);
    // A run the reference could not train is said, never silently dropped.
    expect(skipped).toEqual(['#7: the reference has no mmd']);
  });

  it("gives each side's paired gain over scratch, for transfer cells only", () => {
    const { gains } = sideBySide(runs, output);
    expect(gains).toHaveLength(1);
    const [g] = gains;
    expect(g?.variant).toBe('fine-tune');
    expect(g?.ours.meanDiff).toBeCloseTo(0.07, 10);
    expect(g?.reference.meanDiff).toBeCloseTo(0.17, 10);
    expect([g?.oursWins, g?.referenceWins]).toEqual([2, 2]);
  });
});
