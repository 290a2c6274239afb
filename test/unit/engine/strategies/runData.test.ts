import { describe, expect, it } from 'vitest';
import { loadRunData } from '../../../../src-main/engine/data/index';
import { prepareRunData } from '../../../../src-main/engine/data/domain';
import { loadDataset } from '../../../../src-main/engine/data/load';
import { domain, trainJob } from '../fixtures';
import { DIGITS, digitsConfig, SYNTHETIC, syntheticConfig } from './helpers';

/** Each row of a split as a hex string of its features. */
function rowKeys(x: Float32Array, n: number): string[] {
  const f = x.length / Math.max(n, 1);
  return Array.from({ length: n }, (_, i) =>
    Buffer.from(x.buffer, x.byteOffset + i * f * 4, f * 4).toString('hex'),
  );
}

describe('what a strategy trains on besides its labels', () => {
  it("adds the target's unlabelled pool: the training rows the budget left out, and no others", async () => {
    const data = await loadRunData(trainJob(digitsConfig('distillation')));
    const all = await loadRunData(trainJob(digitsConfig('scratch', {}, { budget: 'all' })));
    const pool = data.unlabelled;
    if (!pool) throw new Error('no unlabelled pool');
    expect(data.train.n).toBe(30);
    expect(pool.n).toBe(all.train.n - 30);
    // Labelled ∪ unlabelled = the whole training split, row for row.
    expect([...rowKeys(data.train.x, data.train.n), ...rowKeys(pool.x, pool.n)].sort()).toEqual(
      rowKeys(all.train.x, all.train.n).sort(),
    );
    const heldOut = new Set([
      ...rowKeys(data.val.x, data.val.n),
      ...rowKeys(data.test.x, data.test.n),
    ]);
    // (The digits file holds no duplicate image, so rows are told apart by their features.)
    expect(rowKeys(pool.x, pool.n).filter((k) => heldOut.has(k))).toEqual([]);
    // Without the parameter, no pool (and the hash of a scratch run's arrays).
    const off = await loadRunData(trainJob(digitsConfig('distillation', { unlabelled: false })));
    expect(off.unlabelled).toBeUndefined();
    const scratch = await loadRunData(trainJob(digitsConfig('scratch')));
    expect(off.dataHash).toBe(scratch.dataHash);
    expect(data.dataHash).not.toBe(scratch.dataHash);
  });

  it("adds the source domain's whole training split, with every label, for multi-task", async () => {
    const data = await loadRunData(
      trainJob(digitsConfig('multi-task'), { sourceData: DIGITS.data }),
    );
    const source = data.source;
    if (!source) throw new Error('no source data');
    const asSource = await loadRunData(
      trainJob(
        digitsConfig('scratch', {}, { kind: 'source', strategy: 'source', domain: DIGITS.source }),
      ),
    );
    expect(source.classes).toEqual([0, 1, 2, 3, 4]);
    expect(source.numClasses).toBe(5);
    expect(source.excludedRows).toBe(0);
    // Exactly the rows (and labels) a source run of that domain trains on.
    expect(source.train.x).toEqual(asSource.train.x);
    expect(source.train.y).toEqual(asSource.train.y);
    expect(data.unlabelled).toBeUndefined();
    expect(data.dataHash).not.toBe((await loadRunData(trainJob(digitsConfig('scratch')))).dataHash);
  });

  it("never trains on the target's validation or test rows through the source", async () => {
    const dataset = await loadDataset(DIGITS.data);
    // The same classes with another split seed: the source's training split overlaps the
    // target's held-out rows, which are left out of it.
    const sourceDomain = domain({ name: 'digits 5-7, split 1', classes: [5, 6, 7], splitSeed: 1 });
    const data = prepareRunData(dataset, digitsConfig('multi-task', {}, { sourceDomain }), {
      source: { dataset, domain: sourceDomain, sameDataset: true },
    });
    const source = data.source;
    if (!source) throw new Error('no source data');
    expect(source.excludedRows).toBeGreaterThan(50);
    const heldOut = new Set([
      ...rowKeys(data.val.x, data.val.n),
      ...rowKeys(data.test.x, data.test.n),
    ]);
    expect(rowKeys(source.train.x, source.train.n).filter((k) => heldOut.has(k))).toEqual([]);
  });

  it('loads the source from its own locator when the datasets differ', async () => {
    const data = await loadRunData(
      trainJob(syntheticConfig('multi-task'), {
        data: SYNTHETIC.data,
        sourceData: SYNTHETIC.sourceData,
      }),
    );
    expect(data.source?.train.n).toBe(360);
    expect(data.source?.classes).toEqual([0, 1]);
    await expect(
      loadRunData(trainJob(syntheticConfig('multi-task'), { data: SYNTHETIC.data })),
    ).rejects.toThrow("Strategy multi-task needs the source domain's data");
  });
});
