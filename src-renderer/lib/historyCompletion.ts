import {
  METRIC_MODE_NAMES,
  QUERY_FIELD_NAMES,
  STATUS_VALUES,
  TEXT_FIELD_NAMES,
  isMetricName,
  isPercentMetric,
  paramPathOf,
} from '../../src-shared/query/runQueryFields';
import { splitTerm } from '../../src-shared/query/runQueryText';
import { BackendNameSchema } from '../../src-shared/domain/backends';

/**
 * Completion for the Runs query box (issue 14): field names while a term has no operator yet,
 * then the values the workspace's runs have for that field. Pure: the box gives the text, the
 * caret and the known values, and puts `insert` over [from, to).
 */

export interface KnownValues {
  strategies: readonly string[];
  variants: readonly string[];
  sources: readonly string[];
  targets: readonly string[];
}

export interface Suggestion {
  /** What the list shows. */
  label: string;
  /** A short note beside it (what the field is). */
  detail: string;
  /** The text that replaces the term being typed. */
  insert: string;
}

export interface Completion {
  from: number;
  to: number;
  items: Suggestion[];
}

/** Suggestions shown at once at most (the list never needs to scroll far). */
export const MAX_SUGGESTIONS = 8;

const FIELD_DETAIL: Record<string, string> = {
  strategy: 'strategy contains',
  source: 'source domain contains',
  target: 'target domain contains',
  budget: 'labels per class',
  status: 'run status',
  variant: 'variant label contains',
  experiment: 'experiment name contains',
  tag: 'carries the tag',
  backend: 'backend used (webgpu, wasm…)',
  device: 'device label contains',
  lr: 'learning rate',
  epochs: 'epochs planned',
  batch: 'batch size',
  optimizer: 'optimizer',
  seed: 'seed',
  λ: 'strategy weight λ',
};

function fieldDetail(name: string): string {
  if (isMetricName(name)) return isPercentMetric(name) ? 'metric, in %' : 'metric';
  return FIELD_DETAIL[name] ?? 'strategy parameter';
}

/** What typing the field inserts: metrics start a comparison, others an equality. */
function fieldInsert(name: string): string {
  return isMetricName(name) ? `${name}>` : `${name}:`;
}

/** A value as the parser reads it back: quoted when it holds a space or a comma. */
export function quoteValue(value: string): string {
  return /[\s,"]/.test(value) ? `"${value.replace(/"/g, '')}"` : value;
}

function valuesFor(field: string, known: KnownValues): readonly string[] | null {
  const textField = Object.hasOwn(TEXT_FIELD_NAMES, field) ? TEXT_FIELD_NAMES[field] : undefined;
  if (textField === 'strategy') return known.strategies;
  if (textField === 'variant') return known.variants;
  if (textField === 'source') return known.sources;
  if (textField === 'target') return known.targets;
  if (textField === 'backend') return BackendNameSchema.options;
  if (field === 'status') return STATUS_VALUES;
  if (field === 'budget') return ['all'];
  if (paramPathOf(field) === 'training.optimizer') return ['adam', 'sgd', 'rmsprop'];
  return null;
}

/** The term the caret is in: from the last space before it (outside quotes) to the caret. */
function termAt(text: string, caret: number): { start: number; term: string } {
  let start = 0;
  let quoted = false;
  for (let i = 0; i < caret; i++) {
    const ch = text.charAt(i);
    if (ch === '"') quoted = !quoted;
    else if (!quoted && /\s/.test(ch)) start = i + 1;
  }
  return { start, term: text.slice(start, caret) };
}

export function completeQuery(text: string, caret: number, known: KnownValues): Completion {
  const { start, term } = termAt(text, caret);
  const none: Completion = { from: start, to: caret, items: [] };
  if (term === '') return none;
  const split = splitTerm(term);
  if (split === null) {
    // A field name being typed (or a free word that may become one).
    const lower = term.toLowerCase();
    const items = QUERY_FIELD_NAMES.filter(
      (f) => f.toLowerCase().startsWith(lower) && f.toLowerCase() !== lower,
    ).map((f) => ({ label: f, detail: fieldDetail(f), insert: fieldInsert(f) }));
    // `val_loss.` offers the summary modes.
    const dot = /^([a-z_]+)\.([a-z]*)$/.exec(term);
    if (dot && isMetricName(dot[1] ?? '')) {
      const metric = dot[1] ?? '';
      const partial = dot[2] ?? '';
      for (const mode of METRIC_MODE_NAMES) {
        if (mode.startsWith(partial)) {
          items.push({
            label: `${metric}.${mode}`,
            detail: 'summary',
            insert: `${metric}.${mode}>`,
          });
        }
      }
    }
    return { from: start, to: caret, items: items.slice(0, MAX_SUGGESTIONS) };
  }
  if (split.op !== ':' && split.op !== '=') return none;
  const values = valuesFor(split.field, known);
  if (values === null) return none;
  // After a comma only the last alternative is being typed.
  const head = split.value.slice(0, split.value.lastIndexOf(',') + 1);
  const partial = split.value.slice(head.length).replace(/^"/, '').toLowerCase();
  const prefix = `${split.field}${split.op}${head}`;
  const items = values
    .filter((v) => v.toLowerCase().includes(partial) && v.toLowerCase() !== partial)
    .map((v) => ({ label: v, detail: split.field, insert: `${prefix}${quoteValue(v)} ` }));
  return { from: start, to: caret, items: items.slice(0, MAX_SUGGESTIONS) };
}

/** The text with a suggestion applied, and where the caret goes after it. */
export function applySuggestion(
  text: string,
  completion: Completion,
  item: Suggestion,
): { text: string; caret: number } {
  const before = text.slice(0, completion.from);
  const after = text.slice(completion.to).replace(/^\S*/, '');
  const spaced =
    item.insert.endsWith(' ') && after.startsWith(' ') ? item.insert.trimEnd() : item.insert;
  return { text: before + spaced + after, caret: before.length + spaced.length };
}
