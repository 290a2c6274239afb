import { isTerminal, type RunStatus } from '../../src-shared/domain/runs';
import type { AppEvent } from '../../src-shared/rpc/events';
import type { Db } from '../store/db';
import { readMetrics } from '../store/metrics';
import { readRunLog } from '../store/runLogs';
import {
  changeableRuns,
  dataVersion,
  experimentsAfter,
  maxExperimentId,
  maxRunId,
  type RunState,
} from '../store/watch';
import type { EventBus } from './events';
import { statusEventOf } from './runEvents';

/** What this process has told its clients about a run that can still change. */
interface Seen {
  status: RunStatus;
  epochsDone: number;
  logSeq: number;
}

/**
 * Makes other processes' work on the same workspace visible here, live: a run the CLI trains
 * shows its status, epochs, curves and log in the server's UI as they are committed, and the
 * reverse. Each tick costs one `PRAGMA data_version` (it changes only when another connection
 * commits); only then does it read the runs that can still change and the rows added since.
 * What this process's own queue emits is recorded as seen, so nothing reaches a client twice.
 */
export class WorkspaceWatcher {
  private version = -1;
  private lastRunId = 0;
  private lastExperimentId = 0;
  private readonly seen = new Map<number, Seen>();
  private timer: NodeJS.Timeout | undefined;
  private off: (() => void) | undefined;

  constructor(
    private readonly db: Db,
    private readonly events: EventBus,
  ) {}

  start(pollMs: number): void {
    this.version = dataVersion(this.db);
    this.lastRunId = maxRunId(this.db);
    this.lastExperimentId = maxExperimentId(this.db);
    for (const state of changeableRuns(this.db, [], this.lastRunId)) this.remember(state);
    this.off = this.events.on((event) => {
      this.record(event);
    });
    this.timer = setInterval(() => {
      this.poll();
    }, pollMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.off?.();
  }

  /** Emits what other processes committed since the last poll; a no-op when nothing changed. */
  poll(): void {
    const version = dataVersion(this.db);
    if (version === this.version) return;
    this.version = version;
    for (const id of experimentsAfter(this.db, this.lastExperimentId))
      this.events.emit({ type: 'experiment.created', experimentId: id });
    const open = [...this.seen.keys()];
    for (const state of changeableRuns(this.db, open, this.lastRunId)) this.catchUp(state);
  }

  private catchUp(state: RunState): void {
    const seen = this.seen.get(state.id);
    this.lastRunId = Math.max(this.lastRunId, state.id);
    const before: Seen = seen ?? { status: 'queued', epochsDone: 0, logSeq: 0 };
    // Epochs and log lines first, so a client has the whole curve when it learns the run ended.
    if (state.epochsDone > before.epochsDone) {
      for (const epoch of readMetrics(this.db, state.id, before.epochsDone)) {
        this.events.emit({
          type: 'run.epoch',
          runId: state.id,
          experimentId: state.experimentId,
          epoch: epoch.epoch,
          epochs: state.epochs,
          values: epoch.values,
          elapsedS: epoch.elapsedS,
        });
      }
    }
    if (state.logSeq > before.logSeq) {
      for (const entry of readRunLog(this.db, state.id, before.logSeq))
        this.events.emit({
          type: 'run.log',
          runId: state.id,
          experimentId: state.experimentId,
          entry,
        });
    }
    // A new run, a new status, or epochs cleared by a restart: the status event says so.
    if (seen === undefined || state.status !== seen.status || state.epochsDone < seen.epochsDone)
      this.events.emit(statusEventOf(state));
    this.remember(state);
  }

  private remember(state: RunState): void {
    if (isTerminal(state.status)) this.seen.delete(state.id);
    else
      this.seen.set(state.id, {
        status: state.status,
        epochsDone: state.epochsDone,
        logSeq: state.logSeq,
      });
  }

  /** Every event this process emits, its own queue's included, is what clients have seen. */
  private record(event: AppEvent): void {
    switch (event.type) {
      case 'experiment.created':
        this.lastExperimentId = Math.max(this.lastExperimentId, event.experimentId);
        return;
      case 'run.status': {
        this.lastRunId = Math.max(this.lastRunId, event.runId);
        if (isTerminal(event.status)) {
          this.seen.delete(event.runId);
          return;
        }
        const seen = this.seen.get(event.runId);
        this.seen.set(event.runId, {
          status: event.status,
          epochsDone: event.epochsDone ?? seen?.epochsDone ?? 0,
          logSeq: seen?.logSeq ?? 0,
        });
        return;
      }
      case 'run.epoch': {
        const seen = this.seen.get(event.runId);
        if (seen) seen.epochsDone = Math.max(seen.epochsDone, event.epoch);
        return;
      }
      case 'run.log': {
        const seen = this.seen.get(event.runId);
        if (seen) seen.logSeq = Math.max(seen.logSeq, event.entry.seq);
        return;
      }
      default:
        return;
    }
  }
}
