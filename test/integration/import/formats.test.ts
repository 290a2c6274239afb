import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openCore } from '../../../src-main/core/core';
import type { Core } from '../../../src-main/core/types';
import { call } from '../../../src-main/cli/session';
import { AppFailure } from '../../../src-shared/result';
import { loadDataset } from '../../../src-main/engine/data/load';
import { findDatasetById } from '../../../src-main/store/datasets';
import { openDb } from '../../../src-main/store/db';
import { npyBytes, writeImageFolder } from '../../helpers/datasetFiles';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();
const cores: Core[] = [];
afterEach(async () => {
  for (const core of cores.splice(0)) await core.close();
});

async function workspace(): Promise<{ core: Core; dir: string; files: string }> {
  const dir = tempDir();
  const core = await openCore({ workspaceDir: dir, transport: 'in-process', queue: 'none' });
  cores.push(core);
  return { core, dir, files: tempDir() };
}

/** Imported folders and leftovers under <workspace>/datasets. */
function stored(dir: string): string[] {
  const root = join(dir, 'datasets');
  return existsSync(root) ? readdirSync(root) : [];
}

const IRIS_LIKE = [
  'sepal length,sepal width,colour,species',
  '5.1,3.5,red,setosa',
  '4.9,,blue,setosa',
  '6.3,3.3,red,virginica',
  '5.8,2.7,green,versicolor',
  '7.1,3.0,,virginica',
  '',
  '5.0,3.6,red,setosa',
].join('\n');

