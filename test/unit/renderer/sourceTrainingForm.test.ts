import { describe, expect, it } from 'vitest';
import { ExperimentSpecSchema } from '../../../src-shared/domain/experimentSpec';
import { STRATEGIES } from '../../../src-shared/domain/strategies';
import { buildSpec, formFromSpec } from '../../../src-renderer/lib/specForm';

const spec = ExperimentSpecSchema.parse({
  name: 'Digits',
  sources: [{ name: 'digits 0–4', dataset: 'digits', classes: [0, 1, 2, 3, 4] }],
  targets: [{ name: 'digits 5–9', dataset: 'digits', classes: [5, 6, 7, 8, 9] }],
  strategies: [{ id: 'fine-tune' }],
  training: { epochs: 30, learningRate: 0.003 },
});

describe('source model training in the designer', () => {
  it('is off for a spec without sourceTraining, and sends none', () => {
    const form = formFromSpec(spec, STRATEGIES);
    expect(form.sourceTraining.enabled).toBe(false);
    // Starts from the target settings when ticked.
    expect(form.sourceTraining).toMatchObject({ epochs: 30, learningRate: 0.003, batchSize: 32 });
    const built = buildSpec(form, STRATEGIES);
    expect(built.spec).not.toHaveProperty('sourceTraining');
  });

  it('sends every setting once ticked, early stopping included', () => {
    const form = formFromSpec(spec, STRATEGIES);
    Object.assign(form.sourceTraining, {
      enabled: true,
      epochs: 5,
      learningRate: 0.02,
      batchSize: 128,
      optimizer: 'sgd',
      backend: 'wasm',
    });
    form.sourceTraining.earlyStopping.enabled = true;
    form.sourceTraining.earlyStopping.patience = 2;
    const built = buildSpec(form, STRATEGIES);
    expect(built.problems).toEqual({});
    expect(built.spec?.sourceTraining).toEqual({
      epochs: 5,
      learningRate: 0.02,
      batchSize: 128,
      optimizer: 'sgd',
      backend: 'wasm',
      earlyStopping: { monitor: 'val_loss', patience: 2, restoreBest: true },
    });
    // The target settings are untouched.
    expect(built.spec?.training).toMatchObject({ epochs: 30, learningRate: 0.003 });
  });

  it('puts each problem at its input, and none while it is off', () => {
    const form = formFromSpec(spec, STRATEGIES);
    Object.assign(form.sourceTraining, { epochs: null, learningRate: 0, batchSize: 1.5 });
    form.sourceTraining.earlyStopping = {
      ...form.sourceTraining.earlyStopping,
      enabled: true,
      patience: 0,
    };
    expect(buildSpec(form, STRATEGIES).problems).toEqual({});
    form.sourceTraining.enabled = true;
    const built = buildSpec(form, STRATEGIES);
    expect(built.spec).toBeNull();
    expect(Object.keys(built.problems).sort()).toEqual([
      'sourceTraining.batchSize',
      'sourceTraining.earlyStopping.patience',
      'sourceTraining.epochs',
      'sourceTraining.learningRate',
    ]);
  });

  it('turning it off drops a spec’s sourceTraining', () => {
    const withSource = ExperimentSpecSchema.parse({
      ...spec,
      sourceTraining: { epochs: 7, validation: { from: 'split' } },
    });
    const form = formFromSpec(withSource, STRATEGIES);
    expect(buildSpec(form, STRATEGIES).spec?.sourceTraining).toEqual(withSource.sourceTraining);
    form.sourceTraining.enabled = false;
    expect(buildSpec(form, STRATEGIES).spec).not.toHaveProperty('sourceTraining');
  });
});
