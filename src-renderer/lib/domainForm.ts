import type {
  DomainSpec,
  DomainTransform,
  SplitMode,
} from '../../src-shared/domain/experimentSpec';

/**
 * The designer's per-domain options (DomainSpecSchema: split, samplesPerClass, transform) as the
 * inputs hold them: numbers possibly empty, an empty one meaning "not set". Pure functions between
 * them and a DomainSpec, and the problems each input shows next to itself.
 */
export interface DomainOptionsForm {
  split: SplitMode;
  samplesPerClass: number | null;
  rotateDeg: number | null;
  noiseStd: number | null;
}

export type DomainRole = 'sources' | 'targets';
export type DomainOptionField = keyof DomainOptionsForm;
export type DomainFieldKey = `domain:${DomainRole}.${number}.${DomainOptionField}`;

export function domainFieldKey(
  role: DomainRole,
  index: number,
  field: DomainOptionField,
): DomainFieldKey {
  return `domain:${role}.${index}.${field}`;
}

export function domainOptionsFromSpec(d: DomainSpec): DomainOptionsForm {
  return {
    split: d.split ?? 'random',
    samplesPerClass: d.samplesPerClass ?? null,
    rotateDeg: d.transform?.rotateDeg ?? null,
    noiseStd: d.transform?.noiseStd ?? null,
  };
}

/**
 * The domain with these options. What the example left unset stays unset unless changed: a
 * domain spec is part of the config hash by which source models are reused, so writing out a
 * default (split "random") would make the same domain look new.
 */
export function applyDomainOptions(d: DomainSpec, o: DomainOptionsForm): DomainSpec {
  const rest: DomainSpec = { ...d };
  delete rest.split;
  delete rest.samplesPerClass;
  delete rest.transform;
  // The designer edits rotation and noise; the rest of a transform (zoom, inversion, feature
  // shift and scale, set in the dataset view) is kept as it came.
  const kept: DomainTransform = { ...d.transform };
  delete kept.rotateDeg;
  delete kept.noiseStd;
  const transform: DomainTransform = {
    ...kept,
    ...(o.rotateDeg !== null ? { rotateDeg: o.rotateDeg } : {}),
    ...(o.noiseStd !== null ? { noiseStd: o.noiseStd } : {}),
  };
  return {
    ...rest,
    ...(o.split !== 'random' || d.split !== undefined ? { split: o.split } : {}),
    ...(o.samplesPerClass !== null ? { samplesPerClass: o.samplesPerClass } : {}),
    ...(Object.keys(transform).length > 0 ? { transform } : {}),
  };
}

export interface DomainOptionProblem {
  field: DomainOptionField;
  message: string;
}

/**
 * Problems the schema would report, in the designer's words, plus one it cannot see: a rotation
 * needs an image dataset (features [h, w]; data/transform.ts); `featureShape` is the dataset's
 * when known. Noise applies to any features.
 */
export function domainOptionProblems(
  d: DomainSpec,
  o: DomainOptionsForm,
  featureShape: readonly number[] | undefined,
): DomainOptionProblem[] {
  const problems: DomainOptionProblem[] = [];
  const n = o.samplesPerClass;
  if (n !== null && (!Number.isInteger(n) || n < 1))
    problems.push({
      field: 'samplesPerClass',
      message: 'A whole number from 1, or empty for all.',
    });
  if (o.rotateDeg !== null && !(Math.abs(o.rotateDeg) <= 360))
    problems.push({ field: 'rotateDeg', message: 'Degrees from −360 to 360, or empty for none.' });
  if (o.noiseStd !== null && !(o.noiseStd >= 0 && o.noiseStd <= 10))
    problems.push({ field: 'noiseStd', message: 'From 0 to 10, or empty for none.' });
  if (!isImageDomain(d, featureShape) && o.rotateDeg !== null && o.rotateDeg !== 0)
    problems.push({
      field: 'rotateDeg',
      message: `Rotation applies to image datasets only; ${datasetLabel(d)} is not one.`,
    });
  return problems;
}

/**
 * Whether a domain's rows are images (features [h, w] or [h, w, 1]). A named dataset whose shape
 * is not known yet counts as one: the server checks again, and a false alarm would block the form.
 * Also used by the model options (a CNN needs images).
 */
export function isImageDomain(d: DomainSpec, featureShape: readonly number[] | undefined): boolean {
  return (
    typeof d.dataset === 'string' && (featureShape === undefined || isImageShape(featureShape))
  );
}

function isImageShape(shape: readonly number[]): boolean {
  return shape.length === 2 || (shape.length === 3 && shape[2] === 1);
}

export function datasetLabel(d: DomainSpec): string {
  return typeof d.dataset === 'string' ? d.dataset : 'a synthetic dataset';
}
