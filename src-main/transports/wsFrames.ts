import type { RpcHandlers } from '../../src-shared/rpc/contract';
import type { AppEvent } from '../../src-shared/rpc/events';
import {
  BUSY_CODE,
  WsRequestIdSchema,
  WsRequestSchema,
  type WsServerFrame,
} from '../../src-shared/rpc/wire';
import { err, formatIssue, issuesFromZod, type Result } from '../../src-shared/result';
import { dispatch } from './dispatch';

/**
 * The id of a response to a frame whose own id could not be read (not JSON, not an object,
 * no valid id). Request ids are >= 0, so it never collides with a pending request.
 */
export const UNKNOWN_REQUEST_ID = -1;

function responseFrame(id: number, result: Result<unknown>): WsServerFrame {
  return { kind: 'response', id, result };
}

/** The request id of a frame that failed validation, when it still carries a usable one. */
function salvageId(value: unknown): number {
  const parsed = WsRequestIdSchema.safeParse(value);
  return parsed.success ? parsed.data.id : UNKNOWN_REQUEST_ID;
}

/**
 * `{"id":<digits>` at the very start of the frame, followed by `,` or `}`: how our client writes
 * every request (JSON.stringify keeps the key order of `{id, method, input}`).
 */
const LEADING_ID = /^\s*\{\s*"id"\s*:\s*(\d{1,16})\s*[,}]/;

/**
 * The id of a request the server will not run (issue 11: an overloaded connection answered with
 * id -1, so the client's promises never settled). Cheap on the common path: a look at the frame's
 * first characters, no full parse. Any other frame is parsed (its size is capped by
 * maxMessageBytes, and its bytes were received anyway). UNKNOWN_REQUEST_ID when the frame has no
 * usable id, i.e. when it could never be a valid request.
 */
export function peekRequestId(text: string | null): number {
  if (text === null) return UNKNOWN_REQUEST_ID;
  const digits = LEADING_ID.exec(text)?.[1];
  if (digits !== undefined) {
    const id = Number(digits);
    if (Number.isSafeInteger(id)) return id;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return UNKNOWN_REQUEST_ID;
  }
  return salvageId(json);
}

/**
 * The answer to a frame that arrives while its connection already has `maxInFlight` requests
 * running. It is not run, so it can safely be sent again: the response says so with
 * `retryAfterMs`, and carries the request's own id so that the client can match it. A frame
 * without a usable id would be refused as `bad_frame` anyway, and is told that instead.
 */
export function busyFrame(
  text: string | null,
  maxInFlight: number,
  retryAfterMs: number,
): WsServerFrame {
  const id = peekRequestId(text);
  if (id === UNKNOWN_REQUEST_ID) {
    return responseFrame(id, err('bad_frame', 'The frame is not a request with a valid id'));
  }
  return {
    kind: 'response',
    id,
    result: err(
      BUSY_CODE,
      `More than ${maxInFlight} requests in flight on this connection; not run, send it again later`,
    ),
    retryAfterMs,
  };
}

/**
 * Parses one incoming message and runs it. Never throws: a bad frame (binary, not JSON, not a
 * request) gets an error response, and a handler's failure comes back as `{ok: false}`.
 */
export async function handleFrame(
  handlers: RpcHandlers,
  text: string | null,
): Promise<WsServerFrame> {
  if (text === null) {
    return responseFrame(UNKNOWN_REQUEST_ID, err('bad_frame', 'Binary frames are not accepted'));
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return responseFrame(UNKNOWN_REQUEST_ID, err('bad_frame', 'The frame is not valid JSON'));
  }
  const parsed = WsRequestSchema.safeParse(json);
  if (!parsed.success) {
    const issues = issuesFromZod(parsed.error);
    return responseFrame(
      salvageId(json),
      err('bad_frame', `Invalid request frame: ${issues.map(formatIssue).join('; ')}`, issues),
    );
  }
  const { id, method, input } = parsed.data;
  return responseFrame(id, await dispatch(handlers, method, input));
}

export function eventFrame(event: AppEvent): WsServerFrame {
  return { kind: 'event', event };
}

/**
 * JSON text of a frame. JSON.stringify already writes NaN and ±Infinity as null, which is what
 * the contract promises; a value JSON cannot carry at all (a BigInt, a cycle) turns a response
 * into an `internal` error instead of crashing the connection, and an event into null (dropped).
 */
export function serializeFrame(frame: WsServerFrame): string | null {
  try {
    return JSON.stringify(frame);
  } catch (e) {
    if (frame.kind === 'event') return null;
    const message = e instanceof Error ? e.message : String(e);
    return JSON.stringify(
      responseFrame(frame.id, err('internal', `The result cannot be sent as JSON: ${message}`)),
    );
  }
}
