import {
  ROW_RULE_LABELS,
  type Comparison,
  type LabelCount,
  type RowRule,
  type SelectionGroup,
  type SelectionSummary,
} from '../../src-shared/rpc/compare';

/**
 * How every report format words model selection (issue 10), so a reader of any of them learns
 * which rows were chosen among variants, on what, and with how many labels: a selection on
 * validation looks at labelled rows too, and a reader comparing it with a single variant must be
 * able to count them. The oracle (chosen on test) is named as such wherever it appears.
 */

/** `as run`, `selected on validation`, `oracle: selected on test`. */
export function ruleLabel(rule: RowRule): string {
  return ROW_RULE_LABELS[rule];
}

/** Whether any row of the comparison was chosen among variants: then tables show a rule column. */
export function hasSelectedRows(comparison: Comparison): boolean {
  return (
    comparison.selection !== null ||
    comparison.summary.rows.some((r) => r.rule !== 'as-run') ||
    comparison.gains.some((g) => g.rule !== 'as-run' || g.baselineRule !== 'as-run')
  );
}

/** The baseline row gains were measured against, else the one asked for. */
export function baselineName(comparison: Comparison): string {
  return comparison.baseline ?? comparison.request.options.baseline;
}

const count = (n: number): string => n.toLocaleString('en-US');

/** `2,000`, or `20–200` when the choices differ; null when nothing was recorded. */
export function labelRange(c: LabelCount): string | null {
  if (c.min === null || c.max === null) return null;
  return c.min === c.max ? count(c.min) : `${count(c.min)}–${count(c.max)}`;
}

/** How many labelled validation rows each choice looked at, and where they came from. */
export function validationLabelsText(
  selection: Pick<SelectionSummary, 'mode' | 'selectBy'>,
  group: SelectionGroup,
): string {
  if (selection.mode === 'oracle') {
    return `none: oracle, chosen on ${selection.selectBy} of the test split itself`;
  }
  const c = group.validationLabels;
  const range = labelRange(c);
  switch (c.from) {
    case 'split':
      return `validation split, ${range ?? 'unknown'} labelled rows per choice`;
    case 'budget':
      return `held out of the label budget: ${range ?? 'unknown'} labels per choice`;
    case 'mixed':
      return `${range ?? 'unknown'} labelled rows per choice, from the validation split in some cells and held out of the label budget in others`;
    case 'unknown':
      return range === null
        ? 'not recorded (runs from before split sizes were recorded)'
        : `not recorded for every choice; where recorded, ${range} labelled rows per choice`;
  }
}

/** How many labelled training rows the chosen runs trained on. */
export function trainLabelsText(group: SelectionGroup): string {
  const c = group.trainLabels;
  const range = labelRange(c);
  if (range === null) return 'not recorded';
  switch (c.from) {
    case 'budget':
      return `${range} labelled rows per choice (the budget less the validation rows held out)`;
    case 'unknown':
      return `${range} labelled rows per choice where recorded`;
    case 'split':
    case 'mixed':
      return `${range} labelled rows per choice`;
  }
}

/** A variant's share of a group's choices, as a percentage. */
export function pickShare(picked: number, choices: number): string {
  return choices === 0 ? '–' : `${Math.round((100 * picked) / choices)}%`;
}

/** One line saying how rows were chosen, for the header of a report. */
export function selectionLine(selection: SelectionSummary | null): string {
  if (selection === null) return 'No model selection: every variant is its own row.';
  return selection.mode === 'oracle'
    ? `Model selection: ORACLE, selected on test (${selection.selectBy}): an upper bound, not a result.`
    : `Model selection: selected on validation (${selection.selectBy}), scored on test.`;
}