describe('datasets.import: CSV', () => {
  it('detects the header and delimiter, one-hot encodes text, maps string labels, drops rows with missing cells', async () => {
    const { core, dir, files } = await workspace();
    const path = join(files, 'iris.csv');
    writeFileSync(path, IRIS_LIKE);
    const inspected = await call(core, 'datasets.inspect', { file: { kind: 'path', path } });
    expect(inspected.format).toBe('csv');
    expect(inspected.csv).toEqual({ delimiter: ',', header: true });
    expect(inspected.rows).toBe(6);
    expect(inspected.suggestedLabel).toBe(3);
    expect(inspected.columns?.map((c) => [c.name, c.kind, c.missing])).toEqual([
      ['sepal length', 'numeric', 0],
      ['sepal width', 'numeric', 1],
      ['colour', 'categorical', 1],
      ['species', 'categorical', 0],
    ]);

    const result = await call(core, 'datasets.import', {
      file: { kind: 'path', path },
      options: { format: 'csv', missing: 'drop-rows' },
    });
    expect(result.reused).toBe(false);
    expect(result.dataset.name).toBe('iris');
    expect(result.dataset.featureShape).toEqual([2 + 3]);
    expect(result.dataset.samples).toBe(4);
    expect(result.report).toMatchObject({ rowsRead: 6, rowsKept: 4, rowsDropped: 2 });
    expect(result.report.missingByColumn).toEqual({
      'sepal length': 0,
      'sepal width': 1,
      colour: 1,
    });
    expect(result.report.oneHot).toEqual([
      { column: 'colour', categories: ['blue', 'green', 'red'] },
    ]);
    expect(result.report.labelMap).toEqual([
      { original: 'setosa', label: 0 },
      { original: 'versicolor', label: 1 },
      { original: 'virginica', label: 2 },
    ]);
    expect(stored(dir)).toEqual([result.dataset.contentHash]);

    // The trainer's loader reads the stored arrays back, hash checked, standardised per domain.
    const db = openDb(join(dir, 'transferlab.sqlite'));
    const record = findDatasetById(db, result.dataset.id);
    db.close();
    if (!record) throw new Error('no record');
    const loaded = await loadDataset(record.locator);
    expect(Array.from(loaded.x.subarray(0, 5))).toEqual([5.1, 3.5, 0, 0, 1].map(Math.fround));
    expect(Array.from(loaded.y)).toEqual([0, 2, 1, 0]);
    expect(loaded.standardize).toBeDefined();

    const preview = await call(core, 'datasets.preview', { id: result.dataset.id });
    if (preview.kind !== 'tabular') throw new Error('expected a tabular preview');
    expect(preview.featureNames).toEqual([
      'sepal length',
      'sepal width',
      'colour=blue',
      'colour=green',
      'colour=red',
    ]);
    expect(preview.rows[0]?.map((v) => Number(v.toFixed(4)))).toEqual([5.1, 3.5, 0, 0, 1, 0]);
    expect(preview.classCounts).toEqual([
      { label: 0, count: 2 },
      { label: 1, count: 1 },
      { label: 2, count: 1 },
    ]);
    expect(preview.histograms[0]?.counts.reduce((a, b) => a + b, 0)).toBe(4);
    expect(preview.histograms[0]?.edges).toHaveLength(21);

    // A shift in the file's units shows in the preview as the trainer applies it.
    const shifted = await call(core, 'datasets.preview', {
      id: result.dataset.id,
      transform: { shift: [10, 0, 0, 0, 0], multiply: 2 },
    });
    if (shifted.kind !== 'tabular') throw new Error('expected a tabular preview');
    expect(shifted.rows[0]?.[0]).toBeCloseTo(5.1 * 2 + 10, 4);
    await expect(
      call(core, 'datasets.preview', { id: result.dataset.id, transform: { rotateDeg: 10 } }),
    ).rejects.toThrow(/does not fit/);
  });

  it('refuses a missing value by default, naming the line and column, and stores nothing', async () => {
    const { core, dir, files } = await workspace();
    const path = join(files, 'iris.csv');
    writeFileSync(path, IRIS_LIKE);
    const refused = call(core, 'datasets.import', {
      file: { kind: 'path', path },
      options: { format: 'csv' },
    });
    await expect(refused).rejects.toThrow(/line 3, column "sepal width": missing value/);
    await expect(refused).rejects.toBeInstanceOf(AppFailure);
    expect(stored(dir)).toEqual([]);
    expect((await call(core, 'datasets.list', {})).filter((d) => d.kind === 'imported')).toEqual(
      [],
    );
  });

  it('refuses a short row by its line, and stores nothing', async () => {
    const { core, dir, files } = await workspace();
    const path = join(files, 'short.csv');
    writeFileSync(path, 'a,b,label\n1,2,x\n3,4,y\n4,5\n6,7,x\n');
    await expect(
      call(core, 'datasets.import', { file: { kind: 'path', path }, options: { format: 'csv' } }),
    ).rejects.toThrow(/short\.csv: line 4 has 2 columns; expected 3$/);
    expect(stored(dir)).toEqual([]);
  });

  it('fills missing cells with the column mean, reads TSV without a header, keeps integer labels', async () => {
    const { core, files } = await workspace();
    const path = join(files, 'plain.tsv');
    writeFileSync(path, '1\t2\t0\n3\tNA\t1\n5\t6\t1\n');
    const result = await call(core, 'datasets.import', {
      file: { kind: 'path', path },
      options: { format: 'csv', missing: 'mean', labelColumn: 2 },
    });
    expect(result.dataset.classes).toEqual([0, 1]);
    expect(result.report.labelMap).toBeUndefined();
    const preview = await call(core, 'datasets.preview', { id: result.dataset.id });
    if (preview.kind !== 'tabular') throw new Error('expected a tabular preview');
    expect(preview.featureNames).toEqual(['column 1', 'column 2']);
    expect(preview.rows).toEqual([
      [1, 2, 0],
      [3, 4, 1],
      [5, 6, 1],
    ]);
  });

  it('re-importing the same content reuses the stored dataset, whatever the file name', async () => {
    const { core, dir, files } = await workspace();
    writeFileSync(join(files, 'a.csv'), 'x,y,label\n1,2,0\n3,4,1\n');
    writeFileSync(join(files, 'b.csv'), 'x;y;label\n1;2;0\n3;4;1\n');
    const first = await call(core, 'datasets.import', {
      file: { kind: 'path', path: join(files, 'a.csv') },
      options: { format: 'csv' },
    });
    const second = await call(core, 'datasets.import', {
      file: { kind: 'path', path: join(files, 'b.csv') },
      options: { format: 'csv' },
    });
    expect(second.reused).toBe(true);
    expect(second.dataset.id).toBe(first.dataset.id);
    expect(stored(dir)).toEqual([first.dataset.contentHash]);
  });

  it('refuses a name already taken when given, and picks a free one by default', async () => {
    const { core, files } = await workspace();
    writeFileSync(join(files, 'digits.csv'), 'x,label\n1,0\n2,1\n');
    const byDefault = await call(core, 'datasets.import', {
      file: { kind: 'path', path: join(files, 'digits.csv') },
      options: { format: 'csv' },
    });
    expect(byDefault.dataset.name).toBe('digits (2)');
    writeFileSync(join(files, 'other.csv'), 'x,label\n5,0\n6,1\n');
    await expect(
      call(core, 'datasets.import', {
        file: { kind: 'path', path: join(files, 'other.csv') },
        name: 'digits',
        options: { format: 'csv' },
      }),
    ).rejects.toThrow(/already exists/);
  });
});

