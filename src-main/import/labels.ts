import { MAX_CLASSES } from './limits';

/** How a file's label values become the integer classes a dataset stores. */
export interface LabelMapping {
  /** The class of a label value as written in the file. */
  classOf(value: string): number;
  /** Present when the values were not already non-negative integers. */
  labelMap?: { original: string; label: number }[];
}

const NON_NEGATIVE_INT = /^\+?\d+$/;

/**
 * Non-negative integer labels (0..2^31−1) are kept as they are, so class 3 stays class 3.
 * Anything else (names, negative numbers, decimals) is mapped to 0..k−1 in sorted order
 * (numeric order when every value is a number), and the map is reported (ImportReport.labelMap).
 */
export function labelMapping(distinct: ReadonlySet<string>): LabelMapping {
  if (distinct.size > MAX_CLASSES) {
    throw new Error(`The labels hold ${distinct.size} distinct values; at most ${MAX_CLASSES}`);
  }
  const values = [...distinct].map((v) => v.trim());
  if (values.every((v) => NON_NEGATIVE_INT.test(v) && Number(v) <= 2 ** 31 - 1)) {
    return { classOf: (v) => Number(v.trim()) };
  }
  const numeric = values.every((v) => v !== '' && Number.isFinite(Number(v)));
  const sorted = [...new Set(values)].sort((a, b) =>
    numeric ? Number(a) - Number(b) : a < b ? -1 : a > b ? 1 : 0,
  );
  const index = new Map(sorted.map((v, i) => [v, i]));
  return {
    classOf: (v) => {
      const c = index.get(v.trim());
      if (c === undefined) throw new Error(`Unknown label "${v}"`);
      return c;
    },
    labelMap: sorted.map((original, label) => ({ original, label })),
  };
}
