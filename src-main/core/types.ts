import type { ImportProgressListener } from '../import/types';
import type { PendingIngest } from './eventIngest';
import type { SchedulerPass } from './clusterMonitor';
import type { ExperimentClusterState } from '../store/clusterTasks';
import type { PdfRenderer } from '../reports/service';
import type { AppEvent } from '../../src-shared/rpc/events';
import type { AppInfo, RpcHandlers } from '../../src-shared/rpc/contract';

export interface CoreOptions {
  /** Folder holding transferlab.sqlite and the saved models. Created when missing. */
  workspaceDir: string;
  transport: AppInfo['transport'];
  /** better-sqlite3 binary to load instead of the default (the Electron-ABI copy in the app). */
  nativeBinding?: string;
  /**
   * Sets the trainer limit every process on the workspace shares (kept in the database; without
   * it, the limit set before, else one trainer per core).
   */
  concurrency?: number;
  /**
   * Which queued runs this process executes: every queued run (the app and the server), only
   * those of experiments it creates itself (the CLI), or none (read-only commands).
   */
  queue: 'all' | 'own' | 'none';
  /**
   * Prints report PDFs, given by the entry point: Electron's printToPDF in the app, headless
   * Chromium (loaded lazily) in the CLI and the server. Without it, a PDF export is refused.
   */
  renderPdf?: PdfRenderer;
}

/** The core services behind the contract, written once, used by every transport. */
export interface Core {
  readonly workspaceDir: string;
  readonly handlers: RpcHandlers;
  onEvent(listener: (event: AppEvent) => void): () => void;
  /** In-process only (the CLI's progress bar): how far a running dataset import is. */
  onImportProgress(listener: ImportProgressListener): () => void;
  /**
   * What the experiment's queued runs wait for when another process holds it up (a source run it
   * trains, the trainer slots it holds), in one line; null when nothing waits on another process.
   */
  waitingFor(experimentId: number): string | null;
  /** Resolves once every run of the experiment has reached a terminal status. */
  waitForExperiment(experimentId: number): Promise<void>;
  /** Resolves once each of these runs has reached a terminal status (or no longer exists). */
  waitForRuns(runIds: readonly number[]): Promise<void>;
  /** In-process only: ingests what is new in the running runs' event files (eventIngest.ts). */
  ingestEvents(): PendingIngest;
  /**
   * In-process only: ingests, then asks the scheduler once about the cluster's tasks, ending
   * those that died without an outcome and cancelling those whose runs ended (clusterMonitor.ts).
   */
  syncCluster(): Promise<{ ingest: PendingIngest; scheduler: SchedulerPass }>;
  /** In-process only: an experiment's Slurm jobs and what Slurm says of its unfinished runs. */
  clusterState(experimentId: number): ExperimentClusterState;
  /** Stops the queue (cancelling running trainers) and closes the database. */
  close(): Promise<void>;
}
