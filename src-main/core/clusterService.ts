import type {
  ClusterStatus,
  ExecutorChoice,
  SlurmAvailabilityInfo,
  SlurmOptions,
} from '../../src-shared/domain/cluster';
import type { RpcHandlers } from '../../src-shared/rpc/contract';
import { AppFailure } from '../../src-shared/result';
import { slurmAvailability } from '../cluster/slurm/available';
import type { SlurmCallOptions } from '../cluster/slurm/command';
import { installedWorker, type WorkerLauncher } from '../cluster/slurm/sbatchScript';
import { readSlurmProfile, saveSlurmProfile } from '../store/clusterTasks';
import type { CoreContext } from './context';
import { ClusterMonitor } from './clusterMonitor';
import { checkSlurmOptions, submitHeldRuns, type SubmitSummary } from './clusterSubmit';

/**
 * The cluster side of a core (issue 16): whether Slurm is reachable, the saved Slurm profile,
 * submitting an experiment's held runs, and the monitor that follows them.
 */

export interface ClusterSettings {
  /** The Slurm clients' environment (SLURM_CONF names the cluster). Default: process.env. */
  slurm?: SlurmCallOptions;
  /** How tasks start the worker. Default: this install's (installedWorker). */
  worker?: WorkerLauncher;
  /** How often the monitor asks Slurm about its tasks. */
  schedulerPollMs?: number;
}

export interface ClusterService {
  handlers: Pick<RpcHandlers, 'cluster.status' | 'cluster.setProfile'>;
  /** Refuses an executor this machine cannot use, before the experiment is created. */
  check(executor: ExecutorChoice): Promise<void>;
  submit(runIds: readonly number[], options: SlurmOptions): Promise<SubmitSummary>;
  /** Started only in a process that executes runs; `transferlab sync` runs one pass of it. */
  monitor: ClusterMonitor;
}

export function createClusterService(
  ctx: Pick<CoreContext, 'db' | 'workspaceDir' | 'events'>,
  settings: ClusterSettings,
  pollMs: number,
): ClusterService {
  const call = settings.slurm ?? {};
  const worker = settings.worker ?? installedWorker();
  let known: Promise<SlurmAvailabilityInfo> | null = null;
  const availability = (refresh: boolean): Promise<SlurmAvailabilityInfo> => {
    if (refresh || known === null) {
      known = slurmAvailability(call);
      // A failed probe is asked again next time rather than remembered.
      known.catch(() => (known = null));
    }
    return known;
  };
  const monitor = new ClusterMonitor({
    ctx,
    slurm: call,
    pollMs,
    schedulerPollMs: settings.schedulerPollMs ?? 5000,
  });
  return {
    handlers: {
      'cluster.status': async ({ refresh }): Promise<ClusterStatus> => ({
        slurm: await availability(refresh ?? false),
        slurmProfile: readSlurmProfile(ctx.db),
      }),
      'cluster.setProfile': ({ profile }) => {
        if (profile !== null) checkSlurmOptions(profile, worker);
        saveSlurmProfile(ctx.db, profile);
        return { profile };
      },
    },
    check: async (executor) => {
      if (executor.kind === 'local') return;
      checkSlurmOptions(executor.slurm, worker);
      const slurm = await availability(true);
      if (!slurm.available) {
        throw new AppFailure('unavailable', `Cannot submit to Slurm: ${slurm.reason}`);
      }
    },
    submit: (runIds, options) => submitHeldRuns(ctx, runIds, options, { call, worker }),
    monitor,
  };
}
