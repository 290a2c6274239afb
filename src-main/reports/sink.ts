import { AsyncLocalStorage } from 'node:async_hooks';
import type { ReportFormat } from '../../src-shared/rpc/reports';

/**
 * Where a report is written before it is recorded (issue 11: a report the CLI could not write
 * was recorded all the same). The app's UI receives the bytes and downloads them itself; the
 * CLI calls the same `reports.create`/`reports.regenerate` in-process and writes the file, so
 * it hands the core a sink for the length of that call: the service stages the file through
 * it, records the report, and publishes the file in the same transaction; a refused write
 * leaves neither file nor record. A context rather than a contract field, because the file
 * is the CLI's own business and must not be asked for over a socket.
 */
export interface RenderedReport {
  /** The report's default (sanitised) file name. */
  fileName: string;
  format: ReportFormat;
  bytes: Uint8Array;
}

export interface StagedReport {
  /** Makes the staged file final; throws (leaving nothing behind) if it cannot. */
  publish(): void;
  /** Removes the staged file: the report is not recorded after all. */
  discard(): void;
}

export type ReportSink = (report: RenderedReport) => StagedReport | Promise<StagedReport>;

const sinks = new AsyncLocalStorage<ReportSink>();

/** Runs `fn` with every report it creates going through `sink` before it is recorded. */
export function withReportSink<T>(sink: ReportSink, fn: () => Promise<T>): Promise<T> {
  return sinks.run(sink, fn);
}

/** The sink of the call in progress, if its front door gave one. */
export function currentReportSink(): ReportSink | undefined {
  return sinks.getStore();
}
