import { describe, expect, it } from 'vitest';
import {
  ExperimentSpecSchema,
  type ExperimentSpec,
} from '../../../src-shared/domain/experimentSpec';
import { STRATEGIES } from '../../../src-shared/domain/strategies';
import {
  buildSpec,
  emptyForm,
  fieldOfPath,
  formFromSpec,
  parseBudgets,
  parseIntList,
  placeServerIssues,
} from '../../../src-renderer/lib/specForm';

const example: ExperimentSpec = ExperimentSpecSchema.parse({
  name: 'Digits 0–4 → 5–9',
  sources: [{ name: 'digits 0–4', dataset: 'digits', classes: [0, 1, 2, 3, 4] }],
  targets: [{ name: 'digits 5–9', dataset: 'digits', classes: [5, 6, 7, 8, 9] }],
  strategies: [{ id: 'scratch' }, { id: 'fine-tune', params: { freezeLayers: 1 } }],
  budgets: [10, 'all'],
  seeds: [0, 1, 2],
  model: { type: 'mlp', hidden: [64, 32], activation: 'relu' },
  training: { epochs: 30, learningRate: 0.003, batchSize: 32, optimizer: 'adam', backend: 'auto' },
  sourceTraining: {
    epochs: 20,
    learningRate: 0.003,
    batchSize: 32,
    optimizer: 'adam',
    backend: 'auto',
  },
});

describe('experiment designer form', () => {
  it('turns an example back into the same spec', () => {
    const built = buildSpec(formFromSpec(example, STRATEGIES), STRATEGIES);
    expect(built.problems).toEqual({});
    expect(built.spec).not.toBeNull();
    expect(ExperimentSpecSchema.parse(built.spec)).toEqual(example);
    expect(built.variants).toBe(2);
    expect(built.entries.map((e) => e.variants)).toEqual([['scratch'], ['fine-tune · frozen=1']]);
  });

  it('leaves removed entries out', () => {
    const form = formFromSpec(example, STRATEGIES);
    form.entries.splice(1, 1);
    const built = buildSpec(form, STRATEGIES);
    expect(built.spec?.strategies).toEqual([{ id: 'scratch', params: {} }]);
  });

  it('puts each problem next to its input', () => {
    const form = formFromSpec(example, STRATEGIES);
    form.name = '  ';
    form.seeds = '0, x, 0';
    form.budgets = '';
    form.epochs = null;
    form.learningRate = 20;
    const fineTune = form.entries[1];
    if (!fineTune) throw new Error('fine-tune missing');
    fineTune.params.freezeLayers = 9;
    const built = buildSpec(form, STRATEGIES);
    expect(built.spec).toBeNull();
    expect(Object.keys(built.problems).sort()).toEqual(
      ['budgets', 'epochs', 'learningRate', 'name', 'entry:1.param.freezeLayers', 'seeds'].sort(),
    );
    expect(built.problems.seeds).toContain('A seed appears twice.');
  });

  it('asks for an example when there are no domains', () => {
    const built = buildSpec(emptyForm(), STRATEGIES);
    expect(built.problems.domains).toHaveLength(1);
    expect(built.problems.name).toHaveLength(1);
  });

  it('requires at least one strategy', () => {
    const form = formFromSpec(example, STRATEGIES);
    form.entries = [];
    expect(buildSpec(form, STRATEGIES).problems.strategies).toEqual(['Add at least one strategy.']);
  });
});

describe('list inputs', () => {
  it('reads budgets as numbers and "all"', () => {
    expect(parseBudgets('5, 20 ALL')).toEqual({ values: [5, 20, 'all'], problems: [] });
    expect(parseBudgets('0, 3')).toEqual({ values: [0, 3], problems: [] });
    expect(parseBudgets('-1, 1.5, x').problems).toHaveLength(3);
    expect(parseBudgets(' ').problems).toHaveLength(1);
  });

  it('reads integer lists within a range', () => {
    const range = { min: 1, max: 4096, what: 'width', example: '64' };
    expect(parseIntList('64;32 16', range)).toEqual({ values: [64, 32, 16], problems: [] });
    expect(parseIntList('0, 5000, -1', range).problems).toHaveLength(3);
  });
});

describe('placing schema and server issues', () => {
  it('maps paths to inputs', () => {
    expect(fieldOfPath(['training', 'epochs'])).toBe('epochs');
    expect(fieldOfPath(['spec', 'model', 'hidden', 0])).toBe('hidden');
    expect(fieldOfPath(['model', 'activation'])).toBe('activation');
    expect(fieldOfPath(['targets', 0, 'classes'])).toBe('domains');
    expect(fieldOfPath(['strategies', 1, 'params', 'freezeLayers'])).toBe(
      'entry:1.param.freezeLayers',
    );
    expect(fieldOfPath(['training', 'validation', 'share'])).toBe('validation');
    expect(fieldOfPath(['sourceTraining', 'epochs'])).toBe('sourceTraining.epochs');
  });

  it('places server issues by their path, and those no input claims whole at the form', () => {
    expect(
      placeServerIssues([
        { path: 'spec.training.epochs', message: 'Too big' },
        { path: 'strategies.0.params.freezeLayers', message: 'too deep' },
        { path: 'something went wrong', message: 'badly' },
        { path: 'dataset', message: '"nope" is not a known dataset' },
        { path: '', message: 'no path at all' },
      ]),
    ).toEqual({
      epochs: ['Too big'],
      'entry:0.param.freezeLayers': ['too deep'],
      form: [
        'something went wrong: badly',
        'dataset: "nope" is not a known dataset',
        'no path at all',
      ],
    });
  });
});
