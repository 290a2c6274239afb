import { isTerminal } from '../../src-shared/domain/runs';
import type { RpcHandlers } from '../../src-shared/rpc/contract';
import { AppFailure } from '../../src-shared/result';
import { deleteExperiment, previewExperimentDelete } from '../store/experimentDelete';
import { listExperiments, setExperimentArchived } from '../store/experiments';
import { experimentRunIds } from '../store/runs';
import { emitStatus, type CoreContext } from './context';
import { parseSpec } from './experimentPlan';
import {
  createExperiment,
  experimentSummaries,
  getExperiment,
  resolvePlan,
} from './experimentService';
import { calibratePlan, summarisePlan } from './planService';
import { cancelRun } from './runHandlers';
import { estimateTransferability } from './transferabilityEstimate';
import type { ProbeQueue } from './transferabilityEstimateProbes';
import type { BackendService } from './backendService';
import { specBackendIssues } from './specBackends';
import type { ClusterService } from './clusterService';
import { holdForCluster } from '../store/clusterTasks';
import { inTransaction } from '../store/db';

type ExperimentHandlers = Pick<
  RpcHandlers,
  | 'experiments.create'
  | 'experiments.plan'
  | 'experiments.list'
  | 'experiments.get'
  | 'experiments.transferability'
  | 'experiments.cancel'
  | 'experiments.update'
  | 'experiments.deletePreview'
  | 'experiments.delete'
  | 'transferability.estimate'
>;

/**
 * Designing, planning, launching and cancelling experiments, and scoring sources before. A spec
 * asking for a backend this machine lacks is refused when planned and when created (issue 15).
 */
export function experimentHandlers(
  ctx: CoreContext,
  probes: ProbeQueue,
  backends: BackendService,
  cluster?: ClusterService,
): ExperimentHandlers {
  const { db, events } = ctx;
  return {
    'experiments.create': async ({ spec, executor }) => {
      if (executor?.kind === 'slurm') {
        if (!cluster) throw new AppFailure('unavailable', 'This process does not submit runs.');
        await cluster.check(executor);
        // This machine's backends say nothing of the compute nodes' (a GPU node may have what
        // the login node lacks): a worker without its backend fails its run, saying so.
        const created = inTransaction(db, () => {
          const made = createExperiment(db, spec, ctx.transport, ctx.limit());
          // In the same transaction: no local queue on the workspace can claim one in between.
          holdForCluster(db, made.runIds, 'slurm');
          return made;
        });
        events.emit({ type: 'experiment.created', experimentId: created.experimentId });
        await cluster.submit(created.runIds, executor.slurm);
        for (const runId of created.runIds) emitStatus(ctx, runId);
        return created;
      }
      // Asked before the transaction: the probe is a child process, the transaction synchronous.
      const found = await specBackendIssues(parseSpec(spec), backends);
      const created = createExperiment(db, spec, ctx.transport, ctx.limit(), found);
      events.emit({ type: 'experiment.created', experimentId: created.experimentId });
      for (const runId of created.runIds) emitStatus(ctx, runId);
      ctx.queue?.adopt(created.experimentId);
      return created;
    },
    'experiments.plan': async ({ spec, estimate, requestId }) => {
      const parsed = parseSpec(spec);
      const plan = resolvePlan(db, parsed, await specBackendIssues(parsed, backends));
      const problems: string[] = [];
      if (estimate === 'calibrate') {
        const failed = await calibratePlan(db, ctx.workspaceDir, plan, {
          launch: ctx.launch,
          concurrency: ctx.limit(),
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
        concurrency: ctx.limit(),
        estimate: estimate === 'none' ? 'none' : 'history',
      });
      const note = [summary.estimateNote, ...problems].filter((n) => n !== null).join(' ');
      return { ...summary, estimateNote: note === '' ? null : note };
    },
    'experiments.list': () => experimentSummaries(db),
    'experiments.get': ({ id }) => getExperiment(db, id),
    'experiments.transferability': ({ id }) => getExperiment(db, id).transferability,
    'experiments.cancel': ({ id }) => {
      getExperiment(db, id);
      // Queued runs first, so a cancelled source run's dependants are not started meanwhile.
      const runs = experimentRunIds(db, id).filter((r) => !isTerminal(r.status));
      runs.sort((a, b) => (a.status === 'queued' ? 0 : 1) - (b.status === 'queued' ? 0 : 1));
      const asked = new Set(runs.filter((r) => cancelRun(ctx, r.id)).map((r) => r.id));
      // Counted from the records: a cancelled source run cancels its dependants with it; a run
      // another process trains stops at its next heartbeat (asked, not cancelled yet).
      const open = new Set(runs.map((r) => r.id));
      const cancelled = experimentRunIds(db, id).filter(
        (r) => open.has(r.id) && (r.status === 'cancelled' || asked.has(r.id)),
      ).length;
      return { cancelled };
    },
    'experiments.update': ({ id, archived }) => {
      setExperimentArchived(db, id, archived);
      const [summary] = listExperiments(db, id);
      if (!summary) throw new AppFailure('not_found', `No experiment #${id}.`);
      events.emit({
        type: 'experiment.changed',
        experimentId: id,
        change: archived ? 'archived' : 'unarchived',
      });
      return summary;
    },
    'experiments.deletePreview': ({ id }) => previewExperimentDelete(db, ctx.workspaceDir, id),
    'experiments.delete': ({ id }) => {
      const result = deleteExperiment(db, ctx.workspaceDir, id);
      events.emit({
        type: 'experiment.changed',
        experimentId: id,
        change: 'deleted',
        deletedRuns: result.deletedRuns,
      });
      return result;
    },
    'transferability.estimate': (input) => estimateTransferability(db, input, probes.run),
  };
}
