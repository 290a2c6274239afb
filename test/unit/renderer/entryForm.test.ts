import { describe, expect, it } from 'vitest';
import {
  ExperimentSpecSchema,
  type ExperimentSpec,
  type ExperimentSpecInput,
} from '../../../src-shared/domain/experimentSpec';
import { STRATEGIES, strategyInfo } from '../../../src-shared/domain/strategies';
import {
  duplicateEntry,
  entryFieldOfPath,
  newEntry,
  nextEntryKey,
  parseSweepList,
  settingInfo,
  singleValue,
  suggestedRange,
  type BaseTraining,
  type EntryForm,
} from '../../../src-renderer/lib/entryForm';
import {
  buildSpec,
  formFromSpec,
  placeServerIssues,
  settleProblems,
  type SpecForm,
} from '../../../src-renderer/lib/specForm';

const FINE_TUNE = strategyInfo('fine-tune');

const base: ExperimentSpecInput = {
  name: 'Variants',
  sources: [
    { name: 'digits 0–4', dataset: 'digits', classes: [0, 1, 2, 3, 4] },
    { name: 'digits 0–2', dataset: 'digits', classes: [0, 1, 2] },
  ],
  targets: [{ name: 'digits 5–9', dataset: 'digits', classes: [5, 6, 7, 8, 9] }],
  strategies: [{ id: 'scratch' }, { id: 'fine-tune' }],
  budgets: [10],
  seeds: [0],
  model: { type: 'mlp', hidden: [64, 32], activation: 'relu' },
  training: { epochs: 30, learningRate: 0.003, batchSize: 16, optimizer: 'adam', backend: 'auto' },
};

function formOf(input: ExperimentSpecInput): SpecForm {
  return formFromSpec(ExperimentSpecSchema.parse(input), STRATEGIES);
}

function entryAt(form: SpecForm, i: number): EntryForm {
  const entry = form.entries[i];
  if (!entry) throw new Error(`no entry ${i}`);
  return entry;
}

function addFineTune(form: SpecForm): EntryForm {
  const entry = newEntry(FINE_TUNE, nextEntryKey(form.entries));
  form.entries.push(entry);
  return entry;
}

