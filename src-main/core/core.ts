import { join } from 'node:path';
import { STRATEGIES } from '../../src-shared/domain/strategies';
import { isTerminal } from '../../src-shared/domain/runs';
import type { RpcHandlers } from '../../src-shared/rpc/contract';
import { AppFailure } from '../../src-shared/result';
import { startTrainer } from '../engine/trainer/host';
import { startProbe } from '../engine/trainer/probeHost';
import { listDatasets, toSummary, upsertDatasets } from '../store/datasets';
import { buildComparison } from '../analysis/comparison';
import { comparisonData } from '../store/compareRuns';
import { importBundle } from '../reports/bundleImport';
import { listReportRecords } from '../store/reports';
import { deleteChartSetup, listChartSetups, saveChartSetup } from '../store/chartSetups';
import { readConfusion } from '../store/confusion';
import { updateRun } from '../store/runAnnotations';
import { deleteRuns } from '../store/runDelete';
import { queryRuns } from '../store/runQuery';
import { openDb } from '../store/db';
import { setTrainerLimit } from '../store/queue';
import {
  cancelQueuedRun,
  experimentRunIds,
  getRun,
  listRuns,
  requestCancel,
  runStatus,
} from '../store/runs';
import { builtinDatasets } from './builtinDatasets';
import { datasetHandlers } from './datasetService';
import { EventBus, importProgressEvent } from './events';
import { listExamples } from './examples';
import {
  createExperiment,
  experimentSummaries,
  getExperiment,
  resolvePlan,
} from './experimentService';
import { parseSpec } from './experimentPlan';
import { calibratePlan, summarisePlan } from './planService';
import { rerunRuns } from './rerunService';
import { thisProcess, type LivenessLimits } from './liveness';
import { currentTrainerLimit, queueStatus, setLimit, waitingLine } from './queueService';
import { statusEvent } from './runEvents';
import { RunQueue, type TrainerLauncher } from './runQueue';
import { WorkspaceWatcher } from './workspaceWatcher';
import { estimateTransferability } from './transferabilityEstimate';
import { ProbeQueue, type ProbeStarter } from './transferabilityEstimateProbes';
import type { ImportProgressListener } from '../import/types';
import { uploadsDir } from './paths';
import type { PdfRenderer } from '../reports/service';
import type { Core, CoreOptions } from './types';

const VERSION = '0.1.0';

/** How the processes on a workspace are named to each other (Settings, the CLI's waiting line). */
const PROCESS_NAMES: Record<CoreOptions['transport'], string> = {
  electron: 'app',
  websocket: 'server',
  'in-process': 'cli',
};

export interface OpenCoreOverrides {
  /** Tests may launch trainers differently (e.g. to simulate a crash). */
  launch?: TrainerLauncher;
  /** Starts the designer's transferability probes (default: a probe child process). */
  probe?: ProbeStarter;
  pollMs?: number;
  /** How long a silent owner is trusted (tests shorten it). */
  liveness?: LivenessLimits;
}

/**
 * Opens a workspace and returns the core services behind the RPC contract. Every transport
 * (Electron IPC, WebSocket, the CLI's in-process calls) uses this one object.
 */
