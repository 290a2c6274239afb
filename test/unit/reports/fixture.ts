import {
  CompareInputSchema,
  type CellStat,
  type Comparison,
  type ComparedRun,
  type Gain,
} from '../../../src-shared/rpc/compare';
import { runConfig } from '../engine/fixtures';

/** Names and notes a report must show as text and never run. */
export const HOSTILE = {
  experiment: '<img src=x onerror=alert(1)>',
  strategyNote: '</script><script>alert(2)</script>',
  tag: '"><svg onload=alert(3)>',
  target: "t&<b>'arget'</b>",
  formula: '=HYPERLINK("http://evil.example","x")',
} as const;

const stat = (mean: number, n = 3): CellStat => ({
  n,
  mean,
  std: 0.01,
  se: 0.006,
  ci95: [mean - 0.02, mean + 0.02],
  excluded: 0,
});

function run(id: number, strategy: string, seed: number, value: number | null): ComparedRun {
  return {
    id,
    experimentId: 1,
    experimentName: HOSTILE.experiment,
    kind: 'transfer',
    strategy,
    sourceName: strategy === 'scratch' ? null : 'src<1>',
    targetName: HOSTILE.target,
    budget: 10,
    seed,
    status: value === null ? 'diverged' : 'completed',
    value,
    config: runConfig({ seed, budget: 10 }),
    tags: id === 1 ? [HOSTILE.tag, 'plain'] : [],
    notes:
      id === 1
        ? HOSTILE.strategyNote
        : id === 2
          ? `${HOSTILE.formula}\nsecond line, "quoted"`
          : null,
  };
}

const gain = (strategy: string, budget: 10 | 100, meanDiff: number, negative = false): Gain => ({
  sourceName: 'src<1>',
  targetName: HOSTILE.target,
  budget,
  strategy,
  baseline: 'scratch',
  n: 3,
  strategyMean: 0.8 + meanDiff,
  baselineMean: 0.8,
  meanDiff,
  diff: stat(meanDiff),
  tTest: { ok: true, t: 4.2, df: 2, p: 0.052 },
  wilcoxon: { ok: false, reason: 'fewer than 6 pairs' },
  pHolm: 0.104,
  verdict: negative ? 'loss' : meanDiff > 0 ? 'win' : 'tie',
  negativeTransfer: negative,
  strategyOnlySeeds: [],
  baselineOnlySeeds: [],
  incompleteSeeds: [],
});

/** A hand-made comparison: two strategies against scratch on one hostile-named target. */
export function comparisonFixture(): Comparison {
  return {
    request: CompareInputSchema.parse({ selection: { experimentIds: [1] } }),
    generatedAt: '2026-01-02T03:04:05.000Z',
    higherIsBetter: true,
    runs: [
      run(1, 'fine-tune', 0, 0.91),
      run(2, 'fine-tune', 1, -0.5),
      run(3, 'scratch', 0, 0.8),
      run(4, 'scratch', 1, 0.79),
      run(5, HOSTILE.tag, 0, null),
    ],
    excluded: [{ runId: 5, reason: `diverged: ${HOSTILE.strategyNote}` }],
    varyingFields: ['strategy', 'seed'],
    summary: {
      metric: 'test_acc',
      columnsBy: 'target-budget',
      columns: [`${HOSTILE.target} @ 10`, `${HOSTILE.target} @ 100`],
      rows: [
        { strategy: 'fine-tune', cells: [stat(0.91), stat(0.95)] },
        { strategy: 'scratch', cells: [stat(0.8), null] },
        {
          strategy: HOSTILE.tag,
          cells: [{ ...stat(0.5, 1), std: null, se: null, ci95: null, excluded: 1 }, null],
        },
      ],
    },
    gains: [
      gain('fine-tune', 10, 0.11),
      gain('fine-tune', 100, -0.04, true),
      gain(HOSTILE.tag, 10, 0),
    ],
    winTieLoss: [
      { strategy: 'fine-tune', win: 1, tie: 0, loss: 1, untested: 0 },
      { strategy: HOSTILE.tag, win: 0, tie: 1, loss: 0, untested: 0 },
    ],
    learningCurves: [
      {
        sourceName: 'src<1>',
        targetName: HOSTILE.target,
        strategy: 'fine-tune',
        points: [
          { budget: 10, stat: stat(0.91) },
          { budget: 100, stat: stat(0.95) },
        ],
      },
      {
        sourceName: 'src<1>',
        targetName: HOSTILE.target,
        strategy: 'scratch',
        points: [
          { budget: 10, stat: stat(0.8) },
          { budget: 100, stat: stat(0.99) },
        ],
      },
    ],
    crossovers: [
      {
        sourceName: 'src<1>',
        targetName: HOSTILE.target,
        strategy: 'fine-tune',
        from: 10,
        to: 100,
        at: 61.5,
        direction: 'gains-below',
      },
    ],
    curves: {
      metric: 'val_acc',
      groupBy: ['strategy'],
      band: 'ci95',
      bandLabel: '95% confidence interval (Student t)',
      groups: [
        {
          key: { strategy: 'fine-tune' },
          label: HOSTILE.experiment,
          runIds: [1, 2],
          epochs: [1, 2, 3],
          mean: [0.5, 0.7, 0.9],
          lower: [0.45, 0.65, 0.85],
          upper: [0.55, 0.75, 0.95],
          n: [2, 2, 2],
        },
        {
          key: { strategy: 'scratch' },
          label: 'scratch',
          runIds: [3, 4],
          epochs: [1, 2, 3],
          mean: [0.4, null, 0.8],
          lower: [0.35, null, 0.75],
          upper: [0.45, null, 0.85],
          n: [2, 0, 2],
        },
      ],
    },
  };
}
