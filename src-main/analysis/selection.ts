import type {
  ComparedRun,
  LabelCount,
  RowRule,
  SelectionGroup,
  SelectionSummary,
} from '../../src-shared/rpc/compare';

/**
 * Model selection among the variants of each strategy (issue 10), as DomainBed's
 * training-domain validation does (Gulrajani & Lopez-Paz 2021, "In search of lost domain
 * generalization"): for every (source, target, budget, seed), of a strategy's variants the one
 * with the best final validation metric is kept and reported with its test metric. Only the
 * validation value is read to choose (ties go to the first label in sort order), so changing test
 * values never changes a choice. The `oracle` mode chooses on the compared test metric itself: an
 * upper bound no real user can reach, labelled as such wherever it appears.
 */

export interface SelectionOptions {
  mode: 'validation' | 'oracle';
  /** The metric read to choose: a validation metric, or the compared test metric for the oracle. */
  selectBy: string;
  higherIsBetter: boolean;
}

export interface SelectionResult {
  /** The statistics' runs: strategies with one variant as they were, the others as selected. */
  runs: ComparedRun[];
  /** Variants' runs that were not chosen, and why. */
  notChosen: { runId: number; reason: string }[];
  summary: SelectionSummary;
}

export function selectedRowLabel(
  strategy: string,
  mode: 'validation' | 'oracle',
  by: string,
): string {
  return mode === 'validation'
    ? `${strategy} [selected on ${by}]`
    : `${strategy} [oracle: selected on ${by}]`;
}

function labelCount(values: readonly (number | undefined)[], froms: readonly string[]): LabelCount {
  const known = values.filter((v): v is number => v !== undefined);
  const kinds = new Set(froms);
  return {
    from:
      known.length < values.length
        ? 'unknown'
        : kinds.size > 1
          ? 'mixed'
          : kinds.has('budget')
            ? 'budget'
            : 'split',
    min: known.length ? Math.min(...known) : null,
    max: known.length ? Math.max(...known) : null,
  };
}

export function selectVariants(runs: readonly ComparedRun[], o: SelectionOptions): SelectionResult {
  const rule: RowRule = o.mode === 'validation' ? 'selected-validation' : 'selected-oracle';
  const byStrategy = new Map<string, ComparedRun[]>();
  for (const run of runs) {
    const list = byStrategy.get(run.strategy) ?? [];
    list.push(run);
    byStrategy.set(run.strategy, list);
  }
  const kept: ComparedRun[] = [];
  const notChosen: SelectionResult['notChosen'] = [];
  const groups: SelectionGroup[] = [];
  const better = (a: number, b: number): boolean => (o.higherIsBetter ? a > b : a < b);
  for (const [strategy, members] of byStrategy) {
    const variants = [...new Set(members.map((r) => r.variant))].sort();
    if (variants.length < 2) {
      kept.push(...members);
      continue;
    }
    const row = selectedRowLabel(strategy, o.mode, o.selectBy);
    const cells = new Map<string, ComparedRun[]>();
    for (const run of members) {
      const key = JSON.stringify([run.sourceName, run.targetName, run.budget, run.seed]);
      const list = cells.get(key) ?? [];
      list.push(run);
      cells.set(key, list);
    }
    const picks = new Map<string, number>(variants.map((v) => [v, 0]));
    const chosenRuns: ComparedRun[] = [];
    for (const candidates of cells.values()) {
      // Candidates in label order: a tie keeps the first, whatever the test values.
      const ordered = [...candidates].sort((a, b) => a.variant.localeCompare(b.variant));
      let best: ComparedRun | undefined;
      for (const run of ordered) {
        const score = o.mode === 'validation' ? run.selectionValue : run.value;
        if (score === null || !Number.isFinite(score)) continue;
        const bestScore = best
          ? o.mode === 'validation'
            ? best.selectionValue
            : best.value
          : null;
        if (best === undefined || bestScore === null || better(score, bestScore)) best = run;
      }
      for (const run of ordered) {
        if (run === best) continue;
        notChosen.push({
          runId: run.id,
          reason: best
            ? `not selected: "${best.variant}" (run #${best.id}) had the better ${o.selectBy} for this source, target, budget and seed`
            : `not selected: no variant of ${strategy} has a finite ${o.selectBy} for this source, target, budget and seed`,
        });
      }
      if (!best) continue;
      picks.set(best.variant, (picks.get(best.variant) ?? 0) + 1);
      chosenRuns.push(best);
      kept.push({ ...best, variant: row });
    }
    groups.push({
      strategy,
      row,
      variants,
      picks: [...picks.entries()].map(([variant, count]) => ({ variant, count })),
      choices: chosenRuns.length,
      validationLabels: labelCount(
        chosenRuns.map((r) => r.splitSizes?.val),
        chosenRuns.map((r) => r.splitSizes?.validationFrom ?? 'unknown'),
      ),
      trainLabels: labelCount(
        chosenRuns.map((r) => r.splitSizes?.train),
        chosenRuns.map((r) => r.splitSizes?.validationFrom ?? 'unknown'),
      ),
    });
  }
  const description =
    o.mode === 'validation'
      ? `Selected on validation: for each source, target, budget and seed, the variant of a strategy with the ${o.higherIsBetter ? 'highest' : 'lowest'} final ${o.selectBy}, reported with its test metric. Test values play no part in the choice.`
      : `Oracle: for each source, target, budget and seed, the variant with the best test metric (${o.selectBy}) — chosen on test data, an upper bound no real selection reaches.`;
  return {
    runs: kept.sort((a, b) => a.id - b.id),
    notChosen,
    summary: {
      mode: o.mode,
      rule,
      selectBy: o.selectBy,
      higherIsBetter: o.higherIsBetter,
      description,
      groups,
    },
  };
}
