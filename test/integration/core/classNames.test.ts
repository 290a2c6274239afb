import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { call } from '../../../src-main/cli/session';
import { openCore } from '../../../src-main/core/core';
import { FASHION_MNIST_DIR } from '../../../src-main/core/builtinDatasets';
import { openDb } from '../../../src-main/store/db';
import { claimNextRun, finishRun, markStarted } from '../../../src-main/store/runs';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();

/**
 * An iris-like CSV whose labels are names, with classes of different sizes (30, 45, 60 rows) so
 * that a confusion matrix's row totals tell which class a row really is: a row named
 * "virginica" that holds setosa's test rows would show setosa's total.
 */
function irisLike(dir: string): string {
  const lines = ['sepal,petal,species'];
  const classes = [
    { name: 'setosa', rows: 30, centre: 0 },
    { name: 'versicolor', rows: 45, centre: 5 },
    { name: 'virginica', rows: 60, centre: 10 },
  ];
  for (const c of classes) {
    for (let i = 0; i < c.rows; i++) {
      // Deterministic spread around the centre: well separated, so training is quick.
      const jitter = ((i * 7) % 11) / 11 - 0.5;
      lines.push(`${c.centre + jitter},${c.centre - jitter},${c.name}`);
    }
  }
  const path = join(dir, 'iris-like.csv');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

describe('class names from the dataset to every view (issue 14)', () => {
  it("names an imported CSV's classes in the dataset list, the confusion matrix and a report", async () => {
    const dir = tempDir();
    const core = await openCore({ workspaceDir: dir, transport: 'in-process', queue: 'own' });
    try {
      const imported = await call(core, 'datasets.import', {
        file: { kind: 'path', path: irisLike(tempDir()) },
        name: 'iris-like',
        options: { format: 'csv' },
      });
      expect(imported.report.labelMap?.map((m) => m.original)).toEqual([
        'setosa',
        'versicolor',
        'virginica',
      ]);
      const listed = (await call(core, 'datasets.list', {})).find((d) => d.name === 'iris-like');
      expect(listed?.classes).toEqual([0, 1, 2]);
      expect(listed?.classNames).toEqual(['setosa', 'versicolor', 'virginica']);

      // The target keeps virginica then setosa: its label 0 is virginica.
      const { experimentId } = await call(core, 'experiments.create', {
        spec: {
          name: 'iris names',
          sources: [{ name: 'iris all', dataset: 'iris-like' }],
          targets: [{ name: 'virginica + setosa', dataset: 'iris-like', classes: [2, 0] }],
          strategies: [{ id: 'scratch' }],
          budgets: [10],
          seeds: [0],
          model: { type: 'mlp', hidden: [8] },
          training: { epochs: 3, learningRate: 0.05, batchSize: 16, backend: 'wasm' },
        },
      });
      await core.waitForExperiment(experimentId);
      const runs = await call(core, 'runs.list', { experimentId });
      const target = runs.find((r) => r.kind === 'transfer');
      expect(target?.status).toBe('completed');
      const confusion = await call(core, 'runs.confusion', { id: target?.id ?? 0 });
      expect(confusion?.labels).toEqual(['virginica', 'setosa']);
      // 20 % of each class is its test split: 12 virginica rows, 6 setosa rows.
      const totals = confusion?.matrix.map((row) => row.reduce((a, b) => a + b, 0));
      expect(totals).toEqual([12, 6]);

      const report = await call(core, 'reports.create', {
        compare: { selection: { experimentIds: [experimentId] } },
        format: 'md',
      });
      expect(report.content).toContain('## Confusion matrices');
      expect(report.content).toContain('| true \\\\ predicted | virginica | setosa |');
      expect(report.content).toMatch(/\| virginica \| \d+ \| \d+ \|/);
      const html = await call(core, 'reports.create', {
        compare: { selection: { experimentIds: [experimentId] } },
        format: 'html',
      });
      expect(html.content).toContain('<th scope="col">virginica</th>');
    } finally {
      await core.close();
    }
  });
});

const ENVIRONMENT = {
  backend: 'cpu',
  versions: {},
  platform: 'linux',
  arch: 'x64',
  cpus: 1,
  node: process.version,
};
const fashionInstalled = existsSync(join(FASHION_MNIST_DIR, 'train-images-idx3-ubyte.gz'));

describe.skipIf(!fashionInstalled)('Fashion-MNIST class names', () => {
  it("names a 5–9 domain's class 0 Sandal in the dataset, the confusion matrix and a report", async () => {
    const dir = tempDir();
    const core = await openCore({ workspaceDir: dir, transport: 'in-process', queue: 'none' });
    const db = openDb(join(dir, 'transferlab.sqlite'));
    try {
      const fashion = (await call(core, 'datasets.list', {})).find(
        (d) => d.name === 'fashion-mnist',
      );
      expect(fashion?.classNames).toEqual([
        'T-shirt/top',
        'Trouser',
        'Pullover',
        'Dress',
        'Coat',
        'Sandal',
        'Shirt',
        'Sneaker',
        'Bag',
        'Ankle boot',
      ]);
      const { experimentId } = await call(core, 'experiments.create', {
        spec: {
          name: 'fashion 5-9',
          sources: [{ name: 'fashion 0–4', dataset: 'fashion-mnist', classes: [0, 1, 2, 3, 4] }],
          targets: [{ name: 'fashion 5–9', dataset: 'fashion-mnist', classes: [5, 6, 7, 8, 9] }],
          strategies: [{ id: 'fine-tune' }],
          budgets: [10],
          seeds: [0, 1],
          model: { type: 'mlp', hidden: [8] },
          training: { epochs: 1, learningRate: 0.01, batchSize: 16, backend: 'cpu' },
        },
      });
      // Recorded as the queue records a run (no training: the names are what is tested).
      const diagonal = [0, 1, 2, 3, 4].map((i) => [0, 1, 2, 3, 4].map((j) => (i === j ? 9 : 1)));
      for (let claim = claimNextRun(db, 'test', { limit: 1 }); claim;) {
        markStarted(db, claim.id, ENVIRONMENT, `data-${claim.id}`);
        finishRun(db, claim.id, 'completed', {
          finalMetrics: { test_acc: 0.69 },
          confusion: diagonal,
        });
        claim = claimNextRun(db, 'test', { limit: 1 });
      }
      const runs = await call(core, 'runs.list', { experimentId });
      const target = runs.find((r) => r.kind === 'transfer');
      const confusion = await call(core, 'runs.confusion', { id: target?.id ?? 0 });
      expect(confusion?.labels).toEqual(['Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']);
      const source = runs.find((r) => r.kind === 'source');
      const sourceConfusion = await call(core, 'runs.confusion', { id: source?.id ?? 0 });
      expect(sourceConfusion?.labels[0]).toBe('T-shirt/top');

      const report = await call(core, 'reports.create', {
        compare: { selection: { experimentIds: [experimentId] } },
        format: 'md',
      });
      expect(report.content).toContain(
        '| true \\\\ predicted | Sandal | Shirt | Sneaker | Bag | Ankle boot |',
      );
      // Both seeds' matrices, summed, under the row's own heading.
      expect(report.content).toContain('### fine-tune · fashion 0–4 → fashion 5–9 · 10 labels');
      expect(report.content).toContain('summed over 2 runs (seeds 0, 1)');
      expect(report.content).toContain('| Sandal | 18 | 2 | 2 | 2 | 2 |');
    } finally {
      db.close();
      await core.close();
    }
  });
});
