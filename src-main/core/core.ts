import { join } from 'node:path';
import { APP_VERSION } from '../../src-shared/version';
import { STRATEGIES } from '../../src-shared/domain/strategies';
import type { RpcHandlers } from '../../src-shared/rpc/contract';
import { createTrainerPool } from '../engine/trainer/pool';
import { startProbe } from '../engine/trainer/probeHost';
import { runModelsRequest } from '../engine/trainer/modelsHost';
import { modelHandlers } from './modelHandlers';
import { createBackendService, probeInChildProcess } from './backendService';
import { embeddingService } from './embeddingService';
import type { ModelsRunner } from './modelService';
import type { ImportProgressListener } from '../import/types';
import { listDatasets, toSummary, upsertDatasets } from '../store/datasets';
import { openDb } from '../store/db';
import { setTrainerLimit } from '../store/queue';
import { experimentClusterState } from '../store/clusterTasks';
import { experimentRunIds, runStatus } from '../store/runs';
import { builtinDatasets, FASHION_MNIST_DIR } from './builtinDatasets';
import { cachedHasher, defaultFileHashCache } from './fileHashCache';
import { compareHandlers } from './compareHandlers';
import type { CoreContext } from './context';
import { datasetHandlers } from './datasetService';
import { EventBus, importProgressEvent } from './events';
import { ingestPending } from './eventIngest';
import { createClusterService, type ClusterSettings } from './clusterService';
import { listExamples } from './examples';
import { experimentHandlers } from './experimentHandlers';
import { thisProcess, type LivenessLimits } from './liveness';
import { currentTrainerLimit, queueHandlers, waitingLine } from './queueService';
import { runHandlers } from './runHandlers';
import { RunQueue, type TrainerLauncher } from './runQueue';
import { ProbeQueue, type ProbeStarter } from './transferabilityEstimateProbes';
import type { Core, CoreOptions } from './types';
import { allEnded, waitUntil } from './waits';
import { WorkspaceWatcher } from './workspaceWatcher';

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
  /**
   * Runs model imports and exports, embeddings and the backend probe (default: a models child
   * process).
   */
  models?: ModelsRunner;
  pollMs?: number;
  /** How long a silent owner is trusted (tests shorten it). */
  liveness?: LivenessLimits;
  /** Slurm's environment, the worker tasks run, how often to ask Slurm (tests set them). */
  cluster?: ClusterSettings;
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
  upsertDatasets(db, builtinDatasets(FASHION_MNIST_DIR, cachedHasher(defaultFileHashCache())));
  const events = new EventBus();
  // One limit for every process on the workspace (a run in status 'running' holds a slot); a
  // process started with an explicit concurrency sets it for all.
  if (options.concurrency !== undefined) setTrainerLimit(db, options.concurrency);
  const limit = (): number => currentTrainerLimit(db);
  const self = thisProcess(PROCESS_NAMES[options.transport]);
  const pollMs = overrides.pollMs ?? 1000;
  // Warm trainers take run after run (engine/trainer/pool.ts); at most the limit wait idle.
  // (It forks nothing until a run is launched, so a core given another launcher pays nothing.)
  const pool = createTrainerPool({ maxIdle: limit });
  const launch = overrides.launch ?? pool.launch;
  const queue =
    options.queue === 'none'
      ? null
      : new RunQueue({
          db,
          workspaceDir: options.workspaceDir,
          events,
          launch,
          self,
          limit,
          scope: options.queue,
          pollMs,
          ...(overrides.liveness ? { liveness: overrides.liveness } : {}),
        });
  // Every process that executes runs also shows the others' (read-only commands need neither).
  const watcher = options.queue === 'none' ? null : new WorkspaceWatcher(db, events);
  // tfjs never runs in this process: the designer's scores come from probe child processes.
  const probes = new ProbeQueue(overrides.probe ?? ((jobs) => startProbe(jobs)));
  const ctx: CoreContext = {
    db,
    workspaceDir: options.workspaceDir,
    transport: options.transport,
    events,
    queue,
    launch,
    limit,
  };
  const importListeners = new Set<ImportProgressListener>();
  const runModels = overrides.models ?? ((request) => runModelsRequest(request));
  // Probed once per core, on first need (the designer, a spec asking for a named backend).
  const backends = createBackendService(overrides.models ?? probeInChildProcess);
  const cluster = createClusterService(ctx, overrides.cluster ?? {}, pollMs);

  // One typed handler map per domain, merged into the contract (a missing method fails tsc).
  const handlers: RpcHandlers = {
    'app.info': () => ({
      name: 'Transferlab',
      version: APP_VERSION,
      workspace: options.workspaceDir,
      transport: options.transport,
      concurrency: limit(),
    }),
    'examples.list': () => listExamples(),
    'strategies.list': () => [...STRATEGIES],
    'datasets.list': () => listDatasets(db).map(toSummary),
    'backends.list': ({ refresh }) => backends.list({ refresh: refresh ?? false }),
    ...datasetHandlers(db, options.workspaceDir, (progress) => {
      events.emit(importProgressEvent(progress));
      // The CLI's bar ends when the call returns; a final report of a format that counts rows
      // would only flash the row count as a fraction before it goes.
      if (progress.final) return;
      for (const listener of importListeners) listener(progress);
    }),
    ...experimentHandlers(ctx, probes, backends, cluster),
    ...cluster.handlers,
    ...runHandlers(ctx, backends),
    ...compareHandlers(db, options.workspaceDir, options.renderPdf),
    ...queueHandlers(db, queue, self),
    'runs.embedding': embeddingService({ db, runModels }),
    ...modelHandlers({ db, workspaceDir: options.workspaceDir, runModels }),
  };

  queue?.start();
  watcher?.start(pollMs);
  // Every process that executes runs also follows the cluster's.
  if (queue !== null) cluster.monitor.start();
  let closed = false;

  return {
    workspaceDir: options.workspaceDir,
    handlers,
    onEvent: (listener) => events.on(listener),
    onImportProgress: (listener) => {
      importListeners.add(listener);
      return () => importListeners.delete(listener);
    },
    waitForRuns: (runIds) => {
      const ids = new Set(runIds);
      return waitUntil(
        events,
        () => allEnded([...ids].map((id) => runStatus(db, id)?.status)),
        (e) => ids.has(e.runId),
      );
    },
    waitingFor: (experimentId) => waitingLine(db, experimentId, self),
    ingestEvents: () => ingestPending(ctx),
    syncCluster: () => cluster.monitor.sync(),
    clusterState: (experimentId) => experimentClusterState(db, experimentId),
    waitForExperiment: (experimentId) =>
      waitUntil(
        events,
        () => allEnded(experimentRunIds(db, experimentId).map((r) => r.status)),
        (e) => e.experimentId === experimentId,
      ),
    close: async () => {
      if (closed) return;
      closed = true;
      probes.close();
      watcher?.stop();
      await cluster.monitor.stop();
      await queue?.stop();
      pool.close();
      db.close();
    },
  };
}
