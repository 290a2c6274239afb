import { runDomainsLabel } from '../../src-shared/domain/runs';
import type { ComparedRun, Comparison, ConfusionMatrix } from '../../src-shared/rpc/compare';
import { readConfusion } from '../store/confusion';
import type { Db } from '../store/db';
import { formatBudget } from './numbers';
import type { TextTable } from './tables';

/** Tables a report prints at most; a comparison of hundreds of cells says how many it left out. */
export const MAX_CONFUSION_TABLES = 12;

/**
 * The report's confusion tables (issue 14): one per compared row (source, target, budget,
 * variant), the test-split confusion matrices of its finished runs summed over their seeds, with
 * rows and columns named by the target's classes (store/confusion.ts: "Sandal", not 0). Runs that
 * recorded no matrix, or one of another size, are left out of the sum and counted in the caption.
 */
export function confusionTables(db: Db, comparison: Comparison): TextTable[] {
  const groups = new Map<string, ComparedRun[]>();
  for (const run of comparison.runs) {
    if (run.status !== 'completed') continue;
    const key = JSON.stringify([run.sourceName, run.targetName, run.budget, run.variant]);
    groups.set(key, [...(groups.get(key) ?? []), run]);
  }
  const tables: TextTable[] = [];
  for (const runs of groups.values()) {
    if (tables.length === MAX_CONFUSION_TABLES) break;
    const table = summedTable(runs, (id) => readConfusion(db, id), tables.length + 1);
    if (table !== null) tables.push(table);
  }
  if (tables.length === MAX_CONFUSION_TABLES && groups.size > MAX_CONFUSION_TABLES) {
    const last = tables[tables.length - 1];
    if (last)
      last.caption += ` The first ${MAX_CONFUSION_TABLES} of ${groups.size} rows are shown.`;
  }
  return tables;
}

function summedTable(
  runs: readonly ComparedRun[],
  read: (id: number) => ConfusionMatrix | null,
  index: number,
): TextTable | null {
  const first = runs[0];
  if (first === undefined) return null;
  let labels: string[] | null = null;
  let sum: number[][] = [];
  const used: ComparedRun[] = [];
  for (const run of runs) {
    const m = read(run.id);
    if (m === null || (labels !== null && m.labels.length !== labels.length)) continue;
    if (labels === null) {
      labels = m.labels;
      sum = m.matrix.map((row) => row.map(() => 0));
    }
    m.matrix.forEach((row, i) => {
      const cells = sum[i];
      if (cells) row.forEach((v, j) => (cells[j] = (cells[j] ?? 0) + v));
    });
    used.push(run);
  }
  if (labels === null) return null;
  const left = runs.length - used.length;
  return {
    id: `confusion-${index}`,
    title: `${first.variant} · ${runDomainsLabel(first)} · ${formatBudget(first.budget)}`,
    caption:
      `Test-split confusion matrix summed over ${used.length} run${used.length === 1 ? '' : 's'} ` +
      `(seeds ${used.map((r) => r.seed).join(', ')}): rows are the true class, columns the ` +
      `predicted one.${left > 0 ? ` ${left} finished run(s) recorded no matrix of this size.` : ''}`,
    header: ['true \\ predicted', ...labels],
    rows: labels.map((name, i) => [name, ...(sum[i] ?? []).map(String)]),
  };
}
