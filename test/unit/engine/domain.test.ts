import { beforeAll, describe, expect, it } from 'vitest';
import {
  classMembers,
  prepareRunData,
  sampleBudget,
  stratifiedSplit,
} from '../../../src-main/engine/data/domain';
import { loadDataset, type Dataset } from '../../../src-main/engine/data/load';
import { digitsLocator, domain, runConfig } from './fixtures';

let digits: Dataset;
beforeAll(async () => {
  digits = await loadDataset(digitsLocator());
});

function counts(y: Int32Array, k: number): number[] {
  const c = new Array<number>(k).fill(0);
  for (const label of y) c[label] = (c[label] ?? 0) + 1;
  return c;
}

describe('domain view', () => {
  it('splits each class 60/20/20, disjoint and complete', () => {
    const { classes, members } = classMembers(digits, domain());
    const split = stratifiedSplit(members, classes, 0);
    members.forEach((rows, c) => {
      const train = split.train[c] ?? [];
      const val = split.val[c] ?? [];
      const test = split.test[c] ?? [];
      expect(val.length).toBe(Math.round(rows.length * 0.2));
      expect(test.length).toBe(Math.round(rows.length * 0.2));
      expect(train.length).toBe(rows.length - val.length - test.length);
      expect([...train, ...val, ...test].sort((a, b) => a - b)).toEqual(rows);
      for (const row of [...train, ...val, ...test]) expect(digits.y[row]).toBe(classes[c]);
    });
  });

  it('depends on the split seed only: every run seed shares the same validation and test sets', () => {
    const a = prepareRunData(digits, runConfig({ seed: 1, budget: 10 }));
    const b = prepareRunData(digits, runConfig({ seed: 2, budget: 10 }));
    expect(b.test.x).toEqual(a.test.x);
    expect(b.test.y).toEqual(a.test.y);
    expect(b.val.x).toEqual(a.val.x);
    expect(b.train.x).not.toEqual(a.train.x);
    expect(b.dataHash).not.toBe(a.dataHash);
    // With the whole training split the runs see identical data.
    const all1 = prepareRunData(digits, runConfig({ seed: 1 }));
    const all2 = prepareRunData(digits, runConfig({ seed: 2 }));
    expect(all2.dataHash).toBe(all1.dataHash);
    // Another split seed is another split.
    const other = prepareRunData(digits, runConfig({ domain: domain({ splitSeed: 1 }) }));
    expect(other.test.x).not.toEqual(all1.test.x);
    expect(other.dataHash).not.toBe(all1.dataHash);
  });

  it('splits a class the same way in every domain that contains it', () => {
    const all = classMembers(digits, domain());
    const sub = classMembers(digits, domain({ classes: [3, 1] }));
    const splitAll = stratifiedSplit(all.members, all.classes, 5);
    const splitSub = stratifiedSplit(sub.members, sub.classes, 5);
    expect(splitSub.test[0]).toEqual(splitAll.test[3]);
    expect(splitSub.train[1]).toEqual(splitAll.train[1]);
  });

  it('takes a class subset relabelled 0..k-1 in the given order', () => {
    const data = prepareRunData(digits, runConfig({ domain: domain({ classes: [7, 2, 9] }) }));
    expect(data.numClasses).toBe(3);
    expect(data.classes).toEqual([7, 2, 9]);
    const total = [data.train, data.val, data.test].reduce((s, p) => s + p.n, 0);
    const originals = [7, 2, 9].map((c) => digits.y.filter((y) => y === c).length);
    expect(total).toBe(originals.reduce((a, b) => a + b, 0));
    const all = [data.train, data.val, data.test].map((p) => counts(p.y, 3));
    expect(all.reduce((s, c) => s.map((v, i) => v + (c[i] ?? 0)))).toEqual(originals);
    expect(() =>
      prepareRunData(digits, runConfig({ domain: domain({ classes: [1, 11] }) })),
    ).toThrow('the dataset has no samples of class 11');
    expect(() =>
      prepareRunData(digits, runConfig({ domain: domain({ classes: [1, 1] }) })),
    ).toThrow('class 1 is listed twice');
  });

  it('keeps N training rows per class under a budget, drawn from the training split', () => {
    const full = prepareRunData(digits, runConfig());
    const data = prepareRunData(digits, runConfig({ budget: 5, seed: 3 }));
    expect(data.train.n).toBe(50);
    expect(counts(data.train.y, 10)).toEqual(new Array(10).fill(5));
    expect(data.trainPerClass).toEqual(new Array(10).fill(5));
    // Each budget row is a row of the full training split.
    const fullRows = new Set<string>();
    for (let i = 0; i < full.train.n; i++)
      fullRows.add(full.train.x.subarray(i * 64, (i + 1) * 64).join(','));
    for (let i = 0; i < data.train.n; i++) {
      expect(fullRows.has(data.train.x.subarray(i * 64, (i + 1) * 64).join(','))).toBe(true);
    }
    // A budget above a class's size takes all of it.
    const big = prepareRunData(digits, runConfig({ budget: 1000 }));
    expect(big.train.n).toBe(full.train.n);
    // Source runs use every label whatever the budget.
    const src = prepareRunData(
      digits,
      runConfig({ kind: 'source', strategy: 'source', budget: 5 }),
    );
    expect(src.train.n).toBe(full.train.n);
  });

  it('nests budgets for one seed: the rows of a smaller budget are among those of a larger one', () => {
    const { classes, members } = classMembers(digits, domain());
    const { train } = stratifiedSplit(members, classes, 0);
    const five = sampleBudget(train, classes, 5, 9);
    const ten = sampleBudget(train, classes, 10, 9);
    five.forEach((rows, c) => {
      expect(rows).toHaveLength(5);
      for (const row of rows) expect(ten[c]).toContain(row);
    });
    expect(sampleBudget(train, classes, 5, 10)).not.toEqual(five);
  });

  it('hashes the exact arrays: same inputs, same hash', () => {
    const a = prepareRunData(digits, runConfig({ budget: 5, seed: 3 }));
    const b = prepareRunData(digits, runConfig({ budget: 5, seed: 3 }));
    expect(b.dataHash).toBe(a.dataHash);
    expect(a.dataHash).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('validation held out of the label budget (issue 10)', () => {
  const budgetValidation = (seed: number, budget: number) =>
    runConfig({
      seed,
      budget,
      training: { validation: { from: 'budget', share: 0.2 } },
    });

  it('spends only the budget’s labels: a share of each class validates, the rest trains', () => {
    const split = prepareRunData(digits, runConfig({ seed: 3, budget: 10 }));
    const held = prepareRunData(digits, budgetValidation(3, 10));
    const k = held.numClasses;
    // 10 per class: 2 validate, 8 train; the test split is the domain's, as always.
    expect(counts(held.val.y, k)).toEqual(new Array<number>(k).fill(2));
    expect(counts(held.train.y, k)).toEqual(new Array<number>(k).fill(8));
    expect(held.trainPerClass).toEqual(new Array<number>(k).fill(8));
    expect(held.validationFrom).toBe('budget');
    expect(split.validationFrom).toBe('split');
    expect(held.test.x).toEqual(split.test.x);
    // Train and validation rows together are exactly the budget's rows.
    const rowsOf = (x: Float32Array, n: number): string[] =>
      Array.from({ length: n }, (_, i) => x.subarray(i * 64, (i + 1) * 64).join(','));
    const together = [...rowsOf(held.train.x, held.train.n), ...rowsOf(held.val.x, held.val.n)];
    expect(together.sort()).toEqual(rowsOf(split.train.x, split.train.n).sort());
    expect(held.dataHash).not.toBe(split.dataHash);
  });

  it('keeps one training row per class, and refuses a budget with nothing to hold out', () => {
    const two = prepareRunData(digits, budgetValidation(1, 2));
    expect(counts(two.val.y, two.numClasses)).toEqual(new Array<number>(two.numClasses).fill(1));
    expect(counts(two.train.y, two.numClasses)).toEqual(new Array<number>(two.numClasses).fill(1));
    expect(() => prepareRunData(digits, budgetValidation(1, 1))).toThrow(
      /leaves no labelled row to hold out for validation/,
    );
  });
});
