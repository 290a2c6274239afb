import type { AppEvent } from './events';
import type { RpcInput, RpcMethod, RpcOutput } from './contract';
import type { Result } from '../result';

/**
 * The one client interface the renderer uses, whatever the transport (Actual Budget's
 * `send<K extends keyof Handlers>`). The preload bridge and the WebSocket client both implement it.
 */
export type ApiMethods = {
  [M in RpcMethod]: (input: RpcInput<M>) => Promise<Result<RpcOutput<M>>>;
};

export interface Api extends ApiMethods {
  /** Subscribe to core events; returns the unsubscribe function. */
  onEvent(listener: (event: AppEvent) => void): () => void;
}
