import type { z } from 'zod';

/**
 * Results, not exceptions, across process and transport lines (Signal's `wrapResult`):
 * Electron's `handle` would otherwise carry only an error message, and a WebSocket carries
 * nothing at all.
 */

/**
 * Every error code, so that a client can switch on one and a typo fails the type check
 * (issue 12). The core's codes, then the transports', then those the renderer makes itself.
 */
export const ERROR_CODES = [
  // The input was refused; `issues` says where and why.
  'invalid_input',
  'not_found',
  // The request clashes with what is there (a name taken, a run still running).
  'conflict',
  // The transport refused the caller (a foreign frame).
  'forbidden',
  // This process lacks what the request needs (PDF export without Chromium).
  'unavailable',
  'write_failed',
  'cancelled',
  // Anything unexpected; also what an unknown code from another version reads as.
  'internal',
  'unknown_method',
  // A frame or an answer that is not what the protocol says.
  'bad_frame',
  // Too many requests running on one connection; sent with `retryAfterMs` (issue 11).
  'busy',
  // The call did not reach the core or its answer did not come back (IPC or WebSocket).
  'transport',
  'disconnected',
  'timeout',
  'upload_failed',
  'upload_refused',
  'no_files',
  'no_path',
  'bad_folder',
  'not_deleted',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export function isErrorCode(code: string): code is ErrorCode {
  return (ERROR_CODES as readonly string[]).includes(code);
}

/**
 * One problem with an input: where it is and what is wrong. `path` is the dotted path into the
 * input (`sources.0.model`, `strategies.1.params.l2sp`), '' for the input as a whole; a form
 * places the message at the field the path names, text prints both (formatIssue).
 */
export interface Issue {
  path: string;
  message: string;
}

export interface AppError {
  code: ErrorCode;
  message: string;
  /** Per-field problems, mostly for `invalid_input`. */
  issues?: Issue[];
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function err(code: ErrorCode, message: string, issues?: Issue[]): Result<never> {
  return issues
    ? { ok: false, error: { code, message, issues } }
    : { ok: false, error: { code, message } };
}

/** A dotted path from its parts, empty parts left out: `joinPath('strategies.0', 'params')`. */
export function joinPath(...parts: readonly PropertyKey[]): string {
  return parts
    .map(String)
    .filter((p) => p !== '')
    .join('.');
}

/** An issue of a part of the input as one of the whole: its path put under `prefix`. */
export function issueUnder(prefix: string, issue: Issue): Issue {
  return { path: joinPath(prefix, issue.path), message: issue.message };
}

/** A zod error's issues, each at its path (under `prefix` when the parsed value is a part). */
export function issuesFromZod(error: z.ZodError, prefix = ''): Issue[] {
  return error.issues.map((i) => ({ path: joinPath(prefix, ...i.path), message: i.message }));
}

/** An issue as one line of text, `path: message`: the one format for the CLI, logs and the UI. */
export function formatIssue(issue: Issue): string {
  return issue.path === '' ? issue.message : `${issue.path}: ${issue.message}`;
}

/** The issues once each, in order (variants of one entry share their problems). */
export function distinctIssues(issues: readonly Issue[]): Issue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = JSON.stringify([issue.path, issue.message]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** An error that a service throws deliberately; transports turn it into `{ok: false}`. */
export class AppFailure extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues?: Issue[],
  ) {
    super(message);
    this.name = 'AppFailure';
  }
}

export function toAppError(e: unknown): AppError {
  if (e instanceof AppFailure) {
    return e.issues
      ? { code: e.code, message: e.message, issues: e.issues }
      : { code: e.code, message: e.message };
  }
  if (e instanceof Error) return { code: 'internal', message: e.message };
  return { code: 'internal', message: String(e) };
}
