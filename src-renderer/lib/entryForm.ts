import type { ExperimentSpec, TrainingSpec } from '../../src-shared/domain/experimentSpec';
import type { StrategyInfo } from '../../src-shared/domain/strategies';
import {
  StrategyChoiceSchema,
  type StrategyChoice,
  type StrategyChoiceInput,
  type StrategyId,
  type SweepValue,
} from '../../src-shared/domain/strategyEntry';
import {
  OptimizerSchema,
  SWEEPABLE_TRAINING,
  TrainingSpecSchema,
  type TrainingOverridesInput,
} from '../../src-shared/domain/training';
import { settingKeys } from '../../src-shared/domain/variantLabel';
import { expandVariants } from '../../src-shared/domain/variants';
import type { Issue } from '../../src-shared/result';
import { items, type Parsed } from './listInput';
import {
  earlyStoppingFormFromSpec,
  earlyStoppingFromForm,
  earlyStoppingProblems,
  type EarlyStoppingForm,
} from './trainingForm';

/**
 * The designer's strategy entries (issue 10): a list in which a strategy may appear several
 * times, each entry a variant or, with a sweep, several. Each entry holds its parameters, an
 * optional label, training overrides and a sweep (a grid of listed values per setting, or a
 * seeded random search over ranges) as the inputs hold them, and the pure functions between them
 * and a spec's `strategies` entry. Labels and variant counts come from src-shared's
 * expandVariants, never computed here.
 */

export type ParamValue = number | boolean | null;
export type Optimizer = TrainingSpec['optimizer'];
export type TrainingKey = (typeof SWEEPABLE_TRAINING)[number]['key'];

/** A grid's listed values of one setting, kept while the list is off so that it comes back. */
export interface ListForm {
  on: boolean;
  text: string;
}

/** One range of a random search. */
export interface RangeForm {
  on: boolean;
  min: number | null;
  max: number | null;
  log: boolean;
  /** The spec wrote `log` out: written again even when it is the setting's default. */
  logWritten: boolean;
}

/** Early stopping of one entry: the spec's, turned off (`null`), or its own settings. */
export type EarlyStoppingOverride = 'spec' | 'off' | 'on';

/** The training settings one entry sets differently; null (or 'spec') keeps the spec's. */
export interface OverridesForm {
  epochs: number | null;
  learningRate: number | null;
  batchSize: number | null;
  optimizer: Optimizer | null;
  earlyStopping: EarlyStoppingOverride;
  /** The settings of `on` (its `enabled` is not used). */
  earlyStoppingSettings: EarlyStoppingForm;
  /** Keys the spec's entry wrote under `training`, and whether it had `training` at all. */
  written: readonly string[];
  present: boolean;
}

/** The spec's training, as an entry's override inputs show it (placeholders). */
export interface BaseTraining {
  epochs: number | null;
  learningRate: number | null;
  batchSize: number | null;
  optimizer: Optimizer;
  /** "off", or e.g. "on (val_loss, patience 10)". */
  earlyStopping: string;
}

export interface RandomSearchForm {
  count: number | null;
  seed: number | null;
  ranges: Record<string, RangeForm>;
}

export type SweepMode = 'grid' | 'random';

export interface EntryForm {
  /** Identity in the list (keyed each blocks, ids), never sent. */
  key: number;
  id: StrategyId;
  /** Empty: the label generated from what differs from the defaults. */
  label: string;
  params: Record<string, ParamValue>;
  /** Parameters the spec wrote out: written again even at their default, so a spec round-trips. */
  written: readonly string[];
  training: OverridesForm;
  /** Which sweep the entry has: the grid's lists, or the random search's ranges. */
  sweepMode: SweepMode;
  grid: Record<string, ListForm>;
  random: RandomSearchForm;
}

