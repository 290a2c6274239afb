import { describe, expect, it } from 'vitest';
import type { DomainSpec } from '../../../../src-shared/domain/experimentSpec';
import { classMembers, prepareRunData, splitDomain } from '../../../../src-main/engine/data/domain';
import type { Dataset } from '../../../../src-main/engine/data/load';
import type { ResolvedRunConfig } from '../../../../src-shared/domain/runs';

/** 600 training rows then 100 test rows (testFrom 600), labels cycling 0..4, 2 features. */
function dataset(withTestPart = true): Dataset {
  const n = 700;
  const y = Int32Array.from({ length: n }, (_, i) => i % 5);
  const x = Float32Array.from({ length: n * 2 }, (_, i) => Math.floor(i / 2));
  return {
    x,
    y,
    n,
    featureShape: [2],
    featureSize: 2,
    classes: [0, 1, 2, 3, 4],
    scale: 1,
    ...(withTestPart ? { testFrom: 600 } : {}),
  };
}

const domain = (extra: Partial<DomainSpec> = {}): DomainSpec => ({
  name: 'd',
  dataset: 'x',
  classes: [3, 1],
  splitSeed: 0,
  split: 'standard',
  ...extra,
});

describe("split 'standard'", () => {
  it('tests on exactly the test-part rows of the chosen classes; validation is 1/6 of the rest', () => {
    const data = dataset();
    const d = domain();
    const { classes, members } = classMembers(data, d);
    const split = splitDomain(data, d, members, classes);
    const expectedTest = classes.map((label) =>
      Array.from({ length: 100 }, (_, i) => 600 + i).filter((row) => row % 5 === label),
    );
    expect(split.test).toEqual(expectedTest);
    classes.forEach((label, c) => {
      const trainPart = Array.from({ length: 600 }, (_, i) => i).filter((r) => r % 5 === label);
      const train = split.train[c] ?? [];
      const val = split.val[c] ?? [];
      expect(val.length).toBe(Math.round(trainPart.length / 6));
      expect([...train, ...val].sort((a, b) => a - b)).toEqual(trainPart);
      expect(new Set([...train, ...val]).size).toBe(trainPart.length);
    });
  });

  it('reaches the run data: its test split is the test part, relabelled in the domain order', () => {
    const data = dataset();
    const config: ResolvedRunConfig = {
      kind: 'transfer',
      strategy: 'scratch',
      strategyParams: {},
      domain: domain(),
      budget: 'all',
      seed: 0,
      model: { type: 'mlp', hidden: [4], activation: 'relu' },
      training: { epochs: 1, learningRate: 0.001, batchSize: 8, optimizer: 'adam', backend: 'cpu' },
    };
    const run = prepareRunData(data, config);
    expect(run.test.n).toBe(40);
    // Feature 0 of a row is its index: every test row comes from the test part.
    for (let i = 0; i < run.test.n; i++) expect(run.test.x[2 * i]).toBeGreaterThanOrEqual(600);
    for (let i = 0; i < run.train.n; i++) expect(run.train.x[2 * i]).toBeLessThan(600);
    expect(run.train.n + run.val.n).toBe(240);
    expect([...run.test.y.subarray(0, 20)]).toEqual(new Array<number>(20).fill(0));
  });

  it('depends on the split seed for validation only', () => {
    const data = dataset();
    const a = domain();
    const b = domain({ splitSeed: 1 });
    const ma = classMembers(data, a);
    const sa = splitDomain(data, a, ma.members, ma.classes);
    const sb = splitDomain(data, b, ma.members, ma.classes);
    expect(sb.test).toEqual(sa.test);
    expect(sb.val).not.toEqual(sa.val);
  });

  it('subsamples only the training part with samplesPerClass', () => {
    const data = dataset();
    const d = domain({ samplesPerClass: 30 });
    const { classes, members } = classMembers(data, d);
    const split = splitDomain(data, d, members, classes);
    expect(split.train.map((r) => r.length)).toEqual([25, 25]);
    expect(split.val.map((r) => r.length)).toEqual([5, 5]);
    expect(split.test.map((r) => r.length)).toEqual([20, 20]);
  });

  it('is refused for a dataset without a test part', () => {
    const data = dataset(false);
    const d = domain();
    const { classes, members } = classMembers(data, d);
    expect(() => splitDomain(data, d, members, classes)).toThrow(/own test part/);
  });

  it("leaves split 'random' (the default) as it was", () => {
    const data = dataset();
    const d = domain({ split: undefined });
    const { classes, members } = classMembers(data, d);
    const split = splitDomain(data, d, members, classes);
    expect(split.test.map((r) => r.length)).toEqual([28, 28]);
  });
});
