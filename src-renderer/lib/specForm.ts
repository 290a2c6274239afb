import {
  ExperimentSpecSchema,
  type BackendPreference,
  type Budget,
  type DomainSpec,
  type ExperimentSpec,
  type ExperimentSpecInput,
  type StrategyChoiceInput,
  type StrategyId,
  type TrainingSpec,
} from '../../src-shared/domain/experimentSpec';
import { strategyInfo, type StrategyInfo } from '../../src-shared/domain/strategies';
import { formatIssue, joinPath, type Issue } from '../../src-shared/result';
import {
  applyDomainOptions,
  domainFieldKey,
  domainOptionProblems,
  domainOptionsFromSpec,
  type DomainFieldKey,
  type DomainOptionField,
  type DomainOptionsForm,
  type DomainRole,
} from './domainForm';
import {
  buildEntry,
  entryFieldOfPath,
  entryFromChoice,
  previewEntries,
  visibleEntryField,
  type EntryFieldKey,
  type EntryForm,
  type EntryPreview,
} from './entryForm';
import { items, parseIntList, type Parsed } from './listInput';
import { buildModel, modelFormFromSpec, type ModelField, type ModelForm } from './modelForm';
import {
  sourceTrainingFormFromSpec,
  sourceTrainingFromForm,
  sourceTrainingProblems,
  type SourceTrainingField,
  type SourceTrainingForm,
} from './sourceTrainingForm';
import { SYNTHETIC_FIELDS, type SyntheticField } from './syntheticForm';
import {
  earlyStoppingFormFromSpec,
  earlyStoppingFromForm,
  earlyStoppingProblems,
  validationFormFromSpec,
  validationFromForm,
  validationProblems,
  type EarlyStoppingField,
  type EarlyStoppingForm,
  type ValidationForm,
} from './trainingForm';

export { parseIntList, type Parsed } from './listInput';

/**
 * The experiment designer's form: what the inputs hold (lists as text, numbers possibly empty),
 * and the pure functions between it and an `ExperimentSpecInput`. The schema in src-shared is the
 * authority; the form adds list parsing and puts each problem next to its input.
 */
export type { EntryForm, ParamValue } from './entryForm';

export type { Activation } from './modelForm';
export type Optimizer = TrainingSpec['optimizer'];

export interface SpecForm {
  name: string;
  description: string;
  /**
   * From the chosen example, plus domains added in the designer or defined on a dataset's page
   * (lib/designerDomains.ts): what their options (below) do not edit (name, classes, an imported
   * model) is kept from these.
   */
  sources: DomainSpec[];
  targets: DomainSpec[];
  /**
   * Per source and target, in their order: dataset or generator settings, split, samples per
   * class, transform (editable; lib/domainForm.ts).
   */
  sourceOptions: DomainOptionsForm[];
  targetOptions: DomainOptionsForm[];
  /** The strategy entries, in the spec's order (a strategy may appear in several). */
  entries: EntryForm[];
  budgets: string;
  seeds: string;
  model: ModelForm;
  epochs: number | null;
  learningRate: number | null;
  batchSize: number | null;
  optimizer: Optimizer;
  backend: BackendPreference;
  earlyStopping: EarlyStoppingForm;
  validation: ValidationForm;
  /**
   * The spec's `training` as given: what the form does not edit is kept from it, so that a spec
   * the user does not touch comes back unchanged (its source runs' config hash, by which trained
   * source models are reused, includes `training` when there is no `sourceTraining`).
   */
  trainingKept: TrainingSpec | undefined;
  /** Source models' own training settings, or off (the target settings). */
  sourceTraining: SourceTrainingForm;
}

/**
 * Where a problem is shown: a field, a part of a strategy entry (`entry:<i>.param.<key>`,
 * entryForm.ts), or the form.
 */
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
  | 'validation'
  | 'form'
  | EntryFieldKey
  | DomainFieldKey
  | SourceTrainingField;

export type Problems = Partial<Record<FieldKey, string[]>>;

const MAX_SEED = 2 ** 31 - 1;

/** A strategy's metadata: from the list the server sent, else src-shared's own. */
function infoIn(strategies: readonly StrategyInfo[], id: StrategyId): StrategyInfo {
  return strategies.find((s) => s.id === id) ?? strategyInfo(id);
}

const TRAINING_DEFAULTS: TrainingSpec = {
  epochs: 20,
  learningRate: 0.001,
  batchSize: 32,
  optimizer: 'adam',
  backend: 'auto',
};

export function emptyForm(): SpecForm {
  return {
    name: '',
    description: '',
    sources: [],
    targets: [],
    sourceOptions: [],
    targetOptions: [],
    entries: [],
    budgets: 'all',
    seeds: '0',
    model: modelFormFromSpec(undefined),
    epochs: 20,
    learningRate: 0.001,
    batchSize: 32,
    optimizer: 'adam',
    backend: 'auto',
    earlyStopping: earlyStoppingFormFromSpec(undefined),
    validation: validationFormFromSpec(undefined),
    trainingKept: undefined,
    sourceTraining: sourceTrainingFormFromSpec(undefined, TRAINING_DEFAULTS),
  };
}