/** What a setting (a parameter or a sweepable training key) is, for inputs and list parsing. */
export interface SettingInfo {
  key: string;
  label: string;
  kind: 'int' | 'number' | 'boolean' | 'choice';
  min?: number;
  max?: number;
  log: boolean;
  choices?: readonly string[];
  /** A training setting (an override of the spec's), not a strategy parameter. */
  training: boolean;
  help: string;
}

const TRAINING_LABELS: Record<TrainingKey, { label: string; help: string }> = {
  epochs: { label: 'Epochs', help: 'Epochs of this entry’s runs.' },
  learningRate: { label: 'Learning rate', help: 'Learning rate of this entry’s runs.' },
  batchSize: { label: 'Batch size', help: 'Batch size of this entry’s runs.' },
  optimizer: { label: 'Optimizer', help: 'Optimizer of this entry’s runs.' },
};

export const TRAINING_KEYS: readonly TrainingKey[] = SWEEPABLE_TRAINING.map((t) => t.key);

/** Every setting of an entry of `info`, in label order: its parameters, then training. */
export function settingInfos(info: StrategyInfo): SettingInfo[] {
  return settingKeys(info).flatMap((key): SettingInfo[] => {
    const p = info.params.find((x) => x.key === key);
    if (p)
      return [
        {
          key,
          label: p.label,
          kind: p.type,
          ...(p.min !== undefined ? { min: p.min } : {}),
          ...(p.max !== undefined ? { max: p.max } : {}),
          log: p.log ?? false,
          training: false,
          help: p.help,
        },
      ];
    const t = SWEEPABLE_TRAINING.find((x) => x.key === key);
    if (!t) return [];
    const text = TRAINING_LABELS[t.key];
    return [
      t.type === 'choice'
        ? {
            key,
            ...text,
            kind: 'choice',
            log: false,
            choices: OptimizerSchema.options,
            training: true,
          }
        : { key, ...text, kind: t.type, min: t.min, max: t.max, log: t.log, training: true },
    ];
  });
}

export function settingInfo(info: StrategyInfo, key: string): SettingInfo | undefined {
  return settingInfos(info).find((s) => s.key === key);
}

/** Settings a random search may range over: the numeric ones. */
export function rangeable(s: SettingInfo): boolean {
  return s.kind === 'int' || s.kind === 'number';
}

/**
 * The value a setting has without a list: the entry's parameter, its training override, or the
 * spec's. A grid's new list and a random search's new range start from it.
 */
export function singleValue(
  entry: EntryForm,
  base: BaseTraining,
  setting: SettingInfo,
): number | boolean | string | null {
  if (!setting.training) return entry.params[setting.key] ?? null;
  const k = setting.key as TrainingKey;
  return entry.training[k] ?? base[k];
}

// ---------- where problems go ----------

/**
 * Where an entry's problem is shown: the entry as a whole (its variants, strategy-level
 * problems), its label, a parameter, a grid's list, a training override, the random search
 * (count, seed) or one of its ranges. By index: the form's entries are the spec's, in order.
 */
export type EntryFieldKey = `entry:${number}` | `entry:${number}.${string}`;

export const entryField = {
  entry: (i: number): EntryFieldKey => `entry:${i}`,
  label: (i: number): EntryFieldKey => `entry:${i}.label`,
  param: (i: number, key: string): EntryFieldKey => `entry:${i}.param.${key}`,
  sweep: (i: number, key: string): EntryFieldKey => `entry:${i}.sweep.${key}`,
  training: (i: number, key: string): EntryFieldKey => `entry:${i}.training.${key}`,
  random: (i: number): EntryFieldKey => `entry:${i}.random`,
  range: (i: number, key: string): EntryFieldKey => `entry:${i}.range.${key}`,
};

