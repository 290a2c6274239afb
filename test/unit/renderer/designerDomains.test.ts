import { describe, expect, it } from 'vitest';
import {
  ExperimentSpecSchema,
  type ExperimentSpec,
} from '../../../src-shared/domain/experimentSpec';
import { STRATEGIES } from '../../../src-shared/domain/strategies';
import {
  addDomainLike,
  removalRefusal,
  removeDomain,
} from '../../../src-renderer/lib/designerDomains';
import {
  domainOptionsFromSpec,
  shownTransformFields,
  withDataset,
} from '../../../src-renderer/lib/domainForm';
import {
  buildSpec,
  fieldOfPath,
  formFromSpec,
  placeServerIssues,
  type SpecForm,
} from '../../../src-renderer/lib/specForm';

/** As the catalog reports them: digits are images, iris a CSV of 4 features. */
const SHAPES = new Map([
  ['digits', [8, 8]],
  ['iris', [4]],
]);

const generator = {
  generator: 'linear-binary' as const,
  features: 20,
  samples: 2000,
  taskSeed: 1,
  angleDeg: 30,
  noise: 0.1,
};

/** Every part of a domain and of the spec the designer edits, with values off their defaults. */
const full: ExperimentSpec = ExperimentSpecSchema.parse({
  name: 'Everything',
  sources: [
    { name: 'digits 0–4', dataset: 'digits', classes: [0, 1, 2, 3, 4], splitSeed: 3 },
    {
      name: 'digits zoomed',
      dataset: 'digits',
      classes: [0, 1, 2, 3, 4],
      split: 'random',
      transform: { scale: 1.5, invert: false, rotateDeg: 10, noiseStd: 0.2 },
    },
    { name: 'imported', dataset: 'digits', pretrained: { model: 'm3', featureLayer: 'dense_1' } },
  ],
  targets: [
    { name: 'task B', dataset: generator, samplesPerClass: 50 },
    {
      name: 'iris shifted',
      dataset: 'iris',
      transform: { shift: [3], multiply: [1, 2, 3, 4], noiseStd: 0 },
    },
  ],
  strategies: [{ id: 'scratch' }, { id: 'fine-tune' }],
  budgets: [5, 'all'],
  seeds: [0, 1],
  training: { epochs: 30, learningRate: 0.003 },
  sourceTraining: {
    epochs: 12,
    learningRate: 0.01,
    batchSize: 64,
    optimizer: 'sgd',
    backend: 'cpu',
    earlyStopping: { monitor: 'val_acc', patience: 3, restoreBest: false },
    validation: { from: 'split', share: 0.2 },
  },
});

function form(spec: ExperimentSpec = full): SpecForm {
  return formFromSpec(spec, STRATEGIES);
}

function built(f: SpecForm): ReturnType<typeof buildSpec> {
  return buildSpec(f, STRATEGIES, SHAPES);
}

describe('designer: the form and the spec, both ways', () => {
  it('sends a spec with several sources and targets, generator, transforms and sourceTraining unchanged', () => {
    const b = built(form());
    expect(b.problems).toEqual({});
    expect(b.spec).toEqual(full);
    expect(ExperimentSpecSchema.parse(b.spec)).toEqual(full);
  });

  it('reads back the form it was built from (form → spec → form)', () => {
    const f = form();
    const spec = ExperimentSpecSchema.parse(built(f).spec);
    expect(formFromSpec(spec, STRATEGIES)).toEqual(f);
  });

  it('writes the generator, image and feature fields as edited', () => {
    const f = form();
    const [, zoomed] = f.sourceOptions;
    const [synthetic, iris] = f.targetOptions;
    if (!zoomed || !synthetic || !iris) throw new Error('missing options');
    synthetic.generator.angleDeg = 60;
    synthetic.splitSeed = 4;
    synthetic.generator.features = 8;
    zoomed.scale = 2;
    zoomed.invert = true;
    iris.shift = '1, 2, 3, 4';
    iris.multiply = '';
    const spec = built(f).spec;
    expect(spec?.targets[0]?.dataset).toEqual({ ...generator, angleDeg: 60, features: 8 });
    expect(spec?.targets[0]?.splitSeed).toBe(4);
    expect(spec?.sources[1]?.transform).toEqual({
      scale: 2,
      invert: true,
      rotateDeg: 10,
      noiseStd: 0.2,
    });
    expect(spec?.targets[1]?.transform).toEqual({ shift: [1, 2, 3, 4], noiseStd: 0 });
  });
});

