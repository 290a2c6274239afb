import type { RpcHandlers } from '../../src-shared/rpc/contract';
import type { AppEvent } from '../../src-shared/rpc/events';
import { WsRequestSchema, type WsServerFrame } from '../../src-shared/rpc/wire';
import { err, type Result } from '../../src-shared/result';
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
  if (typeof value === 'object' && value !== null && 'id' in value) {
    const id = value.id;
    if (typeof id === 'number' && Number.isSafeInteger(id) && id >= 0) return id;
  }
  return UNKNOWN_REQUEST_ID;
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
    const issues = parsed.error.issues.map((issue) => {
      const where = issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)';
      return `${where}: ${issue.message}`;
    });
    return responseFrame(
      salvageId(json),
      err('bad_frame', `Invalid request frame: ${issues.join('; ')}`, issues),
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
