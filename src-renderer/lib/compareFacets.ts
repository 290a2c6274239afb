import { clipToRange, metricRange } from '../../src-shared/domain/metricRange';
import type { Band, ComparedRun, Comparison, RunCurve } from '../../src-shared/rpc/compare';
import { meanBand } from './chartBands';
import { emaSmooth } from './chartSmoothing';
import type { Point } from './chartConfig';
import { variantTones, type BandPoint } from './compareCharts';
import { budgetText, metricFormat, sourceText, type ValueFormat } from './compareFormat';

/**
 * Epoch curves as small multiples (issue 14: readable at 100+ runs): one panel per facet
 * (source × target by default), one colour and one legend entry per group (variant by default)
 * rather than per run, each group drawn as its mean with a band or as thin per-run lines,
 * optionally smoothed, on an x axis of epochs, optimiser steps, samples seen or wall time.
 * Pure: the config holds no functions and is drawn by compareFacetOptions.ts.
 */

export const FACET_FIELDS = ['none', 'source-target', 'variant', 'strategy', 'budget'] as const;
export type FacetField = (typeof FACET_FIELDS)[number];
export const GROUP_FIELDS = ['variant', 'strategy', 'budget', 'source', 'target'] as const;
export type GroupField = (typeof GROUP_FIELDS)[number];
export const CURVE_XS = ['epoch', 'step', 'samples', 'wall'] as const;
export type CurveX = (typeof CURVE_XS)[number];

export const FACET_LABELS: Record<FacetField, string> = {
  none: 'one panel',
  'source-target': 'source × target',
  variant: 'variant',
  strategy: 'strategy',
  budget: 'budget',
};
export const CURVE_X_LABELS: Record<CurveX, string> = {
  epoch: 'epoch',
  step: 'step',
  samples: 'samples',
  wall: 'wall time',
};

/** How the curves are drawn; the Compare view keeps it beside the comparison's options. */
export interface CurveView {
  facet: FacetField;
  group: GroupField;
  x: CurveX;
  /** EMA weight, 0 (raw) to 0.99 (chartSmoothing.ts). */
  smoothing: number;
  logY: boolean;
  /** Mean ± band per group, or every run as a thin line. */
  show: 'band' | 'runs';
}

export const DEFAULT_CURVE_VIEW: CurveView = {
  facet: 'source-target',
  group: 'variant',
  x: 'epoch',
  smoothing: 0,
  logY: false,
  show: 'band',
};

/** More panels than this are not drawn (each would be too small to read); a note says so. */
export const MAX_FACETS = 12;

export interface FacetLine {
  group: string;
  tone: number;
  /** The run of a per-run line; null for a group's mean. */
  runId: number | null;
  /** `raw`: the unsmoothed line drawn faint behind a smoothed one. */
  role: 'line' | 'raw';
  points: Point[];
}

export interface FacetBand {
  group: string;
  tone: number;
  points: BandPoint[];
}

export interface Facet {
  title: string;
  runs: number;
  lines: FacetLine[];
  bands: FacetBand[];
}

export interface FacetGroup {
  name: string;
  tone: number;
  runs: number;
}

export interface FacetChartConfig {
  type: 'facet-lines';
  title: string;
  subtitle: string;
  xLabel: string;
  yLabel: string;
  format: ValueFormat;
  xIntegers: boolean;
  logY: boolean;
  /** Panels per row. */
  columns: number;
  groups: FacetGroup[];
  facets: Facet[];
  /** What the reader must know: panels not drawn, runs without the chosen x, dropped values. */
  notes: string[];
}

function facetKey(run: ComparedRun, field: FacetField): string {
  switch (field) {
    case 'none':
      return 'all runs';
    case 'source-target':
      return `${sourceText(run.sourceName)} → ${run.targetName}`;
    case 'budget':
      return budgetText(run.budget);
    default:
      return run[field];
  }
}

function groupKey(run: ComparedRun, field: GroupField): string {
  switch (field) {
    case 'budget':
      return budgetText(run.budget);
    case 'source':
      return sourceText(run.sourceName);
    case 'target':
      return run.targetName;
    default:
      return run[field];
  }
}

const byName = (a: string, b: string): number =>
  a.localeCompare(b, undefined, { numeric: true, sensitivity: 'base' });