describe('designer: adding and removing sources and targets', () => {
  it('adds a target like the last one as edited, under a new name, and sends both', () => {
    const f = form();
    const before = f.targetOptions[1];
    if (!before) throw new Error('no options');
    before.noiseStd = 0.5;
    const added = addDomainLike(f, 'targets');
    expect(added.targets.map((d) => d.name)).toEqual([
      'task B',
      'iris shifted',
      'iris shifted (2)',
    ]);
    expect(added.targetOptions).toHaveLength(3);
    const spec = built(added).spec;
    expect(spec?.targets).toHaveLength(3);
    expect(spec?.targets[2]).toEqual({ ...spec?.targets[1], name: 'iris shifted (2)' });
    expect(spec?.targets[2]?.transform?.noiseStd).toBe(0.5);
  });

  it('adds a source that trains its own model: an imported model is not copied', () => {
    const added = addDomainLike(form(), 'sources');
    const last = added.sources.at(-1);
    expect(last?.name).toBe('imported (2)');
    expect(last?.pretrained).toBeUndefined();
    expect(added.sources.at(-2)?.pretrained).toEqual({ model: 'm3', featureLayer: 'dense_1' });
  });

  it('removes a domain with its options, and refuses to remove the last one', () => {
    const f = form();
    expect(removalRefusal(f, 'targets')).toBeNull();
    const one = removeDomain(f, 'targets', 0);
    expect(one.targets.map((d) => d.name)).toEqual(['iris shifted']);
    expect(one.targetOptions).toEqual([f.targetOptions[1]]);
    expect(removalRefusal(one, 'targets')).toMatch(/at least one target/);
    expect(removalRefusal(one, 'sources')).toBeNull();
    expect(built(one).spec?.targets).toEqual([full.targets[1]]);
  });

  it('puts the problems of an added domain at its own inputs, from the form and the server', () => {
    const added = addDomainLike(form(), 'targets');
    const copy = addDomainLike(added, 'targets');
    const options = copy.targetOptions[3];
    if (!options) throw new Error('no options');
    Object.assign(options, withDataset(options, { synthetic: true }, SHAPES));
    options.generator.samples = 5;
    options.generator.angleDeg = 181;
    options.splitSeed = null;
    const b = built(copy);
    expect(b.spec).toBeNull();
    expect(b.problems).toEqual({
      'domain:targets.3.synthetic.samples': ['A whole number from 20 to 200,000.'],
      'domain:targets.3.synthetic.angleDeg': ['A number from 0 to 180.'],
      'domain:targets.3.splitSeed': ['A whole number from 0.'],
    });
    expect(fieldOfPath(['spec', 'targets', 3, 'dataset', 'noise'])).toBe(
      'domain:targets.3.synthetic.noise',
    );
    expect(fieldOfPath(['sources', 2, 'transform', 'scale'])).toBe('domain:sources.2.scale');
    expect(fieldOfPath(['sources', 2, 'dataset'])).toBe('domain:sources.2.dataset');
    expect(
      placeServerIssues([
        { path: 'targets.2.transform.shift', message: 'has 2 values; the dataset has 4 features' },
      ]),
    ).toEqual({ 'domain:targets.2.shift': ['has 2 values; the dataset has 4 features'] });
  });
});

describe('designer: only the fields that apply to the chosen data', () => {
  const digits = domainOptionsFromSpec({ name: 'd', dataset: 'digits', splitSeed: 0 });

  it('shows image fields for images, feature fields for a CSV, and all while the shape is unknown', () => {
    expect(shownTransformFields(digits, 'image')).toEqual([
      'scale',
      'rotateDeg',
      'invert',
      'noiseStd',
    ]);
    expect(shownTransformFields(digits, 'tabular')).toEqual(['multiply', 'shift', 'noiseStd']);
    expect(shownTransformFields(digits, undefined)).toHaveLength(6);
  });

  it('still shows a field that does not apply while it holds a value, with its problem', () => {
    const rotated = { ...digits, datasetName: 'iris', rotateDeg: 20 };
    expect(shownTransformFields(rotated, 'tabular')).toContain('rotateDeg');
    const f = form();
    const iris = f.targetOptions[1];
    if (!iris) throw new Error('no options');
    iris.rotateDeg = 20;
    expect(built(f).problems['domain:targets.1.rotateDeg']?.[0]).toMatch(/image datasets only/);
  });

  it('clears the fields that stop applying when the data changes, and splits synthetic data at random', () => {
    const zoomed = { ...digits, scale: 2, invert: true, rotateDeg: 5, noiseStd: 0.1 };
    const onIris = withDataset(zoomed, { synthetic: false, name: 'iris' }, SHAPES);
    expect(onIris).toMatchObject({ scale: null, invert: false, rotateDeg: null, noiseStd: 0.1 });
    const standard = { ...digits, split: 'standard' as const, shift: '1', multiply: '2' };
    const onSynthetic = withDataset(standard, { synthetic: true }, SHAPES);
    expect(onSynthetic).toMatchObject({ synthetic: true, split: 'random', shift: '1' });
    // A list counted for iris's 4 features does not fit the generator's 20; one number does.
    const lists = { ...digits, datasetName: 'iris', shift: '1, 2, 3, 4', multiply: '2' };
    expect(withDataset(lists, { synthetic: true }, SHAPES)).toMatchObject({
      shift: '',
      multiply: '2',
    });
    expect(withDataset(onSynthetic, { synthetic: false, name: 'digits' }, SHAPES)).toMatchObject({
      shift: '',
      multiply: '',
      datasetName: 'digits',
    });
  });

  it('drops the class subset when the dataset changes, and keeps it for the same one', () => {
    const f = form();
    const first = f.sourceOptions[0];
    if (!first) throw new Error('no options');
    Object.assign(first, withDataset(first, { synthetic: true }, SHAPES));
    const spec = built(f).spec;
    expect(spec?.sources[0]?.classes).toBeUndefined();
    expect(spec?.sources[0]?.dataset).toEqual({
      ...generator,
      angleDeg: 0,
      features: 20,
      samples: 1000,
    });
    expect(spec?.sources[1]?.classes).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('designer: domain names', () => {
  it('sends a renamed domain, and asks for a name that is given and not its role’s twice', () => {
    const f = addDomainLike(form(), 'targets');
    const added = f.targets[2];
    if (!added) throw new Error('no added target');
    added.name = 'task B';
    expect(built(f).problems).toEqual({
      'domain:targets.0.name': ['Another target has this name.'],
      'domain:targets.2.name': ['Another target has this name.'],
    });
    added.name = ' ';
    expect(built(f).problems).toEqual({ 'domain:targets.2.name': ['Give the domain a name.'] });
    // A source may share a target's name, as a spec file may.
    added.name = 'digits 0–4';
    expect(built(f).spec?.targets[2]?.name).toBe('digits 0–4');
    expect(fieldOfPath(['targets', 2, 'name'])).toBe('domain:targets.2.name');
  });
});
