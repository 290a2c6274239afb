import type { z } from 'zod';

/** JSON columns are parsed back through their schema: a row is data from disk, not trusted. */
export function readJson<S extends z.ZodType>(schema: S, text: string, what: string): z.infer<S> {
  const parsed = schema.safeParse(JSON.parse(text));
  if (!parsed.success)
    throw new Error(`Corrupt ${what} in the workspace database: ${parsed.error.message}`);
  return parsed.data;
}

/** Stable JSON: object keys sorted, so equal values hash equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) =>
        a < b ? -1 : a > b ? 1 : 0,
      );
      return Object.fromEntries(entries);
    }
    return v;
  });
}

export function nowIso(): string {
  return new Date().toISOString();
}