/** A schema issue's path under `strategies` (`[1, 'sweep', 'lambda', 0]`) as an entry's field. */
export function entryFieldOfPath(rest: readonly PropertyKey[]): EntryFieldKey | 'strategies' {
  const [index, part, key, sub] = rest;
  const i = typeof index === 'number' ? index : Number(index);
  if (index === undefined || !Number.isInteger(i) || i < 0) return 'strategies';
  const named = typeof key === 'string' && key !== '';
  switch (part) {
    case 'label':
      return entryField.label(i);
    case 'params':
      return named ? entryField.param(i, key) : entryField.entry(i);
    case 'sweep':
      return named ? entryField.sweep(i, key) : entryField.entry(i);
    case 'training':
      if (!named) return entryField.entry(i);
      if (key === 'earlyStopping' && (sub === 'patience' || sub === 'monitor'))
        return entryField.training(i, `earlyStopping.${sub}`);
      return entryField.training(i, key);
    case 'randomSearch':
      // A range's own issues (`ranges.lambda.min`) go to the range too.
      if (key === 'ranges')
        return typeof sub === 'string' ? entryField.range(i, sub) : entryField.random(i);
      return entryField.random(i);
    default:
      return entryField.entry(i);
  }
}

/**
 * A key that no input of the entry shows (a parameter the strategy does not have, a range of a
 * grid entry) goes to the entry as a whole; one of an entry the form no longer has, to the
 * strategies. Nothing is dropped.
 */
export function visibleEntryField(
  key: EntryFieldKey,
  entries: readonly EntryForm[],
  infoOf: (id: StrategyId) => StrategyInfo | undefined,
): EntryFieldKey | 'strategies' {
  const match = /^entry:(\d+)(?:\.(\w+)(?:\.(.+))?)?$/.exec(key);
  const i = Number(match?.[1]);
  const entry = entries[i];
  if (!match || !entry) return 'strategies';
  const [, , part, name] = match;
  if (part === undefined) return key;
  const info = infoOf(entry.id);
  const setting = name === undefined || !info ? undefined : settingInfo(info, name);
  switch (part) {
    case 'label':
    case 'random':
      return name === undefined ? key : entryField.entry(i);
    case 'param':
      return setting && !setting.training ? key : entryField.entry(i);
    case 'sweep':
      return setting && entry.sweepMode === 'grid' ? key : entryField.entry(i);
    case 'range':
      return setting && rangeable(setting) && entry.sweepMode === 'random'
        ? key
        : entryField.entry(i);
    case 'training':
      return name !== undefined &&
        (TRAINING_KEYS.some((k) => k === name) || name.startsWith('earlyStopping'))
        ? key
        : entryField.entry(i);
    default:
      return entryField.entry(i);
  }
}

// ---------- building the form ----------

function paramDefaults(info: StrategyInfo): Record<string, ParamValue> {
  return Object.fromEntries(info.params.map((p) => [p.key, p.default]));
}

function emptyOverrides(): OverridesForm {
  return {
    epochs: null,
    learningRate: null,
    batchSize: null,
    optimizer: null,
    earlyStopping: 'spec',
    earlyStoppingSettings: earlyStoppingFormFromSpec(undefined),
    written: [],
    present: false,
  };
}

/** A new entry of `info`: its defaults, the spec's training, no sweep. */
export function newEntry(info: StrategyInfo, key: number): EntryForm {
  return {
    key,
    id: info.id,
    label: '',
    params: paramDefaults(info),
    written: [],
    training: emptyOverrides(),
    sweepMode: 'grid',
    grid: {},
    random: { count: 10, seed: 0, ranges: {} },
  };
}

/** A value in a list input: numbers as JavaScript writes them (exact), booleans on/off. */
export function formatListValue(value: SweepValue): string {
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  return String(value);
}

