import { z } from 'zod';
import type { MachineBackends } from '../domain/backends';
import {
  ExecutorChoiceSchema,
  SlurmOptionsSchema,
  type ClusterStatus,
  type SlurmOptions,
} from '../domain/cluster';
import type { DatasetSummary } from '../domain/datasets';
import type {
  ExampleSpec,
  ExperimentDetail,
  ExperimentSummary,
  TransferabilitySummary,
} from '../domain/experiments';
import type { RunDetail, RunSummary } from '../domain/runs';
import type { StrategyInfo } from '../domain/strategies';
import {
  KeepModelsSchema,
  type ModelDetail,
  type ModelStorage,
  type ModelSummary,
} from '../domain/models';
import {
  ModelExportInputSchema,
  ModelImportInputSchema,
  ModelRefInputSchema,
  ModelUpdateInputSchema,
  type ModelExportResult,
  type ModelImportResult,
} from './models';
import {
  DeleteDatasetInputSchema,
  ImportInputSchema,
  InspectInputSchema,
  PreviewInputSchema,
  type DatasetPreview,
  type ImportResult,
  type InspectResult,
} from './datasets';
import {
  ChartSetupSaveSchema,
  CompareInputSchema,
  type ChartSetup,
  type Comparison,
  type ConfusionMatrix,
} from './compare';
import {
  BundleImportInputSchema,
  ReportCreateInputSchema,
  ReportFormatSchema,
  type BundleImportResult,
  type ReportFile,
  type ReportRecord,
} from './reports';
import {
  RunQueryInputSchema,
  RunUpdateInputSchema,
  SavedViewDeleteSchema,
  SavedViewSchema,
  type RunAnnotations,
  type RunPage,
  type SavedView,
} from './history';
import {
  ExperimentUpdateInputSchema,
  type ExperimentDeletePreview,
  type ExperimentDeleteResult,
} from './experiments';
import { PlanInputSchema, RerunInputSchema, type PlanSummary, type RerunResult } from './plan';
import { SetTrainerLimitSchema, type QueueStatus } from './queue';
import type { EmbeddingAnswer } from '../domain/embedding';
import { EmbeddingInputSchema } from './embedding';
import {
  TransferabilityEstimateInputSchema,
  type TransferabilityEstimate,
} from './transferability';

/**
 * The RPC contract: one map `method -> {input schema, output type}` shared by the three front
 * doors (Electron IPC, WebSocket, in-process CLI calls). Inputs are zod schemas because every
 * transport parses `unknown`; outputs are types because they come from our own services.
 */
const none = z.object({}).strict();
const byId = z.object({ id: z.int().positive() }).strict();

export interface AppInfo {
  name: string;
  version: string;
  workspace: string;
  transport: 'electron' | 'websocket' | 'in-process';
  /** Trainer processes that may run at once, across every process on the workspace. */
  concurrency: number;
}

export const rpcInputs = {
  'app.info': none,
  'examples.list': none,
  'strategies.list': none,
  'datasets.list': none,
  /**
   * Which training backends this machine has (issue 15), probed once in a child process and
   * kept; `refresh` probes again.
   */
  'backends.list': z.object({ refresh: z.boolean().optional() }).strict(),
  'datasets.inspect': InspectInputSchema,
  'datasets.import': ImportInputSchema,
  'datasets.preview': PreviewInputSchema,
  'datasets.delete': DeleteDatasetInputSchema,
  /**
   * `executor` (issue 16): where its runs train; this machine unless it names Slurm. Refused
   * when Slurm is named and sbatch is not reachable.
   */
  'experiments.create': z
    .object({ spec: z.unknown(), executor: ExecutorChoiceSchema.optional() })
    .strict(),
  'experiments.plan': PlanInputSchema,
  'experiments.list': none,
  'experiments.get': byId,
  'experiments.transferability': byId,
  'transferability.estimate': TransferabilityEstimateInputSchema,
  'runs.list': z
    .object({
      experimentId: z.int().positive().optional(),
      limit: z.int().min(1).max(10_000).optional(),
    })
    .strict(),
  'runs.get': byId,
  'runs.query': RunQueryInputSchema,
  'runs.update': RunUpdateInputSchema,
  'runs.views.list': none,
  'runs.views.save': SavedViewSchema,
  'runs.views.delete': SavedViewDeleteSchema,
  'runs.cancel': byId,
  /** Deletes finished runs with their metrics, logs and model files, in one transaction. */
  'runs.delete': z.object({ ids: z.array(z.int().positive()).min(1).max(500) }).strict(),
  'runs.confusion': byId,
  /** Cached unless `compute`; computing runs the models process (issue 14, point 3). */
  'runs.embedding': EmbeddingInputSchema,
  'runs.rerun': RerunInputSchema,
  'experiments.cancel': byId,
  /** Archives or unarchives an experiment; it keeps its runs either way. */
  'experiments.update': ExperimentUpdateInputSchema,
  /** What deleting an experiment would remove and what stops it; writes nothing. */
  'experiments.deletePreview': byId,
  /** Deletes an experiment with all its runs in one transaction; refused while one is active. */
  'experiments.delete': byId,
  'compare.run': CompareInputSchema,
  'compare.setups.list': none,
  'compare.setups.save': ChartSetupSaveSchema,
  'compare.setups.delete': byId,
  'reports.create': ReportCreateInputSchema,
  'reports.list': none,
  'reports.regenerate': z
    .object({ id: z.int().positive(), format: ReportFormatSchema.optional() })
    .strict(),
  'bundles.import': BundleImportInputSchema,
  'models.list': none,
  'models.get': ModelRefInputSchema,
  /** Converts in a child process; a refused file stores nothing. */
  'models.import': ModelImportInputSchema,
  'models.update': ModelUpdateInputSchema,
  /** Refused while a run records the model as its source. */
  'models.delete': byId,
  'models.export': ModelExportInputSchema,
  'models.storage': none,
  /** Which models transfer runs keep from now on (all, the best per comparison cell, none). */
  'models.setKeep': z.object({ keep: KeepModelsSchema }).strict(),
  'queue.status': none,
  /** Sets the trainer limit shared by every process on the workspace (kept in the database). */
  'queue.setLimit': SetTrainerLimitSchema,
  /** Whether Slurm is reachable from this machine, and the saved Slurm profile (issue 16). */
  'cluster.status': z.object({ refresh: z.boolean().optional() }).strict(),
  /** Saves the Slurm profile the designer starts from; null forgets it. */
  'cluster.setProfile': z.object({ profile: SlurmOptionsSchema.nullable() }).strict(),
} as const;

