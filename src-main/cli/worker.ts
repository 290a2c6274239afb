import { UsageError } from './args';
import { onStopSignal, type CliIo } from './io';

/**
 * `transferlab worker <job-file>` (issue 16): what a Slurm task (or a Kubernetes pod) runs. It
 * trains the job file's run in this process and appends its events to the job's event file
 * (cluster/worker.ts); stdout stays empty, stderr (the task's log) gets one line per outcome.
 * SIGTERM, which `scancel` and a time limit's end send, cancels at the next batch: the event file
 * ends with 'cancelled' and the exit code is 3 (0 means completed).
 */
export async function workerCommand(jobFile: string, io: CliIo): Promise<number> {
  const stop = new AbortController();
  // Listening before the engine loads: a SIGTERM during start-up still ends as 'cancelled'.
  const removeSignals = onStopSignal((signal) => {
    if (!stop.signal.aborted) io.err(`${signal}: cancelling at the next batch\n`);
    stop.abort();
  });
  try {
    // The engine (tfjs) loads only when a worker runs: `--help` and other commands stay light.
    const { runWorker } = await import('../cluster/worker');
    const { JobFileError } = await import('../cluster/jobFile');
    try {
      return await runWorker(jobFile, {
        stop: stop.signal,
        report: (line) => {
          io.err(`${line}\n`);
        },
      });
    } catch (e) {
      if (e instanceof JobFileError) throw new UsageError(e.message);
      throw e;
    }
  } finally {
    removeSignals();
  }
}
