import { z } from 'zod';
import type { AppEvent } from './events';
import type { ErrorCode, Result } from '../result';

/** WebSocket frames. Requests carry a client-chosen id echoed in the response. */
export const WsRequestSchema = z
  .object({ id: z.int().min(0), method: z.string().min(1).max(100), input: z.unknown() })
  .strict();
export type WsRequest = z.infer<typeof WsRequestSchema>;

/**
 * Just the id of a frame (any other keys ignored): enough to answer the right request when the
 * rest of the frame is refused or cannot be read.
 */
export const WsRequestIdSchema = z.object({ id: WsRequestSchema.shape.id });

/**
 * Requests one WebSocket connection may have running at once: the server's default limit, and
 * what the page's client keeps on the wire at most, so that one page alone never makes its server
 * answer `busy` (issue 11). The server enforces its own (configurable) limit regardless.
 */
export const DEFAULT_MAX_IN_FLIGHT = 64;

/**
 * The error code of a request the server refused because the connection already had too many
 * requests running (issue 11). Such a response also carries `retryAfterMs`.
 */
export const BUSY_CODE = 'busy' satisfies ErrorCode;

/** Longest wait a `busy` response may ask for; a client also caps what it honours. */
export const MAX_RETRY_AFTER_MS = 60_000;

/**
 * `retryAfterMs` on a response: present only when the server refused the request before running
 * it (code `busy`), so sending the same request again cannot do its work twice; the client should
 * wait at least this long first. It sits on the frame, not in the `AppError`, because it is a
 * promise of the transport, not something a handler can say.
 */
export const RetryAfterMsSchema = z.int().min(0).max(MAX_RETRY_AFTER_MS);

export type WsServerFrame =
  | { kind: 'response'; id: number; result: Result<unknown>; retryAfterMs?: number }
  | { kind: 'event'; event: AppEvent };

/** Name of the preload bridge on `window` in Electron. */
export const BRIDGE_NAME = 'transferlab';
/** Electron IPC channel names: one per RPC method, plus one for events. */
export const IPC_PREFIX = 'rpc:';
export const IPC_EVENT_CHANNEL = 'app:event';
