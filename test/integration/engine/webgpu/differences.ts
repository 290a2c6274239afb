import type { RunRecord } from './parity';

/** One metric of two runs of the same job: where it was read, both values and how far apart. */
export interface Difference {
  /** `epoch 2 val_loss`, `final test_acc`. */
  metric: string;
  /** The metric's name alone: `loss`, `val_acc`, `test_loss`. */
  key: string;
  a: number;
  b: number;
  abs: number;
  /** |a − b| / |a|; 0 when both are 0. */
  rel: number;
}

function difference(metric: string, key: string, a: number, b: number): Difference {
  const abs = Math.abs(a - b);
  return { metric, key, a, b, abs, rel: abs === 0 ? 0 : abs / Math.abs(a) };
}

/**
 * Every per-epoch value and every final metric of two runs, side by side. Runs that reported a
 * different number of epochs, or whose status differs, are not comparable: that throws.
 */
export function differences(a: RunRecord, b: RunRecord): Difference[] {
  if (a.status !== b.status) throw new Error(`one run ${a.status}, the other ${b.status}`);
  if (a.epochs.length !== b.epochs.length)
    throw new Error(`one run reported ${a.epochs.length} epochs, the other ${b.epochs.length}`);
  const out: Difference[] = [];
  a.epochs.forEach((values, i) => {
    for (const [key, value] of Object.entries(values))
      out.push(difference(`epoch ${i + 1} ${key}`, key, value, b.epochs[i]?.[key] ?? NaN));
  });
  for (const [key, value] of Object.entries(a.final ?? {})) {
    const other = b.final?.[key] ?? null;
    // A metric neither run has (no validation rows: val_loss null) has nothing to compare.
    if (value === null && other === null) continue;
    out.push(difference(`final ${key}`, key, value ?? NaN, other ?? NaN));
  }
  return out;
}

/** Accuracies are hit rates; every other metric is a mean cross-entropy. */
export function isAccuracy(key: string): boolean {
  return key === 'acc' || key.endsWith('_acc');
}

/** The largest relative difference among losses, and the largest absolute among accuracies. */
export function worst(diffs: readonly Difference[]): { lossRel: number; accAbs: number } {
  let lossRel = 0;
  let accAbs = 0;
  for (const d of diffs) {
    if (isAccuracy(d.key)) accAbs = Math.max(accAbs, d.abs);
    else lossRel = Math.max(lossRel, d.rel);
  }
  return { lossRel, accAbs };
}
