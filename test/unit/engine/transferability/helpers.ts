import { Rng } from '../../../../src-main/engine/random';

/** Seeded test data for the transferability scores. */

/** n softmax rows over z classes, from standard-normal logits scaled by `sharpness`. */
export function randomProbs(rng: Rng, n: number, z: number, sharpness = 2): number[][] {
  return Array.from({ length: n }, () => {
    const logits = Array.from({ length: z }, () => sharpness * rng.normal());
    const max = Math.max(...logits);
    const exps = logits.map((l) => Math.exp(l - max));
    const sum = exps.reduce((a, b) => a + b, 0);
    return exps.map((e) => e / sum);
  });
}

/** n labels in 0..k−1, every class present (the first k samples cover them). */
export function randomLabels(rng: Rng, n: number, k: number): number[] {
  return Array.from({ length: n }, (_, i) => (i < k ? i : rng.int(k)));
}

/** Features whose class means are `separation` apart along one axis per class, plus N(0, 1). */
export function classFeatures(
  rng: Rng,
  labels: readonly number[],
  d: number,
  separation: number,
): number[][] {
  return labels.map((y) =>
    Array.from({ length: d }, (_, j) => (j === y ? separation : 0) + rng.normal()),
  );
}

/** Standard-normal features, unrelated to any label. */
export function noiseFeatures(rng: Rng, n: number, d: number): number[][] {
  return Array.from({ length: n }, () => Array.from({ length: d }, () => rng.normal()));
}
