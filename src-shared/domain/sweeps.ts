import { Rng } from '../random';
import type { Issue } from '../result';
import type { StrategyInfo } from './strategies';
import type { Range, StrategyChoice, SweepValue } from './strategyEntry';
import { SWEEPABLE_TRAINING } from './training';
import { settingKeys } from './variantLabel';

/**
 * A strategy entry's sweep as the points it expands into: every combination of a grid's listed
 * values (the first key varying slowest, keys in label order), or `count` seeded random draws
 * over ranges. Each point is one variant's swept values.
 */

export type SweepPoint = Record<string, SweepValue>;

/** The cartesian product of the listed values, keys in the strategy's label order. */
export function gridPoints(info: StrategyInfo, grid: StrategyChoice['sweep']): SweepPoint[] {
  const axes = settingKeys(info).flatMap((key) => {
    const values = grid?.[key];
    return values === undefined ? [] : [{ key, values: [...new Set(values)] }];
  });
  let points: SweepPoint[] = [{}];
  for (const axis of axes) {
    points = points.flatMap((point) => axis.values.map((v) => ({ ...point, [axis.key]: v })));
  }
  return points;
}

interface RangeInfo {
  key: string;
  type: 'int' | 'number';
  min: number;
  max: number;
  log: boolean;
}

/** Where each ranged key may lie, and whether it is drawn log-uniformly; problems for the rest. */
function rangeInfos(
  info: StrategyInfo,
  ranges: Record<string, Range | undefined>,
  where: string,
): { infos: RangeInfo[]; problems: Issue[] } {
  const problems: Issue[] = [];
  const infos: RangeInfo[] = [];
  for (const key of settingKeys(info)) {
    const range = ranges[key];
    if (range === undefined) continue;
    const param = info.params.find((p) => p.key === key);
    const training = SWEEPABLE_TRAINING.find((t) => t.key === key);
    const bounds =
      param && param.type !== 'boolean'
        ? {
            type: param.type,
            min: param.min ?? -Infinity,
            max: param.max ?? Infinity,
            log: param.log ?? false,
          }
        : training && training.type !== 'choice'
          ? { type: training.type, min: training.min, max: training.max, log: training.log }
          : undefined;
    if (!bounds) {
      problems.push({ path: `${where}.${key}`, message: 'not a numeric setting' });
      continue;
    }
    const log = range.log ?? bounds.log;
    if (range.min < bounds.min || range.max > bounds.max)
      problems.push({
        path: `${where}.${key}`,
        message: `the range must lie within [${bounds.min}, ${bounds.max}]`,
      });
    if (log && range.min <= 0)
      problems.push({
        path: `${where}.${key}`,
        message: 'drawn log-uniformly, so min must be > 0 (or set "log": false)',
      });
    infos.push({ key, type: bounds.type, min: range.min, max: range.max, log });
  }
  return { infos, problems };
}

/** 3 significant digits, so that a label shows the exact value the run used. */
function round3(x: number): number {
  return Number(x.toPrecision(3));
}

/**
 * `count` seeded draws: each ranged key uniform (log-uniform where `log`) in its range, integers
 * rounded, other numbers to 3 significant digits, clamped to the range. Repeated draws (small
 * integer ranges) are kept once, so a search may yield fewer variants than `count`.
 */
export function randomPoints(
  info: StrategyInfo,
  search: NonNullable<StrategyChoice['randomSearch']>,
  where: string,
): { points: SweepPoint[]; problems: Issue[] } {
  const { infos, problems } = rangeInfos(info, search.ranges, `${where}.randomSearch.ranges`);
  if (problems.length > 0) return { points: [], problems };
  const rng = new Rng(search.seed);
  const seen = new Set<string>();
  const points: SweepPoint[] = [];
  for (let i = 0; i < search.count; i++) {
    const point: SweepPoint = {};
    for (const r of infos) {
      const u = rng.next();
      const raw = r.log
        ? Math.exp(Math.log(r.min) + u * (Math.log(r.max) - Math.log(r.min)))
        : r.min + u * (r.max - r.min);
      const value = r.type === 'int' ? Math.round(raw) : round3(raw);
      point[r.key] = Math.min(r.max, Math.max(r.min, value));
    }
    const key = JSON.stringify(point);
    if (seen.has(key)) continue;
    seen.add(key);
    points.push(point);
  }
  return { points, problems };
}
