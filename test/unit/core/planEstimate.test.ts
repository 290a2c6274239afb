import { describe, expect, it } from 'vitest';
import { estimatePlan, knownSpeeds, timingKey } from '../../../src-main/core/planEstimate';
import type { ResolvedRunConfig } from '../../../src-shared/domain/runs';
import { runConfig } from '../engine/fixtures';

const source = runConfig({ kind: 'source', strategy: 'source', budget: 'all' });
const transfer = (over: Partial<ResolvedRunConfig> = {}): ResolvedRunConfig =>
  runConfig({ kind: 'transfer', strategy: 'fine-tune', budget: 10, ...over });

describe('a plan’s time estimate (issue 10)', () => {
  it('takes runs of one kind to cost the same whatever the seed and learning rate', () => {
    const a = transfer({ seed: 1 });
    const b = transfer({ seed: 2, training: { ...a.training, learningRate: 0.5 } });
    expect(timingKey(a)).toBe(timingKey(b));
    expect(timingKey(a)).not.toBe(timingKey(transfer({ budget: 100 })));
    expect(timingKey(a)).not.toBe(timingKey(transfer({ strategy: 'scratch' })));
  });

  it('uses the median speed of completed runs, before any calibration', () => {
    const t = transfer();
    const speeds = knownSpeeds(
      [
        { config: t, wallSeconds: 12, epochsDone: 10, trainingSeconds: 10 },
        { config: t, wallSeconds: 40, epochsDone: 10, trainingSeconds: 30 },
        { config: t, wallSeconds: 24, epochsDone: 5, trainingSeconds: 20 },
      ],
      new Map([[timingKey(t), { startupSeconds: 99, secondsPerEpoch: 99, backend: 'wasm' }]]),
    );
    expect(speeds.get(timingKey(t))).toEqual({
      startupSeconds: 4,
      secondsPerEpoch: 3,
      basis: 'measured',
    });
  });

  it('lays runs out on the trainers, sources first, counting what it cannot estimate', () => {
    const s = { ...source, training: { ...source.training, epochs: 10 } };
    const t = { ...transfer(), training: { ...transfer().training, epochs: 5 } };
    const speeds = new Map([
      [timingKey(s), { startupSeconds: 1, secondsPerEpoch: 1, basis: 'calibrated' as const }],
      [timingKey(t), { startupSeconds: 1, secondsPerEpoch: 2, basis: 'measured' as const }],
    ]);
    // Two sources (11 s each) on two trainers, then four transfers (11 s each) waiting for them.
    const runs = [
      { config: s, after: null },
      { config: s, after: null },
      { config: t, after: 0 },
      { config: t, after: 1 },
      { config: t, after: 0 },
      { config: t, after: 1 },
      { config: transfer({ strategy: 'mmd' }), after: null },
    ];
    const e = estimatePlan(runs, speeds, 2);
    expect(e.runSeconds).toBe(66);
    expect(e.wallSeconds).toBe(33);
    expect(e.basis).toEqual({ measured: 4, calibrated: 2, unknown: 1 });
    expect(e.method).toMatch(/1 not estimated/);
    expect(estimatePlan(runs, speeds, 1).wallSeconds).toBe(66);
  });
});
