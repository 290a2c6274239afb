import type { TransferabilityScores } from '../../src-shared/domain/runs';
import { formatMetric } from './format';

/**
 * How the four transferability scores are named, explained and printed, wherever they appear
 * (the experiment's panel after the fact, the designer before launch). For all four, higher means
 * the source model should transfer better; values compare source models on the same target rows.
 */
export type ScoreKey = keyof TransferabilityScores;

export const SCORE_KEYS: readonly ScoreKey[] = ['leep', 'nce', 'hScore', 'logMe'];

export const SCORE_LABELS: Readonly<Record<ScoreKey, string>> = {
  leep: 'LEEP',
  nce: 'NCE',
  hScore: 'H-score',
  logMe: 'LogME',
};

/** One line each, with the paper, for a table's legend and its headers' tooltips. */
export const SCORE_HELP: Readonly<Record<ScoreKey, string>> = {
  leep: "Log-likelihood of the target labels under the source model's class probabilities mapped to the target classes (≤ 0; Nguyen et al. 2020).",
  nce: "−H(target label | source model's predicted class): how well its predictions sort the target classes (≤ 0; Tran et al. 2019).",
  hScore:
    "How well the source model's features separate the target classes (0 to classes − 1; Bao et al. 2019).",
  logMe:
    "Evidence of a Bayesian linear classifier on the source model's features, per sample (You et al. 2021).",
};

export function formatScore(value: number | null | undefined): string {
  return formatMetric(value, 3);
}

/** A source→target pair of the designer, by index, with the names shown for it. */
export interface DesignerPair {
  source: number;
  target: number;
  key: string;
  label: string;
}

/**
 * Every source × target pair. The key holds the names too, so a result never shows against
 * another example's pair that happens to have the same indices.
 */
export function designerPairs(
  sources: readonly { name: string }[],
  targets: readonly { name: string }[],
): DesignerPair[] {
  return sources.flatMap((s, source) =>
    targets.map((t, target) => ({
      source,
      target,
      key: `${source}/${target}:${s.name}→${t.name}`,
      label: `${s.name} → ${t.name}`,
    })),
  );
}

/**
 * What a score depends on in a spec: everything but the name and description. A result scored
 * for another value is shown as outdated rather than silently kept or dropped.
 */
export function scoringKey(spec: object | null): string | null {
  if (spec === null) return null;
  return JSON.stringify({ ...spec, name: null, description: null });
}

/**
 * Each scored pair's rank among the pairs of its target by LogME (1 = highest), when a target has
 * two or more scored candidates: choosing which source model to fine-tune is LogME's main use
 * (You et al. 2021, "LogME: Practical Assessment of Pre-trained Models for Transfer Learning").
 * Ties share the better rank.
 */
export function logMeRanks(
  scored: readonly { key: string; target: number; logMe: number | null }[],
): Map<string, { rank: number; of: number }> {
  const ranks = new Map<string, { rank: number; of: number }>();
  const byTarget = new Map<number, { key: string; logMe: number }[]>();
  for (const s of scored) {
    if (s.logMe === null) continue;
    const list = byTarget.get(s.target) ?? [];
    list.push({ key: s.key, logMe: s.logMe });
    byTarget.set(s.target, list);
  }
  for (const candidates of byTarget.values()) {
    if (candidates.length < 2) continue;
    for (const c of candidates) {
      const better = candidates.filter((o) => o.logMe > c.logMe).length;
      ranks.set(c.key, { rank: better + 1, of: candidates.length });
    }
  }
  return ranks;
}
