import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ExperimentSummary } from '../../src-shared/domain/experiments';
import type { Api } from '../../src-shared/rpc/api';
import type { Result } from '../../src-shared/result';
import { EXPERIMENTS_LIST_STORAGE_KEY, ExperimentsList } from './experimentsList.svelte';
import { RunsStore } from './runs.svelte';

/**
 * The Experiments list's state: sort and archive toggle remembered in storage, archive and delete
 * applied to the shared RunsStore from the server's answers.
 */

const ok = <T>(value: T): Promise<Result<T>> => Promise.resolve({ ok: true, value });

function experiment(id: number, name: string, archivedAt: string | null = null): ExperimentSummary {
  return {
    id,
    name,
    createdAt: `2026-01-0${id}T10:00:00.000Z`,
    runCounts: { completed: id },
    totalRuns: id,
    archivedAt,
  };
}

/** Storage over a Map, as localStorage behaves for strings. */
class MapStorage implements Storage {
  readonly #map = new Map<string, string>();
  get length(): number {
    return this.#map.size;
  }
  clear(): void {
    this.#map.clear();
  }
  getItem(key: string): string | null {
    return this.#map.get(key) ?? null;
  }
  key(index: number): string | null {
    return [...this.#map.keys()][index] ?? null;
  }
  removeItem(key: string): void {
    this.#map.delete(key);
  }
  setItem(key: string, value: string): void {
    this.#map.set(key, value);
  }
}

async function setup(storage: Storage | null = new MapStorage()) {
  const calls: string[] = [];
  /** What the server holds; a test may change it behind the client's back. */
  const server = [experiment(1, 'beta'), experiment(2, 'alpha'), experiment(3, 'gamma', 'then')];
  const partial: Partial<Api> = {
    'experiments.list': () => ok(server.map((e) => ({ ...e }))),
    'experiments.update': ({ id, archived }) => {
      calls.push(`update ${id} ${archived}`);
      return ok({ ...experiment(id, 'x'), archivedAt: archived ? '2026-02-01T00:00:00Z' : null });
    },
    'experiments.delete': ({ id }) => {
      calls.push(`delete ${id}`);
      if (id === 2) {
        return Promise.resolve({
          ok: false,
          error: { code: 'conflict', message: 'Runs #9 is queued: cancel them first.' },
        });
      }
      return ok({ experimentId: id, deletedRuns: [10, 11], artifactsRemoved: 0 });
    },
    onEvent: () => () => undefined,
  };
  const api = partial as Api;
  const runs = new RunsStore(api);
  await runs.loadExperiments();
  return { runs, list: new ExperimentsList(api, runs, storage), calls, storage, server };
}

describe('ExperimentsList', () => {
  it('lists unarchived experiments newest first, sorts on demand and remembers it', async () => {
    const { list, storage } = await setup();
    expect(list.rows.map((e) => e.id)).toEqual([2, 1]);
    expect(list.archivedCount).toBe(1);

    list.sortBy('name');
    expect(list.rows.map((e) => e.name)).toEqual(['alpha', 'beta']);
    list.setShowArchived(true);
    expect(list.rows.map((e) => e.name)).toEqual(['alpha', 'beta', 'gamma']);
    list.sortBy('name');
    expect(list.rows.map((e) => e.name)).toEqual(['gamma', 'beta', 'alpha']);

    // A new view (the next launch) starts where this one left off.
    const again = await setup(storage);
    expect(again.list.sort).toEqual({ by: 'name', dir: 'desc' });
    expect(again.list.showArchived).toBe(true);
  });

  it('starts from the defaults when storage holds something else or is missing', async () => {
    const storage = new MapStorage();
    storage.setItem(EXPERIMENTS_LIST_STORAGE_KEY, '{"sort":{"by":"colour","dir":"up"}}');
    expect((await setup(storage)).list.sort).toEqual({ by: 'created', dir: 'desc' });
    storage.setItem(EXPERIMENTS_LIST_STORAGE_KEY, 'not json');
    expect((await setup(storage)).list.showArchived).toBe(false);
    const none = await setup(null);
    none.list.sortBy('runs');
    expect(none.list.rows.map((e) => e.id)).toEqual([2, 1]);
  });

  it('archives from the answer: the row leaves the list at once and comes back', async () => {
    const { list, runs, calls } = await setup();
    expect(await list.setArchived(1, true)).toBeNull();
    expect(runs.experiments[1]?.archivedAt).toBe('2026-02-01T00:00:00Z');
    expect(list.rows.map((e) => e.id)).toEqual([2]);
    expect(await list.setArchived(1, false)).toBeNull();
    expect(list.rows.map((e) => e.id)).toEqual([2, 1]);
    expect(calls).toEqual(['update 1 true', 'update 1 false']);
  });

  it('deletes: the experiment and its runs leave the caches; a refusal keeps everything', async () => {
    const { list, runs } = await setup();
    const refused = await list.delete(2);
    expect(refused?.code).toBe('conflict');
    expect(runs.experiments[2]).toBeDefined();

    expect(await list.delete(1)).toBeNull();
    expect(runs.experiments[1]).toBeUndefined();
    expect(list.rows.map((e) => e.id)).toEqual([2]);
  });

  it('follows archiving and deleting done elsewhere, from the core event', async () => {
    vi.useFakeTimers();
    const { list, runs, server } = await setup();
    server[0] = { ...experiment(1, 'beta'), archivedAt: '2026-03-01T00:00:00Z' };
    runs.apply({ type: 'experiment.changed', experimentId: 1, change: 'archived' });
    await vi.advanceTimersByTimeAsync(1000);
    expect(list.rows.map((e) => e.id)).toEqual([2]);

    server.splice(1, 1);
    runs.apply({ type: 'experiment.changed', experimentId: 2, change: 'deleted', deletedRuns: [] });
    await vi.advanceTimersByTimeAsync(1000);
    expect(runs.experiments[2]).toBeUndefined();
    expect(list.rows).toEqual([]);
  });
});

afterEach(() => {
  vi.useRealTimers();
});
