import { describe, expect, it } from 'vitest';
import type { Reproduction } from '../../../src-shared/domain/reproduction';
import type { PlanEstimate } from '../../../src-shared/rpc/plan';
import { timingView } from '../../../src-renderer/lib/experimentTiming';
import {
  distinctPair,
  reproductionView,
  runLabel,
  splitSizesText,
  trainSampleCaption,
  variantText,
} from '../../../src-renderer/lib/runView';
import type { RunSummary, SplitSizes } from '../../../src-shared/domain/runs';
import { runConfig } from '../engine/fixtures';

function reproduction(patch: Partial<Reproduction>): Reproduction {
  return {
    originalRunId: 7,
    rerunRunId: 9,
    outcome: 'exact',
    backends: { original: 'cpu', rerun: 'cpu' },
    sameBackend: true,
    sameData: true,
    maxRelativeDifference: 0,
    tolerance: 0.01,
    firstDifference: null,
    message:
      "Reproduced exactly: every per-epoch and final metric of re-run #9 equals run #7's, bit for bit.",
    ...patch,
  };
}

describe('run page: variant and rows used', () => {
  it('names the variant, the source model for source runs, the strategy for unlabelled runs', () => {
    expect(variantText({ kind: 'transfer', strategy: 'mmd', variant: 'mmd · λ=0.1' })).toBe(
      'mmd · λ=0.1',
    );
    expect(variantText({ kind: 'source', strategy: 'source', variant: 'source' })).toBe(
      'source model',
    );
    expect(variantText({ kind: 'transfer', strategy: 'coral', variant: '' })).toBe('coral');
    const run = {
      id: 5,
      kind: 'transfer',
      strategy: 'fine-tune',
      variant: 'fine-tune · l2sp λ=0.01',
      sourceName: 'a',
      targetName: 'b',
      budget: 10,
      seed: 1,
    } as RunSummary;
    expect(runLabel(run, false)).toBe('#5 fine-tune · l2sp λ=0.01 · 10/class · s1');
  });

  it('says which rows trained and validated the run, and where validation came from', () => {
    expect(
      splitSizesText({ train: 100, val: 2000, test: 1000, validationFrom: 'split' }, false),
    ).toBe('Trained on 100 labelled rows, validated on 2,000 (validation split), tested on 1,000.');
    expect(
      splitSizesText(
        { train: 1, val: 20, test: 500, validationFrom: 'budget', unlabelled: 900, source: 4000 },
        false,
      ),
    ).toBe(
      'Trained on 1 labelled row, validated on 20 (held out of the label budget), tested on 500; ' +
        'also 900 rows of unlabelled target data and 4,000 rows of source data.',
    );
    expect(splitSizesText(null, true)).toBe('Reported once the trainer has loaded the data.');
    expect(splitSizesText(null, false)).toMatch(/^Not recorded/);
  });
});

describe('run page: train metrics on a fixed sample (issue 12)', () => {
  it('says so in one calm caption beside the train curves, and only then', () => {
    const sizes = (train: number): SplitSizes => ({
      train,
      val: 5000,
      test: 10_000,
      validationFrom: 'split',
    });
    const config = runConfig({ trainMetricRows: 10_000 });
    expect(trainSampleCaption(config, sizes(60_000))).toBe(
      'Train metrics on a fixed sample of 10,000 of 60,000 rows, the same every epoch.',
    );
    expect(trainSampleCaption(config, sizes(500))).toBeNull();
    expect(trainSampleCaption(config, null)).toBeNull();
    // A run planned before the cap measured every row.
    expect(trainSampleCaption(runConfig(), sizes(60_000))).toBeNull();
  });
});

