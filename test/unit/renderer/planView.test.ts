import { describe, expect, it } from 'vitest';
import type { PlanEstimate, PlanSummary } from '../../../src-shared/rpc/plan';
import {
  basisLine,
  CONFIRM_ABOVE_RUNS,
  estimateLine,
  formatEstimateSeconds,
  isCurrent,
  LatestOnly,
  needsLaunchConfirmation,
  queuedLine,
} from '../../../src-renderer/lib/planView';

const estimate: PlanEstimate = {
  wallSeconds: 725,
  runSeconds: 1400,
  concurrency: 2,
  basis: { measured: 8, calibrated: 2, unknown: 0 },
  upperBound: true,
  method: 'From completed runs.',
};

const plan: PlanSummary = {
  sourceRuns: 2,
  reusedSourceRuns: [{ runId: 12, status: 'completed', sourceName: 'digits 0–4', seed: 0 }],
  newSourceRuns: 1,
  transferRuns: 42,
  queuedRuns: 43,
  variants: [],
  estimate,
  estimateNote: null,
};

describe('the designer plan panel', () => {
  it('asks to confirm a launch of more than 300 queued runs, not of 300', () => {
    expect(CONFIRM_ABOVE_RUNS).toBe(300);
    expect(needsLaunchConfirmation(300)).toBe(false);
    expect(needsLaunchConfirmation(301)).toBe(true);
    expect(needsLaunchConfirmation(0)).toBe(false);
  });

  it('writes the estimate rounded, with the trainers', () => {
    expect(formatEstimateSeconds(0)).toBe('1 s');
    expect(formatEstimateSeconds(40.4)).toBe('40 s');
    expect(formatEstimateSeconds(725)).toBe('12 min');
    expect(formatEstimateSeconds(7500)).toBe('2 h 05 min');
    expect(estimateLine(estimate)).toBe('≈ 12 min on 2 trainers');
    expect(
      estimateLine({
        ...estimate,
        concurrency: 1,
        basis: { measured: 1, calibrated: 0, unknown: 3 },
      }),
    ).toBe('≈ 12 min on 1 trainer (known runs only)');
    expect(
      estimateLine({ ...estimate, basis: { measured: 0, calibrated: 0, unknown: 5 } }),
    ).toBeNull();
    expect(estimateLine(null)).toBeNull();
    expect(basisLine(estimate)).toBe('8 measured · 2 calibrated');
  });

  it('says what is queued and what is reused', () => {
    expect(queuedLine(plan)).toBe(
      '43 runs queued (1 new source run + 42 transfer runs); 1 source model reused',
    );
  });

  it('shows only the answer for the spec the form holds, and only the latest request', () => {
    expect(isCurrent('{"a":1}', '{"a":1}')).toBe(true);
    expect(isCurrent('{"a":1}', '{"a":2}')).toBe(false);
    expect(isCurrent(null, null)).toBe(false);
    const latest = new LatestOnly();
    const first = latest.next();
    const second = latest.next();
    expect(latest.isLatest(first)).toBe(false);
    expect(latest.isLatest(second)).toBe(true);
  });
});
