/**
 * Ratios against a peer, round by round, and a verdict on a goal only when the rounds agree
 * (issue 12, "Done means"). The benchmarks alternate their runs, so round i of ours and round i
 * of the peer met the same moment of a shared machine; their ratio is that round's figure. A
 * ratio of medians hides how far the rounds were apart: measured on the small MLP under load,
 * per-round ratios ran from 0.17× to 0.52×, and "≥ 0.3× met" held at one load and not another.
 * So each figure is the median of the per-round ratios with their range beside it, and a goal is
 * "met" or "not met" only when every round falls on the same side of it.
 */

/** A goal on a ratio: ours / peer at least `target` (faster is more) or at most (time). */
export interface Goal {
  target: number;
  direction: 'at least' | 'at most';
}

/** The median of the per-round ratios and their range. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  rounds: number;
}

export type Verdict =
  | { kind: 'met' | 'not met'; spread: Spread }
  | { kind: 'undecided'; reason: string; spread?: Spread };

/** Fewer rounds than this cannot show that the rounds agree. */
export const MIN_ROUNDS = 2;

/**
 * Round i of ours over round i of the peer, for the rounds both have (a runner that failed or
 * stopped after its first round has fewer). Non-finite or non-positive figures are skipped.
 */
export function perRoundRatios(ours: readonly number[], peer: readonly number[]): number[] {
  const ratios: number[] = [];
  for (let i = 0; i < Math.min(ours.length, peer.length); i++) {
    const a = ours[i];
    const b = peer[i];
    if (a === undefined || b === undefined || !(a > 0) || !(b > 0)) continue;
    const ratio = a / b;
    if (Number.isFinite(ratio)) ratios.push(ratio);
  }
  return ratios;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const at = (i: number): number => sorted[i] ?? Number.NaN;
  return sorted.length % 2 === 1 ? at(mid) : (at(mid - 1) + at(mid)) / 2;
}

/** Undefined when there is no round to summarise. */
export function spreadOf(ratios: readonly number[]): Spread | undefined {
  if (ratios.length === 0) return undefined;
  return {
    median: median(ratios),
    min: Math.min(...ratios),
    max: Math.max(...ratios),
    rounds: ratios.length,
  };
}

function meets(ratio: number, goal: Goal): boolean {
  return goal.direction === 'at least' ? ratio >= goal.target : ratio <= goal.target;
}

/** "met" or "not met" when every round is on the same side of the goal, else "undecided". */
export function verdictOf(ratios: readonly number[], goal: Goal): Verdict {
  const spread = spreadOf(ratios);
  if (spread === undefined) return { kind: 'undecided', reason: 'no round measured' };
  if (spread.rounds < MIN_ROUNDS) {
    return {
      kind: 'undecided',
      reason: `${spread.rounds} round cannot show that rounds agree; rerun with --rounds 3 or more`,
      spread,
    };
  }
  const met = ratios.filter((r) => meets(r, goal)).length;
  if (met === ratios.length) return { kind: 'met', spread };
  if (met === 0) return { kind: 'not met', spread };
  return {
    kind: 'undecided',
    reason: `rounds disagree (${met} of ${spread.rounds} meet it); rerun on an idle machine`,
    spread,
  };
}

export function formatRatio(ratio: number): string {
  return `${ratio.toFixed(2)}×`;
}

/** "0.17×–0.52×"; one value when the rounds gave one. */
export function formatRange(spread: Spread): string {
  return spread.min === spread.max
    ? formatRatio(spread.min)
    : `${formatRatio(spread.min)}–${formatRatio(spread.max)}`;
}

/** "0.31× (0.17×–0.52×)": the median, and the range of the rounds beside it when they differ. */
export function formatSpread(spread: Spread | undefined): string {
  if (spread === undefined) return '';
  return spread.min === spread.max
    ? formatRatio(spread.median)
    : `${formatRatio(spread.median)} (${formatRange(spread)})`;
}

/** "≥ 0.30×" or "≤ 4.00×". */
export function formatGoal(goal: Goal): string {
  return `${goal.direction === 'at least' ? '≥' : '≤'} ${formatRatio(goal.target)}`;
}

/**
 * "0.35× (0.32×–0.40×, 3 rounds): met", or
 * "0.31× (0.17×–0.52×, 3 rounds): undecided: rounds disagree (2 of 3 meet it); rerun on an idle
 * machine".
 */
export function formatVerdict(verdict: Verdict): string {
  const figure =
    verdict.spread === undefined
      ? ''
      : `${formatRatio(verdict.spread.median)} (${formatRange(verdict.spread)}, ` +
        `${verdict.spread.rounds} round${verdict.spread.rounds === 1 ? '' : 's'}): `;
  return verdict.kind === 'undecided'
    ? `${figure}undecided: ${verdict.reason}`
    : `${figure}${verdict.kind}`;
}
