import { SvelteMap, SvelteSet } from 'svelte/reactivity';
import type { ExecutorChoice } from '../../src-shared/domain/cluster';
import type { ExperimentSpec, ExperimentSpecInput } from '../../src-shared/domain/experimentSpec';
import type { ExperimentDetail, ExperimentSummary } from '../../src-shared/domain/experiments';
import {
  isTerminal,
  type EpochMetrics,
  type RunDetail,
  type RunStatus,
  type RunSummary,
} from '../../src-shared/domain/runs';
import type { Api } from '../../src-shared/rpc/api';
import type { RerunResult } from '../../src-shared/rpc/plan';
import type {
  AppEvent,
  RunEpochEvent,
  RunLogEvent,
  RunProgressEvent,
  RunStatusEvent,
} from '../../src-shared/rpc/events';
import type { AppError, Result } from '../../src-shared/result';
import { BatchCoalescer, Coalescer, FrameBuffer } from '../lib/coalesce';
import { nowIso } from '../lib/format';
import { mergeEpochs, upsertEpoch } from '../lib/metrics';
import type { BatchProgress } from '../lib/runView';

/** How many runs the history loads (newest first). */
export const RUN_HISTORY_LIMIT = 5000;
/** runs.get calls in flight at once when an experiment view loads the curves of its runs. */
const METRICS_CONCURRENCY = 4;

export type { BatchProgress };

/** What runs.get adds to a summary, metrics aside (kept in the metrics cache). */
export type RunExtra = Omit<RunDetail, keyof RunSummary | 'metrics'>;

/**
 * One run's per-epoch metrics: fetched once, then appended to as `run.epoch` events arrive.
 * The array is not deeply reactive (a 10,000-epoch run would mean 40,000 proxied values):
 * `list` is replaced on every update, and readers go through it.
 */
export class RunMetrics {
  status = $state<'loading' | 'ready' | 'error'>('loading');
  error = $state<string | null>(null);
  /**
   * Replaced, not mutated, on every update: views derive chart configs from it, and a derived
   * value only propagates when its identity changes. Copying an array of references per epoch is
   * cheap next to drawing it.
   */
  list = $state.raw<readonly EpochMetrics[]>([]);
  /** Epochs that arrived while a fetch was in flight; merged when it lands. */
  #streamed: EpochMetrics[] = [];

  /** `isNew` is false when the epoch was already there (an event that raced a fetch). */
  add(entry: EpochMetrics): { isNew: boolean; gap: boolean } {
    if (this.status !== 'ready') {
      this.#streamed.push(entry);
      return { isNew: true, gap: false };
    }
    const last = this.list.at(-1);
    const gap = last !== undefined && entry.epoch > last.epoch + 1;
    const next = this.list.slice();
    const how = upsertEpoch(next, entry);
    this.list = next;
    return { isNew: how !== 'replaced', gap };
  }

  startLoading(): void {
    this.status = 'loading';
    this.#streamed = [];
  }

  settle(fetched: readonly EpochMetrics[]): void {
    this.list = mergeEpochs(fetched, this.#streamed);
    this.#streamed = [];
    this.status = 'ready';
    this.error = null;
  }

  fail(message: string): void {
    this.status = 'error';
    this.error = message;
  }
}

function bump(counts: Partial<Record<RunStatus, number>>, status: RunStatus, by: number): void {
  counts[status] = Math.max(0, (counts[status] ?? 0) + by);
}

function splitDetail(detail: RunDetail): {
  summary: RunSummary;
  extra: RunExtra;
  metrics: EpochMetrics[];
} {
  const {
    config,
    environment,
    dataHash,
    sourceModelHash,
    importedSource,
    keptModel,
    attempts,
    heartbeatAt,
    transferability,
    log,
    splitSizes,
    rerunOf,
    reruns,
    reproduction,
    cluster,
    metrics,
    ...summary
  } = detail;
  return {
    summary,
    extra: {
      config,
      environment,
      dataHash,
      sourceModelHash,
      importedSource,
      keptModel,
      attempts,
      heartbeatAt,
      transferability,
      log,
      splitSizes,
      rerunOf,
      reruns,
      reproduction,
      ...(cluster ? { cluster } : {}),
    },
    metrics,
  };
}

/** What experiments.get adds that the experiment page shows: the plan beside the real time. */
export type ExperimentTimes = Pick<ExperimentDetail, 'plan' | 'timing'>;

/**
 * Experiments and runs, loaded once and then kept current by core events (run.status, run.epoch,
 * run.progress, experiment.created) instead of polling. Bursts of events that need a reload are
 * coalesced; per-batch progress is applied at most once per animation frame.
 */
export class RunsStore {
  experiments: Record<number, ExperimentSummary> = $state({});
  runs: Record<number, RunSummary> = $state({});
  readonly specs = new SvelteMap<number, ExperimentSpec>();
  /** Each loaded experiment's recorded plan and real timing (experiments.get). */
  readonly times = new SvelteMap<number, ExperimentTimes>();
  readonly details = new SvelteMap<number, RunExtra>();
  readonly metrics = new SvelteMap<number, RunMetrics>();
  /** Latest batch progress of running runs. */
  readonly progress = new SvelteMap<number, BatchProgress>();