describe('datasets.import: JSON, NPY, image folders', () => {
  it('imports JSON records and {x, y}', async () => {
    const { core, files } = await workspace();
    const records = join(files, 'records.json');
    writeFileSync(
      records,
      JSON.stringify([
        { a: 1, b: 2, label: 'cat' },
        { a: 3, b: 4, label: 'dog' },
      ]),
    );
    const r = await call(core, 'datasets.import', {
      file: { kind: 'path', path: records },
      options: { format: 'json' },
    });
    expect(r.dataset.featureShape).toEqual([2]);
    expect(r.report.labelMap?.map((m) => m.original)).toEqual(['cat', 'dog']);
    const xy = join(files, 'xy.json');
    writeFileSync(
      xy,
      JSON.stringify({
        x: [
          [
            [0, 1],
            [2, 3],
          ],
          [
            [4, 5],
            [6, 7],
          ],
          [
            [1, 1],
            [1, 1],
          ],
        ],
        y: [0, 1, 1],
      }),
    );
    const inspected = await call(core, 'datasets.inspect', { file: { kind: 'path', path: xy } });
    expect(inspected).toMatchObject({ format: 'json', rows: 3, featureShape: [2, 2] });
    const r2 = await call(core, 'datasets.import', {
      file: { kind: 'path', path: xy },
      options: { format: 'json' },
    });
    expect(r2.dataset.featureShape).toEqual([2, 2]);
    writeFileSync(
      xy,
      JSON.stringify({
        x: [
          [
            [0, 1],
            [2, 3],
          ],
          [[4, 5], [6]],
        ],
        y: [0, 1],
      }),
    );
    await expect(
      call(core, 'datasets.import', {
        file: { kind: 'path', path: xy },
        options: { format: 'json' },
      }),
    ).rejects.toThrow(/x\[1\]\[1\]: expected an array of 2/);
  });

  it('imports NPY features with NPY labels, and refuses a length mismatch', async () => {
    const { core, dir, files } = await workspace();
    const x = join(files, 'x.npy');
    const y = join(files, 'y.npy');
    writeFileSync(x, npyBytes('<f4', [4, 3], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]));
    writeFileSync(y, npyBytes('<i8', [4], [1, 0, 1, 0]));
    const inspected = await call(core, 'datasets.inspect', { file: { kind: 'path', path: x } });
    expect(inspected).toMatchObject({ format: 'npy', rows: 4, featureShape: [3] });
    const r = await call(core, 'datasets.import', {
      file: { kind: 'path', path: x },
      options: { format: 'npy', labels: { kind: 'path', path: y } },
    });
    expect(r.dataset).toMatchObject({ samples: 4, featureShape: [3], classes: [0, 1] });
    writeFileSync(y, npyBytes('<i8', [3], [1, 0, 1]));
    await expect(
      call(core, 'datasets.import', {
        file: { kind: 'path', path: x },
        name: 'other',
        options: { format: 'npy', labels: { kind: 'path', path: y } },
      }),
    ).rejects.toThrow(/has 4 rows but .* has 3 labels/);
    expect(stored(dir)).toEqual([r.dataset.contentHash]);
  });

  it('imports an image folder, resized, grey or RGB, and previews it per class', async () => {
    const { core, files } = await workspace();
    const root = join(files, 'shapes');
    writeImageFolder(root, { black: [0, 0, 0], white: [255, 255, 255], red: [255, 0, 0] }, 3);
    writeFileSync(join(root, 'red', 'notes.txt'), 'not an image');
    const inspected = await call(core, 'datasets.inspect', { file: { kind: 'path', path: root } });
    expect(inspected.format).toBe('image-folder');
    expect(inspected.classes).toEqual([
      { label: 'black', count: 3 },
      { label: 'red', count: 3 },
      { label: 'white', count: 3 },
    ]);
    const grey = await call(core, 'datasets.import', {
      file: { kind: 'path', path: root },
      options: { format: 'image-folder', width: 8, height: 6 },
    });
    expect(grey.dataset).toMatchObject({ samples: 9, featureShape: [6, 8], classes: [0, 1, 2] });
    expect(grey.report.warnings[0]).toMatch(/Skipped 1 file/);
    const preview = await call(core, 'datasets.preview', { id: grey.dataset.id, perClass: 2 });
    if (preview.kind !== 'image') throw new Error('expected an image preview');
    expect(preview.shape).toEqual([6, 8, 1]);
    const mean = (p: number[]): number => p.reduce((a, b) => a + b, 0) / p.length;
    const [black, red, white] = preview.samples.map((s) => mean(s.pixels[0] ?? []));
    expect(black).toBeCloseTo(0, 1);
    expect(red).toBeCloseTo(0.2989, 1);
    expect(white).toBeCloseTo(1, 1);
    const inverted = await call(core, 'datasets.preview', {
      id: grey.dataset.id,
      perClass: 1,
      transform: { invert: true },
    });
    if (inverted.kind !== 'image') throw new Error('expected an image preview');
    expect(mean(inverted.samples[0]?.pixels[0] ?? [])).toBeCloseTo(1, 1);

    const rgb = await call(core, 'datasets.import', {
      file: { kind: 'path', path: root },
      options: { format: 'image-folder', width: 4, height: 4, color: 'rgb' },
    });
    expect(rgb.dataset.featureShape).toEqual([4, 4, 3]);
  });

  it('refuses a corrupt image, naming the file, and stores nothing', async () => {
    const { core, dir, files } = await workspace();
    const root = join(files, 'bad');
    writeImageFolder(root, { a: [0, 0, 0], b: [9, 9, 9] }, 2);
    writeFileSync(
      join(root, 'b', 'broken.png'),
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]),
    );
    await expect(
      call(core, 'datasets.import', {
        file: { kind: 'path', path: root },
        options: { format: 'image-folder', width: 4, height: 4 },
      }),
    ).rejects.toThrow(/broken\.png: truncated PNG/);
    expect(stored(dir)).toEqual([]);
  });
});

