import { describe, expect, it } from 'vitest';
import {
  ExperimentSpecSchema,
  type ExperimentSpec,
} from '../../../src-shared/domain/experimentSpec';
import { STRATEGIES } from '../../../src-shared/domain/strategies';
import { buildSpec, fieldOfPath, formFromSpec } from '../../../src-renderer/lib/specForm';
import {
  earlyStoppingFormFromSpec,
  earlyStoppingProblems,
} from '../../../src-renderer/lib/trainingForm';

const example: ExperimentSpec = ExperimentSpecSchema.parse({
  name: 'Digits',
  sources: [{ name: 'digits 0–4', dataset: 'digits', classes: [0, 1] }],
  targets: [{ name: 'digits 5–9', dataset: 'digits', classes: [5, 6] }],
  strategies: [{ id: 'scratch' }],
  training: { epochs: 50 },
});

describe('early stopping in the designer', () => {
  it('is off when the spec has none, with the schema defaults ready', () => {
    expect(earlyStoppingFormFromSpec(undefined)).toEqual({
      enabled: false,
      monitor: 'val_loss',
      patience: 10,
      restoreBest: true,
    });
    const built = buildSpec(formFromSpec(example, STRATEGIES), STRATEGIES);
    expect(built.spec?.training).not.toHaveProperty('earlyStopping');
  });

  it('writes the settings when ticked, and removes them when unticked', () => {
    const form = formFromSpec(example, STRATEGIES);
    Object.assign(form.earlyStopping, { enabled: true, monitor: 'val_acc', patience: 3 });
    const on = buildSpec(form, STRATEGIES);
    expect(on.spec?.training).toMatchObject({
      epochs: 50,
      earlyStopping: { monitor: 'val_acc', patience: 3, restoreBest: true },
    });

    const spec = ExperimentSpecSchema.parse(on.spec);
    const again = formFromSpec(spec, STRATEGIES);
    expect(again.earlyStopping).toEqual({
      enabled: true,
      monitor: 'val_acc',
      patience: 3,
      restoreBest: true,
    });
    again.earlyStopping.enabled = false;
    expect(buildSpec(again, STRATEGIES).spec?.training).toEqual(example.training);
  });

  it('puts a bad patience next to its input, and ignores it while off', () => {
    const form = formFromSpec(example, STRATEGIES);
    Object.assign(form.earlyStopping, { enabled: true, patience: null });
    expect(Object.keys(buildSpec(form, STRATEGIES).problems)).toEqual(['earlyStopping.patience']);
    expect(earlyStoppingProblems({ ...form.earlyStopping, patience: 1.5 })).toHaveLength(1);
    expect(earlyStoppingProblems({ ...form.earlyStopping, patience: 0 })).toHaveLength(1);
    form.earlyStopping.enabled = false;
    expect(buildSpec(form, STRATEGIES).problems).toEqual({});
  });

  it('places schema and server issues about it', () => {
    expect(fieldOfPath(['training', 'earlyStopping', 'patience'])).toBe('earlyStopping.patience');
    expect(fieldOfPath(['spec', 'training', 'earlyStopping', 'monitor'])).toBe(
      'earlyStopping.monitor',
    );
    expect(fieldOfPath(['training', 'earlyStopping'])).toBe('earlyStopping');
  });
});