  experimentsLoaded = $state(false);
  experimentsError = $state.raw<AppError | null>(null);
  runsLoaded = $state(false);
  runsError = $state.raw<AppError | null>(null);

  readonly experimentList: ExperimentSummary[] = $derived(
    Object.values(this.experiments).sort((a, b) => b.id - a.id),
  );
  readonly runList: RunSummary[] = $derived(Object.values(this.runs).sort((a, b) => b.id - a.id));

  readonly #api: Api;
  readonly #experimentsRefresh: Coalescer;
  readonly #runsRefresh: Coalescer;
  readonly #finishedRefresh: BatchCoalescer<number>;
  readonly #progressBuffer: FrameBuffer<number, BatchProgress>;
  readonly #metricsQueue: number[] = [];
  #metricsActive = 0;
  /** Runs whose detail was refetched for the split sizes their trainer reports at its start. */
  readonly #sizesAsked = new SvelteSet<number>();

  constructor(api: Api) {
    this.#api = api;
    this.#experimentsRefresh = new Coalescer(() => this.loadExperiments(), 250);
    this.#runsRefresh = new Coalescer(() => this.loadRuns(), 250);
    this.#finishedRefresh = new BatchCoalescer((ids) => this.#refreshFinished(ids), 300);
    this.#progressBuffer = new FrameBuffer(
      (entries) => {
        for (const [id, progress] of entries) {
          const run = this.runs[id];
          if (run && isTerminal(run.status)) continue;
          this.progress.set(id, progress);
        }
      },
      (callback) => requestAnimationFrame(callback),
    );
  }

