import {
  isRpcMethod,
  rpcInputs,
  type RpcHandlers,
  type RpcMethod,
} from '../../src-shared/rpc/contract';
import { parseUnknown } from '../../src-shared/parse';
import { err, ok, toAppError, type Result } from '../../src-shared/result';

/**
 * The one place every transport goes through: the method name and input arrive as `unknown`,
 * are checked against the contract, and the handler's outcome comes back as a Result.
 */
export async function dispatch(
  handlers: RpcHandlers,
  method: unknown,
  input: unknown,
): Promise<Result<unknown>> {
  if (typeof method !== 'string' || !isRpcMethod(method)) {
    return err('unknown_method', `Unknown method ${JSON.stringify(method)}`);
  }
  try {
    return ok(await call(handlers, method, input));
  } catch (e) {
    return { ok: false, error: toAppError(e) };
  }
}

async function call(handlers: RpcHandlers, method: RpcMethod, input: unknown): Promise<unknown> {
  const parsed = parseUnknown(rpcInputs[method], input ?? {}, `input for ${method}`);
  const handler = handlers[method] as (input: unknown) => unknown;
  return await handler(parsed);
}
