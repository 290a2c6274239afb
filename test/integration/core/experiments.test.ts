import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCore } from '../../../src-main/core/core';
import { resourcesDir } from '../../../src-main/core/paths';
import type { Core } from '../../../src-main/core/types';
import { dispatch } from '../../../src-main/transports/dispatch';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();

function example(name: string): unknown {
  return JSON.parse(readFileSync(join(resourcesDir(), 'examples', `${name}.json`), 'utf8'));
}

async function readOnlyCore(): Promise<Core> {
  return openCore({ workspaceDir: tempDir(), transport: 'in-process', queue: 'none' });
}

describe('experiments service', () => {
  it('expands the built-in example into one source run per seed and one run per strategy × seed', async () => {
    const core = await readOnlyCore();
    const { experimentId, runIds } = await core.handlers['experiments.create']({
      spec: example('digits-0-4-to-5-9'),
    });
    const detail = await core.handlers['experiments.get']({ id: experimentId });
    expect(runIds).toHaveLength(9);
    const sources = detail.runs.filter((r) => r.kind === 'source');
    const transfers = detail.runs.filter((r) => r.kind === 'transfer');
    expect(sources.map((r) => r.seed)).toEqual([0, 1, 2]);
    expect(transfers.map((r) => `${r.strategy}/${r.seed}`).sort()).toEqual(
      ['fine-tune/0', 'fine-tune/1', 'fine-tune/2', 'scratch/0', 'scratch/1', 'scratch/2'].sort(),
    );
    // Each fine-tune run starts from the source run of its own seed; scratch needs none.
    for (const run of transfers) {
      if (run.strategy === 'scratch') expect(run.dependsOn).toBeNull();
      else expect(sources.find((s) => s.id === run.dependsOn)?.seed).toBe(run.seed);
    }
    expect(detail.runs.every((r) => r.status === 'queued')).toBe(true);
    const run = await core.handlers['runs.get']({ id: transfers[0]?.id ?? 0 });
    expect(run.config.budget).toBe(10);
    expect(run.config.domain.classes).toEqual([5, 6, 7, 8, 9]);
    expect(run.config.training.epochs).toBe(30);
    await core.close();
  });

  it('reuses a source run with the same resolved config instead of training it again', async () => {
    const dir = tempDir();
    const core = await openCore({ workspaceDir: dir, transport: 'in-process', queue: 'none' });
    const first = await core.handlers['experiments.create']({ spec: example('digits-0-4-to-5-9') });
    const second = await core.handlers['experiments.create']({
      spec: example('digits-0-4-to-5-9'),
    });
    expect(first.runIds).toHaveLength(9);
    expect(second.runIds).toHaveLength(6);
    const runs = await core.handlers['runs.list']({ experimentId: second.experimentId });
    const firstSources = (
      await core.handlers['runs.list']({ experimentId: first.experimentId })
    ).filter((r) => r.kind === 'source');
    for (const r of runs.filter((x) => x.strategy === 'fine-tune')) {
      expect(firstSources.map((s) => s.id)).toContain(r.dependsOn);
    }
    await core.close();
  });

  it('rejects an invalid spec with every problem listed and writes nothing', async () => {
    const core = await readOnlyCore();
    const bad = {
      name: '',
      sources: [{ name: 's', dataset: 'digits', classes: [0, 42] }],
      targets: [],
      strategies: [{ id: 'magic' }],
    };
    const result = await dispatch(core.handlers, 'experiments.create', { spec: bad });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('invalid_input');
    const paths = result.error.issues?.map((i) => i.path);
    expect(paths).toContain('name');
    expect(paths).toContain('targets');
    expect(paths).toContain('strategies.0.id');
    expect(await core.handlers['experiments.list']({})).toEqual([]);
    await core.close();
  });

  it('rejects semantic problems (unknown class, unknown dataset, bad strategy parameter) in one error', async () => {
    const core = await readOnlyCore();
    const spec = {
      name: 'bad',
      sources: [{ name: 's', dataset: 'digits', classes: [0, 42] }],
      targets: [{ name: 't', dataset: 'digits', classes: [5, 6] }],
      strategies: [{ id: 'fine-tune', params: { freezeLayers: 5 } }],
    };
    const result = await dispatch(core.handlers, 'experiments.create', { spec });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const issues = result.error.issues ?? [];
    expect(issues).toContainEqual({
      path: 'sources.0.classes',
      message: '42 is not a class of digits',
    });
    expect(issues).toContainEqual({
      path: 'strategies.0.params.freezeLayers',
      message: expect.stringContaining('freezeLayers 5 exceeds') as unknown,
    });
    // An unknown parameter is the schema's to refuse, typed per strategy (issue 10), by its path.
    const bogus = await dispatch(core.handlers, 'experiments.create', {
      spec: { ...spec, strategies: [{ id: 'fine-tune', params: { bogus: 1 } }] },
    });
    expect(bogus.ok ? [] : bogus.error.issues).toContainEqual({
      path: 'strategies.0.params',
      message: expect.stringMatching(/Unrecognized key: "bogus"/) as unknown,
    });
    const missing = await dispatch(core.handlers, 'experiments.create', {
      spec: { ...spec, sources: [{ name: 's', dataset: 'nope' }], strategies: [{ id: 'scratch' }] },
    });
    expect(missing.ok ? '' : missing.error.message).toMatch(/No dataset named "nope"/);
    expect(await core.handlers['experiments.list']({})).toEqual([]);
    await core.close();
  });

  it('lists the built-in datasets and every example spec', async () => {
    const core = await readOnlyCore();
    const datasets = await core.handlers['datasets.list']({});
    // Fashion-MNIST is registered when Debian's dataset-fashion-mnist is installed.
    const fashion = existsSync('/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz');
    expect(datasets.map((d) => [d.name, d.samples, d.classes.length])).toEqual([
      ['digits', 1797, 10],
      ...(fashion ? [['fashion-mnist', 70_000, 10]] : []),
    ]);
    const examples = await core.handlers['examples.list']({});
    expect(examples.map((e) => e.id)).toEqual([
      'digits-0-4-to-5-9',
      'fashion-0-4-to-5-9',
      'fashion-clean-to-noisy',
      'fashion-cnn-0-4-to-5-9',
      'fashion-fine-tune-sweep',
      'fashion-rotated-45',
      'pretrained-cnn-rotated',
      'related-synthetic-tasks',
    ]);
    const synthetic = examples.find((e) => e.id === 'related-synthetic-tasks')?.spec;
    expect(synthetic?.model).toMatchObject({ type: 'mlp', hidden: [10] });
    await core.close();
  });

  it('answers unknown methods and malformed input through dispatch with clear errors', async () => {
    const core = await readOnlyCore();
    const unknown = await dispatch(core.handlers, 'runs.delete_everything', {});
    expect(unknown).toEqual({
      ok: false,
      error: { code: 'unknown_method', message: 'Unknown method "runs.delete_everything"' },
    });
    const bad = await dispatch(core.handlers, 'runs.get', { id: 'seven' });
    expect(bad.ok).toBe(false);
    const missing = await dispatch(core.handlers, 'runs.get', { id: 7 });
    expect(missing).toEqual({ ok: false, error: { code: 'not_found', message: 'No run #7.' } });
    await core.close();
  });
});
