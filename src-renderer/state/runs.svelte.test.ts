import { flushSync } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunDetail, RunSummary } from '../../src-shared/domain/runs';
import type { ExperimentSummary } from '../../src-shared/domain/experiments';
import type { RunClusterTask } from '../../src-shared/domain/cluster';
import { ExperimentSpecSchema } from '../../src-shared/domain/experimentSpec';
import type { Api } from '../../src-shared/rpc/api';
import type { RpcInput } from '../../src-shared/rpc/contract';
import { tinySpec } from '../../test/helpers/tinySpec';
import type { Result } from '../../src-shared/result';
import { RunMetrics, RunsStore } from './runs.svelte';

/**
 * The runs store merges three streams that race: list and detail fetches, and core events
 * (status, epochs, log lines) that may arrive before, during or after a fetch, from this process
 * or another one (issue 11's watcher). These specs pin the merge rules down.
 */

function summary(overrides: Partial<RunSummary> = {}): RunSummary {
  return {
    id: 1,
    experimentId: 1,
    experimentName: 'e',
    kind: 'transfer',
    strategy: 'scratch',
    variant: 'scratch',
    sourceName: null,
    targetName: 'digits',
    budget: 10,
    seed: 0,
    status: 'running',
    backend: 'wasm',
    device: null,
    createdAt: '2026-12-06T10:00:00.000Z',
    startedAt: '2026-12-06T10:00:01.000Z',
    finishedAt: null,
    epochsDone: 0,
    epochs: 5,
    finalMetrics: null,
    error: null,
    dependsOn: null,
    inputAdapter: null,
    ...overrides,
  };
}

function detail(run: RunSummary, metrics: RunDetail['metrics'] = []): RunDetail {
  return {
    ...run,
    config: {} as RunDetail['config'],
    environment: null,
    dataHash: null,
    sourceModelHash: null,
    importedSource: null,
    keptModel: false,
    attempts: 1,
    heartbeatAt: null,
    metrics,
    transferability: null,
    log: [],
    splitSizes: null,
    rerunOf: null,
    reruns: [],
    reproduction: null,
  };
}

const ok = <T>(value: T): Promise<Result<T>> => Promise.resolve({ ok: true, value });

