import {
  SyntheticDatasetSchema,
  type SyntheticDataset,
} from '../../src-shared/domain/experimentSpec';

/**
 * The synthetic generator's settings (SyntheticDatasetSchema: linear-binary) as the designer's
 * inputs hold them, numbers possibly empty; and the pure functions between them and the spec's
 * `dataset` object. Ranges come from the schema, so the form refuses nothing the core accepts.
 */
export type SyntheticField = 'features' | 'samples' | 'taskSeed' | 'angleDeg' | 'noise';

export type SyntheticForm = Record<SyntheticField, number | null>;

export const SYNTHETIC_FIELDS: readonly SyntheticField[] = [
  'features',
  'samples',
  'taskSeed',
  'angleDeg',
  'noise',
];

/** The schema's defaults: what a domain switched to synthetic data starts from. */
export const DEFAULT_SYNTHETIC: SyntheticDataset = SyntheticDatasetSchema.parse({
  generator: 'linear-binary',
});

export function syntheticFormFromSpec(d: SyntheticDataset | undefined): SyntheticForm {
  const s = d ?? DEFAULT_SYNTHETIC;
  return {
    features: s.features,
    samples: s.samples,
    taskSeed: s.taskSeed,
    angleDeg: s.angleDeg,
    noise: s.noise,
  };
}

/** Every field written out (a parsed spec has them all), so an untouched spec round-trips. */
export function syntheticFromForm(form: SyntheticForm): SyntheticDataset {
  return {
    generator: 'linear-binary',
    features: form.features ?? 0,
    samples: form.samples ?? 0,
    taskSeed: form.taskSeed ?? 0,
    angleDeg: form.angleDeg ?? 0,
    noise: form.noise ?? 0,
  };
}

const shape = SyntheticDatasetSchema.shape;

/** Each field's bounds and whether it is whole, from the schema (for the inputs and messages). */
export const SYNTHETIC_BOUNDS: Record<
  SyntheticField,
  { min: number; max: number | null; int: boolean }
> = {
  features: bounds(shape.features.unwrap()),
  samples: bounds(shape.samples.unwrap()),
  taskSeed: bounds(shape.taskSeed.unwrap()),
  angleDeg: bounds(shape.angleDeg.unwrap()),
  noise: bounds(shape.noise.unwrap()),
};

/** A zod number's range; z.int()'s implicit safe-integer bounds count as none. */
function bounds(s: { minValue: number | null; maxValue: number | null; isInt: boolean }): {
  min: number;
  max: number | null;
  int: boolean;
} {
  const max = s.maxValue !== null && s.maxValue < Number.MAX_SAFE_INTEGER ? s.maxValue : null;
  return { min: s.minValue ?? 0, max, int: s.isInt };
}

export interface SyntheticProblem {
  field: SyntheticField;
  message: string;
}

/** Problems of the inputs, in the designer's words; empty means the schema accepts them. */
export function syntheticProblems(form: SyntheticForm): SyntheticProblem[] {
  const problems: SyntheticProblem[] = [];
  for (const field of SYNTHETIC_FIELDS) {
    const value = form[field];
    const b = SYNTHETIC_BOUNDS[field];
    const fits =
      value !== null &&
      Number.isFinite(value) &&
      (!b.int || Number.isInteger(value)) &&
      value >= b.min &&
      (b.max === null || value <= b.max);
    if (fits) continue;
    const range =
      b.max === null
        ? `from ${b.min.toLocaleString('en-US')}`
        : `from ${b.min.toLocaleString('en-US')} to ${b.max.toLocaleString('en-US')}`;
    problems.push({
      field,
      message: b.int ? `A whole number ${range}.` : `A number ${range}.`,
    });
  }
  return problems;
}