  /** Subscribes to core events; returns the unsubscribe function. */
  connect(): () => void {
    return this.#api.onEvent((event) => {
      this.apply(event);
    });
  }

  apply(event: AppEvent): void {
    switch (event.type) {
      case 'run.status':
        this.#onStatus(event);
        break;
      case 'run.epoch':
        this.#onEpoch(event);
        break;
      case 'run.progress':
        this.#onProgress(event);
        break;
      case 'run.log':
        this.#onLog(event);
        break;
      case 'experiment.created':
        this.#experimentsRefresh.request();
        this.#runsRefresh.request();
        break;
      case 'experiment.changed':
        // Archived or deleted elsewhere (another window, the CLI): the list reloads; a deleted
        // experiment's runs leave the caches, which a reload alone would keep.
        if (event.deletedRuns) this.forgetRuns(event.deletedRuns);
        this.#experimentsRefresh.request();
        break;
    }
  }

  runsOf(experimentId: number): RunSummary[] {
    return this.runList.filter((r) => r.experimentId === experimentId).sort((a, b) => a.id - b.id);
  }

  /** Drops deleted runs from every cache (run list, details, metrics, progress). */
  forgetRuns(ids: readonly number[]): void {
    for (const id of ids) {
      // Reflect on the $state proxy, as loadExperiments does for experiments.
      Reflect.deleteProperty(this.runs, id);
      this.details.delete(id);
      this.metrics.delete(id);
      this.progress.delete(id);
    }
  }

  async loadExperiments(): Promise<void> {
    const result = await this.#api['experiments.list']({});
    if (!result.ok) {
      this.experimentsError = result.error;
      return;
    }
    this.experimentsError = null;
    const seen = result.value.map((e) => e.id);
    for (const summary of result.value) this.#putExperiment(summary);
    for (const id of Object.keys(this.experiments).map(Number)) {
      // Reflect on the $state proxy: an experiment removed from the workspace leaves the list.
      if (!seen.includes(id)) Reflect.deleteProperty(this.experiments, id);
    }
    this.experimentsLoaded = true;
  }

  async loadRuns(): Promise<void> {
    const result = await this.#api['runs.list']({ limit: RUN_HISTORY_LIMIT });
    if (!result.ok) {
      this.runsError = result.error;
      return;
    }
    this.runsError = null;
    for (const summary of result.value) this.#putRun(summary);
    this.runsLoaded = true;
  }

  async loadExperiment(id: number): Promise<Result<ExperimentDetail>> {
    const result = await this.#api['experiments.get']({ id });
    if (result.ok) {
      const { spec, runs, plan, timing, ...summary } = result.value;
      this.specs.set(id, spec);
      this.times.set(id, { plan, timing });
      this.#putExperiment(summary);
      for (const run of runs) this.#putRun(run);
    }
    return result;
  }

  async loadRun(id: number): Promise<Result<RunDetail>> {
    let entry = this.metrics.get(id);
    if (entry) entry.startLoading();
    else {
      entry = new RunMetrics();
      this.metrics.set(id, entry);
    }
    const result = await this.#api['runs.get']({ id });
    if (result.ok) {
      const { summary, extra, metrics } = splitDetail(result.value);
      this.#putRun(summary);
      this.details.set(id, extra);
      entry.settle(metrics);
    } else {
      entry.fail(result.error.message);
    }
    return result;
  }

  /**
   * Makes sure the metrics of these runs are cached (the experiment view's overlaid curves).
   * Queued runs that have no epoch yet need no request: their history is empty.
   */
  ensureMetrics(ids: readonly number[]): void {
    for (const id of ids) {
      if (this.metrics.has(id)) continue;
      const entry = new RunMetrics();
      this.metrics.set(id, entry);
      const run = this.runs[id];
      if (run && run.status === 'queued' && run.epochsDone === 0) {
        entry.settle([]);
        continue;
      }
      this.#metricsQueue.push(id);
    }
    this.#pumpMetrics();
  }

  /** `executor`: where the runs train (issue 16); left out, this machine. */
  async create(
    spec: ExperimentSpecInput,
    executor?: ExecutorChoice,
  ): Promise<Result<{ experimentId: number; runIds: number[] }>> {
    const result = await this.#api['experiments.create'](
      executor === undefined ? { spec } : { spec, executor },
    );
    if (result.ok) {
      this.#experimentsRefresh.request();
      this.#runsRefresh.request();
    }
    return result;
  }

  /**
   * Re-runs a finished run with its identical config (issue 10). The new run arrives through the
   * usual events; the original's detail is fetched again so it lists its re-runs.
   */
  async rerun(id: number): Promise<Result<RerunResult>> {
    const result = await this.#api['runs.rerun']({ ids: [id] });
    if (result.ok) {
      this.#runsRefresh.request();
      this.#experimentsRefresh.request();
      if (this.details.has(id)) void this.#refreshExtra(id);
    }
    return result;
  }

  async cancelRun(id: number): Promise<Result<{ cancelled: boolean }>> {
    return this.#api['runs.cancel']({ id });
  }

  async cancelExperiment(id: number): Promise<Result<{ cancelled: number }>> {
    return this.#api['experiments.cancel']({ id });
  }

  /** After a reconnect: events were missed, so reload what is on screen and still moving. */
  async resync(): Promise<void> {
    await Promise.all([this.loadExperiments(), this.loadRuns()]);
    const stale = [...this.metrics.keys()].filter((id) => {
      const run = this.runs[id];
      return run === undefined || !isTerminal(run.status) || this.details.has(id);
    });
    for (const id of stale) void this.loadRun(id);
  }

  #putExperiment(summary: ExperimentSummary): void {
    const existing = this.experiments[summary.id];
    if (existing) Object.assign(existing, summary);
    else this.experiments[summary.id] = summary;
  }

  #putRun(summary: RunSummary): void {
    const existing = this.runs[summary.id];
    if (!existing) {
      this.runs[summary.id] = summary;
      return;
    }
    // An event may have moved the run past what a slower list response says.
    if (isTerminal(existing.status) && !isTerminal(summary.status)) return;
    Object.assign(existing, summary, {
      epochsDone: Math.max(existing.epochsDone, summary.epochsDone),
    });
  }

  #onStatus(event: RunStatusEvent): void {
    const run = this.runs[event.runId];
    if (!run) {
      this.#runsRefresh.request();
      if (!(event.experimentId in this.experiments)) this.#experimentsRefresh.request();
      return;
    }
    const previous = run.status;
    run.status = event.status;
    if (event.backend !== null) run.backend = event.backend;
    run.error = event.error;
    if (event.epochsDone !== undefined) {
      // Fewer epochs than shown: the run restarted from the start after an interruption, and
      // its earlier curve was cleared; a cached curve is fetched again.
      if (event.epochsDone < run.epochsDone && this.metrics.has(event.runId))
        void this.loadRun(event.runId);
      run.epochsDone = event.epochsDone;
    }
    if (event.finalMetrics) run.finalMetrics = event.finalMetrics;
    const now = nowIso();
    if (event.status === 'running') run.startedAt ??= now;
    if (isTerminal(event.status)) {
      // Approximate until the refresh below brings the recorded time and final metrics.
      run.finishedAt ??= now;
      this.progress.delete(event.runId);
      this.#progressBuffer.delete(event.runId);
      this.#finishedRefresh.add(event.runId);
    }
    if (previous === event.status) return;
    const experiment = this.experiments[event.experimentId];
    if (experiment) {
      bump(experiment.runCounts, previous, -1);
      bump(experiment.runCounts, event.status, 1);
    } else {
      this.#experimentsRefresh.request();
    }
  }

  #onEpoch(event: RunEpochEvent): void {
    const entry: EpochMetrics = {
      epoch: event.epoch,
      values: event.values,
      elapsedS: event.elapsedS,
    };
    const cached = this.metrics.get(event.runId);
    let isNew = true;
    if (cached) {
      const added = cached.add(entry);
      isNew = added.isNew;
      if (added.gap) void this.loadRun(event.runId);
    }
    // The trainer records the split sizes as it starts: an open run page shows them from the
    // first epoch on, not only once the run has ended.
    const extra = this.details.get(event.runId);
    if (extra && extra.splitSizes === null && !this.#sizesAsked.has(event.runId)) {
      this.#sizesAsked.add(event.runId);
      void this.#refreshExtra(event.runId);
    }
    // A batch progress that was buffered belongs to the epoch that just ended.
    this.#progressBuffer.delete(event.runId);
    this.progress.delete(event.runId);
    const run = this.runs[event.runId];
    if (!run) {
      this.#runsRefresh.request();
      return;
    }
    run.epochs = event.epochs;
    // Works whether the event counts epochs from 0 or from 1: each new epoch is one more done.
    if (isNew) run.epochsDone = Math.min(event.epochs, Math.max(run.epochsDone + 1, event.epoch));
  }

  /** A line of a run's log as it is written; a line already shown (by seq) is not added twice. */
  #onLog(event: RunLogEvent): void {
    const extra = this.details.get(event.runId);
    if (!extra) return;
    const last = extra.log.at(-1);
    if (last !== undefined && event.entry.seq <= last.seq) return;
    this.details.set(event.runId, { ...extra, log: [...extra.log, event.entry] });
  }

  #onProgress(event: RunProgressEvent): void {
    this.#progressBuffer.set(event.runId, {
      epoch: event.epoch,
      epochs: event.epochs,
      batch: event.batch,
      batches: event.batches,
    });
  }

  /** Finished runs: exact timings and final metrics, one list request per experiment. */
  async #refreshFinished(ids: number[]): Promise<void> {
    const experiments: number[] = [];
    for (const id of ids) {
      const run = this.runs[id];
      if (run && !experiments.includes(run.experimentId)) experiments.push(run.experimentId);
    }
    const work: Promise<unknown>[] = experiments.map(async (experimentId) => {
      const result = await this.#api['runs.list']({ experimentId });
      if (result.ok) for (const summary of result.value) this.#putRun(summary);
    });
    // A run whose detail page was opened gets its detail (and exact metrics) again.
    for (const id of ids) if (this.details.has(id)) work.push(this.loadRun(id));
    await Promise.all(work);
  }

  /**
   * An open run page's cluster task again (issue 16): Slurm's state and reason change without a
   * core event (a reason goes from Priority to Resources), so the page asks while the run is active.
   */
  refreshClusterTask(id: number): Promise<void> {
    return this.#refreshExtra(id);
  }

  /** A run's detail again, metrics aside (those stream in, and a refetch could race them). */
  async #refreshExtra(id: number): Promise<void> {
    const result = await this.#api['runs.get']({ id });
    if (!result.ok) return;
    const { summary, extra } = splitDetail(result.value);
    this.#putRun(summary);
    this.details.set(id, extra);
  }

  #pumpMetrics(): void {
    while (this.#metricsActive < METRICS_CONCURRENCY) {
      const id = this.#metricsQueue.shift();
      if (id === undefined) return;
      this.#metricsActive += 1;
      void this.loadRun(id).finally(() => {
        this.#metricsActive -= 1;
        this.#pumpMetrics();
      });
    }
  }
}