/** Steps or samples per epoch of a run, when its split sizes were recorded (issue 10 on). */
function perEpoch(run: ComparedRun, x: 'step' | 'samples'): number | null {
  const train = run.splitSizes?.train;
  if (train === undefined || train === 0) return null;
  return x === 'samples' ? train : Math.ceil(train / run.config.training.batchSize);
}

/** A run's x values on the chosen axis; null when they cannot be derived from what it recorded. */
export function runXs(run: ComparedRun, curve: RunCurve, x: CurveX): number[] | null {
  switch (x) {
    case 'epoch':
      return curve.epochs;
    case 'wall':
      return curve.elapsedS;
    default: {
      const k = perEpoch(run, x);
      return k === null ? null : curve.epochs.map((e) => e * k);
    }
  }
}

/** Wall time in minutes once a run takes more than ten of them, so ticks read 12, not 720. */
function wallUnit(curves: readonly RunCurve[]): { divide: number; label: string } {
  const longest = Math.max(0, ...curves.flatMap((c) => c.elapsedS));
  return longest > 600 ? { divide: 60, label: 'min' } : { divide: 1, label: 's' };
}

function xAxisLabel(x: CurveX, unit: string, band: boolean): string {
  switch (x) {
    case 'epoch':
      return 'epoch';
    case 'step':
      return `optimiser steps (⌈target train rows ÷ batch size⌉ per epoch${band ? ', group mean' : ''})`;
    case 'samples':
      return `target training samples seen${band ? ' (group mean)' : ''}`;
    case 'wall':
      return band ? `wall time (${unit}, group mean per epoch)` : `wall time since start (${unit})`;
  }
}

interface Member {
  run: ComparedRun;
  xs: number[];
  raw: (number | null)[];
  smooth: (number | null)[];
  epochs: number[];
}

/** Mean ± band of a group's runs per epoch, x the runs' mean x at that epoch. */
function groupBand(
  members: readonly Member[],
  band: Band,
  pick: (m: Member) => (number | null)[],
  clip: (v: number | null) => number | null,
): BandPoint[] {
  const byEpoch = new Map<number, { xs: number[]; ys: number[] }>();
  for (const m of members) {
    const ys = pick(m);
    m.epochs.forEach((epoch, i) => {
      const y = ys[i];
      const x = m.xs[i];
      if (y === null || y === undefined || x === undefined) return;
      const slot = byEpoch.get(epoch) ?? { xs: [], ys: [] };
      slot.xs.push(x);
      slot.ys.push(y);
      byEpoch.set(epoch, slot);
    });
  }
  return [...byEpoch.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, { xs, ys }]) => {
      const stat = meanBand(ys, band);
      return {
        x: xs.reduce((a, b) => a + b, 0) / xs.length,
        mean: clip(stat?.mean ?? null),
        lower: clip(stat?.lower ?? null),
        upper: clip(stat?.upper ?? null),
        n: ys.length,
      };
    });
}