/** An Api whose lists and details answer from `runs`, counting the calls the store makes. */
function fakeApi(runs: Map<number, RunDetail>): { api: Api; calls: string[] } {
  const calls: string[] = [];
  const experiment: ExperimentSummary = {
    id: 1,
    name: 'e',
    createdAt: '2026-12-06T10:00:00.000Z',
    runCounts: { running: 1 },
    totalRuns: 1,
    archivedAt: null,
  };
  const partial: Partial<Api> = {
    'runs.list': () => {
      calls.push('runs.list');
      return ok([...runs.values()].map(({ id }) => summary({ ...runs.get(id) })));
    },
    'runs.get': ({ id }) => {
      calls.push(`runs.get ${id}`);
      const run = runs.get(id);
      return run
        ? ok(run)
        : Promise.resolve({ ok: false, error: { code: 'not_found', message: `No run #${id}.` } });
    },
    'experiments.list': () => {
      calls.push('experiments.list');
      return ok([experiment]);
    },
    onEvent: () => () => undefined,
  };
  return { api: partial as Api, calls };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.stubGlobal('requestAnimationFrame', (callback: FrameRequestCallback) =>
    setTimeout(() => {
      callback(0);
    }, 16),
  );
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('RunMetrics', () => {
  it('keeps epochs that stream in while a fetch is in flight, once each', () => {
    const m = new RunMetrics();
    m.add({ epoch: 3, values: { loss: 0.3 }, elapsedS: 3 });
    m.settle([
      { epoch: 1, values: { loss: 1 }, elapsedS: 1 },
      { epoch: 2, values: { loss: 0.5 }, elapsedS: 2 },
      { epoch: 3, values: { loss: 0.3 }, elapsedS: 3 },
    ]);
    expect(m.status).toBe('ready');
    expect(m.list.map((e) => e.epoch)).toEqual([1, 2, 3]);
    // The same epoch again (an event that raced the fetch) replaces, never duplicates.
    expect(m.add({ epoch: 3, values: { loss: 0.3 }, elapsedS: 3 })).toEqual({
      isNew: false,
      gap: false,
    });
    expect(m.add({ epoch: 5, values: { loss: 0.1 }, elapsedS: 5 })).toEqual({
      isNew: true,
      gap: true,
    });
    expect(m.list.map((e) => e.epoch)).toEqual([1, 2, 3, 5]);
  });
});

describe('RunsStore', () => {
  async function loaded(run: RunSummary, metrics: RunDetail['metrics'] = []) {
    const runs = new Map([[run.id, detail(run, metrics)]]);
    const { api, calls } = fakeApi(runs);
    const store = new RunsStore(api);
    await store.loadExperiments();
    await store.loadRuns();
    return { store, runs, calls };
  }

  it('counts epochs from events once each, and a slower list never takes them back', async () => {
    const { store } = await loaded(summary({ epochsDone: 1 }));
    const epoch = (n: number) => {
      store.apply({
        type: 'run.epoch',
        runId: 1,
        experimentId: 1,
        epoch: n,
        epochs: 5,
        values: { loss: 1 / n },
        elapsedS: n,
      });
    };
    epoch(2);
    epoch(3);
    expect(store.runs[1]?.epochsDone).toBe(3);
    // A list answer that left the server before those epochs.
    await store.loadRuns();
    expect(store.runs[1]?.epochsDone).toBe(3);
  });

  it('never moves a finished run back to running on a late list answer', async () => {
    const { store, runs } = await loaded(summary());
    store.apply({
      type: 'run.status',
      runId: 1,
      experimentId: 1,
      status: 'completed',
      backend: 'wasm',
      error: null,
      finalMetrics: { test_acc: 0.9, test_loss: 0.2 },
      epochsDone: 5,
    });
    expect(store.runs[1]).toMatchObject({ status: 'completed', epochsDone: 5 });
    expect(store.runs[1]?.finalMetrics).toEqual({ test_acc: 0.9, test_loss: 0.2 });
    expect(store.experiments[1]?.runCounts).toEqual({ running: 0, completed: 1 });
    // The server's list is still the one from before the run ended.
    runs.set(1, detail(summary({ status: 'running' })));
    await store.loadRuns();
    expect(store.runs[1]?.status).toBe('completed');
  });

  it('shows a restart from epoch 1: fewer epochs done, and the cached curve fetched again', async () => {
    const curve = [1, 2, 3].map((epoch) => ({
      epoch,
      values: { loss: 1 / epoch },
      elapsedS: epoch,
    }));
    const { store, runs, calls } = await loaded(summary({ epochsDone: 3 }), curve);
    await store.loadRun(1);
    expect(store.metrics.get(1)?.list).toHaveLength(3);
    // Another process took the run back and restarted it: its epochs were cleared.
    runs.set(1, detail(summary({ status: 'queued', epochsDone: 0 }), []));
    calls.length = 0;
    store.apply({
      type: 'run.status',
      runId: 1,
      experimentId: 1,
      status: 'queued',
      backend: null,
      error: null,
      epochsDone: 0,
    });
    expect(store.runs[1]?.epochsDone).toBe(0);
    expect(calls).toEqual(['runs.get 1']);
    await vi.runAllTimersAsync();
    expect(store.metrics.get(1)?.list).toEqual([]);
  });

  it('appends log lines as they are written, each once, on an open run page', async () => {
    const { store } = await loaded(summary());
    await store.loadRun(1);
    const line = (seq: number) => {
      store.apply({
        type: 'run.log',
        runId: 1,
        experimentId: 1,
        entry: {
          seq,
          attempt: 2,
          level: 'info',
          message: `line ${seq}`,
          at: '2026-12-06T10:00:02Z',
        },
      });
    };
    line(1);
    line(2);
    line(2);
    line(1);
    expect(store.details.get(1)?.log.map((l) => l.message)).toEqual(['line 1', 'line 2']);
  });

  it('asks for the lists when an event names a run it has never seen', async () => {
    const { store, calls } = await loaded(summary());
    calls.length = 0;
    store.apply({
      type: 'run.status',
      runId: 7,
      experimentId: 2,
      status: 'queued',
      backend: null,
      error: null,
    });
    await vi.advanceTimersByTimeAsync(300);
    expect(calls.sort()).toEqual(['experiments.list', 'runs.list']);
  });

  it('tells the views of each change: a run’s epochs, its cached curve, the run list', async () => {
    const { store } = await loaded(summary({ epochsDone: 1 }), [
      { epoch: 1, values: { loss: 1 }, elapsedS: 1 },
    ]);
    await store.loadRun(1);
    const epochsDone: (number | undefined)[] = [];
    const curve: (number | undefined)[] = [];
    const listed: number[][] = [];
    const stop = $effect.root(() => {
      $effect(() => {
        epochsDone.push(store.runs[1]?.epochsDone);
      });
      $effect(() => {
        // `metrics` is a SvelteMap; the curve in it is replaced on every epoch.
        curve.push(store.metrics.get(1)?.list.length);
      });
      $effect(() => {
        listed.push(store.runList.map((r) => r.id));
      });
    });
    try {
      flushSync();
      store.apply({
        type: 'run.epoch',
        runId: 1,
        experimentId: 1,
        epoch: 2,
        epochs: 5,
        values: { loss: 0.5 },
        elapsedS: 2,
      });
      flushSync();
      expect(epochsDone).toEqual([1, 2]);
      expect(curve).toEqual([1, 2]);
      expect(listed).toEqual([[1]]);
      store.forgetRuns([1]);
      flushSync();
      expect(epochsDone).toEqual([1, 2, undefined]);
      expect(curve).toEqual([1, 2, undefined]);
      expect(listed).toEqual([[1], []]);
    } finally {
      stop();
    }
  });
});

describe('RunsStore.create', () => {
  it('sends the executor only when one is chosen (issue 16): this machine asks as it always did', async () => {
    const inputs: RpcInput<'experiments.create'>[] = [];
    const api: Api = {
      ...fakeApi(new Map()).api,
      'experiments.create': (input) => {
        inputs.push(input);
        return ok({ experimentId: 7, runIds: [1, 2] });
      },
    };
    const store = new RunsStore(api);
    const spec = ExperimentSpecSchema.parse(tinySpec('grid'));
    const slurm = { kind: 'slurm', slurm: { partition: 'debug', time: '00:10:00' } } as const;
    expect(await store.create(spec)).toEqual({
      ok: true,
      value: { experimentId: 7, runIds: [1, 2] },
    });
    await store.create(spec, slurm);
    expect(inputs).toEqual([{ spec }, { spec, executor: slurm }]);
  });
});

describe('RunsStore and a run on Slurm (issue 16)', () => {
  it('keeps the cluster task with the run page’s details, and asks for it again on request', async () => {
    const task: RunClusterTask = {
      executor: 'slurm',
      attempt: 1,
      jobId: '123',
      taskId: 4,
      state: 'PENDING',
      reason: 'Dependency',
      submittedAt: '2026-12-06T10:00:02.000Z',
    };
    const queued = summary({ status: 'queued', startedAt: null });
    const runs = new Map([[1, { ...detail(queued), cluster: task }]]);
    const { api, calls } = fakeApi(runs);
    const store = new RunsStore(api);
    await store.loadRun(1);
    expect(store.details.get(1)?.cluster).toEqual(task);
    // The summary (lists, charts) stays a summary: the task is the page's.
    expect(store.runs[1]).not.toHaveProperty('cluster');

    runs.set(1, { ...detail(summary()), cluster: { ...task, state: 'RUNNING', reason: 'None' } });
    calls.length = 0;
    await store.refreshClusterTask(1);
    expect(calls).toEqual(['runs.get 1']);
    expect(store.details.get(1)?.cluster?.state).toBe('RUNNING');
    expect(store.runs[1]?.status).toBe('running');
  });

  it('gives a run trained here no cluster task', async () => {
    const { api } = fakeApi(new Map([[1, detail(summary())]]));
    const store = new RunsStore(api);
    await store.loadRun(1);
    expect(store.details.get(1)).toBeDefined();
    expect(store.details.get(1)).not.toHaveProperty('cluster');
  });
});