/** The entry's form from a spec's entry (defaults applied). */
export function entryFromChoice(
  choice: StrategyChoice,
  info: StrategyInfo,
  key: number,
): EntryForm {
  const entry = newEntry(info, key);
  if (choice.label !== undefined) entry.label = choice.label;
  for (const [k, value] of Object.entries(choice.params)) {
    if (value !== undefined) entry.params[k] = value;
  }
  entry.written = Object.keys(choice.params).filter((k) => choice.params[k] !== undefined);
  const t = choice.training;
  if (t) {
    entry.training = {
      ...emptyOverrides(),
      epochs: t.epochs ?? null,
      learningRate: t.learningRate ?? null,
      batchSize: t.batchSize ?? null,
      optimizer: t.optimizer ?? null,
      earlyStopping:
        t.earlyStopping === undefined ? 'spec' : t.earlyStopping === null ? 'off' : 'on',
      earlyStoppingSettings: earlyStoppingFormFromSpec(t.earlyStopping ?? undefined),
      written: Object.keys(t).filter((k) => t[k as keyof typeof t] !== undefined),
      present: true,
    };
  }
  for (const [k, values] of Object.entries(choice.sweep ?? {})) {
    if (values !== undefined)
      entry.grid[k] = { on: true, text: values.map(formatListValue).join(', ') };
  }
  if (choice.randomSearch) {
    const r = choice.randomSearch;
    entry.sweepMode = 'random';
    entry.random = { count: r.count, seed: r.seed, ranges: {} };
    for (const [k, range] of Object.entries(r.ranges)) {
      if (range === undefined) continue;
      const setting = settingInfo(info, k);
      entry.random.ranges[k] = {
        on: true,
        min: range.min,
        max: range.max,
        log: range.log ?? setting?.log ?? false,
        logWritten: range.log !== undefined,
      };
    }
  }
  return entry;
}

/** A copy of `entry` under a new key; a given label gets " (copy)" so the two stay apart. */
export function duplicateEntry(entry: EntryForm, key: number): EntryForm {
  const copy = plainCopy(entry);
  copy.key = key;
  if (copy.label.trim() !== '') copy.label = `${copy.label.trim()} (copy)`;
  return copy;
}

/**
 * A deep copy of form state that may be a Svelte proxy, which structuredClone refuses; JSON is
 * exact for this data (numbers, booleans, strings and null).
 */
function plainCopy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** The key a new entry gets: one more than any in the list. */
export function nextEntryKey(entries: readonly EntryForm[]): number {
  return entries.reduce((max, e) => Math.max(max, e.key), -1) + 1;
}

/**
 * A range to start a random search from: the setting's own bounds, narrowed around its current
 * value (a decade each way when drawn log-uniformly, which needs min > 0).
 */
export function suggestedRange(setting: SettingInfo, current: number | undefined): RangeForm {
  const lo = setting.min ?? 0;
  const hi = setting.max ?? (current !== undefined && current > 0 ? current * 10 : 1);
  let min = lo;
  let max = hi;
  if (setting.log) {
    const centre = current !== undefined && current > 0 ? current : Math.max(lo, 1e-3);
    min = Math.max(lo, centre / 10);
    max = Math.min(hi, centre * 10);
    if (min <= 0) min = Math.min(max, 1e-4);
  } else if (setting.training && current !== undefined) {
    min = Math.max(lo, Math.round(current / 2));
    max = Math.min(hi, current * 2);
  }
  if (setting.kind === 'int') {
    min = Math.ceil(min);
    max = Math.floor(max);
  } else {
    min = Number(min.toPrecision(3));
    max = Number(max.toPrecision(3));
  }
  return { on: true, min, max, log: setting.log, logWritten: false };
}

// ---------- from the form to the spec ----------

/** The keys the entry's sweep varies now: the grid's lists that are on, or the ranges. */
export function sweptKeys(entry: EntryForm): Set<string> {
  const source: Record<string, { on: boolean }> =
    entry.sweepMode === 'grid' ? entry.grid : entry.random.ranges;
  return new Set(Object.entries(source).flatMap(([k, v]) => (v.on ? [k] : [])));
}

