import Papa from 'papaparse';
import type { Budget } from '../../src-shared/domain/experimentSpec';
import type { Comparison } from '../../src-shared/rpc/compare';

/**
 * The CSV report: one file, sections each a plain CSV table with its own header row, introduced
 * by a one-cell row naming it (`# runs`, `# summary`, …) and separated from the next by an empty
 * line:
 *   runs          one row per compared run (the data every other table is computed from)
 *   summary       one row per (variant, column) cell: n, mean, std, se, CI
 *   gains         one row per (source, target, budget, variant) against the baseline
 *   win_tie_loss  one row per variant
 *   selection     with model selection only: one row per (selected row, variant) with its picks
 *                 and the labelled validation and training rows each choice used
 *   notes         when there is something to say: the selection rule and the comparison's notes
 * Rows are variants (issue 10): `variant` names the row, `strategy` its strategy and `rule` how
 * its numbers came about (`as-run`, `selected-validation`, `selected-oracle`).
 * Numbers are written raw (full precision, empty when missing) so a script can re-read them;
 * `parseReportCsv` splits a file back into its sections.
 *
 * Formula injection (OWASP "CSV Injection"): a spreadsheet runs a cell that starts with
 * = + - @, a tab or a carriage return. Every text cell starting with one of those, or with a
 * single quote, gets a single quote in front (papaparse's escapeFormulae with our pattern: its
 * default pattern misses a formula followed by a line break). Prefixing a leading quote too
 * makes the rule reversible: strip exactly one leading quote from a text cell that has one.
 * Numbers are never prefixed: a negative gain stays a number.
 */
