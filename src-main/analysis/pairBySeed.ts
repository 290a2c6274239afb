/** One run's metric, labelled with the seed that makes it pairable with another strategy's run. */
export interface SeedValue {
  readonly seed: number;
  readonly value: number;
}

/** A strategy's and a baseline's values matched by seed, and what could not be matched. */
export interface Pairing {
  /** Seeds with a finite value on both sides, ascending. */
  seeds: number[];
  strategy: number[];
  baseline: number[];
  /** Seeds run only for the strategy, or only for the baseline: not part of the test. */
  strategyOnly: number[];
  baselineOnly: number[];
  /** Seeds present on both sides where a value is not finite (a run that failed or diverged). */
  incomplete: number[];
}

function bySeed(side: string, values: readonly SeedValue[]): Map<number, number> {
  const map = new Map<number, number>();
  for (const { seed, value } of values) {
    // Two runs with one seed would make the pairing ambiguous: refuse rather than pick one.
    if (map.has(seed)) throw new Error(`paired comparison: ${side} has seed ${seed} twice`);
    map.set(seed, value);
  }
  return map;
}

const ascending = (a: number, b: number): number => a - b;

/**
 * Matches a strategy's runs with a baseline's by seed, so each difference compares runs that
 * share data splits and initialisation. Nothing is dropped silently: unmatched and incomplete
 * seeds are returned for the report to show.
 */
export function pairBySeed(
  strategy: readonly SeedValue[],
  baseline: readonly SeedValue[],
): Pairing {
  const s = bySeed('the strategy', strategy);
  const b = bySeed('the baseline', baseline);
  const pairing: Pairing = {
    seeds: [],
    strategy: [],
    baseline: [],
    strategyOnly: [...s.keys()].filter((seed) => !b.has(seed)).sort(ascending),
    baselineOnly: [...b.keys()].filter((seed) => !s.has(seed)).sort(ascending),
    incomplete: [],
  };
  for (const seed of [...s.keys()].sort(ascending)) {
    const x = s.get(seed);
    const y = b.get(seed);
    if (x === undefined || y === undefined) continue;
    if (Number.isFinite(x) && Number.isFinite(y)) {
      pairing.seeds.push(seed);
      pairing.strategy.push(x);
      pairing.baseline.push(y);
    } else {
      pairing.incomplete.push(seed);
    }
  }
  return pairing;
}
