import type { z } from 'zod';

/** JSON columns are parsed back through their schema: a row is data from disk, not trusted. */
export function readJson<S extends z.ZodType>(schema: S, text: string, what: string): z.infer<S> {
  const parsed = schema.safeParse(JSON.parse(text));
  if (!parsed.success)
    throw new Error(`Corrupt ${what} in the workspace database: ${parsed.error.message}`);
  return parsed.data;
}

export { canonicalJson } from '../../src-shared/canonicalJson';

export function nowIso(): string {
  return new Date().toISOString();
}
