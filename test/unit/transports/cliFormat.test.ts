import { describe, expect, it } from 'vitest';
import {
  RUN_COLUMNS,
  runsTable,
  runTiming,
  timingLine,
  variantsTable,
} from '../../../src-main/cli/format';
import { runJson } from '../../../src-main/cli/run';
import type { ExperimentDetail } from '../../../src-shared/domain/experiments';
import type { RunSummary } from '../../../src-shared/domain/runs';

/** What `transferlab run` and `transferlab runs` print about variants and time (issue 10). */

const L2SP = 'fine-tune · l2sp λ=0.01';

function run(
  id: number,
  variant: string,
  seed: number,
  testAcc: number | null,
  over: Partial<RunSummary> = {},
): RunSummary {
  const strategy = variant.split(' ')[0] ?? variant;
  return {
    id,
    experimentId: 1,
    experimentName: 'E',
    kind: variant === 'source' ? 'source' : 'transfer',
    strategy: variant === 'source' ? 'source' : strategy,
    variant,
    sourceName: variant === 'scratch' || variant === 'source' ? null : 'A',
    targetName: variant === 'source' ? 'A' : 'B',
    budget: 10,
    seed,
    status: 'completed',
    backend: 'cpu',
    device: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:00:02.000Z',
    epochsDone: 2,
    epochs: 2,
    finalMetrics: testAcc === null ? null : { test_acc: testAcc, test_loss: 1 - testAcc },
    error: null,
    dependsOn: null,
    inputAdapter: null,
    ...over,
  };
}

const RUNS = [
  run(1, 'source', 0, 0.95),
  run(2, 'fine-tune', 0, 0.8),
  run(3, 'fine-tune', 1, 0.82),
  run(4, L2SP, 0, 0.9),
  run(5, L2SP, 1, null, { status: 'failed', error: 'boom' }),
];

const timing = (wallSeconds: number | null, unfinished = 0): ExperimentDetail['timing'] => ({
  startedAt: '2026-01-01T00:00:00.000Z',
  finishedAt: wallSeconds === null ? null : '2026-01-01T00:03:05.000Z',
  wallSeconds,
  unfinished,
});

const plan = (wallSeconds: number, unknown = 0, upperBound = false): ExperimentDetail['plan'] => ({
  plannedAt: '2026-01-01T00:00:00.000Z',
  queuedRuns: 5,
  sourceRuns: 1,
  reusedSourceRuns: 0,
  transferRuns: 4,
  variants: 2,
  estimate: {
    wallSeconds,
    runSeconds: wallSeconds,
    concurrency: 1,
    basis: { measured: 5 - unknown, calibrated: 0, unknown },
    upperBound,
    method: 'measured speeds',
  },
});

describe('the runs table', () => {
  it('has a variant column beside the strategy', () => {
    expect(RUN_COLUMNS.slice(2, 4)).toEqual(['strategy', 'variant']);
    const lines = runsTable(RUNS, false).split('\n');
    const header = lines.find((l) => l.includes('run') && l.includes('variant')) ?? '';
    expect(header.indexOf('strategy')).toBeLessThan(header.indexOf('variant'));
    const l2sp = lines.filter((l) => l.includes(L2SP));
    expect(l2sp).toHaveLength(2);
    expect(l2sp[0]).toMatch(/│ 4 +│ transfer +│ fine-tune +│ fine-tune · l2sp λ=0\.01 +│ A → B/);
  });
});

describe('the end-of-run summary by variant', () => {
  it('keeps two variants of one strategy apart and averages over seeds', () => {
    const text = variantsTable(RUNS, false);
    const rows = text.split('\n').filter((l) => l.startsWith('│') && !l.includes('completed'));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(
      /│ fine-tune +│ fine-tune +│ A → B +│ 10 +│ 2\/2 +│ 81\.00 ± 1\.41 \(n=2\) +│ 0\.1900 ± 0\.0141 \(n=2\) +│/,
    );
    expect(rows[1]).toMatch(
      /│ fine-tune · l2sp λ=0\.01 +│ fine-tune +│ A → B +│ 10 +│ 1\/2 +│ 90\.00 \(n=1\) +│ 0\.1000 \(n=1\) +│/,
    );
    // Source runs train the source model: no row of their own here.
    expect(text).not.toMatch(/│ source +│/);
    expect(variantsTable([run(1, 'source', 0, 0.9)], false)).toBe('');
  });
});

describe('the real time beside the plan’s estimate', () => {
  it('prints both, and says when the estimate is an upper bound or leaves runs out', () => {
    expect(timingLine({ plan: plan(160), timing: timing(185) })).toBe(
      'Wall time: 3 min 05 s; the plan estimated 2 min 40 s.\n',
    );
    expect(timingLine({ plan: plan(42.5, 2, true), timing: timing(30) })).toBe(
      'Wall time: 30 s; the plan estimated 43 s (an upper bound: early stopping may end runs sooner), leaving out 2 runs with nothing comparable measured.\n',
    );
  });

  it('says "no estimate recorded" when the plan or its estimate is missing', () => {
    expect(timingLine({ plan: null, timing: timing(12.25) })).toBe(
      'Wall time: 12 s; no estimate recorded.\n',
    );
    const noEstimate = plan(1);
    if (noEstimate) noEstimate.estimate = null;
    expect(timingLine({ plan: noEstimate, timing: timing(7200) })).toBe(
      'Wall time: 2 h 00 min; no estimate recorded.\n',
    );
    expect(timingLine({ plan: plan(0, 5), timing: timing(3) })).toBe(
      'Wall time: 3.0 s; no estimate recorded (nothing comparable had been measured in this workspace).\n',
    );
    expect(runTiming({ plan: plan(0, 5), timing: timing(3) }).estimatedWallSeconds).toBeNull();
    expect(timingLine({ plan: null, timing: timing(null, 2) })).toBe(
      'Wall time: not final (2 runs not ended); no estimate recorded.\n',
    );
  });

  it('is part of run --json, with each run’s variant', () => {
    const doc = runJson(1, RUNS, { plan: plan(160, 1, true), timing: timing(185) });
    expect(doc.timing).toEqual({
      wallSeconds: 185,
      estimatedWallSeconds: 160,
      estimateUpperBound: true,
      unestimatedRuns: 1,
    });
    expect(doc.runs.map((r) => r.variant)).toEqual(RUNS.map((r) => r.variant));
    expect(runTiming({ plan: null, timing: timing(5) })).toEqual({
      wallSeconds: 5,
      estimatedWallSeconds: null,
      estimateUpperBound: null,
      unestimatedRuns: null,
    });
  });
});
