import type { ComparedRun, Gain, RowRule, WinTieLoss } from '../../src-shared/rpc/compare';
import { baselineSourceFor } from '../../src-shared/domain/baselineMatch';
import { cellStat } from './cellStat';
import { comparePaired, type PairedComparison, type Tested } from './paired';
import { judge } from './verdict';

export interface GainOptions {
  baseline: string;
  test: 't' | 'wilcoxon';
  alpha: number;
  higherIsBetter: boolean;
  /** Each row's rule (as run, or selected); 'as-run' where absent. */
  rules?: ReadonlyMap<string, RowRule>;
}

const UNTESTED: Record<string, string> = {
  'too-few-pairs': 'fewer than two seed pairs',
  'constant-differences': 'the differences are constant',
  'all-differences-zero': 'every difference is zero',
};

function outcome<T extends object, U>(
  tested: Tested<T>,
  pick: (value: T) => U,
): ({ ok: true } & U) | { ok: false; reason: string } {
  return tested.ok
    ? { ok: true, ...pick(tested) }
    : { ok: false, reason: UNTESTED[tested.reason] ?? tested.reason };
}

const cellKey = (r: ComparedRun): string => JSON.stringify([r.sourceName, r.targetName, r.budget]);

/** The baseline row's runs for one (source, target, budget) cell (baselineSourceFor). */
function baselineRuns(
  runs: readonly ComparedRun[],
  cell: ComparedRun,
  baseline: string,
): ComparedRun[] {
  const candidates = runs.filter(
    (r) => r.variant === baseline && r.targetName === cell.targetName && r.budget === cell.budget,
  );
  const source = baselineSourceFor(
    cell.sourceName,
    candidates.map((r) => r.sourceName),
  );
  return source === undefined ? [] : candidates.filter((r) => r.sourceName === source);
}

/**
 * Transfer gain Δ = variant − baseline for every (source, target, budget, variant) cell,
 * paired by seed (pairBySeed.ts), with the paired t-test and the Wilcoxon signed-rank test
 * (paired.ts), the chosen test's p Holm-corrected across every gain of the comparison and a
 * verdict (verdict.ts). Runs must be unique per (cell, variant, seed) (see comparison.ts).
 */
export function transferGains(runs: readonly ComparedRun[], o: GainOptions): Gain[] {
  const cells = new Map<string, ComparedRun[]>();
  for (const r of runs) {
    if (r.variant === o.baseline) continue;
    const key = JSON.stringify([cellKey(r), r.variant]);
    const list = cells.get(key);
    if (list) list.push(r);
    else cells.set(key, [r]);
  }
  const pending: {
    gain: Omit<Gain, 'pHolm' | 'verdict' | 'negativeTransfer'>;
    paired: PairedComparison;
  }[] = [];
  for (const group of cells.values()) {
    const first = group[0];
    if (!first) continue;
    const base = baselineRuns(runs, first, o.baseline);
    if (base.length === 0) continue;
    const seedValues = (rs: readonly ComparedRun[]): { seed: number; value: number }[] =>
      rs.map((r) => ({ seed: r.seed, value: r.value ?? NaN }));
    const paired = comparePaired(seedValues(group), seedValues(base));
    const diffs = paired.pairing.strategy.map((x, i) => x - (paired.pairing.baseline[i] ?? NaN));
    pending.push({
      paired,
      gain: {
        sourceName: first.sourceName,
        targetName: first.targetName,
        budget: first.budget,
        variant: first.variant,
        strategy: first.strategy,
        rule: o.rules?.get(first.variant) ?? 'as-run',
        baseline: o.baseline,
        baselineRule: o.rules?.get(o.baseline) ?? 'as-run',
        n: paired.n,
        strategyMean: cellStat(group.map((r) => r.value ?? NaN))?.mean ?? null,
        baselineMean: cellStat(base.map((r) => r.value ?? NaN))?.mean ?? null,
        meanDiff: paired.meanDiff ?? null,
        diff: cellStat(diffs),
        tTest: outcome(paired.tTest, (t) => ({ t: t.t, df: t.df, p: t.p })),
        wilcoxon: outcome(paired.wilcoxon, (w) => ({ v: w.v, p: w.p, method: w.method })),
        strategyOnlySeeds: paired.pairing.strategyOnly,
        baselineOnlySeeds: paired.pairing.baselineOnly,
        incompleteSeeds: paired.pairing.incomplete,
      },
    });
  }
  const judgements = judge(
    pending.map((p) => p.paired),
    { alpha: o.alpha, test: o.test, higherIsBetter: o.higherIsBetter },
  );
  return pending.map((p, i) => {
    const j = judgements[i];
    return {
      ...p.gain,
      pHolm: j?.pAdjusted ?? null,
      verdict: j?.verdict ?? 'untested',
      negativeTransfer: j?.negativeTransfer ?? false,
    };
  });
}

/** Win / tie / loss / untested counts per variant over its cells. */
export function winTieLoss(gains: readonly Gain[]): WinTieLoss[] {
  const counts = new Map<string, WinTieLoss>();
  for (const g of gains) {
    const c = counts.get(g.variant) ?? {
      variant: g.variant,
      win: 0,
      tie: 0,
      loss: 0,
      untested: 0,
    };
    c[g.verdict] += 1;
    counts.set(g.variant, c);
  }
  return [...counts.values()];
}