/** A grid list typed into one input (`0.1, 1, 10`, `on off`, `adam sgd`), checked per value. */
export function parseSweepList(setting: SettingInfo, text: string): Parsed<SweepValue> {
  const values: SweepValue[] = [];
  const problems: string[] = [];
  for (const item of items(text)) {
    if (setting.kind === 'boolean') {
      const lower = item.toLowerCase();
      if (['on', 'true', 'yes'].includes(lower)) values.push(true);
      else if (['off', 'false', 'no'].includes(lower)) values.push(false);
      else problems.push(`"${item}" is neither on nor off.`);
      continue;
    }
    if (setting.kind === 'choice') {
      if (setting.choices?.includes(item)) values.push(item);
      else problems.push(`"${item}" is not one of ${(setting.choices ?? []).join(', ')}.`);
      continue;
    }
    const n = Number(item);
    if (!Number.isFinite(n)) problems.push(`"${item}" is not a number.`);
    else if (setting.kind === 'int' && !Number.isInteger(n))
      problems.push(`"${item}" is not a whole number.`);
    else if (
      (setting.min !== undefined && n < setting.min) ||
      (setting.max !== undefined && n > setting.max)
    )
      problems.push(`"${item}" is outside ${setting.min ?? '−∞'}–${setting.max ?? '∞'}.`);
    else values.push(n);
  }
  if (values.length === 0 && problems.length === 0)
    problems.push('List at least one value, e.g. "0.1, 1, 10".');
  return { values, problems };
}

export type AddProblem = (key: EntryFieldKey, message: string) => void;

/**
 * One entry as the spec writes it: parameters that differ from the defaults (or that the spec it
 * came from wrote out), the label when given, the overrides that are set, and the active sweep.
 * Problems of the inputs go to `add`; what is wrong with the values themselves the schema says.
 */
export function buildEntry(
  entry: EntryForm,
  info: StrategyInfo,
  i: number,
  add: AddProblem,
): StrategyChoiceInput {
  const swept = sweptKeys(entry);
  const params: Record<string, number | boolean> = {};
  for (const p of info.params) {
    const value = entry.params[p.key];
    const written = entry.written.includes(p.key);
    if (swept.has(p.key) && !written) continue;
    if (value === null || value === undefined) {
      if (!swept.has(p.key)) add(entryField.param(i, p.key), 'Required.');
      continue;
    }
    if (value !== p.default || written) params[p.key] = value;
  }
  const choice: StrategyChoiceInput = { id: entry.id, params };
  const label = entry.label.trim();
  if (label !== '') choice.label = label;

  const training = buildOverrides(entry, i, swept, add);
  if (training) choice.training = training;

  if (entry.sweepMode === 'grid') {
    const sweep: Record<string, SweepValue[]> = {};
    for (const s of settingInfos(info)) {
      const list = entry.grid[s.key];
      if (!list?.on) continue;
      const parsed = parseSweepList(s, list.text);
      for (const m of parsed.problems) add(entryField.sweep(i, s.key), m);
      sweep[s.key] = parsed.values;
    }
    if (Object.keys(sweep).length > 0) choice.sweep = sweep;
  } else {
    const r = entry.random;
    if (r.count === null) add(entryField.random(i), 'How many variants to draw: required.');
    if (r.seed === null) add(entryField.random(i), 'The seed of the draws: required.');
    const ranges: Record<string, { min: number; max: number; log?: boolean }> = {};
    for (const s of settingInfos(info).filter(rangeable)) {
      const range = r.ranges[s.key];
      if (!range?.on) continue;
      if (range.min === null || range.max === null) {
        add(entryField.range(i, s.key), 'Give both ends of the range.');
        continue;
      }
      ranges[s.key] = {
        min: range.min,
        max: range.max,
        ...(range.log !== s.log || range.logWritten ? { log: range.log } : {}),
      };
    }
    if (Object.keys(ranges).length === 0)
      add(entryField.random(i), 'Tick at least one setting to draw.');
    choice.randomSearch = { count: r.count ?? 0, seed: r.seed ?? 0, ranges };
  }
  return choice;
}

