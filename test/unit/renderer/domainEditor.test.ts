import { describe, expect, it } from 'vitest';
import type { DatasetSummary } from '../../../src-shared/domain/datasets';
import { ExperimentSpecSchema, type DomainSpec } from '../../../src-shared/domain/experimentSpec';
import { STRATEGIES } from '../../../src-shared/domain/strategies';
import {
  datasetKind,
  domainFromEditor,
  editorFromDataset,
  parsePerFeature,
  previewRequest,
  relabelling,
  splitSizes,
  toggleClass,
  transformFields,
} from '../../../src-renderer/lib/domainEditor';
import {
  addDomain,
  removeDomain,
  uniqueDomainName,
} from '../../../src-renderer/lib/designerDomains';
import { applyDomainOptions, domainOptionsFromSpec } from '../../../src-renderer/lib/domainForm';
import { buildSpec, formFromSpec } from '../../../src-renderer/lib/specForm';

const images: DatasetSummary = {
  id: 3,
  name: 'fashion',
  kind: 'imported',
  contentHash: 'ab',
  samples: 600,
  featureShape: [28, 28],
  classes: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  provenance: {},
  createdAt: '2025-01-01T00:00:00Z',
};
const table: DatasetSummary = {
  ...images,
  id: 4,
  name: 'blobs',
  featureShape: [4],
  classes: [0, 1],
};

describe('the domain editor', () => {
  it('tells images from tables by their shape', () => {
    expect(datasetKind([28, 28])).toBe('image');
    expect(datasetKind([32, 32, 3])).toBe('image');
    expect(datasetKind([8, 8, 1])).toBe('image');
    expect(datasetKind([4])).toBe('tabular');
    expect(datasetKind([4, 5, 6])).toBe('tabular');
  });

  it('offers image transforms for images and feature transforms for tables', () => {
    expect(transformFields('image').map((f) => f.key)).toEqual([
      'scale',
      'rotateDeg',
      'invert',
      'noiseStd',
    ]);
    expect(transformFields('tabular').map((f) => f.key)).toEqual(['multiply', 'shift', 'noiseStd']);
  });

  it('keeps classes in dataset order and relabels them 0..k-1', () => {
    const form = editorFromDataset(images);
    form.classes = [];
    form.classes = toggleClass(form, images.classes, 7);
    form.classes = toggleClass(form, images.classes, 2);
    expect(form.classes).toEqual([2, 7]);
    expect(relabelling(form)).toEqual([
      { original: 2, label: 0 },
      { original: 7, label: 1 },
    ]);
    form.classes = toggleClass(form, images.classes, 2);
    expect(form.classes).toEqual([7]);
  });

  it('asks the preview for the subset and the transform, leaving identities out', () => {
    const form = editorFromDataset(images);
    form.transform = { rotateDeg: 30, scale: 1, invert: false, noiseStd: null };
    expect(previewRequest(3, form, 'image', images.classes).request).toEqual({
      id: 3,
      transform: { rotateDeg: 30 },
      perClass: 8,
      seed: 0,
    });
    form.classes = [5, 6];
    form.transform = { invert: true, scale: 2 };
    expect(previewRequest(3, form, 'image', images.classes).request).toEqual({
      id: 3,
      classes: [5, 6],
      transform: { scale: 2, invert: true },
      perClass: 8,
      seed: 0,
    });
  });

  it('places out-of-range transform values by field, and asks nothing while they stand', () => {
    const form = editorFromDataset(images);
    form.transform = { scale: 9 };
    const asked = previewRequest(3, form, 'image', images.classes);
    expect(asked.request).toBeNull();
    expect(asked.problems.map((p) => p.field)).toEqual(['scale']);
  });

  it('reads a feature shift as one number or one per feature', () => {
    expect(parsePerFeature('')).toBeNull();
    expect(parsePerFeature(' 2.5 ')).toBe(2.5);
    expect(parsePerFeature('1, 2,3 4')).toEqual([1, 2, 3, 4]);
    expect(parsePerFeature('1, x')).toBeNaN();
    const form = editorFromDataset(table);
    form.transform = { shift: '1, 2', multiply: '2' };
    const asked = previewRequest(4, form, 'tabular', table.classes, 4);
    expect(asked.problems).toEqual([
      { field: 'shift', message: '2 values for 4 features: give one, or one per feature.' },
    ]);
    form.transform = { shift: '1, 2, 3, 4', multiply: '2' };
    expect(previewRequest(4, form, 'tabular', table.classes, 4).request?.transform).toEqual({
      multiply: 2,
      shift: [1, 2, 3, 4],
    });
  });

  it('makes a domain the experiment spec accepts, with only what was set', () => {
    const form = editorFromDataset(table);
    form.name = 'blobs shifted';
    form.transform = { shift: '0.5' };
    form.samplesPerClass = 40;
    const { domain, problems } = domainFromEditor(table, form, 'tabular');
    expect(problems).toEqual([]);
    expect(domain).toEqual({
      name: 'blobs shifted',
      dataset: 'blobs',
      splitSeed: 0,
      samplesPerClass: 40,
      transform: { shift: 0.5 },
    });
  });

  it('refuses a domain of fewer than two classes or without a name', () => {
    const form = editorFromDataset(images);
    form.classes = [3];
    form.name = '';
    form.samplesPerClass = 0;
    const fields = domainFromEditor(images, form, 'image').problems.map((p) => p.field);
    expect(fields).toEqual(['name', 'classes', 'samplesPerClass']);
  });

  it('shows the 60/20/20 split a subsample leaves, rounded as the core rounds it', () => {
    expect(splitSizes(120, null)).toEqual({ train: 72, validation: 24, test: 24 });
    expect(splitSizes(120, 10)).toEqual({ train: 6, validation: 2, test: 2 });
    expect(splitSizes(7, null)).toEqual({ train: 5, validation: 1, test: 1 });
  });
});

