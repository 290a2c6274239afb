import type { Budget } from '../domain/experimentSpec';
import type { RunStatus } from '../domain/runs';
import type {
  CompareOp,
  MetricMode,
  ParamPath,
  ParamValue,
  RunQuery,
  TextField,
} from '../rpc/history';
import {
  METRIC_MODE_NAMES,
  STATUS_VALUES,
  TEXT_FIELD_NAMES,
  isMetricName,
  isPercentMetric,
  paramPathOf,
} from './runQueryFields';

/**
 * The Runs search box's structured query (issue 14), e.g.
 *   strategy:fine-tune budget:10 test_acc>90 lr<1e-3 source:rot20 "digits 0-4"
 *
 * - `field:value` — text fields (experiment, strategy, variant, source, target, backend, device)
 *   match when they contain the value, case-insensitively; `field=value` matches the whole name.
 *   `backend:webgpu` is the backend a run used, `device:llvmpipe` the label of the device it
 *   computed on (issue 15); runs that recorded none match neither. Commas give
 *   alternatives (`strategy:fine-tune,scratch`); a field named twice also means either.
 * - `status:`, `budget:` and `tag:` take exact values (`budget:all`).
 * - A metric is compared with `<`, `<=`, `>`, `>=`, `=` or `!=`, in the unit the grid shows:
 *   accuracies in PERCENT (`test_acc>90` is 90 %), everything else as recorded. A `.mode`
 *   suffix picks how its series becomes one number: `val_loss.min<0.3`; without one, `last`.
 * - A parameter of the resolved config (`lr`, `epochs`, `batch`, `optimizer`, `seed`, `λ`,
 *   `frozen`, any strategy parameter, or `training.x` / `strategyParams.x`) takes the same
 *   comparisons; `:` and `=` mean equal.
 * - Any other word (quotes keep spaces) must occur in a name, strategy, variant, source, target,
 *   notes or tags, as plain search always did.
 * Different fields must all hold.
 */

export interface QueryProblem {
  /** The term as typed, and where it starts in the text (for highlighting). */
  term: string;
  start: number;
  message: string;
}

export interface MetricCondition {
  name: string;
  mode: MetricMode;
  op: CompareOp;
  /** As typed: percent for accuracies (see `toRunQueryFilters`). */
  value: number;
}

export interface ParamCondition {
  path: ParamPath;
  op: CompareOp;
  value: Exclude<ParamValue, null>;
}

export interface ParsedQuery {
  words: string[];
  text: { field: TextField; values: string[]; exact: boolean }[];
  status: RunStatus[];
  budget: Budget[];
  tags: string[];
  metrics: MetricCondition[];
  params: ParamCondition[];
  /** Terms left out of the query, each with what is wrong and what to type instead. */
  problems: QueryProblem[];
  /** Terms kept but probably not meant as typed (an accuracy of 0.9 %). */
  warnings: QueryProblem[];
}

export interface Token {
  text: string;
  start: number;
}

/** Splits on spaces outside double quotes; quotes are kept in `text` (the parser drops them). */
export function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let current = '';
  let start = -1;
  let quoted = false;
  for (let i = 0; i < input.length; i++) {
    const ch = input.charAt(i);
    if (ch === '"') quoted = !quoted;
    if (!quoted && /\s/.test(ch)) {
      if (start >= 0) tokens.push({ text: current, start });
      current = '';
      start = -1;
      continue;
    }
    if (start < 0) start = i;
    current += ch;
  }
  if (start >= 0) tokens.push({ text: current, start });
  return tokens;
}

/** `field`, the operator and the value of a term; null for a free word. */
export function splitTerm(
  text: string,
): { field: string; op: CompareOp | ':'; value: string } | null {
  const m = /^([A-Za-zλ_][A-Za-z0-9λ_.]*)(>=|<=|!=|:|=|>|<)(.*)$/u.exec(text);
  if (!m) return null;
  return { field: m[1] ?? '', op: (m[2] ?? ':') as CompareOp | ':', value: m[3] ?? '' };
}

