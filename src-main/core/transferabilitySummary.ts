import { BudgetSchema, type Budget } from '../../src-shared/domain/experimentSpec';
import type {
  TransferabilityCorrelation,
  TransferabilityItem,
  TransferabilitySummary,
} from '../../src-shared/domain/experiments';
import type { TransferabilityScores } from '../../src-shared/domain/runs';
import { kendallTauB } from '../engine/transferability/rankCorrelation';
import type { Db } from '../store/db';
import { readJson } from '../store/json';
import { experimentTransferability } from '../store/transferability';

const SCORES: readonly (keyof TransferabilityScores)[] = ['leep', 'nce', 'hScore', 'logMe'];
const MIN_RUNS_FOR_TAU = 3;

/**
 * The experiment's transferability scores beside the gains its runs realised, and how well each
 * score ranked them (Kendall's τ-b per variant, so two variants of a strategy are never pooled):
 * the check the scores exist for.
 */
export function transferabilitySummary(db: Db, experimentId: number): TransferabilitySummary {
  const rows = experimentTransferability(db, experimentId);
  const shrunkRuns = new Set(rows.filter((r) => r.h_score_shrinkage !== null).map((r) => r.run_id));
  const items: TransferabilityItem[] = rows.map((row) => {
    const budget: Budget = readJson(BudgetSchema, row.budget, 'run budget');
    return {
      runId: row.run_id,
      strategy: row.strategy,
      variant: row.variant,
      sourceName: row.source_name,
      targetName: row.target_name,
      budget,
      seed: row.seed,
      scores: { leep: row.leep, nce: row.nce, hScore: row.h_score, logMe: row.log_me },
      testAcc: row.test_acc,
      gain:
        row.test_acc === null || row.scratch_test_acc === null
          ? null
          : row.test_acc - row.scratch_test_acc,
    };
  });
  const correlations: TransferabilityCorrelation[] = [];
  for (const variant of [...new Set(items.map((i) => i.variant))]) {
    const withGain = items.filter((i) => i.variant === variant && i.gain !== null);
    // Runs scored before issue 14 have Bao's unshrunk H-score, later ones the shrunk one: two
    // scales, never ranked together.
    const shrunk = new Set(withGain.map((i) => shrunkRuns.has(i.runId)));
    const mixedHScores = shrunk.size > 1;
    for (const score of SCORES) {
      if (score === 'hScore' && mixedHScores) {
        correlations.push({
          variant,
          score,
          tau: null,
          n: withGain.length,
          note: 'Mixed H-scores: some runs were scored unshrunk (before issue 14), others shrunk.',
        });
        continue;
      }
      const tau =
        withGain.length < MIN_RUNS_FOR_TAU
          ? NaN
          : kendallTauB(
              withGain.map((i) => i.scores[score]),
              withGain.map((i) => i.gain ?? NaN),
            );
      correlations.push({
        variant,
        score,
        tau: Number.isFinite(tau) ? tau : null,
        n: withGain.length,
      });
    }
  }
  return { items, correlations };
}
