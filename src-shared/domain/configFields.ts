import type { ResolvedRunConfig } from './runs';

/** A flattened config value: what a table cell or a group label shows. */
export type FieldValue = string | number | boolean | null;

/**
 * A run's resolved config as dotted paths → leaf values (`strategy`, `budget`, `seed`,
 * `strategyParams.lambda`, `model.type`, `model.hidden`, `training.learningRate`,
 * `domain.transform.rotateDeg`, …). Arrays are leaves, written as JSON ("[256,128]"), because
 * comparing hidden sizes element by element says less than comparing the architectures.
 * Used for grouping in Compare and for the config diff between runs.
 */
export function flattenConfig(config: ResolvedRunConfig): Map<string, FieldValue> {
  const out = new Map<string, FieldValue>();
  const walk = (value: unknown, path: string): void => {
    if (value === undefined) return;
    if (value === null || typeof value !== 'object') {
      out.set(
        path,
        typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
          ? value
          : null,
      );
      return;
    }
    if (Array.isArray(value)) {
      out.set(path, JSON.stringify(value));
      return;
    }
    for (const [key, child] of Object.entries(value))
      walk(child, path === '' ? key : `${path}.${key}`);
  };
  walk(config, '');
  return out;
}

/** One field of a config diff: its value in each run (null where the run lacks it). */
export interface ConfigDiffRow {
  field: string;
  values: (FieldValue | undefined)[];
  /** Whether the runs disagree on it. */
  differs: boolean;
}

/**
 * Every field of the given configs, in a stable order (differing fields first, then by path),
 * with a value per config; `undefined` where a config does not have the field.
 */
export function diffConfigs(configs: readonly ResolvedRunConfig[]): ConfigDiffRow[] {
  const flat = configs.map(flattenConfig);
  const fields = [...new Set(flat.flatMap((m) => [...m.keys()]))].sort();
  const rows = fields.map((field): ConfigDiffRow => {
    const values = flat.map((m) => (m.has(field) ? m.get(field) : undefined));
    const first = JSON.stringify(values[0] ?? null);
    return { field, values, differs: values.some((v) => JSON.stringify(v ?? null) !== first) };
  });
  return [...rows.filter((r) => r.differs), ...rows.filter((r) => !r.differs)];
}

/**
 * Fields taking two or more distinct values among the configs that have them: the useful
 * group-by choices. A field only some configs have (a strategy's own parameter, the source
 * domain of transfer runs) separates nothing the strategy does not already, so it is left out
 * unless it also varies where present.
 */
export function varyingFields(configs: readonly ResolvedRunConfig[]): string[] {
  const values = new Map<string, Set<string>>();
  for (const flat of configs.map(flattenConfig)) {
    for (const [field, value] of flat) {
      const seen = values.get(field) ?? new Set<string>();
      seen.add(JSON.stringify(value));
      values.set(field, seen);
    }
  }
  return [...values]
    .filter(([, seen]) => seen.size > 1)
    .map(([field]) => field)
    .sort();
}
