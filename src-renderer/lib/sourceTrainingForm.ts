import type { BackendPreference, TrainingSpec } from '../../src-shared/domain/experimentSpec';
import {
  earlyStoppingFormFromSpec,
  earlyStoppingFromForm,
  earlyStoppingProblems,
  type EarlyStoppingForm,
} from './trainingForm';

/**
 * The designer's "Source model training" inputs (ExperimentSpecSchema.sourceTraining): off, the
 * source models train with the target settings and the key is left out; on, with their own
 * epochs, learning rate, batch, optimizer, backend and early stopping (issue 14). A spec's own
 * `sourceTraining` is kept under the inputs, so a field the form does not know (validation)
 * survives and an untouched spec comes back unchanged.
 */
export interface SourceTrainingForm {
  enabled: boolean;
  epochs: number | null;
  learningRate: number | null;
  batchSize: number | null;
  optimizer: TrainingSpec['optimizer'];
  backend: BackendPreference;
  earlyStopping: EarlyStoppingForm;
  kept: TrainingSpec | undefined;
}

export type SourceTrainingField =
  | 'sourceTraining'
  | 'sourceTraining.epochs'
  | 'sourceTraining.learningRate'
  | 'sourceTraining.batchSize'
  | 'sourceTraining.optimizer'
  | 'sourceTraining.backend'
  | 'sourceTraining.earlyStopping'
  | 'sourceTraining.earlyStopping.monitor'
  | 'sourceTraining.earlyStopping.patience';

export interface SourceTrainingProblem {
  field: SourceTrainingField;
  message: string;
}

/** From the spec's `sourceTraining`, else (switched off) a copy of its `training` to start from. */
export function sourceTrainingFormFromSpec(
  sourceTraining: TrainingSpec | undefined,
  training: TrainingSpec,
): SourceTrainingForm {
  const t = sourceTraining ?? training;
  return {
    enabled: sourceTraining !== undefined,
    epochs: t.epochs,
    learningRate: t.learningRate,
    batchSize: t.batchSize,
    optimizer: t.optimizer,
    backend: t.backend,
    earlyStopping: earlyStoppingFormFromSpec(t.earlyStopping),
    kept: sourceTraining ? structuredClone(sourceTraining) : undefined,
  };
}

/** The spec's `sourceTraining`, or undefined when the box is off (the key is then left out). */
export function sourceTrainingFromForm(form: SourceTrainingForm): TrainingSpec | undefined {
  if (!form.enabled) return undefined;
  const training: TrainingSpec = {
    ...form.kept,
    epochs: form.epochs ?? 0,
    learningRate: form.learningRate ?? 0,
    batchSize: form.batchSize ?? 0,
    optimizer: form.optimizer,
    backend: form.backend,
  };
  delete training.earlyStopping;
  const es = earlyStoppingFromForm(form.earlyStopping);
  if (es) training.earlyStopping = es;
  return training;
}

/** Problems of the inputs; none while the box is off (hidden settings are not sent). */
export function sourceTrainingProblems(form: SourceTrainingForm): SourceTrainingProblem[] {
  if (!form.enabled) return [];
  const problems: SourceTrainingProblem[] = [];
  const whole = (v: number | null, max: number): boolean =>
    v !== null && Number.isInteger(v) && v >= 1 && v <= max;
  if (!whole(form.epochs, 10_000))
    problems.push({ field: 'sourceTraining.epochs', message: 'A whole number from 1 to 10,000.' });
  const lr = form.learningRate;
  if (lr === null || !(lr > 0 && lr <= 10))
    problems.push({
      field: 'sourceTraining.learningRate',
      message: 'A number above 0, at most 10.',
    });
  if (!whole(form.batchSize, 65_536))
    problems.push({
      field: 'sourceTraining.batchSize',
      message: 'A whole number from 1 to 65,536.',
    });
  for (const p of earlyStoppingProblems(form.earlyStopping))
    problems.push({ field: `sourceTraining.${p.field}`, message: p.message });
  return problems;
}