function buildOverrides(
  entry: EntryForm,
  i: number,
  swept: ReadonlySet<string>,
  add: AddProblem,
): TrainingOverridesInput | undefined {
  const o = entry.training;
  const out: TrainingOverridesInput = {};
  const keep = (key: string): boolean => !swept.has(key) || o.written.includes(key);
  if (o.epochs !== null && keep('epochs')) out.epochs = o.epochs;
  if (o.learningRate !== null && keep('learningRate')) out.learningRate = o.learningRate;
  if (o.batchSize !== null && keep('batchSize')) out.batchSize = o.batchSize;
  if (o.optimizer !== null && keep('optimizer')) out.optimizer = o.optimizer;
  if (o.earlyStopping === 'off') out.earlyStopping = null;
  if (o.earlyStopping === 'on') {
    const settings = { ...o.earlyStoppingSettings, enabled: true };
    for (const p of earlyStoppingProblems(settings))
      add(entryField.training(i, p.field), p.message);
    const es = earlyStoppingFromForm(settings);
    if (es) out.earlyStopping = es;
  }
  return Object.keys(out).length > 0 || o.present ? out : undefined;
}

// ---------- variants ----------

export interface EntryPreview {
  /** The label the entry gets without one of its own and without its sweep (the placeholder). */
  generatedLabel: string | null;
  /** Its variants' labels, as expandVariants names them; empty while the entry is invalid. */
  variants: string[];
}

/**
 * The variants of the entries that parse, as src-shared's expandVariants names them, and the
 * problems it finds (duplicate labels, identical settings, too many variants), their
 * `strategies.<j>` renumbered to the form's entry indices.
 */
export function previewEntries(
  choices: readonly StrategyChoiceInput[],
  training: unknown,
): { previews: EntryPreview[]; problems: Issue[] } {
  const parsedTraining = TrainingSpecSchema.safeParse(training);
  const base: TrainingSpec = parsedTraining.success
    ? parsedTraining.data
    : TrainingSpecSchema.parse({});
  const valid: { index: number; choice: StrategyChoice }[] = [];
  choices.forEach((c, index) => {
    const parsed = StrategyChoiceSchema.safeParse(c);
    if (parsed.success) valid.push({ index, choice: parsed.data });
  });
  const expand = (list: StrategyChoice[]): ReturnType<typeof expandVariants> =>
    expandVariants(specOf(base, list));
  const all = expand(valid.map((v) => v.choice));
  const plain = expand(
    valid.map(({ choice }) => {
      const rest: StrategyChoice = { id: choice.id, params: choice.params };
      if (choice.training) rest.training = choice.training;
      return rest;
    }),
  );
  const previews: EntryPreview[] = choices.map(() => ({ generatedLabel: null, variants: [] }));
  for (const v of all.variants) previews[valid[v.entry]?.index ?? -1]?.variants.push(v.label);
  for (const v of plain.variants) {
    const preview = previews[valid[v.entry]?.index ?? -1];
    if (preview) preview.generatedLabel = v.label;
  }
  // Paths, and messages that name another entry (`… of strategies.0`), get the form's indices.
  const renumber = (text: string): string =>
    text.replace(/strategies\.(\d+)/g, (whole, j: string) => {
      const index = valid[Number(j)]?.index;
      return index === undefined ? whole : `strategies.${index}`;
    });
  const problems = all.problems.map((p) => ({
    path: renumber(p.path),
    message: renumber(p.message),
  }));
  return { previews, problems };
}

/**
 * expandVariants reads only a spec's `strategies` and `training`; the rest is a placeholder, so
 * the labels show while other fields (the name, the domains) still have problems.
 */
function specOf(training: TrainingSpec, strategies: StrategyChoice[]): ExperimentSpec {
  return {
    name: 'preview',
    sources: [],
    targets: [],
    strategies,
    budgets: ['all'],
    seeds: [0],
    model: { type: 'mlp', hidden: [64], activation: 'relu' },
    training,
  };
}
