import { EarlyStoppingSchema, type EarlyStopping } from '../../src-shared/domain/experimentSpec';

/**
 * The designer's early-stopping inputs (TrainingSpecSchema.earlyStopping) as the inputs hold
 * them: a checkbox, and the settings it reveals, kept while it is off so that turning it back on
 * restores them. Off writes no `earlyStopping` (train every epoch and evaluate the last).
 */
export type Monitor = EarlyStopping['monitor'];

export interface EarlyStoppingForm {
  enabled: boolean;
  monitor: Monitor;
  patience: number | null;
  restoreBest: boolean;
}

export type EarlyStoppingField =
  'earlyStopping' | 'earlyStopping.monitor' | 'earlyStopping.patience';

export interface EarlyStoppingProblem {
  field: EarlyStoppingField;
  message: string;
}

/** The schema's defaults, shown when the spec has no early stopping and the box is ticked. */
const DEFAULTS = EarlyStoppingSchema.parse({});
const patience = EarlyStoppingSchema.shape.patience.unwrap();
export const PATIENCE_BOUNDS = { min: patience.minValue ?? 1, max: patience.maxValue ?? 10_000 };

export function earlyStoppingFormFromSpec(es: EarlyStopping | undefined): EarlyStoppingForm {
  return { enabled: es !== undefined, ...(es ?? DEFAULTS) };
}

/** The spec's `earlyStopping`, or undefined when the box is off (the key is then left out). */
export function earlyStoppingFromForm(form: EarlyStoppingForm): EarlyStopping | undefined {
  if (!form.enabled) return undefined;
  return { monitor: form.monitor, patience: form.patience ?? 0, restoreBest: form.restoreBest };
}

/** Problems of the inputs; none while the box is off (hidden settings are not sent). */
export function earlyStoppingProblems(form: EarlyStoppingForm): EarlyStoppingProblem[] {
  if (!form.enabled) return [];
  const p = form.patience;
  if (p === null || !Number.isInteger(p) || p < PATIENCE_BOUNDS.min || p > PATIENCE_BOUNDS.max)
    return [
      {
        field: 'earlyStopping.patience',
        message: `Epochs without improvement: a whole number from ${PATIENCE_BOUNDS.min} to ${PATIENCE_BOUNDS.max.toLocaleString('en-US')}.`,
      },
    ];
  return [];
}
