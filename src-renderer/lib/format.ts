import type { Budget, DatasetRef, DomainSpec } from '../../src-shared/domain/experimentSpec';
import type { FinalMetrics } from '../../src-shared/domain/runs';
import { isPercentMetric } from '../../src-shared/domain/metricRange';

export const DASH = '—';

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Local date and time to the minute, e.g. `2025-11-23 14:02`: sortable, dense, unambiguous. */
export function formatDateTime(iso: string | null | undefined): string {
  if (iso === null || iso === undefined || iso === '') return DASH;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** With seconds, for run timings. */
export function formatDateTimeSeconds(iso: string | null | undefined): string {
  if (iso === null || iso === undefined || iso === '') return DASH;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${formatDateTime(iso)}:${pad(d.getSeconds())}`;
}

/** `850 ms`, `12.3 s`, `4 m 05 s`, `2 h 07 m`. */
export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms) || ms < 0) return DASH;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const totalS = Math.floor(s);
  const m = Math.floor(totalS / 60);
  if (m < 60) return `${m} m ${pad(totalS % 60)} s`;
  const h = Math.floor(m / 60);
  return `${h} h ${pad(m % 60)} m`;
}

/** Milliseconds from `start` to `end` (or to `now` while unfinished); null when not started. */
export function elapsedMs(start: string | null, end: string | null, now: number): number | null {
  if (start === null) return null;
  const s = Date.parse(start);
  if (Number.isNaN(s)) return null;
  const e = end === null ? now : Date.parse(end);
  if (Number.isNaN(e)) return null;
  return Math.max(0, e - s);
}

/** A metric value; null is a value that was not finite (NaN or ±Infinity). */
export function formatMetric(value: number | null | undefined, digits = 4): string {
  if (value === undefined) return DASH;
  if (value === null) return 'NaN';
  if (!Number.isFinite(value)) return String(value);
  return value.toFixed(digits);
}

/**
 * A metric in the unit the UI shows it in (issue 14): an accuracy in percent to two decimals
 * (the header or a caller adds the % sign), any other metric to four; null (not finite) as —.
 */
export function formatMetricInUnit(value: number | null | undefined, name: string): string {
  if (value === undefined || value === null) return DASH;
  return isPercentMetric(name) ? (value * 100).toFixed(2) : value.toFixed(4);
}

/** A recorded metric on the run page: in its unit, with a non-finite value shown as NaN. */
export function formatRunMetric(value: number | null | undefined, name: string): string {
  if (value === undefined || value === null) return formatMetric(value);
  return formatMetricInUnit(value, name);
}

/** The unit suffix of a metric's header: ` %` for an accuracy, nothing otherwise. */
export function metricUnitSuffix(name: string): string {
  return isPercentMetric(name) ? ' %' : '';
}

export function formatPercent(value: number | null | undefined, digits = 1): string {
  if (value === undefined) return DASH;
  if (value === null) return 'NaN';
  return `${(value * 100).toFixed(digits)} %`;
}

export function formatBudget(budget: Budget): string {
  return budget === 'all' ? 'all' : `${budget}/class`;
}

export function formatInt(n: number): string {
  return n.toLocaleString('en-US');
}

export function shortHash(hash: string | null | undefined, length = 12): string {
  if (hash === null || hash === undefined || hash === '') return DASH;
  return hash.length > length ? `${hash.slice(0, length)}…` : hash;
}

export function describeDataset(dataset: DatasetRef): string {
  if (typeof dataset === 'string') return dataset;
  return `synthetic ${dataset.generator}: ${dataset.features} features, ${dataset.samples} samples, angle ${dataset.angleDeg}°, noise ${dataset.noise}, task seed ${dataset.taskSeed}`;
}

/** A domain's classes as a summary says them: `all classes` or `classes 5, 6, 7`. */
export function describeClasses(domain: DomainSpec): string {
  return domain.classes === undefined ? 'all classes' : `classes ${domain.classes.join(', ')}`;
}

/** Test accuracy from a run's final metrics, whatever name the engine gives it. */
export function testAccuracy(final: FinalMetrics | null): number | null | undefined {
  if (final === null) return undefined;
  for (const key of ['test_acc', 'testAcc', 'test_accuracy', 'acc']) {
    if (key in final) return final[key];
  }
  return undefined;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatInt(n)} ${n === 1 ? one : many}`;
}

export function nowIso(): string {
  return new Date().toISOString();
}

/**
 * Indented JSON with arrays of plain values kept on one line (`"classes": [5, 6, 7, 8, 9]`),
 * so a resolved config reads at a glance.
 */
export function formatJson(value: unknown): string {
  const text = JSON.stringify(value, null, 2);
  return text.replace(/\[\s*\n([^[\]{}]*?)\n\s*\]/g, (_match, inner: string) => {
    const items = inner.split(',\n').map((item) => item.trim());
    return `[${items.join(', ')}]`;
  });
}
