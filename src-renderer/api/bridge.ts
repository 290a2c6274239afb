import { AppEventSchema, type AppEvent } from '../../src-shared/rpc/events';
import { RPC_METHODS, type RpcMethod } from '../../src-shared/rpc/contract';
import type { Result } from '../../src-shared/result';
import { Listeners, type Transport } from './client';
import { ResultSchema, describeZodError, failure, toResult } from './frames';

/**
 * The Electron transport: the preload bridge (`window.transferlab`) has one method per RPC method
 * and `onEvent`. What it hands back crossed a process line, so it is parsed like a WebSocket frame.
 * Returns null when `bridge` is not a complete bridge (e.g. in a plain browser).
 */
export function bridgeTransport(bridge: unknown): Transport | null {
  if (typeof bridge !== 'object' || bridge === null) return null;
  const methods = new Map<RpcMethod, (input: unknown) => Promise<unknown>>();
  for (const name of RPC_METHODS) {
    const fn: unknown = Reflect.get(bridge, name);
    if (typeof fn !== 'function') return null;
    methods.set(name, async (input) => {
      const value: unknown = await Reflect.apply(fn, bridge, [input]);
      return value;
    });
  }
  const onEvent: unknown = Reflect.get(bridge, 'onEvent');
  if (typeof onEvent !== 'function') return null;

  const listeners = new Listeners<AppEvent>();
  let subscribed = false;
  const ensureSubscribed = (): void => {
    if (subscribed) return;
    subscribed = true;
    Reflect.apply(onEvent, bridge, [
      (raw: unknown) => {
        const parsed = AppEventSchema.safeParse(raw);
        if (parsed.success) listeners.emit(parsed.data);
        else console.warn(`Ignoring a malformed event: ${describeZodError(parsed.error)}`);
      },
    ]);
  };

  return {
    async call(method, input): Promise<Result<unknown>> {
      const fn = methods.get(method);
      if (!fn) return failure('unknown_method', `The bridge has no ${method}.`);
      try {
        const parsed = ResultSchema.safeParse(await fn(input ?? {}));
        if (parsed.success) return toResult(parsed.data);
        return failure(
          'bad_frame',
          `Malformed answer to ${method}: ${describeZodError(parsed.error)}`,
        );
      } catch (e) {
        return failure('transport', e instanceof Error ? e.message : String(e));
      }
    },
    subscribe(listener) {
      ensureSubscribed();
      return listeners.add(listener);
    },
  };
}
