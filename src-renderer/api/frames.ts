import { z } from 'zod';
import { AppEventSchema } from '../../src-shared/rpc/events';
import type { AppError, Result } from '../../src-shared/result';
import { RetryAfterMsSchema, WsRequestIdSchema } from '../../src-shared/rpc/wire';

/**
 * Schemas for what arrives from the core, whatever the transport: everything is `unknown` until
 * it has been through one of these (STYLE.md #5). Output values stay `unknown` here: the contract
 * types them (`RpcOutputs`) but has no schemas for them, so the client trusts their shape once
 * the envelope is valid.
 */
export const AppErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  issues: z.array(z.string()).optional(),
});

export const ResultSchema = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: AppErrorSchema }),
]);

export const ServerFrameSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('response'),
    id: WsRequestIdSchema.shape.id,
    result: ResultSchema,
    retryAfterMs: RetryAfterMsSchema.optional(),
  }),
  z.object({ kind: z.literal('event'), event: AppEventSchema }),
]);
export type ServerFrame = z.infer<typeof ServerFrameSchema>;

/** A frame's id when it is at least an object with a numeric id (to fail the right request). */
export const FrameIdSchema = WsRequestIdSchema;

export function toResult(parsed: z.infer<typeof ResultSchema>): Result<unknown> {
  if (parsed.ok) return { ok: true, value: parsed.value };
  const error: AppError = { code: parsed.error.code, message: parsed.error.message };
  if (parsed.error.issues) error.issues = parsed.error.issues;
  return { ok: false, error };
}

export function failure(code: string, message: string): Result<never> {
  return { ok: false, error: { code, message } };
}

export function describeZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length > 0 ? i.path.map(String).join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}
