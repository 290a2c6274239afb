/**
 * Results, not exceptions, across process and transport lines (Signal's `wrapResult`):
 * Electron's `handle` would otherwise carry only an error message, and a WebSocket carries
 * nothing at all.
 */
export interface AppError {
  /** Stable machine-readable code, e.g. `invalid_input`, `not_found`, `internal`. */
  code: string;
  message: string;
  /** Per-field problems for `invalid_input`: one line per issue. */
  issues?: string[];
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function err(code: string, message: string, issues?: string[]): Result<never> {
  return issues
    ? { ok: false, error: { code, message, issues } }
    : { ok: false, error: { code, message } };
}

/** An error that a service throws deliberately; transports turn it into `{ok: false}`. */
export class AppFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly issues?: string[],
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