export function facetCurves(comparison: Comparison, view: CurveView): FacetChartConfig {
  const { curves } = comparison;
  const band = comparison.request.options.band;
  const byId = new Map(comparison.runs.map((r) => [r.id, r]));
  const range = metricRange(curves.metric);
  const notes: string[] = [];
  const wall = wallUnit(curves.runs);
  let noX = 0;
  let dropped = 0;
  // On a log axis a value ≤ 0 has no place: it becomes a gap, and a note counts it.
  const keep = (v: number | null): number | null => {
    if (v === null) return null;
    if (view.logY && v <= 0) {
      dropped += 1;
      return null;
    }
    return v;
  };
  const clip = (v: number | null): number | null => {
    const c = clipToRange(v, range);
    return view.logY && c !== null && c <= 0 ? null : c;
  };

  const members: Member[] = [];
  for (const curve of curves.runs) {
    const run = byId.get(curve.runId);
    if (run === undefined) continue;
    const xs = runXs(run, curve, view.x);
    if (xs === null) {
      noX += 1;
      continue;
    }
    const raw = curve.values.map(keep);
    members.push({
      run,
      xs: view.x === 'wall' ? xs.map((s) => s / wall.divide) : xs,
      raw,
      smooth: emaSmooth(raw, view.smoothing),
      epochs: curve.epochs,
    });
  }
  if (noX > 0)
    notes.push(
      `${noX} run${noX === 1 ? '' : 's'} recorded no split sizes, so ${CURVE_X_LABELS[view.x]} cannot be derived for ${noX === 1 ? 'it' : 'them'}: left out of this axis (epochs show every run).`,
    );
  if (dropped > 0)
    notes.push(
      `${dropped} value${dropped === 1 ? '' : 's'} ≤ 0 left out: a log axis cannot show them.`,
    );

  const groupNames = [...new Set(members.map((m) => groupKey(m.run, view.group)))];
  const variantTone = variantTones(comparison);
  groupNames.sort((a, b) =>
    view.group === 'variant' ? (variantTone.get(a) ?? 0) - (variantTone.get(b) ?? 0) : byName(a, b),
  );
  const toneOf = new Map(
    groupNames.map((g, i) => [g, view.group === 'variant' ? (variantTone.get(g) ?? i) : i]),
  );
  const groups: FacetGroup[] = groupNames.map((name) => ({
    name,
    tone: toneOf.get(name) ?? 0,
    runs: members.filter((m) => groupKey(m.run, view.group) === name).length,
  }));

  // By source × target, a run without a source (scratch, the usual baseline) is drawn in every
  // panel of its target, so each panel shows the transfer runs beside what they are measured
  // against; a target no transfer run reached gets a panel of its own.
  const sourced = members.filter(
    (m) => view.facet !== 'source-target' || m.run.sourceName !== null,
  );
  const panelsOf = (m: Member): string[] => {
    const own = facetKey(m.run, view.facet);
    if (view.facet !== 'source-target' || m.run.sourceName !== null) return [own];
    const shared = [
      ...new Set(
        sourced
          .filter((o) => o.run.targetName === m.run.targetName)
          .map((o) => facetKey(o.run, view.facet)),
      ),
    ];
    return shared.length === 0 ? [own] : shared;
  };
  const panels = new Map(members.map((m) => [m, panelsOf(m)]));
  const facetNames = [...new Set(members.flatMap((m) => panels.get(m) ?? []))].sort(byName);
  if (facetNames.length > MAX_FACETS)
    notes.push(
      `${facetNames.length} panels: the first ${MAX_FACETS} are drawn. Facet by a field with fewer values, or compare fewer runs.`,
    );
  const smoothed = view.smoothing > 0;
  const facets = facetNames.slice(0, MAX_FACETS).map((title): Facet => {
    const inFacet = members.filter((m) => panels.get(m)?.includes(title) === true);
    const lines: FacetLine[] = [];
    const bands: FacetBand[] = [];
    for (const group of groupNames) {
      const tone = toneOf.get(group) ?? 0;
      const mine = inFacet.filter((m) => groupKey(m.run, view.group) === group);
      if (mine.length === 0) continue;
      if (view.show === 'runs') {
        for (const m of mine) {
          const at = (ys: (number | null)[]): Point[] =>
            m.xs.map((x, i) => [x, clip(ys[i] ?? null)]);
          if (smoothed)
            lines.push({ group, tone, runId: m.run.id, role: 'raw', points: at(m.raw) });
          lines.push({ group, tone, runId: m.run.id, role: 'line', points: at(m.smooth) });
        }
        continue;
      }
      const points = groupBand(mine, band, (m) => m.smooth, clip);
      bands.push({ group, tone, points });
      if (smoothed) {
        const raw = groupBand(mine, band, (m) => m.raw, clip);
        lines.push({
          group,
          tone,
          runId: null,
          role: 'raw',
          points: raw.map((p) => [p.x, p.mean]),
        });
      }
      lines.push({
        group,
        tone,
        runId: null,
        role: 'line',
        points: points.map((p) => [p.x, p.mean]),
      });
    }
    return { title, runs: inFacet.length, lines, bands };
  });

  const what =
    view.show === 'band'
      ? `line: mean of each ${view.group} · band: ${curves.bandLabel}`
      : `one thin line per run, coloured by ${view.group}`;
  const smoothing = smoothed
    ? ` · smoothed (EMA ${view.smoothing.toFixed(2)}), raw drawn faint`
    : '';
  return {
    type: 'facet-lines',
    title: `${curves.metric} per ${CURVE_X_LABELS[view.x]}`,
    subtitle: `${what}${smoothing} · panels: ${FACET_LABELS[view.facet]}`,
    xLabel: xAxisLabel(view.x, wall.label, view.show === 'band'),
    yLabel: curves.metric,
    format: metricFormat(curves.metric),
    xIntegers: view.x !== 'wall',
    logY: view.logY,
    columns: facets.length <= 1 ? 1 : facets.length <= 4 ? 2 : 3,
    groups,
    facets,
    notes,
  };
}
