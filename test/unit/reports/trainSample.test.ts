import { describe, expect, it } from 'vitest';
import { meanCurvesChart } from '../../../src-main/reports/charts';
import type { Comparison } from '../../../src-shared/rpc/compare';
import { comparisonFixture } from './fixture';

/** The fixture's curves of `metric`, its runs 1–4 recording the cap and their split sizes. */
function curvesOf(metric: string, capped: readonly number[]): Comparison {
  const c = comparisonFixture();
  return {
    ...c,
    curves: { ...c.curves, metric },
    runs: c.runs.map((run) =>
      capped.includes(run.id)
        ? {
            ...run,
            config: { ...run.config, trainMetricRows: 10_000 },
            splitSizes: { train: 60_000, val: 5000, test: 10_000, validationFrom: 'split' },
          }
        : run,
    ),
  };
}

describe('report: train curves on a fixed sample (issue 12)', () => {
  it('says in the caption of a train metric’s curves that runs measured it on a sample', () => {
    expect(meanCurvesChart(curvesOf('loss', [1, 2, 3, 4]))?.caption).toContain(
      ' loss is measured on a fixed sample of 10,000 of 60,000 training rows per run, the same every epoch.',
    );
    expect(meanCurvesChart(curvesOf('acc', [1, 2]))?.caption).toContain(
      'the same every epoch (2 of the 4 runs; the others on every row).',
    );
  });

  it('says nothing for validation curves, nor for runs measured on every row', () => {
    expect(meanCurvesChart(curvesOf('val_loss', [1, 2, 3, 4]))?.caption).not.toContain(
      'fixed sample',
    );
    expect(meanCurvesChart(curvesOf('loss', []))?.caption).not.toContain('fixed sample');
  });
});