describe('strategy entries in the designer', () => {
  it('round-trips a spec with variants, overrides, a grid, a random search and validation', () => {
    const spec: ExperimentSpec = ExperimentSpecSchema.parse({
      ...base,
      strategies: [
        { id: 'scratch', training: {} },
        { id: 'fine-tune', params: { freezeLayers: 0 } },
        {
          id: 'fine-tune',
          label: 'L2-SP',
          params: { l2sp: 0.01 },
          training: { epochs: 60, earlyStopping: null },
          sweep: {
            l2sp: [0.001, 0.01, 0.1],
            learningRate: [1e-3, 1e-4],
            optimizer: ['adam', 'sgd'],
          },
        },
        {
          id: 'distillation',
          params: { onFeatures: true },
          training: { earlyStopping: { monitor: 'val_acc', patience: 3, restoreBest: false } },
          sweep: { unlabelled: [true, false] },
        },
        {
          id: 'mmd',
          randomSearch: {
            count: 5,
            seed: 7,
            ranges: { lambda: { min: 0.01, max: 10 }, layer: { min: 0, max: 1, log: false } },
          },
        },
        {
          id: 'coral',
          randomSearch: { count: 3, ranges: { learningRate: { min: 1e-4, max: 1e-2, log: true } } },
        },
      ],
      training: { ...base.training, validation: { from: 'budget', share: 0.25 } },
    });
    const built = buildSpec(formFromSpec(spec, STRATEGIES), STRATEGIES);
    expect(built.problems).toEqual({});
    expect(built.spec).toEqual(spec);
    expect(ExperimentSpecSchema.parse(built.spec)).toEqual(spec);
    expect(built.entries.map((e) => e.variants.length)).toEqual([1, 1, 12, 2, 5, 3]);
    expect(built.variants).toBe(24);
  });

  it('keeps `validation: split` when the spec wrote it, and leaves it out otherwise', () => {
    const written = ExperimentSpecSchema.parse({
      ...base,
      training: { ...base.training, validation: { from: 'split' } },
    });
    expect(buildSpec(formFromSpec(written, STRATEGIES), STRATEGIES).spec?.training).toEqual(
      written.training,
    );
    const form = formOf(base);
    form.validation = { from: 'budget', share: 0.2 };
    expect(buildSpec(form, STRATEGIES).spec?.training).toMatchObject({
      validation: { from: 'budget', share: 0.2 },
    });
    form.validation.share = 1;
    expect(buildSpec(form, STRATEGIES).problems.validation).toHaveLength(1);
    form.validation.from = 'split';
    expect(buildSpec(form, STRATEGIES).spec?.training).not.toHaveProperty('validation');
  });

  it('adds a second entry of a strategy: the same variant twice is refused, another λ is one', () => {
    const form = formOf(base);
    const l2sp = addFineTune(form);
    let built = buildSpec(form, STRATEGIES);
    expect(built.spec).toBeNull();
    expect(built.problems['entry:2']?.[0]).toMatch(/has the label of a variant of strategies\.1/);

    // Under a label of its own it is still the same runs twice.
    l2sp.label = 'again';
    built = buildSpec(form, STRATEGIES);
    expect(built.problems['entry:2']?.[0]).toMatch(/same settings as "fine-tune"/);
    l2sp.label = '';

    l2sp.params.l2sp = 0.01;
    built = buildSpec(form, STRATEGIES);
    expect(built.problems).toEqual({});
    expect(built.spec?.strategies).toEqual([
      { id: 'scratch', params: {} },
      { id: 'fine-tune', params: {} },
      { id: 'fine-tune', params: { l2sp: 0.01 } },
    ]);
    expect(built.entries.map((e) => e.generatedLabel)).toEqual([
      'scratch',
      'fine-tune',
      'fine-tune · l2sp λ=0.01',
    ]);
  });

  it('refuses two entries under one label, at the later entry', () => {
    const form = formOf(base);
    const l2sp = addFineTune(form);
    l2sp.params.l2sp = 0.01;
    l2sp.label = 'fine-tune';
    const built = buildSpec(form, STRATEGIES);
    expect(built.problems['entry:2']?.[0]).toMatch(/has the label of a variant of strategies\.1/);
    // Its placeholder is still the label it would be given.
    expect(built.entries[2]?.generatedLabel).toBe('fine-tune · l2sp λ=0.01');
  });

  it('duplicates an entry under a new key and a distinct label', () => {
    const form = formOf(base);
    const entry = entryAt(form, 1);
    entry.label = 'FT';
    const copy = duplicateEntry(entry, nextEntryKey(form.entries));
    expect(copy.key).toBe(2);
    expect(copy.label).toBe('FT (copy)');
    copy.params.l2sp = 1;
    expect(entry.params.l2sp).toBe(0);
  });

  it('writes only the overrides that are set, and an entry may turn early stopping off', () => {
    const form = formOf({
      ...base,
      training: { ...base.training, earlyStopping: { patience: 5 } },
    });
    const entry = entryAt(form, 1);
    entry.training.epochs = 100;
    entry.training.earlyStopping = 'off';
    const built = buildSpec(form, STRATEGIES);
    expect(built.spec?.strategies[1]).toEqual({
      id: 'fine-tune',
      params: {},
      training: { epochs: 100, earlyStopping: null },
    });
    expect(built.entries[1]?.generatedLabel).toBe('fine-tune · epochs=100, no early stop');

    entry.training.earlyStopping = 'on';
    entry.training.earlyStoppingSettings.patience = null;
    expect(
      buildSpec(form, STRATEGIES).problems['entry:1.training.earlyStopping.patience'],
    ).toHaveLength(1);
  });
});

