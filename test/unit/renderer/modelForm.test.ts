import { describe, expect, it } from 'vitest';
import {
  CnnSpecSchema,
  ExperimentSpecSchema,
  type DomainSpec,
  type ExperimentSpec,
} from '../../../src-shared/domain/experimentSpec';
import { STRATEGIES } from '../../../src-shared/domain/strategies';
import {
  buildModel,
  CONV_BOUNDS,
  HIDDEN_BOUNDS,
  KERNEL_BOUNDS,
  modelFormFromSpec,
} from '../../../src-renderer/lib/modelForm';
import {
  buildSpec,
  fieldOfPath,
  formFromSpec,
  placeServerIssues,
} from '../../../src-renderer/lib/specForm';

const digits: DomainSpec = { name: 'digits', dataset: 'digits', splitSeed: 0 };
const synthetic: DomainSpec = {
  name: 'task A',
  dataset: {
    generator: 'linear-binary',
    features: 20,
    samples: 200,
    taskSeed: 1,
    angleDeg: 0,
    noise: 0.1,
  },
  splitSeed: 0,
};
const SHAPES = new Map([
  ['digits', [8, 8]],
  ['wine', [13]],
]);

const example: ExperimentSpec = ExperimentSpecSchema.parse({
  name: 'Digits',
  sources: [{ name: 'digits 0–4', dataset: 'digits', classes: [0, 1] }],
  targets: [{ name: 'digits 5–9', dataset: 'digits', classes: [5, 6] }],
  strategies: [{ id: 'fine-tune' }],
  model: { type: 'mlp', hidden: [64, 32], activation: 'tanh' },
});

describe('model type in the designer', () => {
  it('reads its ranges from the schema', () => {
    expect(HIDDEN_BOUNDS).toEqual({ minItems: 1, maxItems: 8, min: 1, max: 4096 });
    expect(CONV_BOUNDS).toEqual({ minItems: 1, maxItems: 4, min: 1, max: 512 });
    expect(KERNEL_BOUNDS).toEqual({ min: 1, max: 7 });
  });

  it('offers the schema defaults for a CNN and keeps the MLP for switching back', () => {
    const form = formFromSpec(example, STRATEGIES);
    form.model.type = 'cnn';
    const cnn = buildSpec(form, STRATEGIES, SHAPES);
    expect(cnn.problems).toEqual({});
    expect(cnn.spec?.model).toEqual(CnnSpecSchema.parse({ type: 'cnn' }));
    form.model.type = 'mlp';
    expect(buildSpec(form, STRATEGIES, SHAPES).spec?.model).toEqual(example.model);
  });

  it('fills a CNN spec into the CNN inputs', () => {
    const form = modelFormFromSpec({ type: 'cnn', conv: [8], dense: [16, 8], kernelSize: 5 });
    expect(form).toMatchObject({ type: 'cnn', conv: '8', dense: '16, 8', kernelSize: 5 });
    expect(form.hidden).toBe('64');
  });

  it('carries the initialisation both ways, leaving the default out of the spec', () => {
    const form = formFromSpec(example, STRATEGIES);
    expect(form.model.init).toBe('he');
    expect(buildSpec(form, STRATEGIES, SHAPES).spec?.model).toEqual(example.model);
    form.model.init = 'lecun-uniform';
    expect(buildSpec(form, STRATEGIES, SHAPES).spec?.model).toEqual({
      ...example.model,
      init: 'lecun-uniform',
    });
    const cnn = modelFormFromSpec({
      type: 'cnn',
      conv: [8],
      dense: [16],
      kernelSize: 3,
      init: 'lecun-uniform',
    });
    expect(cnn.init).toBe('lecun-uniform');
  });

  it('flags a CNN on a dataset that is not an image dataset, next to the model type', () => {
    const cnn = { ...modelFormFromSpec(undefined), type: 'cnn' as const };
    expect(buildModel(cnn, [digits], SHAPES).problems).toEqual([]);
    // A shape not known yet is given the benefit of the doubt: the server checks again.
    expect(buildModel(cnn, [{ ...digits, dataset: 'new' }], SHAPES).problems).toEqual([]);
    const flat = buildModel(cnn, [digits, synthetic, { ...digits, dataset: 'wine' }], SHAPES);
    expect(flat.problems).toEqual([
      {
        field: 'modelType',
        message: 'A CNN needs image datasets; a synthetic dataset, wine are not. Use an MLP.',
      },
    ]);
    // An MLP takes any features.
    expect(buildModel({ ...cnn, type: 'mlp' }, [synthetic], SHAPES).problems).toEqual([]);
  });

  it('puts each CNN input problem next to its input', () => {
    const form = formFromSpec(example, STRATEGIES);
    Object.assign(form.model, { type: 'cnn', conv: '8, 0', dense: '1, 2, 3, 4, 5', kernelSize: 9 });
    const built = buildSpec(form, STRATEGIES, SHAPES);
    expect(built.spec).toBeNull();
    expect(Object.keys(built.problems).sort()).toEqual(['conv', 'dense', 'kernelSize']);
    expect(built.problems.dense).toEqual(['At most 4 layer widths.']);
    form.model.kernelSize = null;
    expect(buildSpec(form, STRATEGIES, SHAPES).problems.kernelSize).toEqual([
      'A whole number from 1 to 7.',
    ]);
  });

  it('places schema and server issues about the model', () => {
    expect(fieldOfPath(['model', 'conv', 1])).toBe('conv');
    expect(fieldOfPath(['spec', 'model', 'kernelSize'])).toBe('kernelSize');
    expect(fieldOfPath(['model', 'type'])).toBe('modelType');
    expect(fieldOfPath(['model'])).toBe('modelType');
    expect(
      placeServerIssues([
        {
          path: 'sources.0.model',
          message:
            '8×8 images are too small for 2 3×3 convolution + 2×2 pooling blocks (dataset digits)',
        },
        { path: 'targets.0.classes', message: '12 is not a class of digits' },
      ]),
    ).toEqual({
      modelType: [
        'sources.0: 8×8 images are too small for 2 3×3 convolution + 2×2 pooling blocks (dataset digits)',
      ],
      domains: ['12 is not a class of digits'],
    });
  });
});
