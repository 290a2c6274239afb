import padjust from '@stdlib/stats-padjust';

/**
 * Holm–Bonferroni adjusted p-values (Holm 1979, "A simple sequentially rejective multiple test
 * procedure", Scand. J. Statist. 6:65–70), in input order: sort ascending, multiply the i-th
 * smallest (0-based) by m − i, carry the running maximum, cap at 1 — as R's
 * `p.adjust(p, "holm")`. Rejecting where the adjusted p ≤ α controls the family-wise error rate
 * at α under any dependence between the tests.
 *
 * The arithmetic is @stdlib/stats-padjust's (its docs call 'holm' "Hommel's method", a typo: the
 * code is Holm's step-down). This wrapper takes a readonly array, allows an empty family and
 * says which p-value is invalid instead of the library's generic TypeError.
 */
export function holm(pValues: readonly number[]): number[] {
  if (pValues.length === 0) return [];
  pValues.forEach((p, i) => {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`holm: p-value ${i} is not in [0, 1]: ${p}`);
  });
  return padjust([...pValues], 'holm');
}