describe('run page: reproducibility verdicts', () => {
  it('says a re-run reproduced exactly, without repeating the verdict', () => {
    const v = reproductionView(reproduction({}));
    expect(v).toMatchObject({ tone: 'good', headline: 'Reproduced exactly' });
    expect(v.detail).toBe(
      "Every per-epoch and final metric of re-run #9 equals run #7's, bit for bit.",
    );
    expect(v.facts).toBe('backend cpu for both · same data');
  });

  it('gives the largest relative difference within tolerance', () => {
    const v = reproductionView(
      reproduction({
        outcome: 'within-tolerance',
        backends: { original: 'tensorflow', rerun: 'wasm' },
        sameBackend: false,
        maxRelativeDifference: 0.000_312_4,
        message: 'Within tolerance: another backend (tensorflow → wasm); …',
      }),
    );
    expect(v.headline).toBe(
      'Within tolerance (largest relative difference 0.00031, tolerance 0.01)',
    );
    expect(v.facts).toBe('backends tensorflow → wasm · same data');
  });

  it('names the first epoch and metric that differ, with enough digits to see it', () => {
    const v = reproductionView(
      reproduction({
        outcome: 'differs',
        maxRelativeDifference: 2e-7,
        firstDifference: { epoch: 3, metric: 'val_loss', original: 0.42131234, rerun: 0.42131241 },
        message: 'Differs from run #7, …',
      }),
    );
    expect(v.tone).toBe('bad');
    expect(v.headline).toBe('Differs: first at epoch 3, val_loss: 0.4213123 → 0.4213124');
    expect(v.detail).toBe('Run #9 does not reproduce run #7 on the same backend.');
    const final = reproductionView(
      reproduction({
        outcome: 'differs',
        firstDifference: { epoch: 'final', metric: 'test_acc', original: 0.8, rerun: null },
      }),
    );
    expect(final.headline).toBe('Differs: first at the final test_acc: 0.8000 → none');
    const missing = reproductionView(
      reproduction({
        outcome: 'differs',
        firstDifference: { epoch: 4, metric: '(epoch)', original: null, rerun: null },
      }),
    );
    expect(missing.headline).toBe('Differs: first at epoch 4 (in one run only)');
    expect(distinctPair(1, 2)).toEqual(['1', '2']);
    expect(distinctPair(0.1 + 0.2, 0.3)).toEqual(['0.30000000000000004', '0.3']);
  });

  it('is pending while the re-run trains, and says why runs were not compared', () => {
    const pending = reproductionView(
      reproduction({
        outcome: 'pending',
        backends: { original: 'cpu', rerun: null },
        sameData: null,
        maxRelativeDifference: null,
        message: 'Re-run #9 has not finished yet.',
      }),
    );
    expect(pending.tone).toBe('pending');
    expect(pending.headline).toMatch(/^Pending/);
    expect(pending.facts).toBe('backends cpu → not yet known · data not yet compared');
    expect(
      reproductionView(reproduction({ outcome: 'incomparable', message: 'Not compared: …' })),
    ).toMatchObject({ tone: 'neutral', headline: 'Not compared', detail: 'Not compared: …' });
  });
});

describe('experiment page: estimate beside the real time', () => {
  const estimate = (patch: Partial<PlanEstimate> = {}): PlanEstimate => ({
    wallSeconds: 250,
    runSeconds: 500,
    concurrency: 2,
    basis: { measured: 6, calibrated: 2, unknown: 0 },
    upperBound: true,
    method: 'From the measured speed of comparable runs.',
    ...patch,
  });
  const plan = (e: PlanEstimate | null) => ({
    plannedAt: '2026-01-01T00:00:00Z',
    queuedRuns: 8,
    sourceRuns: 2,
    reusedSourceRuns: 0,
    transferRuns: 6,
    variants: 3,
    estimate: e,
  });
  const done = { startedAt: 'a', finishedAt: 'b', wallSeconds: 232, unfinished: 0 };

  it('sets the estimate beside the wall time', () => {
    const v = timingView(plan(estimate()), done);
    expect(`${v.estimate} · ${v.actual}`).toBe(
      'Estimated 4 min 10 s (upper bound: early stopping) · took 3 min 52 s',
    );
    expect(v.method).toContain('6 runs measured, 2 calibrated, 0 unknown; 2 trainers at once');
    expect(v.noEstimate).toBe(false);
    const partial = timingView(
      plan(estimate({ upperBound: false, basis: { measured: 6, calibrated: 0, unknown: 2 } })),
      done,
    );
    expect(partial.estimate).toBe(
      "Estimated 4 min 10 s for 6 of 8 runs (the others' speed unknown)",
    );
  });

  it('says so when no estimate was recorded, and that runs are still going', () => {
    const running = { startedAt: 'a', finishedAt: null, wallSeconds: null, unfinished: 3 };
    expect(timingView(null, running)).toMatchObject({
      estimate: 'No estimate recorded',
      actual: 'running…',
      noEstimate: true,
    });
    expect(timingView(plan(null), { ...running, startedAt: null }).actual).toBe('queued…');
    expect(
      timingView(plan(estimate({ basis: { measured: 0, calibrated: 0, unknown: 8 } })), done)
        .noEstimate,
    ).toBe(true);
  });
});