export const CSV_FORMULA_START = /^[=+\-@\t\r']/;

type Cell = string | number | null;

function budgetCell(budget: Budget): Cell {
  return budget === 'all' ? 'all' : budget;
}

const num = (v: number | null | undefined): Cell => (v === undefined ? null : v);

function runsSection(c: Comparison): Cell[][] {
  // Columns added since the first version go last, so scripts reading by position keep working.
  const selectBy = c.selection?.mode === 'validation' ? c.selection.selectBy : null;
  const header = [
    'run_id',
    'experiment_id',
    'experiment',
    'kind',
    'strategy',
    'source',
    'target',
    'budget',
    'seed',
    'status',
    c.summary.metric,
    'tags',
    'notes',
    'excluded_reason',
    'variant',
    'recorded_variant',
    // Issue 15: the backend and the device's label and kind; empty where none was recorded.
    'backend',
    'device',
    'device_kind',
    // Only with model selection, so always last.
    ...(selectBy === null ? [] : [selectBy]),
  ];
  const excluded = new Map(c.excluded.map((e) => [e.runId, e.reason]));
  return [
    header,
    ...c.runs.map((r) => [
      r.id,
      r.experimentId,
      r.experimentName,
      r.kind,
      r.strategy,
      r.sourceName,
      r.targetName,
      budgetCell(r.budget),
      r.seed,
      r.status,
      r.value,
      r.tags.join('; '),
      r.notes,
      excluded.get(r.id) ?? null,
      r.variant,
      r.recordedVariant,
      r.backend,
      r.device?.label ?? null,
      r.device?.kind ?? null,
      ...(selectBy === null ? [] : [r.selectionValue]),
    ]),
  ];
}

function summarySection(c: Comparison): Cell[][] {
  const header = [
    'variant',
    'strategy',
    'rule',
    c.summary.columnsBy,
    'n',
    'mean',
    'std',
    'se',
    'ci95_low',
    'ci95_high',
    'excluded',
  ];
  const rows: Cell[][] = [];
  for (const row of c.summary.rows) {
    row.cells.forEach((cell, i) => {
      const column = c.summary.columns[i] ?? '';
      const head = [row.variant, row.strategy, row.rule, column];
      if (cell === null) {
        rows.push([...head, 0, null, null, null, null, null, null]);
        return;
      }
      rows.push([
        ...head,
        cell.n,
        cell.mean,
        cell.std,
        cell.se,
        cell.ci95?.[0] ?? null,
        cell.ci95?.[1] ?? null,
        cell.excluded,
      ]);
    });
  }
  return [header, ...rows];
}

function gainsSection(c: Comparison): Cell[][] {
  const header = [
    'source',
    'target',
    'budget',
    'variant',
    'strategy',
    'rule',
    'baseline',
    'baseline_rule',
    'pairs',
    'variant_mean',
    'baseline_mean',
    'delta',
    'delta_ci95_low',
    'delta_ci95_high',
    't',
    'df',
    't_p',
    'wilcoxon_v',
    'wilcoxon_p',
    'holm_p',
    'verdict',
    'negative_transfer',
  ];
  return [
    header,
    ...c.gains.map((g) => [
      g.sourceName,
      g.targetName,
      budgetCell(g.budget),
      g.variant,
      g.strategy,
      g.rule,
      g.baseline,
      g.baselineRule,
      g.n,
      num(g.strategyMean),
      num(g.baselineMean),
      num(g.meanDiff),
      g.diff?.ci95?.[0] ?? null,
      g.diff?.ci95?.[1] ?? null,
      g.tTest.ok ? g.tTest.t : null,
      g.tTest.ok ? g.tTest.df : null,
      g.tTest.ok ? g.tTest.p : null,
      g.wilcoxon.ok ? g.wilcoxon.v : null,
      g.wilcoxon.ok ? g.wilcoxon.p : null,
      g.pHolm,
      g.verdict,
      g.negativeTransfer ? 'yes' : 'no',
    ]),
  ];
}

function winTieLossSection(c: Comparison): Cell[][] {
  const rows = new Map(c.summary.rows.map((r) => [r.variant, r]));
  return [
    ['variant', 'strategy', 'rule', 'win', 'tie', 'loss', 'untested'],
    ...c.winTieLoss.map((w) => {
      const row = rows.get(w.variant);
      return [
        w.variant,
        row?.strategy ?? null,
        row?.rule ?? 'as-run',
        w.win,
        w.tie,
        w.loss,
        w.untested,
      ];
    }),
  ];
}

/** One row per (selected row, variant): its picks, and the labels each choice used. */
function selectionSection(c: Comparison): Cell[][] {
  const header = [
    'row',
    'strategy',
    'rule',
    'select_by',
    'variant',
    'picks',
    'choices',
    'validation_labels_from',
    'validation_labels_min',
    'validation_labels_max',
    'train_labels_from',
    'train_labels_min',
    'train_labels_max',
  ];
  const s = c.selection;
  if (s === null) return [header];
  return [
    header,
    ...s.groups.flatMap((g) =>
      g.picks.map((p): Cell[] => [
        g.row,
        g.strategy,
        s.rule,
        s.selectBy,
        p.variant,
        p.count,
        g.choices,
        // The oracle looked at no validation rows: it chose on the test split.
        s.mode === 'oracle' ? 'test' : g.validationLabels.from,
        s.mode === 'oracle' ? null : g.validationLabels.min,
        s.mode === 'oracle' ? null : g.validationLabels.max,
        g.trainLabels.from,
        g.trainLabels.min,
        g.trainLabels.max,
      ]),
    ),
  ];
}

/** The selection rule in words, then every note of the comparison. */
function notesSection(c: Comparison): Cell[][] {
  return [
    ['kind', 'note'],
    ...(c.selection === null ? [] : [['selection', c.selection.description]]),
    ...c.notes.map((n) => ['note', n]),
  ];
}

export const CSV_SECTIONS = [
  'runs',
  'summary',
  'gains',
  'win_tie_loss',
  'selection',
  'notes',
] as const;
export type CsvSection = (typeof CSV_SECTIONS)[number];

function unparse(rows: Cell[][]): string {
  return Papa.unparse(rows, { escapeFormulae: CSV_FORMULA_START, newline: '\r\n' });
}

/** Which sections a comparison has: `selection` with model selection, `notes` when there are any. */
export function csvSections(comparison: Comparison): CsvSection[] {
  return CSV_SECTIONS.filter(
    (name) =>
      (name !== 'selection' || comparison.selection !== null) &&
      (name !== 'notes' || comparison.selection !== null || comparison.notes.length > 0),
  );
}

export function renderCsv(comparison: Comparison): string {
  const sections: Record<CsvSection, () => Cell[][]> = {
    runs: () => runsSection(comparison),
    summary: () => summarySection(comparison),
    gains: () => gainsSection(comparison),
    win_tie_loss: () => winTieLossSection(comparison),
    selection: () => selectionSection(comparison),
    notes: () => notesSection(comparison),
  };
  return (
    csvSections(comparison)
      .map((name) => `${unparse([[`# ${name}`]])}\r\n${unparse(sections[name]())}`)
      .join('\r\n\r\n') + '\r\n'
  );
}

/** Undoes the formula neutralisation of one text cell. */
export function unneutralise(cell: string): string {
  return cell.startsWith("'") ? cell.slice(1) : cell;
}

/**
 * Reads a CSV report back: each section's header and rows as strings, neutralisation undone.
 * For scripts and tests; a spreadsheet reads each section as it is.
 */
export function parseReportCsv(text: string): Map<string, { header: string[]; rows: string[][] }> {
  const parsed = Papa.parse<string[]>(text, { skipEmptyLines: false });
  if (parsed.errors.length > 0) {
    throw new Error(`Not a CSV report: ${parsed.errors.map((e) => e.message).join('; ')}`);
  }
  const sections = new Map<string, { header: string[]; rows: string[][] }>();
  let current: { header: string[]; rows: string[][] } | null = null;
  let wantHeader = false;
  for (const row of parsed.data) {
    if (row.length === 1 && (row[0] ?? '').startsWith('# ')) {
      current = { header: [], rows: [] };
      sections.set((row[0] ?? '').slice(2), current);
      wantHeader = true;
    } else if (row.length === 1 && row[0] === '') {
      continue;
    } else if (current !== null) {
      const cells = row.map(unneutralise);
      if (wantHeader) {
        current.header = cells;
        wantHeader = false;
      } else {
        current.rows.push(cells);
      }
    }
  }
  return sections;
}
