/**
 * TensorBoard's scalar smoothing: an exponential moving average whose start is debiased, so the
 * first points are not pulled towards 0 (TensorBoard `smoothing.ts`; the same correction as Adam's,
 * Kingma & Ba 2015). `weight` 0 leaves the values as they are; 0.99 follows them slowly. A null
 * (a value that was not finite) stays a gap and does not reset the average.
 */
export function emaSmooth(values: readonly (number | null)[], weight: number): (number | null)[] {
  const w = Math.min(Math.max(weight, 0), 0.999);
  if (w === 0) return [...values];
  let last = 0;
  let count = 0;
  return values.map((v) => {
    if (v === null || !Number.isFinite(v)) return null;
    last = last * w + (1 - w) * v;
    count += 1;
    return last / (1 - w ** count);
  });
}
