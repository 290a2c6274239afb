import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import type { AppEvent } from '../../src-shared/rpc/events';
import { isTerminal } from '../../src-shared/domain/runs';
import type { CliIo } from './io';

/**
 * Shows `run` progress on stderr: on a terminal one bar per running run (epoch and loss), and
 * in a pipe or log file plain lines (status changes and one line per epoch).
 */
export interface ProgressReporter {
  handle(event: AppEvent): void;
  /** A line about the experiment as a whole (what it waits for), printed above any bars. */
  note(line: string): void;
  stop(): void;
}

/** Describes a run for humans, e.g. `#3 fine-tune digits → digits-rot budget 10 seed 0`. */
export type RunDescriber = (runId: number) => string;

function formatValue(value: number | null | undefined): string {
  if (value === undefined) return '-';
  if (value === null) return 'NaN';
  return value.toFixed(4);
}

/** The order a trainer reports them in; an epoch read back from the database comes by name. */
const METRIC_ORDER = ['loss', 'acc', 'val_loss', 'val_acc'];

function metricRank(name: string): number {
  const i = METRIC_ORDER.indexOf(name);
  return i === -1 ? METRIC_ORDER.length : i;
}

function epochLine(event: Extract<AppEvent, { type: 'run.epoch' }>): string {
  const values = Object.entries(event.values)
    .sort(([a], [b]) => metricRank(a) - metricRank(b) || a.localeCompare(b))
    .map(([name, value]) => `${name}=${formatValue(value)}`)
    .join(' ');
  return `epoch ${event.epoch}/${event.epochs} ${values}`;
}

function statusLine(event: Extract<AppEvent, { type: 'run.status' }>): string {
  const backend = event.backend !== null ? ` [${event.backend}]` : '';
  const error = event.error !== null ? `: ${event.error}` : '';
  return `${event.status}${backend}${error}`;
}

export function plainReporter(io: CliIo, describe: RunDescriber): ProgressReporter {
  const lastLine = new Map<number, string>();
  return {
    handle(event) {
      if (event.type === 'run.status') {
        // `queued` is said once for all runs; `running` comes again once the trainer names its
        // backend, which is the line worth printing.
        if (event.status === 'queued' || (event.status === 'running' && event.backend === null)) {
          return;
        }
        const line = `run ${describe(event.runId)} ${statusLine(event)}`;
        if (lastLine.get(event.runId) === line) return;
        lastLine.set(event.runId, line);
        io.err(`${line}\n`);
      } else if (event.type === 'run.epoch') {
        io.err(`run #${event.runId} ${epochLine(event)}\n`);
      }
    },
    note(line) {
      io.err(`${line}\n`);
    },
    stop() {
      // Nothing to clean up: every line is complete.
    },
  };
}

interface BarState {
  bar: SingleBar;
  epochsDone: number;
}

export function barReporter(io: CliIo, describe: RunDescriber): ProgressReporter {
  const multibar = new MultiBar(
    {
      stream: io.stderr,
      format: '{label} |{bar}| {percentage}% | epoch {epoch}/{epochs} | loss {loss}',
      barsize: 24,
      hideCursor: true,
      clearOnComplete: false,
      autopadding: true,
      fps: 5,
    },
    Presets.shades_classic,
  );
  const bars = new Map<number, BarState>();
  let stopped = false;

  const barFor = (runId: number, epochs: number): BarState => {
    let state = bars.get(runId);
    if (state === undefined) {
      const bar = multibar.create(Math.max(1, epochs), 0, {
        label: describe(runId),
        epoch: 0,
        epochs,
        loss: '-',
      });
      state = { bar, epochsDone: 0 };
      bars.set(runId, state);
    }
    return state;
  };

  return {
    handle(event) {
      switch (event.type) {
        case 'run.status':
          // A bar appears with the run's first progress event, which tells its length.
          if (isTerminal(event.status)) {
            const state = bars.get(event.runId);
            if (state !== undefined) {
              multibar.remove(state.bar);
              bars.delete(event.runId);
            }
            multibar.log(`run ${describe(event.runId)} ${statusLine(event)}\n`);
          }
          break;
        case 'run.progress': {
          const state = barFor(event.runId, event.epochs);
          const within = event.batches > 0 ? Math.min(1, event.batch / event.batches) : 0;
          state.bar.update(Math.min(event.epochs, state.epochsDone + within), {
            epoch: state.epochsDone,
            epochs: event.epochs,
          });
          break;
        }
        case 'run.epoch': {
          const state = barFor(event.runId, event.epochs);
          state.epochsDone = Math.max(state.epochsDone, event.epoch);
          state.bar.update(Math.min(event.epochs, state.epochsDone), {
            epoch: state.epochsDone,
            epochs: event.epochs,
            loss: formatValue(event.values.loss),
          });
          break;
        }
        default:
          break;
      }
    },
    note(line) {
      multibar.log(`${line}\n`);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      // stop() does not flush lines logged since the last redraw: redraw once first.
      multibar.update();
      multibar.stop();
    },
  };
}

export function progressReporter(io: CliIo, describe: RunDescriber): ProgressReporter {
  return io.stderrIsTTY ? barReporter(io, describe) : plainReporter(io, describe);
}
