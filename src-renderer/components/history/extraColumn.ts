/** A chosen metric or parameter column of the Runs grid, as the table and its rows draw it. */
export interface ExtraColumn {
  /** Stable key (metricColumnKey / paramColumnKey): widths are kept under it. */
  key: string;
  kind: 'metric' | 'param';
  /** Position in the row's `columns.metrics` or `columns.params`. */
  index: number;
  /** The metric's name (for its unit) or the parameter's path. */
  name: string;
  label: string;
  title: string;
  width: number;
}
