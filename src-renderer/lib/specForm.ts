import {
  ExperimentSpecSchema,
  type BackendPreference,
  type Budget,
  type DomainSpec,
  type ExperimentSpec,
  type ExperimentSpecInput,
  type StrategyChoice,
  type TrainingSpec,
} from '../../src-shared/domain/experimentSpec';
import { resolveStrategyParams, type StrategyInfo } from '../../src-shared/domain/strategies';
import {
  applyDomainOptions,
  domainFieldKey,
  domainOptionProblems,
  domainOptionsFromSpec,
  type DomainFieldKey,
  type DomainOptionsForm,
  type DomainRole,
} from './domainForm';
import { items, parseIntList, type Parsed } from './listInput';
import { buildModel, modelFormFromSpec, type ModelField, type ModelForm } from './modelForm';
import {
  earlyStoppingFormFromSpec,
  earlyStoppingFromForm,
  earlyStoppingProblems,
  type EarlyStoppingField,
  type EarlyStoppingForm,
} from './trainingForm';

export { parseIntList, type Parsed } from './listInput';

/**
 * The experiment designer's form: what the inputs hold (lists as text, numbers possibly empty),
 * and the pure functions between it and an `ExperimentSpecInput`. The schema in src-shared is the
 * authority; the form adds list parsing and puts each problem next to its input.
 */
export type ParamValue = number | boolean | null;

export interface StrategyFormState {
  enabled: boolean;
  params: Record<string, ParamValue>;
  /** Parameters the spec wrote out: written again even at their default, so a spec round-trips. */
  written: readonly string[];
}

export type { Activation } from './modelForm';
export type Optimizer = TrainingSpec['optimizer'];

export interface SpecForm {
  name: string;
  description: string;
  /** From the chosen example, plus domains defined on a dataset's page (lib/designerDomains.ts). */
  sources: DomainSpec[];
  targets: DomainSpec[];
  /** Per source and target, in their order: split, samples per class, transform (editable). */
  sourceOptions: DomainOptionsForm[];
  targetOptions: DomainOptionsForm[];
  strategies: Record<string, StrategyFormState>;
  budgets: string;
  seeds: string;
  model: ModelForm;
  epochs: number | null;
  learningRate: number | null;
  batchSize: number | null;
  optimizer: Optimizer;
  backend: BackendPreference;
  earlyStopping: EarlyStoppingForm;
  /**
   * The spec's `training` as given: what the form does not edit is kept from it, so that a spec
   * the user does not touch comes back unchanged (its source runs' config hash, by which trained
   * source models are reused, includes `training` when there is no `sourceTraining`).
   */
  trainingKept: TrainingSpec | undefined;
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
  | ModelField
  | EarlyStoppingField
  | 'epochs'
  | 'learningRate'
  | 'batchSize'
  | 'optimizer'
  | 'backend'
  | 'form'
  | `param:${string}`
  | DomainFieldKey;

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
    sourceOptions: [],
    targetOptions: [],
    strategies: Object.fromEntries(
      strategies.map((s) => [s.id, { enabled: true, params: paramDefaults(s), written: [] }]),
    ),
    budgets: 'all',
    seeds: '0',
    model: modelFormFromSpec(undefined),
    epochs: 20,
    learningRate: 0.001,
    batchSize: 32,
    optimizer: 'adam',
    backend: 'auto',
    earlyStopping: earlyStoppingFormFromSpec(undefined),
    trainingKept: undefined,
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
    sourceOptions: spec.sources.map(domainOptionsFromSpec),
    targetOptions: spec.targets.map(domainOptionsFromSpec),
    strategies: Object.fromEntries(
      strategies.map((info) => {
        const choice = chosen.get(info.id);
        const params = paramDefaults(info);
        for (const [key, value] of Object.entries(choice?.params ?? {})) {
          params[key] = toParamValue(info, key, value);
        }
        return [
          info.id,
          { enabled: choice !== undefined, params, written: Object.keys(choice?.params ?? {}) },
        ];
      }),
    ),
    budgets: spec.budgets.join(', '),
    seeds: spec.seeds.join(', '),
    model: modelFormFromSpec(spec.model),
    epochs: spec.training.epochs,
    learningRate: spec.training.learningRate,
    batchSize: spec.training.batchSize,
    optimizer: spec.training.optimizer,
    backend: spec.training.backend,
    earlyStopping: earlyStoppingFormFromSpec(spec.training.earlyStopping),
    trainingKept: structuredClone(spec.training),
    sourceTraining: spec.sourceTraining ? structuredClone(spec.sourceTraining) : undefined,
  };
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
      return domainField(head, second, third, fourth);
    case 'model':
      switch (second) {
        case 'hidden':
        case 'activation':
        case 'conv':
        case 'dense':
        case 'kernelSize':
          return second;
        default:
          return 'modelType';
      }
    case 'training':
      switch (second) {
        case 'epochs':
        case 'learningRate':
        case 'batchSize':
        case 'optimizer':
        case 'backend':
          return second;
        case 'earlyStopping':
          return third === 'monitor' || third === 'patience'
            ? `earlyStopping.${third}`
            : 'earlyStopping';
        default:
          return 'form';
      }
    default:
      return 'form';
  }
}

