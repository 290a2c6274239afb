import { describe, expect, it } from 'vitest';
import { buildComparison } from '../../../src-main/analysis/comparison';
import { comparisonData } from '../../../src-main/store/compareRuns';
import { CompareInputSchema } from '../../../src-shared/rpc/compare';
import { compareChartsWorkspace } from '../../helpers/compareChartsWorkspace';
import { compareWorkspace } from '../../helpers/compareWorkspace';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();

/** Each run's own curve in a comparison (issue 14): what Compare facets, smooths and re-axes. */
describe('Comparison.curves.runs', () => {
  it('carries every drawn run its epochs, values and the wall time the store recorded', () => {
    const ws = compareWorkspace(tempDir());
    const c = buildComparison(
      comparisonData(ws.db),
      CompareInputSchema.parse({ selection: { experimentIds: [1] } }),
    );
    // compareWorkspace: 30 transfer runs and the failed one, each with 3 epochs logged at 0, 1, 2 s;
    // the source run is drawn only when chosen by id.
    expect(c.curves.runs).toHaveLength(31);
    expect(c.curves.runs.some((r) => r.runId === ws.sourceRunId)).toBe(false);
    const first = c.curves.runs.find((r) => r.runId === 2);
    expect(first?.epochs).toEqual([1, 2, 3]);
    expect(first?.values[0]).toBe(0.5);
    expect(first?.values[1]).toBeCloseTo(0.6, 12);
    expect(first?.values[2]).toBeCloseTo(0.7, 12);
    expect(first?.elapsedS).toEqual([0, 1, 2]);
    ws.db.close();
  });

  it('draws 132 runs of 20 epochs with their split sizes, for the charts at scale', () => {
    const ws = compareChartsWorkspace(tempDir());
    const c = buildComparison(
      comparisonData(ws.db),
      CompareInputSchema.parse({ selection: { experimentIds: [ws.experimentId] } }),
    );
    expect(c.curves.runs).toHaveLength(132);
    expect(c.curves.runs.every((r) => r.epochs.length === 20)).toBe(true);
    expect(c.runs.every((r) => r.splitSizes !== null)).toBe(true);
    expect(c.curves.runs[0]?.elapsedS[19]).toBeCloseTo(20 * 1.5, 12);
    ws.db.close();
  });
});