describe('sweeps in the designer', () => {
  it('lists values per setting: every combination is a variant, labelled by expandVariants', () => {
    const form = formOf(base);
    const entry = entryAt(form, 1);
    entry.grid.l2sp = { on: true, text: '0.01, 0.1' };
    entry.grid.learningRate = { on: true, text: '1e-3 1e-4' };
    const built = buildSpec(form, STRATEGIES);
    expect(built.problems).toEqual({});
    expect(built.spec?.strategies[1]).toEqual({
      id: 'fine-tune',
      params: {},
      sweep: { l2sp: [0.01, 0.1], learningRate: [0.001, 0.0001] },
    });
    expect(built.entries[1]?.variants).toEqual([
      'fine-tune · l2sp λ=0.01, lr=0.001',
      'fine-tune · l2sp λ=0.01, lr=1e-4',
      'fine-tune · l2sp λ=0.1, lr=0.001',
      'fine-tune · l2sp λ=0.1, lr=1e-4',
    ]);
    expect(built.variants).toBe(5);

    // Turning a list off keeps its text for later and sweeps the rest.
    const list = entry.grid.learningRate;
    list.on = false;
    const narrower = buildSpec(form, STRATEGIES);
    expect(narrower.spec?.strategies[1]).toMatchObject({ sweep: { l2sp: [0.01, 0.1] } });
    expect(list.text).toBe('1e-3 1e-4');
  });

  it('checks each listed value next to its list', () => {
    const form = formOf(base);
    const entry = entryAt(form, 1);
    entry.grid.l2sp = { on: true, text: '0.1, x, 500' };
    entry.grid.freezeLayers = { on: true, text: '1.5' };
    entry.grid.optimizer = { on: true, text: 'adam, rmsprop' };
    const built = buildSpec(form, STRATEGIES);
    expect(built.spec).toBeNull();
    expect(built.problems['entry:1.sweep.l2sp']).toEqual([
      '"x" is not a number.',
      '"500" is outside 0–100.',
    ]);
    expect(built.problems['entry:1.sweep.freezeLayers']).toEqual(['"1.5" is not a whole number.']);
    expect(built.problems['entry:1.sweep.optimizer']).toEqual([
      '"rmsprop" is not one of adam, sgd.',
    ]);
  });

  it('parses on/off lists for boolean parameters', () => {
    const setting = settingInfo(strategyInfo('dann'), 'schedule');
    if (!setting) throw new Error('no schedule');
    expect(parseSweepList(setting, 'on, off')).toEqual({ values: [true, false], problems: [] });
    expect(parseSweepList(setting, 'maybe').problems).toHaveLength(1);
    expect(parseSweepList(setting, ' ').problems).toEqual([
      'List at least one value, e.g. "0.1, 1, 10".',
    ]);
  });

  it('draws a random search over the ticked ranges, writing `log` only when it differs', () => {
    const form = formOf(base);
    const entry = entryAt(form, 1);
    entry.sweepMode = 'random';
    entry.random = { count: 4, seed: 3, ranges: {} };
    const l2sp = settingInfo(FINE_TUNE, 'l2sp');
    const epochs = settingInfo(FINE_TUNE, 'epochs');
    if (!l2sp || !epochs) throw new Error('settings missing');
    entry.random.ranges.l2sp = suggestedRange(l2sp, 0.01);
    entry.random.ranges.epochs = { ...suggestedRange(epochs, 30), log: true };
    // A grid list left from before is not sent with a random search.
    entry.grid.l2sp = { on: true, text: '1, 2' };
    const built = buildSpec(form, STRATEGIES);
    expect(built.problems).toEqual({});
    expect(built.spec?.strategies[1]).toEqual({
      id: 'fine-tune',
      params: {},
      randomSearch: {
        count: 4,
        seed: 3,
        ranges: { l2sp: { min: 0.001, max: 0.1 }, epochs: { min: 15, max: 60, log: true } },
      },
    });
    expect(built.entries[1]?.variants).toHaveLength(4);
    expect(built.entries[1]?.variants[0]).toMatch(/^fine-tune · l2sp λ=[\d.e-]+, epochs=\d+$/);

    // Drawn log-uniformly, a range must stay above 0: said at the range, as the server says it.
    entry.random.ranges.l2sp.min = 0;
    const refused = buildSpec(form, STRATEGIES);
    expect(refused.problems['entry:1.range.l2sp']?.[0]).toMatch(/min must be > 0/);

    entry.random.ranges = {};
    entry.random.count = null;
    expect(buildSpec(form, STRATEGIES).problems['entry:1.random']).toEqual([
      'How many variants to draw: required.',
      'Tick at least one setting to draw.',
    ]);
  });

  it('starts a log range a decade either side of the value, within the bounds', () => {
    const l2sp = settingInfo(FINE_TUNE, 'l2sp');
    const batch = settingInfo(FINE_TUNE, 'batchSize');
    if (!l2sp || !batch) throw new Error('settings missing');
    expect(suggestedRange(l2sp, 0)).toMatchObject({ min: 0.0001, max: 0.01, log: true });
    expect(suggestedRange(batch, 16)).toMatchObject({ min: 2, max: 160, log: true });
  });

  it('starts a list or a range from the parameter, the override, or the spec’s value', () => {
    const l2sp = settingInfo(FINE_TUNE, 'l2sp');
    const epochs = settingInfo(FINE_TUNE, 'epochs');
    if (!l2sp || !epochs) throw new Error('settings missing');
    const entry = newEntry(FINE_TUNE, 0);
    const spec: BaseTraining = {
      epochs: 30,
      learningRate: 0.003,
      batchSize: 16,
      optimizer: 'adam',
      earlyStopping: 'off',
    };
    entry.params.l2sp = 0.5;
    expect(singleValue(entry, spec, l2sp)).toBe(0.5);
    expect(singleValue(entry, spec, epochs)).toBe(30);
    entry.training.epochs = 5;
    expect(singleValue(entry, spec, epochs)).toBe(5);
  });
});

