import { EarlyStoppingSchema, type EarlyStopping } from '../../src-shared/domain/experimentSpec';
import { ValidationSpecSchema, type ValidationSpec } from '../../src-shared/domain/training';

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

/**
 * Where the runs' validation rows come from (TrainingSpecSchema.validation): the target's
 * validation split, or a share of the label budget held out (issue 10). With a few labels per
 * class the split holds far more labelled rows than the budget, so early stopping and model
 * selection on it use labels a real few-label user does not have (Oliver et al. 2018, §4.6).
 */
export interface ValidationForm {
  from: ValidationSpec['from'];
  share: number | null;
}

const VALIDATION_DEFAULT_SHARE = ValidationSpecSchema.parse({ from: 'budget' }).share;

export function validationFormFromSpec(v: ValidationSpec | undefined): ValidationForm {
  return { from: v?.from ?? 'split', share: v?.share ?? VALIDATION_DEFAULT_SHARE };
}

/**
 * The spec's `validation`: `budget` with its share; `split` (the default) is left out unless the
 * spec it came from wrote it, so an untouched spec round-trips.
 */
export function validationFromForm(
  form: ValidationForm,
  kept: ValidationSpec | undefined,
): ValidationSpec | undefined {
  if (form.from === 'budget') return { from: 'budget', share: form.share ?? 0 };
  return kept?.from === 'split' ? kept : undefined;
}

export function validationProblems(form: ValidationForm): string[] {
  if (form.from !== 'budget') return [];
  const s = form.share;
  return s === null || !(s > 0 && s < 1)
    ? ['The share held out: a number between 0 and 1 (e.g. 0.2), both excluded.']
    : [];
}
