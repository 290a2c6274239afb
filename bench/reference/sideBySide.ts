/**
 * Transferlab's results beside the PyTorch reference's on the same rows: per variant, each
 * side's mean test accuracy and the paired difference over seeds (ours − reference), and per
 * side each variant's paired gain over scratch. Pure: reference.ts prints what this returns.
 */
import { z } from 'zod';
import { comparePaired, type PairedComparison } from '../../src-main/analysis/paired';
import type { ReferenceRun } from './exportRuns';

/** What torch_reference.py writes. */
export const ReferenceOutputSchema = z.object({
  torch: z.string(),
  threads: z.int(),
  runs: z.array(
    z.union([
      z.object({ id: z.int(), skipped: z.string() }),
      z.object({
        id: z.int(),
        final: z.record(z.string(), z.union([z.number(), z.boolean()])),
        epochs: z.array(z.record(z.string(), z.number())),
      }),
    ]),
  ),
});
export type ReferenceOutput = z.infer<typeof ReferenceOutputSchema>;

export interface Summary {
  n: number;
  mean: number;
  sd: number;
}

export interface VariantRow {
  /** `<target> · budget <b>` for transfer runs, `<source>` for source runs. */
  group: string;
  variant: string;
  ours: Summary;
  reference: Summary;
  /** ours − reference, paired by seed (the same rows on both sides). */
  difference: PairedComparison;
}

export interface GainRow {
  group: string;
  variant: string;
  /** variant − scratch on each side, paired by seed. */
  ours: PairedComparison;
  reference: PairedComparison;
  /** Seeds where the variant beat scratch, on each side. */
  oursWins: number;
  referenceWins: number;
}

export interface SideBySide {
  metric: string;
  rows: VariantRow[];
  gains: GainRow[];
  /** Runs the reference skipped, with its reason. */
  skipped: string[];
}

function summary(values: number[]): Summary {
  const n = values.length;
  const mean = values.reduce((s, x) => s + x, 0) / n;
  const sd = n > 1 ? Math.sqrt(values.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1)) : NaN;
  return { n, mean, sd };
}

interface Cell {
  group: string;
  variant: string;
  ours: { seed: number; value: number }[];
  reference: { seed: number; value: number }[];
}

/** Groups the runs by (target, budget, variant), source runs by their domain. */
export function sideBySide(
  runs: readonly ReferenceRun[],
  output: ReferenceOutput,
  metric = 'test_acc',
): SideBySide {
  const reference = new Map<number, number>();
  const skipped: string[] = [];
  for (const r of output.runs) {
    if ('skipped' in r) {
      skipped.push(`#${r.id}: ${r.skipped}`);
      continue;
    }
    const value = r.final[metric];
    if (typeof value === 'number' && Number.isFinite(value)) reference.set(r.id, value);
    else skipped.push(`#${r.id}: the reference's ${metric} is not a finite number`);
  }
  const cells = new Map<string, Cell>();
  for (const run of runs) {
    const theirs = reference.get(run.id);
    const ours = run.ours[metric];
    if (theirs === undefined || typeof ours !== 'number') continue;
    const group = run.kind === 'source' ? run.target : `${run.target} · budget ${run.budget}`;
    const key = JSON.stringify([group, run.variant]);
    const cell = cells.get(key) ?? { group, variant: run.variant, ours: [], reference: [] };
    cell.ours.push({ seed: run.seed, value: ours });
    cell.reference.push({ seed: run.seed, value: theirs });
    cells.set(key, cell);
  }
  const rows = [...cells.values()].map((cell): VariantRow => ({
    group: cell.group,
    variant: cell.variant,
    ours: summary(cell.ours.map((s) => s.value)),
    reference: summary(cell.reference.map((s) => s.value)),
    difference: comparePaired(cell.ours, cell.reference),
  }));
  const gains: GainRow[] = [];
  for (const cell of cells.values()) {
    const scratch = [...cells.values()].find(
      (c) => c.group === cell.group && c.variant === 'scratch',
    );
    if (!scratch || cell === scratch || !cell.group.includes(' · budget ')) continue;
    const wins = (side: 'ours' | 'reference'): number =>
      cell[side].filter((s) => {
        const base = scratch[side].find((b) => b.seed === s.seed);
        return base !== undefined && s.value > base.value;
      }).length;
    gains.push({
      group: cell.group,
      variant: cell.variant,
      ours: comparePaired(cell.ours, scratch.ours),
      reference: comparePaired(cell.reference, scratch.reference),
      oursWins: wins('ours'),
      referenceWins: wins('reference'),
    });
  }
  return { metric, rows, gains, skipped };
}