/** The form pre-filled from a spec (a built-in example, or a spec file). */
export function formFromSpec(spec: ExperimentSpec, strategies: readonly StrategyInfo[]): SpecForm {
  return {
    name: spec.name,
    description: spec.description ?? '',
    sources: structuredClone(spec.sources),
    targets: structuredClone(spec.targets),
    sourceOptions: spec.sources.map(domainOptionsFromSpec),
    targetOptions: spec.targets.map(domainOptionsFromSpec),
    entries: spec.strategies.map((c, i) => entryFromChoice(c, infoIn(strategies, c.id), i)),
    budgets: spec.budgets.join(', '),
    seeds: spec.seeds.join(', '),
    model: modelFormFromSpec(spec.model),
    epochs: spec.training.epochs,
    learningRate: spec.training.learningRate,
    batchSize: spec.training.batchSize,
    optimizer: spec.training.optimizer,
    backend: spec.training.backend,
    earlyStopping: earlyStoppingFormFromSpec(spec.training.earlyStopping),
    validation: validationFormFromSpec(spec.training.validation),
    trainingKept: structuredClone(spec.training),
    sourceTraining: sourceTrainingFormFromSpec(spec.sourceTraining, spec.training),
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
 * Which input a schema issue belongs to, from its path (with or without a leading `spec`):
 * `strategies.<i>.params.<key>`, `.sweep.<key>`, `.training.<key>`, `.randomSearch…` go to that
 * entry's input (entryForm.ts), the form's entries being the spec's in order.
 */
export function fieldOfPath(path: readonly PropertyKey[]): FieldKey {
  const p = path[0] === 'spec' ? path.slice(1) : path;
  const [head, second, third, fourth] = p;
  switch (head) {
    case 'strategies':
      return entryFieldOfPath(p.slice(1));
    case 'name':
    case 'description':
    case 'budgets':
    case 'seeds':
      return head;
    case 'sources':
    case 'targets':
      // The plan's model checks name the domain the model does not fit (`sources.0.model`):
      // the model is the fix.
      if (third === 'model') return 'modelType';
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
    case 'sourceTraining':
      return sourceTrainingField(second, third);
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
        case 'validation':
          return 'validation';
        default:
          return 'form';
      }
    default:
      return 'form';
  }
}

/** A source-training input (`sourceTraining.epochs`), or the section. */
function sourceTrainingField(
  second: PropertyKey | undefined,
  third: PropertyKey | undefined,
): SourceTrainingField {
  switch (second) {
    case 'epochs':
    case 'learningRate':
    case 'batchSize':
    case 'optimizer':
    case 'backend':
      return `sourceTraining.${second}`;
    case 'earlyStopping':
      return third === 'monitor' || third === 'patience'
        ? `sourceTraining.earlyStopping.${third}`
        : 'sourceTraining.earlyStopping';
    default:
      return 'sourceTraining';
  }
}

const TRANSFORM_INPUTS: readonly PropertyKey[] = [
  'rotateDeg',
  'noiseStd',
  'scale',
  'invert',
  'shift',
  'multiply',
];

/**
 * A domain option's input (`sources.0.transform.rotateDeg`, `targets.1.dataset.angleDeg`), or the
 * domains field. The index is the form's: added domains are placed like the example's.
 */
function domainField(
  role: DomainRole,
  index: PropertyKey | undefined,
  field: PropertyKey | undefined,
  sub: PropertyKey | undefined,
): FieldKey {
  const i = Number(index);
  if (!Number.isInteger(i) || i < 0) return 'domains';
  const at = (f: DomainOptionField): FieldKey => domainFieldKey(role, i, f);
  if (field === 'name' || field === 'split' || field === 'splitSeed' || field === 'samplesPerClass')
    return at(field);
  if (field === 'transform' && TRANSFORM_INPUTS.includes(sub ?? ''))
    return at(sub as DomainOptionField);
  if (field === 'dataset') {
    const generatorField = SYNTHETIC_FIELDS.find((f) => f === sub);
    return generatorField
      ? at(`synthetic.${generatorField satisfies SyntheticField}`)
      : at('dataset');
  }
  return 'domains';
}

/**
 * Server issues (src-shared/parse.ts, and the plan's checks in src-main/core/experimentPlan.ts),
 * each placed at the input its path names (issue 12: the producers give the exact path, e.g.
 * `strategies.1.params.l2sp`, so nothing here reads the messages). An issue no input claims
 * stays whole (`path: message`) at the form level.
 */
export function placeServerIssues(issues: readonly Issue[]): Problems {
  const problems: Problems = {};
  for (const issue of issues) {
    const { key, message } = placeIssue(issue);
    (problems[key] ??= []).push(message);
  }
  return problems;
}

function placeIssue(issue: Issue): { key: FieldKey; message: string } {
  const path = issue.path === '' ? [] : issue.path.split('.');
  const key = fieldOfPath(path);
  if (key === 'form') return { key, message: formatIssue(issue) };
  // A model check about a domain (`sources.0.model`) keeps the domain it is about.
  const [role, index] = path[0] === 'spec' ? path.slice(1) : path;
  if (key === 'modelType' && (role === 'sources' || role === 'targets') && index !== undefined)
    return { key, message: formatIssue({ path: `${role}.${index}`, message: issue.message }) };
  return { key, message: issue.message };
}

/**
 * Problems whose entry input is not on screen (a parameter the strategy lacks, a range of a grid
 * entry, an entry since removed) moved to the entry or to the strategies, never dropped.
 */
export function settleProblems(
  problems: Problems,
  entries: readonly EntryForm[],
  strategies: readonly StrategyInfo[],
): Problems {
  const out: Problems = {};
  for (const [key, list] of Object.entries(problems) as [FieldKey, string[] | undefined][]) {
    if (!list) continue;
    const target = key.startsWith('entry:')
      ? visibleEntryField(key as EntryFieldKey, entries, (id) => infoIn(strategies, id))
      : key;
    (out[target] ??= []).push(...list);
  }
  return out;
}

export interface BuiltSpec {
  /** The spec to send, or null while there are problems. */
  spec: ExperimentSpecInput | null;
  problems: Problems;
  /** Per entry of the form: its generated label and its variants (expandVariants). */
  entries: EntryPreview[];
  /** Variants of all the entries that parse. */
  variants: number;
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
      const shape = o.synthetic ? undefined : featureShapes.get(o.datasetName);
      for (const p of domainOptionProblems(o, shape))
        add(domainFieldKey(role, i, p.field), p.message);
      return applyDomainOptions(d, o);
    });
  const sources = withOptions('sources', form.sources, form.sourceOptions);
  const targets = withOptions('targets', form.targets, form.targetOptions);
  for (const p of domainNameProblems(form)) add(p.key, p.message);

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
  const model = buildModel(form.model, [...sources, ...targets], featureShapes);
  for (const p of model.problems) add(p.field, p.message);
  for (const p of earlyStoppingProblems(form.earlyStopping)) add(p.field, p.message);
  for (const p of sourceTrainingProblems(form.sourceTraining)) add(p.field, p.message);

  for (const key of ['epochs', 'learningRate', 'batchSize'] as const) {
    const value = form[key];
    if (value === null || !Number.isFinite(value)) add(key, 'Required.');
  }

  const choices: StrategyChoiceInput[] = form.entries.map((entry, i) =>
    buildEntry(entry, infoIn(strategies, entry.id), i, add),
  );
  if (choices.length === 0) add('strategies', 'Add at least one strategy.');
  for (const m of validationProblems(form.validation)) add('validation', m);

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
  delete training.validation;
  const validation = validationFromForm(form.validation, form.trainingKept?.validation);
  if (validation) training.validation = validation;
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
    ...sourceTrainingSpec(form.sourceTraining),
  };

  // The schema has the last word; its issues go to fields the list parsing has not flagged.
  const flagged = new Set(Object.keys(problems));
  const parsed = ExperimentSpecSchema.safeParse(spec);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = fieldOfPath(issue.path);
      if (flagged.has(key)) continue;
      const where = joinPath(...issue.path);
      add(
        key,
        key === 'form' ? formatIssue({ path: where, message: issue.message }) : issue.message,
      );
    }
  }
  // Variants: their labels, and what the server would refuse about them (duplicate labels, the
  // same settings twice, too many), placed as the server's lines would be.
  const preview = previewEntries(choices, training);
  for (const issue of preview.problems) {
    const placed = placeIssue(issue);
    add(placed.key, placed.message);
  }

  const settled = settleProblems(problems, form.entries, strategies);
  const ok = Object.keys(settled).length === 0;
  return {
    spec: ok ? spec : null,
    problems: settled,
    entries: preview.previews,
    variants: preview.previews.reduce((n, p) => n + p.variants.length, 0),
  };
}

function sourceTrainingSpec(form: SourceTrainingForm): { sourceTraining?: TrainingSpec } {
  const sourceTraining = sourceTrainingFromForm(form);
  return sourceTraining ? { sourceTraining } : {};
}

/**
 * Domain names name the runs and the pairs of a role's domains: each must be given and differ
 * from the other names of its role (as a spec file may, a source and a target can share one).
 */
function domainNameProblems(form: SpecForm): { key: FieldKey; message: string }[] {
  const problems: { key: FieldKey; message: string }[] = [];
  for (const role of ['sources', 'targets'] as const) {
    const names = form[role].map((d) => d.name.trim());
    names.forEach((name, i) => {
      const key = domainFieldKey(role, i, 'name');
      if (name === '') problems.push({ key, message: 'Give the domain a name.' });
      else if (names.indexOf(name) !== names.lastIndexOf(name))
        problems.push({
          key,
          message: `Another ${role === 'sources' ? 'source' : 'target'} has this name.`,
        });
    });
  }
  return problems;
}
