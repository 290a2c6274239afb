import { describe, expect, it } from 'vitest';
import type { FileRef, InspectResult } from '../../../src-shared/rpc/datasets';
import {
  buildImportOptions,
  defaultDatasetName,
  featureCount,
  guessCompanions,
  importFormFromInspect,
  missingSummary,
  reconcileColumns,
} from '../../../src-renderer/lib/importForm';

const csv: InspectResult = {
  format: 'csv',
  bytes: 2048,
  csv: { delimiter: ',', header: true },
  columns: [
    { index: 0, name: 'a', kind: 'numeric', missing: 0, distinct: 90 },
    { index: 1, name: 'b', kind: 'numeric', missing: 3, distinct: 80 },
    { index: 2, name: 'colour', kind: 'categorical', missing: 0, distinct: 3 },
    { index: 3, name: 'class', kind: 'categorical', missing: 1, distinct: 2 },
  ],
  suggestedLabel: 3,
  rows: 100,
  head: [['1', '2', 'red', 'x']],
  warnings: [],
};
const none = { labels: false, testImages: false, testLabels: false };
const ref = (id: string): FileRef => ({ kind: 'path', path: `/data/${id}` });

describe('the import form', () => {
  it('starts from the suggested label with every other column a feature', () => {
    const form = importFormFromInspect(csv, 'iris.data.csv');
    expect(form.name).toBe('iris.data');
    expect(form.labelColumn).toBe(3);
    expect(form.features).toEqual([true, true, true, false]);
    expect(form.missing).toBe('refuse');
  });

  it('counts the missing cells of the chosen features and the rows without a label', () => {
    const form = importFormFromInspect(csv, 'x.csv');
    expect(missingSummary(form, csv.columns ?? [])).toEqual({
      featureCells: 3,
      featureColumns: 1,
      labelRows: 1,
    });
    form.features[1] = false;
    expect(missingSummary(form, csv.columns ?? []).featureCells).toBe(0);
  });

  it('counts one-hot features: one per category', () => {
    const form = importFormFromInspect(csv, 'x.csv');
    expect(featureCount(form, csv.columns ?? [])).toBe(1 + 1 + 3);
  });

  it('refuses to send "refuse" while chosen features have empty cells, then sends the policy', () => {
    const form = importFormFromInspect(csv, 'x.csv');
    const refused = buildImportOptions(form, csv, {}, none);
    expect(refused.options).toBeNull();
    expect(refused.problems.map((p) => p.field)).toEqual(['missing']);
    form.missing = 'mean';
    expect(buildImportOptions(form, csv, {}, none).options).toEqual({
      format: 'csv',
      delimiter: 'auto',
      header: 'auto',
      labelColumn: 3,
      missing: 'mean',
    });
  });

  it('names the feature columns only when they are not all the others', () => {
    const form = importFormFromInspect(csv, 'x.csv');
    form.features[1] = false;
    const built = buildImportOptions(form, csv, {}, none);
    expect(built.options).toMatchObject({ featureColumns: [0, 2], labelColumn: 3 });
  });

  it('flags no feature, no label, an empty name and a column of over 1,000 categories', () => {
    const form = importFormFromInspect(csv, 'x.csv');
    form.features = [false, false, false, false];
    form.name = '  ';
    form.labelColumn = null;
    const fields = buildImportOptions(form, csv, {}, none).problems.map((p) => p.field);
    expect(fields).toEqual(expect.arrayContaining(['name', 'labelColumn', 'features']));

    const ids: InspectResult = {
      ...csv,
      columns: [
        { index: 0, name: 'id', kind: 'categorical', missing: 0, distinct: 1001 },
        { index: 1, name: 'y', kind: 'numeric', missing: 0, distinct: 2 },
      ],
      suggestedLabel: 1,
    };
    const idForm = importFormFromInspect(ids, 'x.csv');
    const problems = buildImportOptions(idForm, ids, {}, none).problems;
    expect(problems[0]?.message).toMatch(/over 1,000 distinct values/);
  });

  it('keeps the choices after a re-read with the same columns, suggests again otherwise', () => {
    const form = importFormFromInspect(csv, 'x.csv');
    form.labelColumn = 0;
    form.features = [false, true, false, true];
    expect(reconcileColumns(form, csv)).toMatchObject({
      labelColumn: 0,
      features: [false, true, false, true],
    });
    const fewer: InspectResult = { ...csv, columns: csv.columns?.slice(0, 2), suggestedLabel: 1 };
    expect(reconcileColumns(form, fewer)).toMatchObject({
      labelColumn: 1,
      features: [true, false],
    });
  });

  it('needs a labels file for IDX and NPY, and both test files or neither', () => {
    const idx: InspectResult = {
      format: 'idx',
      bytes: 1,
      rows: 10,
      featureShape: [28, 28],
      warnings: [],
    };
    const form = importFormFromInspect(idx, 'train-images-idx3-ubyte.gz');
    expect(form.name).toBe('train-images');
    expect(buildImportOptions(form, idx, {}, none).problems.map((p) => p.field)).toEqual([
      'labels',
    ]);
    const half = { labels: true, testImages: true, testLabels: false };
    expect(
      buildImportOptions(form, idx, { labels: ref('l'), testImages: ref('t') }, half).problems.map(
        (p) => p.field,
      ),
    ).toEqual(['test']);
    const all = { labels: true, testImages: true, testLabels: true };
    expect(
      buildImportOptions(
        form,
        idx,
        { labels: ref('l'), testImages: ref('ti'), testLabels: ref('tl') },
        all,
      ).options,
    ).toEqual({
      format: 'idx',
      labels: ref('l'),
      test: { images: ref('ti'), labels: ref('tl') },
    });

    const npy: InspectResult = {
      format: 'npy',
      bytes: 1,
      rows: 10,
      featureShape: [4],
      warnings: [],
    };
    const npyForm = importFormFromInspect(npy, 'x.npy');
    expect(
      buildImportOptions(npyForm, npy, { labels: ref('y') }, { ...none, labels: true }).options,
    ).toEqual({ format: 'npy', labels: ref('y') });
  });

  it('checks an image folder size', () => {
    const folder: InspectResult = { format: 'image-folder', bytes: 1, rows: 10, warnings: [] };
    const form = importFormFromInspect(folder, 'shapes.dir');
    expect(form.name).toBe('shapes');
    form.width = 600;
    expect(buildImportOptions(form, folder, {}, none).problems.map((p) => p.field)).toEqual([
      'size',
    ]);
    form.width = 32;
    expect(buildImportOptions(form, folder, {}, none).options).toEqual({
      format: 'image-folder',
      width: 32,
      height: 28,
      color: 'grayscale',
    });
  });

  it('names datasets as the core does', () => {
    expect(defaultDatasetName('iris.csv')).toBe('iris');
    expect(defaultDatasetName('t10k-labels-idx1-ubyte.gz')).toBe('t10k-labels');
    expect(defaultDatasetName('.csv')).toBe('.csv');
  });
});

describe('files dropped together', () => {
  it("pairs MNIST's four files by name", () => {
    const names = [
      't10k-labels-idx1-ubyte.gz',
      'train-labels-idx1-ubyte.gz',
      't10k-images-idx3-ubyte.gz',
      'train-images-idx3-ubyte.gz',
    ];
    expect(guessCompanions(names)).toEqual({ main: 3, labels: 1, testImages: 2, testLabels: 0 });
  });

  it('pairs features and labels arrays, and takes a lone file as it is', () => {
    expect(guessCompanions(['y.npy', 'x.npy'])).toEqual({ main: 1, labels: 0 });
    expect(guessCompanions(['features.npy', 'labels.npy'])).toEqual({ main: 0, labels: 1 });
    expect(guessCompanions(['data.csv'])).toEqual({ main: 0 });
  });
});