describe('domains handed to the designer', () => {
  const example = ExperimentSpecSchema.parse({
    name: 'Digits',
    sources: [{ name: 'digits 0–4', dataset: 'digits', classes: [0, 1] }],
    targets: [{ name: 'digits 5–9', dataset: 'digits', classes: [5, 6] }],
    strategies: [{ id: 'scratch' }],
  });
  const handed: DomainSpec = {
    name: 'digits 5–9',
    dataset: 'blobs',
    splitSeed: 0,
    transform: { shift: [1, 2, 3, 4], noiseStd: 0.1 },
  };

  it('gives an added domain a name no other domain has', () => {
    expect(uniqueDomainName('a', ['b'])).toBe('a');
    expect(uniqueDomainName('a', ['a', 'a (2)'])).toBe('a (3)');
  });

  it('adds and removes targets, and the spec keeps the whole transform', () => {
    const form = addDomain(formFromSpec(example, STRATEGIES), 'targets', handed);
    expect(form.targets.map((d) => d.name)).toEqual(['digits 5–9', 'digits 5–9 (2)']);
    expect(form.targetOptions).toHaveLength(2);
    const only = removeDomain(form, 'targets', 0);
    expect(only.targets.map((d) => d.dataset)).toEqual(['blobs']);
    const built = buildSpec(only, STRATEGIES, new Map([['blobs', [4]]]));
    expect(built.problems).toEqual({});
    expect(built.spec?.targets[0]?.transform).toEqual({ shift: [1, 2, 3, 4], noiseStd: 0.1 });
  });

  it('keeps zoom and inversion when the designer edits rotation and noise', () => {
    const d: DomainSpec = { ...handed, transform: { scale: 2, invert: true, rotateDeg: 10 } };
    const options = { ...domainOptionsFromSpec(d), rotateDeg: null, noiseStd: 0.2 };
    expect(applyDomainOptions(d, options).transform).toEqual({
      scale: 2,
      invert: true,
      noiseStd: 0.2,
    });
  });

  it('says how to get a source and a target when none is left', () => {
    const form = removeDomain(formFromSpec(example, STRATEGIES), 'sources', 0);
    expect(buildSpec(form, STRATEGIES).problems.domains?.[0]).toMatch(/dataset’s page/);
  });
});
