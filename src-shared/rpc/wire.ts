import { z } from 'zod';
import type { AppEvent } from './events';
import type { Result } from '../result';

/** WebSocket frames. Requests carry a client-chosen id echoed in the response. */
export const WsRequestSchema = z
  .object({ id: z.int().min(0), method: z.string().min(1).max(100), input: z.unknown() })
  .strict();
export type WsRequest = z.infer<typeof WsRequestSchema>;

export type WsServerFrame =
  { kind: 'response'; id: number; result: Result<unknown> } | { kind: 'event'; event: AppEvent };

/** Name of the preload bridge on `window` in Electron. */
export const BRIDGE_NAME = 'transferlab';
/** Electron IPC channel names: one per RPC method, plus one for events. */
export const IPC_PREFIX = 'rpc:';
export const IPC_EVENT_CHANNEL = 'app:event';