describe('placing entry problems', () => {
  it('maps schema paths under strategies to the entry inputs', () => {
    expect(entryFieldOfPath([2, 'params', 'l2sp'])).toBe('entry:2.param.l2sp');
    expect(entryFieldOfPath([2, 'sweep', 'lambda', 1])).toBe('entry:2.sweep.lambda');
    expect(entryFieldOfPath([0, 'training', 'epochs'])).toBe('entry:0.training.epochs');
    expect(entryFieldOfPath([0, 'training', 'earlyStopping', 'patience'])).toBe(
      'entry:0.training.earlyStopping.patience',
    );
    expect(entryFieldOfPath([1, 'randomSearch', 'count'])).toBe('entry:1.random');
    expect(entryFieldOfPath([1, 'randomSearch', 'ranges', 'lambda', 'min'])).toBe(
      'entry:1.range.lambda',
    );
    expect(entryFieldOfPath([1, 'label'])).toBe('entry:1.label');
    expect(entryFieldOfPath([1])).toBe('entry:1');
    expect(entryFieldOfPath([1, 'id'])).toBe('entry:1');
    expect(entryFieldOfPath([])).toBe('strategies');
  });

  it('places the plan’s problems at the entry input they name, the rest at the form', () => {
    expect(
      placeServerIssues([
        { path: 'strategies.1.params.l2sp', message: 'Too big: expected number to be <=100' },
        {
          path: 'strategies.1.params.freezeLayers',
          message: "freezeLayers 3 exceeds the model's 2 hidden layers",
        },
        {
          path: 'strategies.2.randomSearch.ranges.lambda',
          message: 'the range must lie within [0, 1000]',
        },
        { path: 'strategies.2', message: 'two variants of this entry are both labelled "mmd"' },
        { path: 'strategies.0.training.epochs', message: 'Too big' },
        {
          path: 'strategies',
          message: 'the entries expand into 1200 variants; at most 1000 (narrow a sweep)',
        },
        {
          path: 'strategies.2',
          message: 'mmd: source 0 has classes [0, 1] and target 0 has [5, 6]; MMD (DAN) trains …',
        },
        {
          path: 'training.validation',
          message: '"budget" holds validation rows out of the label budget',
        },
        { path: 'sources.1.model', message: 'the images are too small (dataset digits)' },
        { path: '', message: 'Something else entirely' },
      ]),
    ).toEqual({
      'entry:1.param.l2sp': ['Too big: expected number to be <=100'],
      'entry:1.param.freezeLayers': ["freezeLayers 3 exceeds the model's 2 hidden layers"],
      'entry:2.range.lambda': ['the range must lie within [0, 1000]'],
      'entry:2': [
        'two variants of this entry are both labelled "mmd"',
        'mmd: source 0 has classes [0, 1] and target 0 has [5, 6]; MMD (DAN) trains …',
      ],
      'entry:0.training.epochs': ['Too big'],
      strategies: ['the entries expand into 1200 variants; at most 1000 (narrow a sweep)'],
      validation: ['"budget" holds validation rows out of the label budget'],
      modelType: ['sources.1: the images are too small (dataset digits)'],
      form: ['Something else entirely'],
    });
  });

  it('moves a problem no input shows to its entry, or to the strategies, never dropping it', () => {
    const form = formOf(base);
    const settled = settleProblems(
      {
        'entry:1.param.nonsense': ['unknown'],
        'entry:1.range.l2sp': ['not a random search entry'],
        'entry:1.param.l2sp': ['kept'],
        'entry:7.param.l2sp': ['gone entry'],
        name: ['kept too'],
      },
      form.entries,
      STRATEGIES,
    );
    expect(settled).toEqual({
      'entry:1': ['unknown', 'not a random search entry'],
      'entry:1.param.l2sp': ['kept'],
      strategies: ['gone entry'],
      name: ['kept too'],
    });
  });
});