describe('datasets.delete', () => {
  it('deletes an unused import with its files, refuses built-in datasets and datasets in use', async () => {
    const { core, dir, files } = await workspace();
    const path = join(files, 'small.csv');
    writeFileSync(
      path,
      ['a,b,label', ...Array.from({ length: 40 }, (_, i) => `${i},${i % 7},${i % 2}`)].join('\n'),
    );
    const imported = await call(core, 'datasets.import', {
      file: { kind: 'path', path },
      options: { format: 'csv' },
    });
    const builtin = (await call(core, 'datasets.list', {})).find((d) => d.kind === 'builtin');
    if (!builtin) throw new Error('no builtin dataset');
    await expect(call(core, 'datasets.delete', { id: builtin.id })).rejects.toThrow(/built in/);

    await call(core, 'experiments.create', {
      spec: {
        name: 'uses small',
        sources: [{ name: 'S', dataset: 'small' }],
        targets: [{ name: 'T', dataset: 'small', transform: { shift: 1 } }],
        strategies: [{ id: 'scratch' }],
        budgets: [5],
        seeds: [0],
        model: { type: 'mlp', hidden: [4] },
        training: { epochs: 1, backend: 'cpu' },
      },
    });
    await expect(call(core, 'datasets.delete', { id: imported.dataset.id })).rejects.toThrow(
      /used by/,
    );
    expect(stored(dir)).toEqual([imported.dataset.contentHash]);

    const { core: other, files: otherFiles } = await workspace();
    const p2 = join(otherFiles, 'small.csv');
    writeFileSync(p2, 'a,label\n1,0\n2,1\n');
    const lone = await call(other, 'datasets.import', {
      file: { kind: 'path', path: p2 },
      options: { format: 'csv' },
    });
    expect(await call(other, 'datasets.delete', { id: lone.dataset.id })).toEqual({
      deleted: true,
    });
    expect(stored(other.workspaceDir)).toEqual([]);
  });

  it('refuses a transform that does not fit the dataset when an experiment is created', async () => {
    const { core } = await workspace();
    await expect(
      call(core, 'experiments.create', {
        spec: {
          name: 'bad transform',
          sources: [{ name: 'S', dataset: 'digits' }],
          targets: [{ name: 'T', dataset: 'digits', transform: { shift: 1 } }],
          strategies: [{ id: 'scratch' }],
          budgets: [5],
          seeds: [0],
          model: { type: 'mlp', hidden: [4] },
          training: { epochs: 1, backend: 'cpu' },
        },
      }),
    ).rejects.toThrow(/transform does not fit/);
  });
});

describe('datasets.import from an upload', () => {
  it('reads <workspace>/uploads/<id> under the name given, and deletes the upload once imported', async () => {
    const { core, dir } = await workspace();
    const id = 'ab'.repeat(16);
    mkdirSync(join(dir, 'uploads'));
    writeFileSync(join(dir, 'uploads', id), 'f1,f2,label\n1,2,0\n3,4,1\n');
    const result = await call(core, 'datasets.import', {
      file: { kind: 'upload', id, name: 'from-browser.csv' },
      options: { format: 'csv' },
    });
    expect(result.dataset.name).toBe('from-browser');
    expect(result.dataset.provenance.source).toBe('from-browser.csv');
    expect(existsSync(join(dir, 'uploads', id))).toBe(false);
    await expect(
      call(core, 'datasets.inspect', { file: { kind: 'upload', id, name: 'x.csv' } }),
    ).rejects.toThrow(/No upload .* expired/);
  });
});
