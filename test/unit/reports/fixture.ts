import {
  CompareInputSchema,
  type CellStat,
  type Comparison,
  type ComparedRun,
  type Gain,
  type RowRule,
  type SelectionSummary,
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

function run(
  id: number,
  strategy: string,
  seed: number,
  value: number | null,
  variant = strategy,
): ComparedRun {
  return {
    id,
    experimentId: 1,
    experimentName: HOSTILE.experiment,
    kind: 'transfer',
    strategy,
    variant,
    recordedVariant: variant,
    sourceName: strategy === 'scratch' ? null : 'src<1>',
    targetName: HOSTILE.target,
    budget: 10,
    seed,
    status: value === null ? 'diverged' : 'completed',
    backend: 'wasm',
    device: null,
    value,
    config: runConfig({ seed, budget: 10 }),
    tags: id === 1 ? [HOSTILE.tag, 'plain'] : [],
    notes:
      id === 1
        ? HOSTILE.strategyNote
        : id === 2
          ? `${HOSTILE.formula}\nsecond line, "quoted"`
          : null,
    splitSizes: null,
    selectionValue: null,
  };
}

const gain = (
  strategy: string,
  budget: 10 | 100,
  meanDiff: number,
  negative = false,
  variant = strategy,
  rule: RowRule = 'as-run',
): Gain => ({
  sourceName: 'src<1>',
  targetName: HOSTILE.target,
  budget,
  variant,
  strategy,
  rule,
  baseline: 'scratch',
  baselineRule: 'as-run',
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
    baseline: 'scratch',
    selection: null,
    notes: [],
    summary: {
      metric: 'test_acc',
      columnsBy: 'target-budget',
      columns: [`${HOSTILE.target} @ 10`, `${HOSTILE.target} @ 100`],
      rows: [
        {
          variant: 'fine-tune',
          strategy: 'fine-tune',
          rule: 'as-run',
          cells: [stat(0.91), stat(0.95)],
        },
        { variant: 'scratch', strategy: 'scratch', rule: 'as-run', cells: [stat(0.8), null] },
        {
          variant: HOSTILE.tag,
          strategy: HOSTILE.tag,
          rule: 'as-run',
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
      { variant: 'fine-tune', win: 1, tie: 0, loss: 1, untested: 0 },
      { variant: HOSTILE.tag, win: 0, tie: 1, loss: 0, untested: 0 },
    ],
    learningCurves: [
      {
        sourceName: 'src<1>',
        targetName: HOSTILE.target,
        variant: 'fine-tune',
        points: [
          { budget: 10, stat: stat(0.91) },
          { budget: 100, stat: stat(0.95) },
        ],
      },
      {
        sourceName: 'src<1>',
        targetName: HOSTILE.target,
        variant: 'scratch',
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
        variant: 'fine-tune',
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
      runs: [],
    },
  };
}

/** The second variant of fine-tune in the fixtures below: L2-SP, a row of its own. */
export const L2SP = 'fine-tune · l2sp λ=0.01';

/**
 * Two variants of one strategy: plain fine-tuning and L2-SP. Before issue 10 both were the
 * `fine-tune` row and one's runs were dropped as duplicates; every format must show two rows.
 */
export function twoVariantsFixture(): Comparison {
  const c = comparisonFixture();
  c.runs.push(run(6, 'fine-tune', 0, 0.93, L2SP), run(7, 'fine-tune', 1, 0.94, L2SP));
  c.varyingFields = ['strategyParams.l2sp', 'seed'];
  c.notes = [
    `"${L2SP}" names different settings in "A" (#1) and "B" (#2) (training.learningRate): its runs are shown per experiment, never merged.`,
  ];
  c.summary.rows.splice(1, 0, {
    variant: L2SP,
    strategy: 'fine-tune',
    rule: 'as-run',
    cells: [stat(0.935), stat(0.97)],
  });
  c.gains.push(gain('fine-tune', 10, 0.135, false, L2SP));
  c.winTieLoss.push({ variant: L2SP, win: 1, tie: 0, loss: 0, untested: 0 });
  c.learningCurves.push({
    sourceName: 'src<1>',
    targetName: HOSTILE.target,
    variant: L2SP,
    points: [
      { budget: 10, stat: stat(0.935) },
      { budget: 100, stat: stat(0.97) },
    ],
  });
  return c;
}

/** Where a selection's validation rows came from, as the fixtures below give it. */
export type ValidationSource = 'split' | 'budget';

/**
 * Model selection among fine-tune's two variants (issue 10): one row, chosen per seed on
 * val_acc (or, for the oracle, on test_acc itself), with the labels each choice looked at.
 */
export function selectionFixture(
  mode: 'validation' | 'oracle',
  from: ValidationSource = 'split',
): Comparison {
  const c = twoVariantsFixture();
  const rule: RowRule = mode === 'validation' ? 'selected-validation' : 'selected-oracle';
  const selectBy = mode === 'validation' ? 'val_acc' : 'test_acc';
  const row =
    mode === 'validation'
      ? 'fine-tune [selected on val_acc]'
      : 'fine-tune [oracle: selected on test_acc]';
  c.request = CompareInputSchema.parse({
    selection: { experimentIds: [1] },
    options: { selection: mode },
  });
  c.notes = [];
  const sizes = (val: number, train: number): ComparedRun['splitSizes'] => ({
    train,
    val,
    test: 500,
    validationFrom: from,
  });
  const [val, train] = from === 'split' ? [2000, 10] : [20, 80];
  for (const r of c.runs) {
    r.splitSizes = sizes(val, train);
    r.selectionValue = mode === 'validation' ? (r.value ?? 0) - 0.01 : r.value;
  }
  const selection: SelectionSummary = {
    mode,
    rule,
    selectBy,
    higherIsBetter: true,
    description:
      mode === 'validation'
        ? 'Selected on validation: for each source, target, budget and seed, the variant of a strategy with the highest final val_acc, reported with its test metric. Test values play no part in the choice.'
        : 'Oracle: for each source, target, budget and seed, the variant with the best test metric (test_acc) — chosen on test data, an upper bound no real selection reaches.',
    groups: [
      {
        strategy: 'fine-tune',
        row,
        variants: ['fine-tune', L2SP],
        picks: [
          { variant: 'fine-tune', count: 1 },
          { variant: L2SP, count: 2 },
        ],
        choices: 3,
        validationLabels: { from, min: val, max: val },
        trainLabels: { from, min: train, max: train },
      },
    ],
  };
  c.selection = selection;
  c.summary.rows = [
    { variant: 'scratch', strategy: 'scratch', rule: 'as-run', cells: [stat(0.8), null] },
    { variant: row, strategy: 'fine-tune', rule, cells: [stat(0.93), stat(0.97)] },
  ];
  c.gains = [gain('fine-tune', 10, 0.13, false, row, rule)];
  c.winTieLoss = [{ variant: row, win: 1, tie: 0, loss: 0, untested: 0 }];
  c.learningCurves = c.learningCurves
    .filter((l) => l.variant === 'scratch')
    .concat({
      sourceName: 'src<1>',
      targetName: HOSTILE.target,
      variant: row,
      points: [
        { budget: 10, stat: stat(0.93) },
        { budget: 100, stat: stat(0.97) },
      ],
    });
  c.crossovers = [];
  c.excluded.push({
    runId: 1,
    reason: `not selected: "${L2SP}" (run #6) had the better ${selectBy} for this source, target, budget and seed`,
  });
  return c;
}
