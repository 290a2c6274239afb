import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { hScore, hScoreDetails } from '../../../../src-main/engine/transferability/hscore';
import { ledoitWolfShrinkage } from '../../../../src-main/engine/transferability/ledoitWolf';

/** Written by scripts/transferability/ledoit_wolf_reference.py (scikit-learn's formula in numpy). */
const Reference = z.object({
  cases: z.array(
    z.object({
      name: z.string(),
      features: z.array(z.array(z.number())),
      labels: z.array(z.int()),
      shrinkage: z.number(),
      hScore: z.number(),
      hScoreOriginal: z.number(),
    }),
  ),
});
const reference = Reference.parse(
  JSON.parse(
    readFileSync(
      new URL('../../../fixtures/transferability/ledoit-wolf.json', import.meta.url),
      'utf8',
    ),
  ),
);

describe('Ledoit–Wolf shrinkage (Ledoit and Wolf 2004)', () => {
  it.each(reference.cases)('matches sklearn ledoit_wolf_shrinkage: $name', (c) => {
    expect(Math.abs(ledoitWolfShrinkage(c.features) - c.shrinkage)).toBeLessThan(1e-10);
  });

  it('covers n < d, n = d (λ clipped to 1) and one feature (λ = 0) in the reference', () => {
    const shapes = reference.cases.map((c) => [c.features.length, c.features[0]?.length ?? 0]);
    expect(shapes.some(([n = 0, d = 0]) => n < d)).toBe(true);
    expect(
      reference.cases.find((c) => c.features.length === c.features[0]?.length)?.shrinkage,
    ).toBe(1);
    expect(reference.cases.find((c) => c.features[0]?.length === 1)?.shrinkage).toBe(0);
  });

  it('is 0 for features whose covariance is already a multiple of the identity', () => {
    // Rows ±e_j: S = I / 2 = μ I exactly, so δ² = ‖S − μ I‖²_F / d = 0 and λ = min(β̄², 0) / 0 := 0.
    const f = [
      [1, 0],
      [-1, 0],
      [0, 1],
      [0, -1],
    ];
    expect(ledoitWolfShrinkage(f)).toBe(0);
  });

  it('is 0 when every row is the same (no variance to shrink)', () => {
    expect(
      ledoitWolfShrinkage([
        [1, 2, 3],
        [1, 2, 3],
      ]),
    ).toBe(0);
  });
});

describe('shrunk H-score (Ibrahim et al. 2022)', () => {
  it.each(reference.cases)('matches the numpy reference: $name', (c) => {
    const shrunk = hScoreDetails(c.features, c.labels, { shrinkage: 'ledoit-wolf' });
    expect(Math.abs(shrunk.score - c.hScore)).toBeLessThan(1e-10);
    expect(Math.abs(shrunk.shrinkage - c.shrinkage)).toBeLessThan(1e-10);
    expect(Math.abs(hScore(c.features, c.labels) - c.hScoreOriginal)).toBeLessThan(1e-10);
  });
});