const unquote = (v: string): string => v.replace(/"/g, '').trim();

const alternatives = (v: string): string[] =>
  v
    .split(',')
    .map(unquote)
    .filter((x) => x !== '');

function number(text: string): number | null {
  const t = text.trim();
  if (t === '') return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

function paramValue(text: string): Exclude<ParamValue, null> {
  const n = number(text);
  if (n !== null) return n;
  if (text === 'true') return true;
  if (text === 'false') return false;
  return unquote(text);
}

export function emptyParsedQuery(): ParsedQuery {
  return {
    words: [],
    text: [],
    status: [],
    budget: [],
    tags: [],
    metrics: [],
    params: [],
    problems: [],
    warnings: [],
  };
}

export function parseRunQuery(input: string): ParsedQuery {
  const q = emptyParsedQuery();
  for (const token of tokenize(input)) {
    const problem = (message: string): void => {
      q.problems.push({ term: token.text, start: token.start, message });
    };
    const term = splitTerm(token.text);
    if (term === null) {
      const word = unquote(token.text);
      if (word !== '') q.words.push(word);
      continue;
    }
    const { field, op, value } = term;
    if (unquote(value) === '') {
      problem(`"${field}${op}" needs a value after it.`);
      continue;
    }

    const textField = Object.hasOwn(TEXT_FIELD_NAMES, field) ? TEXT_FIELD_NAMES[field] : undefined;
    if (textField !== undefined) {
      if (op !== ':' && op !== '=') {
        problem(`${field} is a name: use ${field}:text (contains) or ${field}=name (exactly).`);
        continue;
      }
      const exact = op === '=';
      const same = q.text.find((t) => t.field === textField && t.exact === exact);
      if (same) same.values.push(...alternatives(value));
      else q.text.push({ field: textField, values: alternatives(value), exact });
      continue;
    }

    if (field === 'status' || field === 'budget' || field === 'tag' || field === 'tags') {
      if (op !== ':' && op !== '=') {
        problem(`Use ${field}:value; ${field} cannot be compared with ${op}.`);
        continue;
      }
      for (const v of alternatives(value)) {
        if (field === 'status') {
          if (STATUS_VALUES.includes(v)) q.status.push(v as RunStatus);
          else problem(`No status "${v}": use one of ${STATUS_VALUES.join(', ')}.`);
        } else if (field === 'budget') {
          const n = Number(v);
          if (v === 'all') q.budget.push('all');
          else if (Number.isInteger(n) && n >= 0) q.budget.push(n);
          else problem(`A budget is labels per class (budget:10) or budget:all, not "${v}".`);
        } else {
          q.tags.push(v);
        }
      }
      continue;
    }

    const [metricName = '', modeName, ...rest] = field.split('.');
    if (isMetricName(metricName)) {
      const mode = modeName ?? 'last';
      if (rest.length > 0 || !(METRIC_MODE_NAMES as readonly string[]).includes(mode)) {
        problem(
          `"${field}": a metric's summary is one of ${METRIC_MODE_NAMES.join(', ')}` +
            ` (e.g. ${metricName}.min).`,
        );
        continue;
      }
      if (op === ':') {
        problem(`Compare ${metricName} with >, >=, <, <=, = or != (e.g. ${metricName}>90).`);
        continue;
      }
      const n = number(value);
      if (n === null) {
        problem(`${field}${op} needs a number, not "${value}".`);
        continue;
      }
      const percent = isPercentMetric(metricName);
      if (percent && (n < 0 || n > 100)) {
        problem(`${metricName} is in percent here (0–100), so ${n} cannot match.`);
        continue;
      }
      q.metrics.push({ name: metricName, mode: mode as MetricMode, op, value: n });
      if (percent && n > 0 && n <= 1) {
        const meant = Number((n * 100).toPrecision(12));
        q.warnings.push({
          term: token.text,
          start: token.start,
          message: `${metricName} is in percent here: ${n} means ${n} %. For ${meant} % type ${field}${op}${meant}.`,
        });
      }
      continue;
    }

    const path = paramPathOf(field);
    if (path !== null) {
      const v = paramValue(value);
      const compares = op === '<' || op === '<=' || op === '>' || op === '>=';
      if (compares && typeof v !== 'number') {
        problem(`${field}${op} needs a number, not "${value}".`);
        continue;
      }
      q.params.push({ path, op: op === ':' ? '=' : op, value: v });
      continue;
    }

    problem(
      `Unknown field "${field}". Use strategy, source, target, budget, status, variant, ` +
        'experiment, tag, backend, device, a metric (test_acc, val_loss.min) or a parameter (lr, epochs, λ); ' +
        'put a word with a colon in quotes to search for it.',
    );
  }
  return q;
}

export type RunQueryFilters = Pick<
  RunQuery,
  'search' | 'textFilters' | 'metricFilters' | 'paramFilters'
> & { status?: RunStatus[]; budget?: Budget[]; tags?: string[] };

/**
 * The `runs.query` fields a parsed query sets. Accuracies typed in percent become the fractions
 * the store keeps (test_acc>90 → > 0.9): the one place the unit changes.
 */
export function toRunQueryFilters(p: ParsedQuery): RunQueryFilters {
  const out: RunQueryFilters = {};
  if (p.words.length > 0) out.search = p.words.join(' ').slice(0, 200);
  if (p.text.length > 0) out.textFilters = p.text.slice(0, 16).map((t) => ({ ...t }));
  if (p.status.length > 0) out.status = [...new Set(p.status)];
  if (p.budget.length > 0) out.budget = [...new Set(p.budget)];
  if (p.tags.length > 0) out.tags = [...new Set(p.tags)].slice(0, 20);
  if (p.metrics.length > 0) {
    out.metricFilters = p.metrics.slice(0, 8).map((m) => ({
      name: m.name,
      mode: m.mode,
      op: m.op,
      value: isPercentMetric(m.name) ? m.value / 100 : m.value,
    }));
  }
  if (p.params.length > 0) out.paramFilters = p.params.slice(0, 8).map((c) => ({ ...c }));
  return out;
}