export interface RpcOutputs {
  'app.info': AppInfo;
  'examples.list': ExampleSpec[];
  'strategies.list': StrategyInfo[];
  'datasets.list': DatasetSummary[];
  'backends.list': MachineBackends;
  'datasets.inspect': InspectResult;
  'datasets.import': ImportResult;
  'datasets.preview': DatasetPreview;
  /** Refused while an experiment uses the dataset. */
  'datasets.delete': { deleted: boolean };
  'experiments.create': { experimentId: number; runIds: number[] };
  /** What a spec would queue and how long it would take, before anything is queued. */
  'experiments.plan': PlanSummary;
  'experiments.list': ExperimentSummary[];
  'experiments.get': ExperimentDetail;
  'experiments.transferability': TransferabilitySummary;
  'transferability.estimate': TransferabilityEstimate;
  'runs.list': RunSummary[];
  'runs.get': RunDetail;
  /** History: filtered, searched, sorted, one page at a time. */
  'runs.query': RunPage;
  'runs.update': RunAnnotations;
  /** Saved views of the Runs grid, in the order first saved. */
  'runs.views.list': SavedView[];
  /** Saving under an existing name (ignoring case) replaces that view. */
  'runs.views.save': SavedView;
  'runs.views.delete': { deleted: boolean };
  'runs.cancel': { cancelled: boolean };
  /** Ids deleted, and model folders removed with them. */
  'runs.delete': { deleted: number[]; artifactsRemoved: number };
  /** Null for runs that recorded none (not finished, or finished before confusion matrices). */
  'runs.confusion': ConfusionMatrix | null;
  'runs.embedding': EmbeddingAnswer;
  /** New runs with the identical resolved configs; refused whole when a dataset changed. */
  'runs.rerun': RerunResult;
  'experiments.cancel': { cancelled: number };
  'experiments.update': ExperimentSummary;
  'experiments.deletePreview': ExperimentDeletePreview;
  'experiments.delete': ExperimentDeleteResult;
  'compare.run': Comparison;
  'compare.setups.list': ChartSetup[];
  /** Saving under an existing name replaces that setup. */
  'compare.setups.save': ChartSetup;
  'compare.setups.delete': { deleted: boolean };
  'reports.create': ReportFile;
  'reports.list': ReportRecord[];
  'reports.regenerate': ReportFile;
  'bundles.import': BundleImportResult;
  'models.list': ModelSummary[];
  'models.get': ModelDetail;
  'models.import': ModelImportResult;
  'models.update': ModelDetail;
  'models.delete': { deleted: boolean };
  'models.export': ModelExportResult;
  'models.storage': ModelStorage;
  'models.setKeep': ModelStorage;
  'queue.status': QueueStatus;
  'queue.setLimit': QueueStatus;
  'cluster.status': ClusterStatus;
  /** The profile as saved (checked against what sbatch accepts). */
  'cluster.setProfile': { profile: SlurmOptions | null };
}

export type RpcMethod = keyof typeof rpcInputs;
export type RpcInput<M extends RpcMethod> = z.input<(typeof rpcInputs)[M]>;
export type RpcParsedInput<M extends RpcMethod> = z.infer<(typeof rpcInputs)[M]>;
export type RpcOutput<M extends RpcMethod> = RpcOutputs[M];

export const RPC_METHODS = Object.keys(rpcInputs) as RpcMethod[];

export function isRpcMethod(name: string): name is RpcMethod {
  return Object.hasOwn(rpcInputs, name);
}

/** The services behind the contract, implemented once in src-main/core. */
export type RpcHandlers = {
  [M in RpcMethod]: (input: RpcParsedInput<M>) => Promise<RpcOutput<M>> | RpcOutput<M>;
};
