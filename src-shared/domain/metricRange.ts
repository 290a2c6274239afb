/**
 * The values a metric can take (issue 14): an accuracy lies in [0, 1], a loss is ≥ 0. A band
 * around a mean (± std, ± SE, a Student t 95% interval with n = 3) can reach past them (an
 * accuracy band up to 1.2); what is drawn is clipped to the range, so that no axis shows an
 * accuracy of 120 %. The statistics themselves (tables, CIs of gains) are not clipped.
 */
export interface MetricRange {
  min: number;
  max: number;
}

export function metricRange(metric: string): MetricRange {
  if (/(^|_)acc(uracy)?$/.test(metric)) return { min: 0, max: 1 };
  if (/(^|_)loss$/.test(metric)) return { min: 0, max: Infinity };
  return { min: -Infinity, max: Infinity };
}

/**
 * Whether a metric is shown (and typed in queries) in percent: accuracies, everywhere in the UI and
 * the reports (issue 14: one unit everywhere). Stored values stay fractions.
 */
export function isPercentMetric(name: string): boolean {
  return metricRange(name).max === 1;
}

/** A band bound clipped to the metric's range; null stays null. */
export function clipToRange(value: number | null, range: MetricRange): number | null {
  return value === null ? null : Math.min(range.max, Math.max(range.min, value));
}

/**
 * The upper end of a value axis for the metric: an accuracy axis stops at 100 % (the data's
 * maximum rounded up to the next 10 %); others follow the data.
 */
export function axisMax(metric: string, dataMax: number): number | undefined {
  const { max } = metricRange(metric);
  if (!Number.isFinite(max) || dataMax > max) return undefined;
  return Math.min(max, Math.ceil((dataMax - 1e-9) * 10) / 10);
}
