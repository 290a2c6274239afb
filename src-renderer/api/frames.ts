import { z } from 'zod';
import { AppEventSchema } from '../../src-shared/rpc/events';
import {
  formatIssue,
  isErrorCode,
  issuesFromZod,
  type AppError,
  type ErrorCode,
  type Issue,
  type Result,
} from '../../src-shared/result';
import { RetryAfterMsSchema, WsRequestIdSchema } from '../../src-shared/rpc/wire';

/**
 * Schemas for what arrives from the core, whatever the transport: everything is `unknown` until
 * it has been through one of these (STYLE.md #5). Output values stay `unknown` here: the contract
 * types them (`RpcOutputs`) but has no schemas for them, so the client trusts their shape once
 * the envelope is valid.
 */

/**
 * One issue. A server from before issue 12 sent each as a line `path: message`: such a line is
 * kept whole, as an issue of the input as a whole, rather than split by guesswork.
 */
export const IssueSchema = z.union([
  z.object({ path: z.string(), message: z.string() }),
  z.string().transform((line): Issue => ({ path: '', message: line })),
]);

/**
 * An error as the core sends it. A code this client does not know (a newer or older server)
 * reads as `internal`, its message kept, so that no switch on the code meets a stranger.
 */
export const AppErrorSchema = z
  .object({
    code: z.string(),
    message: z.string(),
    issues: z.array(IssueSchema).optional(),
  })
  .transform((e): AppError => {
    const error: AppError = {
      code: isErrorCode(e.code) ? e.code : 'internal',
      message: e.message,
    };
    if (e.issues) error.issues = e.issues;
    return error;
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

/** A frame's id when it is at least an object with a numeric id (to fail the right request). */
export const FrameIdSchema = WsRequestIdSchema;

export function toResult(parsed: z.infer<typeof ResultSchema>): Result<unknown> {
  if (parsed.ok) return { ok: true, value: parsed.value };
  return { ok: false, error: parsed.error };
}

export function failure(code: ErrorCode, message: string): Result<never> {
  return { ok: false, error: { code, message } };
}

export function describeZodError(error: z.ZodError): string {
  return issuesFromZod(error).slice(0, 3).map(formatIssue).join('; ');
}