/** A domain option's input (`sources.0.transform.rotateDeg`), or the domains field. */
function domainField(
  role: DomainRole,
  index: PropertyKey | undefined,
  field: PropertyKey | undefined,
  sub: PropertyKey | undefined,
): FieldKey {
  const i = Number(index);
  if (!Number.isInteger(i) || i < 0) return 'domains';
  if (field === 'split' || field === 'samplesPerClass') return domainFieldKey(role, i, field);
  if (field === 'transform' && (sub === 'rotateDeg' || sub === 'noiseStd'))
    return domainFieldKey(role, i, sub);
  return 'domains';
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
    // The plan's model checks name the domain (`sources.0: model: …`), but the model is the fix.
    if (key === 'domains' && message.startsWith('model: ')) {
      (problems.modelType ??= []).push(`${path}: ${message.slice('model: '.length)}`);
      continue;
    }
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

/**
 * The form's spec and every problem placed by field. `featureShapes` (dataset name → feature
 * shape, from the catalog) lets a rotation of a non-image dataset be flagged before sending.
 */
export function buildSpec(
  form: SpecForm,
  strategies: readonly StrategyInfo[],
  featureShapes: ReadonlyMap<string, readonly number[]> = new Map(),
): BuiltSpec {
  const problems: Problems = {};
  const add = (key: FieldKey, message: string): void => {
    (problems[key] ??= []).push(message);
  };

  const name = form.name.trim();
  if (name === '') add('name', 'Give the experiment a name.');
  if (form.sources.length === 0 || form.targets.length === 0) {
    add(
      'domains',
      'Give at least one source and one target: from an example, or from a dataset’s page (Use as source / target).',
    );
  }

  const withOptions = (role: DomainRole, list: DomainSpec[], options: DomainOptionsForm[]) =>
    list.map((d, i) => {
      const o = options[i] ?? domainOptionsFromSpec(d);
      const shape = typeof d.dataset === 'string' ? featureShapes.get(d.dataset) : undefined;
      for (const p of domainOptionProblems(d, o, shape))
        add(domainFieldKey(role, i, p.field), p.message);
      return applyDomainOptions(d, o);
    });
  const sources = withOptions('sources', form.sources, form.sourceOptions);
  const targets = withOptions('targets', form.targets, form.targetOptions);

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
  const model = buildModel(form.model, [...form.sources, ...form.targets], featureShapes);
  for (const p of model.problems) add(p.field, p.message);
  for (const p of earlyStoppingProblems(form.earlyStopping)) add(p.field, p.message);

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
    // The spec keeps only what differs from the defaults, as a researcher would write it by hand,
    // and what the spec it came from wrote out.
    const changed: Record<string, number | boolean> = {};
    for (const [key, value] of Object.entries(given)) {
      const isDefault = info.params.find((p) => p.key === key)?.default === value;
      if (!isDefault || state.written.includes(key)) changed[key] = value;
    }
    choices.push({ id: info.id, params: changed });
  }
  if (choices.length === 0) add('strategies', 'Pick at least one strategy.');

  // Over the spec's own training, so that a field the form does not know survives.
  const training: TrainingSpec = {
    ...form.trainingKept,
    epochs: form.epochs ?? 0,
    learningRate: form.learningRate ?? 0,
    batchSize: form.batchSize ?? 0,
    optimizer: form.optimizer,
    backend: form.backend,
  };
  delete training.earlyStopping;
  const earlyStopping = earlyStoppingFromForm(form.earlyStopping);
  if (earlyStopping) training.earlyStopping = earlyStopping;
  const spec: ExperimentSpecInput = {
    name,
    ...(form.description.trim() === '' ? {} : { description: form.description.trim() }),
    sources,
    targets,
    strategies: choices,
    budgets: budgets.values,
    seeds: seeds.values,
    model: model.model,
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
