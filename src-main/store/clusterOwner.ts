/**
 * How a run held by a cluster is told apart (issue 16): its `runs.owner` is 'cluster:<executor>'
 * ('cluster:slurm') from the moment it is handed over until it ends. No local queue claims such a
 * run, counts it against the trainer limit, or takes it for dead when no process heartbeats it:
 * the cluster monitor (core/clusterMonitor.ts) follows it through the scheduler instead.
 */

export const CLUSTER_OWNER_PREFIX = 'cluster:';

export type ClusterExecutor = 'slurm';

export function clusterOwner(executor: ClusterExecutor): string {
  return `${CLUSTER_OWNER_PREFIX}${executor}`;
}

export function isClusterOwner(owner: string | null): boolean {
  return owner !== null && owner.startsWith(CLUSTER_OWNER_PREFIX);
}

/** SQL: `column` does not name a cluster (NULL, a local process). */
export function NOT_CLUSTER_HELD(column: string): string {
  return `(${column} IS NULL OR ${column} NOT LIKE '${CLUSTER_OWNER_PREFIX}%')`;
}
