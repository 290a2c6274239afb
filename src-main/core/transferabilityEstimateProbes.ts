import type { ProbeHandle } from '../engine/trainer/probeHost';
import type { ProbeJob, ProbeOutcome } from '../engine/trainer/probeProtocol';

/** Starts a probe process for some jobs (probeHost.ts `startProbe`; tests may substitute one). */
export type ProbeStarter = (jobs: ProbeJob[]) => ProbeHandle;

/**
 * The core's probe processes, one at a time: each loads tfjs and a dataset, so clicks on several
 * "Score" buttons queue rather than compete with the trainers for the same cores. Closing the
 * core kills what is running and answers what waits.
 */
export class ProbeQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly active = new Set<ProbeHandle>();
  private closed = false;

  constructor(private readonly start: ProbeStarter) {}

  readonly run = (jobs: ProbeJob[]): Promise<ProbeOutcome[]> => {
    const next = this.tail.then(() => this.runNow(jobs));
    this.tail = next.catch(() => undefined);
    return next;
  };

  close(): void {
    this.closed = true;
    for (const handle of this.active) handle.kill();
  }

  private async runNow(jobs: ProbeJob[]): Promise<ProbeOutcome[]> {
    if (this.closed) return jobs.map(() => ({ ok: false, error: 'The workspace is closing.' }));
    const handle = this.start(jobs);
    this.active.add(handle);
    try {
      return await handle.done;
    } finally {
      this.active.delete(handle);
    }
  }
}
