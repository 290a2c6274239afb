import { describe, expect, it } from 'vitest';
import {
  compareReproduction,
  REPRODUCTION_TOLERANCE,
  type ReproducedRun,
} from '../../../src-shared/domain/reproduction';

const run = (id: number, over: Partial<ReproducedRun> = {}): ReproducedRun => ({
  id,
  status: 'completed',
  backend: 'wasm',
  dataHash: 'd',
  metrics: [
    { epoch: 1, values: { loss: 0.5, val_acc: 0.8 }, elapsedS: 1 },
    { epoch: 2, values: { loss: 0.25, val_acc: 0.9 }, elapsedS: 2 },
  ],
  finalMetrics: { test_acc: 0.875 },
  ...over,
});

describe('reproduction check (issue 10)', () => {
  it('says exact when every value is bitwise equal, whatever the timings', () => {
    const r = compareReproduction(
      run(1),
      run(2, {
        metrics: run(2).metrics.map((m) => ({ ...m, elapsedS: m.elapsedS * 3 })),
      }),
    );
    expect(r).toMatchObject({ outcome: 'exact', maxRelativeDifference: 0, firstDifference: null });
    expect(r.message).toMatch(/^Reproduced exactly/);
  });

  it('names the first epoch and metric that differ on the same backend', () => {
    const changed = run(2);
    changed.metrics = [
      changed.metrics[0] ?? { epoch: 1, values: {}, elapsedS: 0 },
      { epoch: 2, values: { loss: 0.25, val_acc: 0.9000001 }, elapsedS: 2 },
    ];
    const r = compareReproduction(run(1), changed);
    expect(r.outcome).toBe('differs');
    expect(r.firstDifference).toEqual({
      epoch: 2,
      metric: 'val_acc',
      original: 0.9,
      rerun: 0.9000001,
    });
    expect(r.message).toMatch(/first at epoch 2, val_acc: 0.9 → 0.9000001 \(same backend\)/);
  });

  it('accepts small differences on another backend, and not large ones', () => {
    const close = run(2, {
      backend: 'cpu',
      finalMetrics: { test_acc: 0.875 * (1 + REPRODUCTION_TOLERANCE / 2) },
    });
    const r = compareReproduction(run(1), close);
    expect(r.outcome).toBe('within-tolerance');
    expect(r.maxRelativeDifference).toBeCloseTo(
      REPRODUCTION_TOLERANCE / 2 / (1 + REPRODUCTION_TOLERANCE / 2),
      9,
    );
    const far = run(2, { backend: 'cpu', finalMetrics: { test_acc: 0.5 } });
    expect(compareReproduction(run(1), far).outcome).toBe('differs');
  });

  it('counts an epoch one run lacks, and other data, as a difference', () => {
    const shorter = run(2, { metrics: run(2).metrics.slice(0, 1) });
    expect(compareReproduction(run(1), shorter).firstDifference?.epoch).toBe(2);
    const other = compareReproduction(run(1), run(2, { dataHash: 'e' }));
    expect(other.outcome).toBe('differs');
    expect(other.message).toMatch(/other data/);
  });

  it('waits for a re-run in progress and does not compare a failed one', () => {
    expect(compareReproduction(run(1), run(2, { status: 'running' })).outcome).toBe('pending');
    expect(compareReproduction(run(1), run(2, { status: 'failed' })).outcome).toBe('incomparable');
  });
});
