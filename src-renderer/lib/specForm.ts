import {
  ExperimentSpecSchema,
  type BackendPreference,
  type Budget,
  type DomainSpec,
  type ExperimentSpec,
  type ExperimentSpecInput,
  type ModelSpec,
  type StrategyChoice,
  type TrainingSpec,
} from '../../src-shared/domain/experimentSpec';
import { resolveStrategyParams, type StrategyInfo } from '../../src-shared/domain/strategies';

/**
 * The experiment designer's form: what the inputs hold (lists as text, numbers possibly empty),
 * and the pure functions between it and an `ExperimentSpecInput`. The schema in src-shared is the
 * authority; the form adds list parsing and puts each problem next to its input.
 */
export type ParamValue = number | boolean | null;

export interface StrategyFormState {
  enabled: boolean;
  params: Record<string, ParamValue>;
}

export type Activation = ModelSpec['activation'];
export type Optimizer = TrainingSpec['optimizer'];

export interface SpecForm {
  name: string;
  description: string;
  /** Read-only for now: they come from the chosen example (dataset import is a later issue). */
  sources: DomainSpec[];
  targets: DomainSpec[];
  strategies: Record<string, StrategyFormState>;
  budgets: string;
  seeds: string;
  hidden: string;
  activation: Activation;
  epochs: number | null;
  learningRate: number | null;
  batchSize: number | null;
  optimizer: Optimizer;
  backend: BackendPreference;
  /** Kept from the example as it is (shown read-only). */
  sourceTraining: TrainingSpec | undefined;
}

/** Where a problem is shown: a field, a strategy parameter (`param:<id>.<key>`), or the form. */
export type FieldKey =
  | 'name'
  | 'description'
  | 'domains'
  | 'strategies'
  | 'budgets'
  | 'seeds'
  | 'hidden'
  | 'activation'
  | 'epochs'
  | 'learningRate'
  | 'batchSize'
  | 'optimizer'
  | 'backend'
  | 'form'
  | `param:${string}`;

export type Problems = Partial<Record<FieldKey, string[]>>;

const MAX_SEED = 2 ** 31 - 1;

function paramDefaults(info: StrategyInfo): Record<string, ParamValue> {
  return Object.fromEntries(info.params.map((p) => [p.key, p.default]));
}

export function emptyForm(strategies: readonly StrategyInfo[]): SpecForm {
  return {
    name: '',
    description: '',
    sources: [],
    targets: [],
    strategies: Object.fromEntries(
      strategies.map((s) => [s.id, { enabled: true, params: paramDefaults(s) }]),
    ),
    budgets: 'all',
    seeds: '0',
    hidden: '64',
    activation: 'relu',
    epochs: 20,
    learningRate: 0.001,
    batchSize: 32,
    optimizer: 'adam',
    backend: 'auto',
    sourceTraining: undefined,
  };
}

