import type { z } from 'zod';
import { AppFailure, formatIssue, issuesFromZod } from './result';

/**
 * Parse `unknown` at a boundary (Signal's `parseUnknown`). The `unknown` parameter type refuses
 * nothing, but callers pass values typed `unknown` so no `any` leaks through; the error lists
 * every problem with its path.
 */
export function parseUnknown<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = issuesFromZod(parsed.error);
  throw new AppFailure(
    'invalid_input',
    `Invalid ${what}: ${issues.map(formatIssue).join('; ')}`,
    issues,
  );
}