export async function openCore(
  options: CoreOptions,
  overrides: OpenCoreOverrides = {},
): Promise<Core> {
  await Promise.resolve();
  const db = openDb(join(options.workspaceDir, 'transferlab.sqlite'), {
    ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
  });
  upsertDatasets(db, builtinDatasets());
  const events = new EventBus();
  // One limit for every process on the workspace (a run in status 'running' holds a slot); a
  // process started with an explicit concurrency sets it for all.
  if (options.concurrency !== undefined) setTrainerLimit(db, options.concurrency);
  const limit = (): number => currentTrainerLimit(db);
  const self = thisProcess(PROCESS_NAMES[options.transport]);
  const pollMs = overrides.pollMs ?? 1000;
  const queue =
    options.queue === 'none'
      ? null
      : new RunQueue({
          db,
          workspaceDir: options.workspaceDir,
          events,
          launch: overrides.launch ?? startTrainer,
          self,
          limit,
          scope: options.queue,
          pollMs,
          ...(overrides.liveness ? { liveness: overrides.liveness } : {}),
        });
  // Every process that executes runs also shows the others' (read-only commands need neither).
  const watcher = options.queue === 'none' ? null : new WorkspaceWatcher(db, events);
  const emitStatus = (runId: number): void => {
    const event = statusEvent(db, runId);
    if (event) events.emit(event);
  };

  // tfjs never runs in this process: the designer's scores come from probe child processes.
  const probes = new ProbeQueue(overrides.probe ?? ((jobs) => startProbe(jobs)));

  const cancelRun = (id: number): boolean => {
    const current = runStatus(db, id);
    if (!current) throw new AppFailure('not_found', `No run #${id}.`);
    if (isTerminal(current.status)) return false;
    if (queue?.cancel(id)) return true;
    const cancelled = cancelQueuedRun(db, id);
    if (cancelled.length > 0) {
      for (const runId of cancelled) emitStatus(runId);
      return true;
    }
    // Running in another process (the app beside the CLI): it sees the request at its next heartbeat.
    return requestCancel(db, id);
  };

  const importListeners = new Set<ImportProgressListener>();
  // Injected by the entry point (Electron's printToPDF, or headless Chromium for the CLI and the
  // server), so that no front door carries another's printer: playwright-core is 6 MB of bundle.
  const renderPdf: PdfRenderer =
    options.renderPdf ??
    (() =>
      Promise.reject(
        new AppFailure('unavailable', 'PDF export is not available in this process.'),
      ));
  // Rendering loads ECharts (about a second): only when a report is made, not at every start.
  const reports = () => import('../reports/service');

  const handlers: RpcHandlers = {
    'app.info': () => ({
      name: 'Transferlab',
      version: VERSION,
      workspace: options.workspaceDir,
      transport: options.transport,
      concurrency: limit(),
    }),
    'examples.list': () => listExamples(),
    'strategies.list': () => [...STRATEGIES],
    'datasets.list': () => listDatasets(db).map(toSummary),
    ...datasetHandlers(db, options.workspaceDir, (progress) => {
      events.emit(importProgressEvent(progress));
      // The CLI's bar ends when the call returns; a final report of a format that counts rows
      // would only flash the row count as a fraction before it goes.
      if (progress.final) return;
      for (const listener of importListeners) listener(progress);
    }),
    'experiments.create': ({ spec }) => {
      const created = createExperiment(db, spec, options.transport, limit());
      events.emit({ type: 'experiment.created', experimentId: created.experimentId });
      for (const runId of created.runIds) emitStatus(runId);
      queue?.adopt(created.experimentId);
      return created;
    },
    'experiments.plan': async ({ spec, estimate, requestId }) => {
      const plan = resolvePlan(db, parseSpec(spec));
      const problems: string[] = [];
      if (estimate === 'calibrate') {
        const failed = await calibratePlan(db, options.workspaceDir, plan, {
          launch: overrides.launch ?? startTrainer,
          concurrency: limit(),
          onProgress: (p) => {
            events.emit({
              type: 'plan.calibration',
              ...(requestId !== undefined ? { requestId } : {}),
              ...p,
            });
          },
        });
        problems.push(...failed);
      }
      const summary = summarisePlan(db, plan, {
        concurrency: limit(),
        estimate: estimate === 'none' ? 'none' : 'history',
      });
      const note = [summary.estimateNote, ...problems].filter((n) => n !== null).join(' ');
      return { ...summary, estimateNote: note === '' ? null : note };
    },
    'experiments.list': () => experimentSummaries(db),
    'experiments.get': ({ id }) => getExperiment(db, id),
    'experiments.transferability': ({ id }) => getExperiment(db, id).transferability,
    'transferability.estimate': (input) => estimateTransferability(db, input, probes.run),
    'runs.list': ({ experimentId, limit }) =>
      listRuns(db, {
        ...(experimentId !== undefined ? { experimentId } : {}),
        ...(limit !== undefined ? { limit } : {}),
      }),
    'runs.get': ({ id }) => {
      const run = getRun(db, id);
      if (!run) throw new AppFailure('not_found', `No run #${id}.`);
      return run;
    },
    'runs.query': (query) => queryRuns(db, query),
    'runs.update': (update) => updateRun(db, update),
    'runs.cancel': ({ id }) => ({ cancelled: cancelRun(id) }),
    'runs.delete': ({ ids }) => deleteRuns(db, options.workspaceDir, ids),
    'runs.confusion': ({ id }) => readConfusion(db, id),
    'runs.rerun': ({ ids }) => {
      const result = rerunRuns(db, ids);
      for (const { rerun } of result.pairs) emitStatus(rerun);
      for (const id of result.experimentIds) queue?.adopt(id);
      return result;
    },
    'compare.run': (request) => buildComparison(comparisonData(db), request),
    'compare.setups.list': () => listChartSetups(db),
    'compare.setups.save': ({ name, input }) => saveChartSetup(db, name, input),
    'compare.setups.delete': ({ id }) => ({ deleted: deleteChartSetup(db, id) }),
    'reports.create': async (input) => (await reports()).createReport(db, input, renderPdf),
    'reports.list': () => listReportRecords(db),
    'reports.regenerate': async ({ id, format }) =>
      (await reports()).regenerateReport(db, id, format, renderPdf),
    'bundles.import': ({ file }) => importBundle(db, file, uploadsDir(options.workspaceDir)),
    'experiments.cancel': ({ id }) => {
      getExperiment(db, id);
      // Queued runs first, so a cancelled source run's dependants are not started meanwhile.
      const runs = experimentRunIds(db, id).filter((r) => !isTerminal(r.status));
      runs.sort((a, b) => (a.status === 'queued' ? 0 : 1) - (b.status === 'queued' ? 0 : 1));
      let cancelled = 0;
      for (const r of runs) if (cancelRun(r.id)) cancelled += 1;
      return { cancelled };
    },
    'queue.status': () => queueStatus(db, queue ? self : null),
    'queue.setLimit': ({ limit: n }) => {
      const status = setLimit(db, queue ? self : null, n);
      // A higher limit may free slots now, not at the next tick.
      queue?.tick();
      return status;
    },
  };

  queue?.start();
  watcher?.start(pollMs);
  let closed = false;

  return {
    workspaceDir: options.workspaceDir,
    handlers,
    onEvent: (listener) => events.on(listener),
    onImportProgress: (listener) => {
      importListeners.add(listener);
      return () => importListeners.delete(listener);
    },
    waitForRuns: (runIds) =>
      new Promise<void>((resolve) => {
        const ids = new Set(runIds);
        const check = (): boolean =>
          [...ids].every((id) => {
            const status = runStatus(db, id)?.status;
            return status === undefined || isTerminal(status);
          });
        if (check()) {
          resolve();
          return;
        }
        // Events cover runs this process executes; the poll covers runs another process executes.
        const timer = setInterval(() => {
          if (check()) done();
        }, 1000);
        const off = events.on((e) => {
          if (e.type === 'run.status' && ids.has(e.runId) && isTerminal(e.status) && check())
            done();
        });
        const done = (): void => {
          clearInterval(timer);
          off();
          resolve();
        };
      }),
    waitingFor: (experimentId) => waitingLine(db, experimentId, self),
    waitForExperiment: (experimentId) =>
      new Promise<void>((resolve) => {
        const check = (): boolean =>
          experimentRunIds(db, experimentId).every((r) => isTerminal(r.status));
        if (check()) {
          resolve();
          return;
        }
        // Events cover runs this process executes; the poll covers runs another process executes.
        const timer = setInterval(() => {
          if (check()) done();
        }, 1000);
        const off = events.on((e) => {
          if (
            e.type === 'run.status' &&
            e.experimentId === experimentId &&
            isTerminal(e.status) &&
            check()
          )
            done();
        });
        const done = (): void => {
          clearInterval(timer);
          off();
          resolve();
        };
      }),
    close: async () => {
      if (closed) return;
      closed = true;
      probes.close();
      watcher?.stop();
      await queue?.stop();
      db.close();
    },
  };
}
