import type { SeedValue } from '../../../src-main/analysis/pairBySeed';

/**
 * Student's sleep data (Cushny & Peebles 1905; R's `datasets::sleep`): extra hours of sleep of
 * ten patients under drug 1 (`group == 1`) and drug 2 (`group == 2`), patient i in both.
 */
export const SLEEP_DRUG1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
export const SLEEP_DRUG2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];

/**
 * Hamilton depression scale before (x) and after (y) the first treatment, nine patients
 * (Hollander & Wolfe 1973, p. 29; the example in R's `?wilcox.test`).
 */
export const DEPRESSION_X = [1.83, 0.5, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.3];
export const DEPRESSION_Y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29];

/** Values labelled with seeds first, first + 1, …: how runs of one strategy arrive. */
export function seeded(values: readonly number[], first = 1): SeedValue[] {
  return values.map((value, i) => ({ seed: first + i, value }));
}
