import type { Migration } from './index';

/**
 * Runs handed to a cluster (issue 16). A run the cluster holds keeps its status (queued until its
 * worker's event file starts, then running) with `runs.owner` = 'cluster:<executor>', which no
 * local queue claims or takes for dead (store/clusterTasks.ts). This table says, per attempt,
 * which scheduler job and task hold it and what the scheduler last said of it, so that a task
 * that dies without an outcome (time limit, out of memory, node failure) is found and ended with
 * the scheduler's reason, and a cancel reaches the task. Version 13 is the event cursors.
 */
export const migration014: Migration = {
  version: 14,
  name: 'cluster_tasks',
  up(db) {
    db.exec(`
      CREATE TABLE cluster_tasks (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        attempt INTEGER NOT NULL,         -- runs.attempts given to this task's worker
        executor TEXT NOT NULL,           -- 'slurm'
        job_id TEXT,                      -- NULL until sbatch answered
        task_id INTEGER,                  -- the array task
        restarts INTEGER NOT NULL DEFAULT 0, -- requeues seen (SLURM_RESTART_COUNT)
        state TEXT,                       -- the scheduler's last word (PENDING, RUNNING, TIMEOUT…)
        reason TEXT,
        submitted_at TEXT,
        cancel_sent_at TEXT,              -- when scancel was sent for it
        updated_at TEXT NOT NULL,
        PRIMARY KEY (run_id, attempt)
      ) WITHOUT ROWID;
      CREATE INDEX cluster_tasks_job ON cluster_tasks (job_id, task_id);
    `);
  },
};
