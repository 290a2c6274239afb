import { describe, expect, it } from 'vitest';
import type { DatasetSummary } from '../../src-shared/domain/datasets';
import type { Api } from '../../src-shared/rpc/api';
import type { AppInfo } from '../../src-shared/rpc/contract';
import type { Result } from '../../src-shared/result';
import { Catalog } from './catalog.svelte';

/**
 * What rarely changes (app info, strategies, examples, datasets): each list is fetched on first
 * need and again on demand, each by its own method, so one failing leaves the others alone.
 */

const info: AppInfo = {
  name: 'Transferlab',
  version: '1.0.0',
  workspace: '/tmp/workspace',
  transport: 'in-process',
  concurrency: 2,
};

function dataset(id: number, name: string): DatasetSummary {
  return {
    id,
    name,
    kind: 'builtin',
    contentHash: 'f'.repeat(64),
    samples: 100,
    featureShape: [4],
    classes: [0, 1],
    provenance: {},
    createdAt: '2026-12-06T10:00:00.000Z',
  };
}

/** An Api for the catalog's four methods, counting calls; datasets answer from `datasets`. */
function fakeApi(datasets: Result<DatasetSummary[]>[]): { api: Api; calls: string[] } {
  const calls: string[] = [];
  const methods: Partial<Api> = {
    'app.info': () => {
      calls.push('app.info');
      return Promise.resolve({ ok: true, value: info });
    },
    'strategies.list': () => {
      calls.push('strategies.list');
      return Promise.resolve({ ok: true, value: [] });
    },
    'examples.list': () => {
      calls.push('examples.list');
      return Promise.resolve({ ok: false, error: { code: 'internal', message: 'no examples' } });
    },
    'datasets.list': () => {
      calls.push('datasets.list');
      const next = datasets.shift();
      return next ? Promise.resolve(next) : Promise.reject(new Error('asked once too often'));
    },
  };
  return { api: methods as Api, calls };
}

/** Lets the answers already given arrive. */
function settled(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

describe('Catalog', () => {
  it('asks nothing until a list is needed, then each list of its own method, once', async () => {
    const { api, calls } = fakeApi([{ ok: true, value: [dataset(1, 'digits')] }]);
    const catalog = new Catalog(api);
    expect(calls).toEqual([]);
    catalog.info.ensure();
    catalog.datasets.ensure();
    catalog.info.ensure();
    await settled();
    // Loaded: needing them again asks nothing more.
    catalog.info.ensure();
    catalog.datasets.ensure();
    await settled();
    expect(calls).toEqual(['app.info', 'datasets.list']);
    expect(catalog.info.value).toEqual(info);
    expect(catalog.datasets.value?.map((d) => d.name)).toEqual(['digits']);
    expect(catalog.strategies.value).toBeUndefined();
    expect(catalog.examples.value).toBeUndefined();
  });

  it('keeps each list’s error to itself, and fetches a list again on demand', async () => {
    const { api, calls } = fakeApi([
      { ok: true, value: [dataset(1, 'digits')] },
      { ok: true, value: [dataset(1, 'digits'), dataset(2, 'iris')] },
    ]);
    const catalog = new Catalog(api);
    await Promise.all([
      catalog.strategies.load(),
      catalog.examples.load(),
      catalog.datasets.load(),
    ]);
    expect(catalog.examples.error).toEqual({ code: 'internal', message: 'no examples' });
    expect(catalog.examples.value).toBeUndefined();
    expect(catalog.strategies.error).toBeNull();
    expect(catalog.strategies.value).toEqual([]);
    expect(catalog.datasets.error).toBeNull();

    // A dataset was imported: the list is fetched again, the others are not.
    calls.length = 0;
    await catalog.datasets.load();
    expect(calls).toEqual(['datasets.list']);
    expect(catalog.datasets.value?.map((d) => d.name)).toEqual(['digits', 'iris']);
  });
});