function toParamValue(
  info: StrategyInfo,
  key: string,
  value: number | boolean | string,
): ParamValue {
  const param = info.params.find((p) => p.key === key);
  if (param?.type === 'boolean') return typeof value === 'boolean' ? value : value === 'true';
  if (typeof value === 'number') return value;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/** The form pre-filled from a spec (a built-in example). */
export function formFromSpec(spec: ExperimentSpec, strategies: readonly StrategyInfo[]): SpecForm {
  const chosen = new Map(spec.strategies.map((c) => [c.id, c]));
  return {
    name: spec.name,
    description: spec.description ?? '',
    sources: structuredClone(spec.sources),
    targets: structuredClone(spec.targets),
    strategies: Object.fromEntries(
      strategies.map((info) => {
        const choice = chosen.get(info.id);
        const params = paramDefaults(info);
        for (const [key, value] of Object.entries(choice?.params ?? {})) {
          params[key] = toParamValue(info, key, value);
        }
        return [info.id, { enabled: choice !== undefined, params }];
      }),
    ),
    budgets: spec.budgets.join(', '),
    seeds: spec.seeds.join(', '),
    hidden: spec.model.hidden.join(', '),
    activation: spec.model.activation,
    epochs: spec.training.epochs,
    learningRate: spec.training.learningRate,
    batchSize: spec.training.batchSize,
    optimizer: spec.training.optimizer,
    backend: spec.training.backend,
    sourceTraining: spec.sourceTraining ? { ...spec.sourceTraining } : undefined,
  };
}

function items(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export interface Parsed<T> {
  values: T[];
  problems: string[];
}

/**
 * `all`, or whole numbers (labelled target samples per class), e.g. `5, 20, all`; 0 uses no target
 * label (unsupervised domain adaptation, for the strategies that need none).
 */
export function parseBudgets(text: string): Parsed<Budget> {
  const values: Budget[] = [];
  const problems: string[] = [];
  for (const item of items(text)) {
    if (item.toLowerCase() === 'all') values.push('all');
    else if (/^\d+$/.test(item) && Number(item) <= 1_000_000) values.push(Number(item));
    else problems.push(`"${item}" is neither a whole number from 0 to 1,000,000 nor "all".`);
  }
  if (values.length === 0 && problems.length === 0)
    problems.push('Give at least one budget, e.g. "all" or "5, 20, all".');
  const seen = new Set<Budget>();
  for (const v of values) {
    if (seen.has(v)) problems.push(`Budget ${v} appears twice.`);
    seen.add(v);
  }
  return { values, problems };
}

export function parseIntList(
  text: string,
  { min, max, what, example }: { min: number; max: number; what: string; example: string },
): Parsed<number> {
  const values: number[] = [];
  const problems: string[] = [];
  for (const item of items(text)) {
    const n = Number(item);
    if (/^\d+$/.test(item) && n >= min && n <= max) values.push(n);
    else
      problems.push(
        `"${item}" is not a whole number from ${min} to ${max.toLocaleString('en-US')}.`,
      );
  }
  if (values.length === 0 && problems.length === 0)
    problems.push(`Give at least one ${what}, e.g. "${example}".`);
  return { values, problems };
}

/**
 * Which input a schema issue belongs to, from its path (with or without a leading `spec`).
 * `strategyIds` are the ids of the strategies as sent, so that `strategies.1.params.x` finds its
 * parameter input.
 */
export function fieldOfPath(
  path: readonly PropertyKey[],
  strategyIds: readonly string[] = [],
): FieldKey {
  const p = path[0] === 'spec' ? path.slice(1) : path;
  const [head, second, third, fourth] = p;
  switch (head) {
    case 'strategies': {
      const id = strategyIds[Number(second)];
      if (third === 'params' && typeof fourth === 'string' && id !== undefined) {
        return `param:${id}.${fourth}`;
      }
      return 'strategies';
    }
    case 'name':
    case 'description':
    case 'budgets':
    case 'seeds':
      return head;
    case 'sources':
    case 'targets':
      return 'domains';
    case 'model':
      return second === 'activation' ? 'activation' : 'hidden';
    case 'training':
      switch (second) {
        case 'epochs':
        case 'learningRate':
        case 'batchSize':
        case 'optimizer':
        case 'backend':
          return second;
        default:
          return 'form';
      }
    default:
      return 'form';
  }
}

/** Server issues are lines `path: message` (src-shared/parse.ts); place each by its path. */
export function placeServerIssues(
  issues: readonly string[],
  strategyIds: readonly string[] = [],
): Problems {
  const problems: Problems = {};
  for (const line of issues) {
    const colon = line.indexOf(': ');
    const path = colon > 0 ? line.slice(0, colon) : '';
    const message = colon > 0 ? line.slice(colon + 2) : line;
    const key = /^[\w$.]+$/.test(path) ? fieldOfPath(path.split('.'), strategyIds) : 'form';
    (problems[key] ??= []).push(key === 'form' ? line : message);
  }
  return problems;
}

export interface BuiltSpec {
  /** The spec to send, or null while there are problems. */
  spec: ExperimentSpecInput | null;
  problems: Problems;
  /** target × strategy × budget × seed combinations (each source adds its own source runs). */
  combinations: number;
}

export function buildSpec(form: SpecForm, strategies: readonly StrategyInfo[]): BuiltSpec {
  const problems: Problems = {};
  const add = (key: FieldKey, message: string): void => {
    (problems[key] ??= []).push(message);
  };

  const name = form.name.trim();
  if (name === '') add('name', 'Give the experiment a name.');
  if (form.sources.length === 0 || form.targets.length === 0) {
    add('domains', 'Pick an example: sources and targets come from it for now.');
  }

  const budgets = parseBudgets(form.budgets);
  budgets.problems.forEach((m) => {
    add('budgets', m);
  });
  const seeds = parseIntList(form.seeds, {
    min: 0,
    max: MAX_SEED,
    what: 'seed',
    example: '0, 1, 2',
  });
  seeds.problems.forEach((m) => {
    add('seeds', m);
  });
  if (new Set(seeds.values).size !== seeds.values.length) add('seeds', 'A seed appears twice.');
  const hidden = parseIntList(form.hidden, {
    min: 1,
    max: 4096,
    what: 'layer width',
    example: '64, 32',
  });
  hidden.problems.forEach((m) => {
    add('hidden', m);
  });

  for (const key of ['epochs', 'learningRate', 'batchSize'] as const) {
    const value = form[key];
    if (value === null || !Number.isFinite(value)) add(key, 'Required.');
  }

  const choices: StrategyChoice[] = [];
  for (const info of strategies) {
    const state = form.strategies[info.id];
    if (!state?.enabled) continue;
    const given: Record<string, number | boolean> = {};
    for (const p of info.params) {
      const value = state.params[p.key];
      if (value === null || value === undefined) add(`param:${info.id}.${p.key}`, 'Required.');
      else given[p.key] = value;
    }
    const resolved = resolveStrategyParams(info.id, given);
    for (const problem of resolved.problems) {
      const match = /^[\w-]+\.([\w$]+): (.*)$/.exec(problem);
      if (match?.[1] !== undefined && match[2] !== undefined)
        add(`param:${info.id}.${match[1]}`, match[2]);
      else add('strategies', problem);
    }
    // The spec keeps only what differs from the defaults, as a researcher would write it by hand.
    const changed: Record<string, number | boolean> = {};
    for (const [key, value] of Object.entries(given)) {
      if (info.params.find((p) => p.key === key)?.default !== value) changed[key] = value;
    }
    choices.push({ id: info.id, params: changed });
  }
  if (choices.length === 0) add('strategies', 'Pick at least one strategy.');

  const training: TrainingSpec = {
    epochs: form.epochs ?? 0,
    learningRate: form.learningRate ?? 0,
    batchSize: form.batchSize ?? 0,
    optimizer: form.optimizer,
    backend: form.backend,
  };
  const spec: ExperimentSpecInput = {
    name,
    ...(form.description.trim() === '' ? {} : { description: form.description.trim() }),
    sources: form.sources,
    targets: form.targets,
    strategies: choices,
    budgets: budgets.values,
    seeds: seeds.values,
    model: { type: 'mlp', hidden: hidden.values, activation: form.activation },
    training,
    ...(form.sourceTraining ? { sourceTraining: form.sourceTraining } : {}),
  };

  // The schema has the last word; its issues go to fields the list parsing has not flagged.
  const flagged = new Set(Object.keys(problems));
  const parsed = ExperimentSpecSchema.safeParse(spec);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = fieldOfPath(
        issue.path,
        choices.map((c) => c.id),
      );
      if (flagged.has(key)) continue;
      const where = issue.path.map(String).join('.');
      add(key, key === 'form' ? `${where}: ${issue.message}` : issue.message);
    }
  }

  const ok = Object.keys(problems).length === 0;
  return {
    spec: ok ? spec : null,
    problems,
    combinations:
      form.targets.length * choices.length * budgets.values.length * seeds.values.length,
  };
}
