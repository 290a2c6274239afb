import type {
  DomainSpec,
  DomainTransform,
  SplitMode,
} from '../../src-shared/domain/experimentSpec';
import { datasetKind, parsePerFeature, type DatasetKind, type TransformKey } from './domainEditor';
import {
  syntheticFormFromSpec,
  syntheticFromForm,
  syntheticProblems,
  type SyntheticField,
  type SyntheticForm,
} from './syntheticForm';

/**
 * The designer's per-domain options (DomainSpecSchema: the dataset or the synthetic generator's
 * settings, split, samplesPerClass, transform) as the inputs hold them: numbers possibly empty,
 * an empty one meaning "not set". Pure functions between them and a DomainSpec, and the problems
 * each input shows next to itself. The domain's name, classes and imported model are kept from
 * the DomainSpec the options belong to (issue 14: every part of a domain the spec allows).
 */
export interface DomainOptionsForm {
  /** The generator's data (true) or the named dataset `datasetName`. */
  synthetic: boolean;
  datasetName: string;
  /** Kept while a named dataset is chosen, so that switching back restores them. */
  generator: SyntheticForm;
  split: SplitMode;
  splitSeed: number | null;
  samplesPerClass: number | null;
  rotateDeg: number | null;
  noiseStd: number | null;
  scale: number | null;
  invert: boolean;
  /** Per-feature fields as typed: one number, or one per feature (comma list). */
  shift: string;
  multiply: string;
}

export type DomainRole = 'sources' | 'targets';
/** A domain's inputs, by the spec field they write. */
export type DomainOptionField =
  | 'name'
  | 'dataset'
  | 'split'
  | 'splitSeed'
  | 'samplesPerClass'
  | TransformKey
  | `synthetic.${SyntheticField}`;
export type DomainFieldKey = `domain:${DomainRole}.${number}.${DomainOptionField}`;

export function domainFieldKey(
  role: DomainRole,
  index: number,
  field: DomainOptionField,
): DomainFieldKey {
  return `domain:${role}.${index}.${field}`;
}

/** "0.5" for a number, "1, 2, 3" for a list, "" for none: how a per-feature input shows it. */
export function perFeatureText(value: number | number[] | undefined): string {
  if (value === undefined) return '';
  return Array.isArray(value) ? value.join(', ') : String(value);
}

export function domainOptionsFromSpec(d: DomainSpec): DomainOptionsForm {
  const t = d.transform;
  return {
    synthetic: typeof d.dataset !== 'string',
    datasetName: typeof d.dataset === 'string' ? d.dataset : '',
    generator: syntheticFormFromSpec(typeof d.dataset === 'string' ? undefined : d.dataset),
    split: d.split ?? 'random',
    splitSeed: d.splitSeed,
    samplesPerClass: d.samplesPerClass ?? null,
    rotateDeg: t?.rotateDeg ?? null,
    noiseStd: t?.noiseStd ?? null,
    scale: t?.scale ?? null,
    invert: t?.invert ?? false,
    shift: perFeatureText(t?.shift),
    multiply: perFeatureText(t?.multiply),
  };
}

/** The dataset the options choose: a name, or the generator's settings. */
export function datasetOf(o: DomainOptionsForm): DomainSpec['dataset'] {
  return o.synthetic ? syntheticFromForm(o.generator) : o.datasetName;
}

/**
 * A per-feature input's value: unchanged text keeps the spec's value exactly (a one-element list
 * stays a list), otherwise the parsed text (NaN when unreadable, null when empty).
 */
function perFeatureOf(
  text: string,
  given: number | number[] | undefined,
): number | number[] | null {
  if (given !== undefined && text === perFeatureText(given)) return given;
  return parsePerFeature(text);
}

/**
 * The domain with these options. What the example left unset stays unset unless changed: a
 * domain spec is part of the config hash by which source models are reused, so writing out a
 * default (split "random", zoom 1) would make the same domain look new. Another dataset drops
 * the class subset, whose labels were the old dataset's.
 */
export function applyDomainOptions(d: DomainSpec, o: DomainOptionsForm): DomainSpec {
  const rest: DomainSpec = { ...d };
  delete rest.split;
  delete rest.samplesPerClass;
  delete rest.transform;
  const dataset = datasetOf(o);
  if (!sameDataKind(d.dataset, dataset)) delete rest.classes;
  const shift = perFeatureOf(o.shift, d.transform?.shift);
  const multiply = perFeatureOf(o.multiply, d.transform?.multiply);
  const transform: DomainTransform = {
    ...(o.scale !== null && (o.scale !== 1 || d.transform?.scale !== undefined)
      ? { scale: o.scale }
      : {}),
    ...(o.rotateDeg !== null ? { rotateDeg: o.rotateDeg } : {}),
    ...(o.invert || d.transform?.invert !== undefined ? { invert: o.invert } : {}),
    ...(multiply !== null ? { multiply } : {}),
    ...(shift !== null ? { shift } : {}),
    ...(o.noiseStd !== null ? { noiseStd: o.noiseStd } : {}),
  };
  return {
    ...rest,
    dataset,
    splitSeed: o.splitSeed ?? 0,
    ...(o.split !== 'random' || d.split !== undefined ? { split: o.split } : {}),
    ...(o.samplesPerClass !== null ? { samplesPerClass: o.samplesPerClass } : {}),
    ...(Object.keys(transform).length > 0 ? { transform } : {}),
  };
}

/** Whether a class subset of `a` still means the same labels in `b`. */
function sameDataKind(a: DomainSpec['dataset'], b: DomainSpec['dataset']): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  return true;
}

/**
 * The kind of data the options choose: synthetic rows are feature vectors; a named dataset's kind
 * comes from its feature shape, unknown (undefined) until the catalog has it.
 */
export function optionsKind(
  o: DomainOptionsForm,
  featureShapes: ReadonlyMap<string, readonly number[]>,
): DatasetKind | undefined {
  if (o.synthetic) return 'tabular';
  const shape = featureShapes.get(o.datasetName);
  return shape ? datasetKind(shape) : undefined;
}

const IMAGE_FIELDS = ['scale', 'rotateDeg', 'invert'] as const;
const TABULAR_FIELDS = ['multiply', 'shift'] as const;

/**
 * The transform inputs the designer shows for a domain: those that apply to its kind of data
 * (all while the kind is unknown), and any other that holds a value, so that a value which does
 * not apply is shown with its problem rather than sent unseen.
 */
export function shownTransformFields(
  o: DomainOptionsForm,
  kind: DatasetKind | undefined,
): TransformKey[] {
  const set = (k: TransformKey): boolean => {
    switch (k) {
      case 'invert':
        return o.invert;
      case 'shift':
      case 'multiply':
        return o[k].trim() !== '';
      default:
        return o[k] !== null;
    }
  };
  const applies = (k: TransformKey): boolean =>
    kind === undefined ||
    k === 'noiseStd' ||
    (kind === 'image'
      ? (IMAGE_FIELDS as readonly TransformKey[]).includes(k)
      : (TABULAR_FIELDS as readonly TransformKey[]).includes(k));
  return (['scale', 'rotateDeg', 'invert', 'multiply', 'shift', 'noiseStd'] as const).filter(
    (k) => applies(k) || set(k),
  );
}

/**
 * The options after choosing other data: the fields that do not apply to the new kind are
 * cleared (the user chose the change; nothing is dropped unseen), as are per-feature lists, and
 * a synthetic domain, which
 * has no test part of its own, is split at random.
 */
export function withDataset(
  o: DomainOptionsForm,
  choice: { synthetic: true } | { synthetic: false; name: string },
  featureShapes: ReadonlyMap<string, readonly number[]>,
): DomainOptionsForm {
  const next: DomainOptionsForm = {
    ...o,
    generator: { ...o.generator },
    synthetic: choice.synthetic,
    datasetName: choice.synthetic ? o.datasetName : choice.name,
  };
  const kind = optionsKind(next, featureShapes);
  if (kind === 'tabular') {
    next.scale = null;
    next.rotateDeg = null;
    next.invert = false;
  } else if (kind === 'image') {
    next.shift = '';
    next.multiply = '';
  }
  // A list of one value per feature was counted for the old data's features; one number still fits.
  const changed = choice.synthetic !== o.synthetic || next.datasetName !== o.datasetName;
  for (const field of TABULAR_FIELDS)
    if (changed && Array.isArray(parsePerFeature(next[field]))) next[field] = '';
  if (choice.synthetic) next.split = 'random';
  return next;
}

export interface DomainOptionProblem {
  field: DomainOptionField;
  message: string;
}

/**
 * Problems the schema would report, in the designer's words, plus those it cannot see: image
 * fields need an image dataset, feature fields a tabular one, a per-feature list one value per
 * feature (data/transform.ts); `featureShape` is the chosen dataset's when known. Noise applies
 * to any features.
 */
export function domainOptionProblems(
  o: DomainOptionsForm,
  featureShape: readonly number[] | undefined,
): DomainOptionProblem[] {
  const problems: DomainOptionProblem[] = [];
  if (o.synthetic) {
    for (const p of syntheticProblems(o.generator))
      problems.push({ field: `synthetic.${p.field}`, message: p.message });
  } else if (o.datasetName.trim() === '') {
    problems.push({ field: 'dataset', message: 'Choose a dataset.' });
  }
  const seed = o.splitSeed;
  if (seed === null || !Number.isInteger(seed) || seed < 0)
    problems.push({ field: 'splitSeed', message: 'A whole number from 0.' });
  const n = o.samplesPerClass;
  if (n !== null && (!Number.isInteger(n) || n < 1))
    problems.push({
      field: 'samplesPerClass',
      message: 'A whole number from 1, or empty for all.',
    });
  if (o.rotateDeg !== null && !(Math.abs(o.rotateDeg) <= 360))
    problems.push({ field: 'rotateDeg', message: 'Degrees from −360 to 360, or empty for none.' });
  if (o.scale !== null && !(o.scale >= 0.25 && o.scale <= 4))
    problems.push({ field: 'scale', message: 'From 0.25 to 4, or empty for none.' });
  if (o.noiseStd !== null && !(o.noiseStd >= 0 && o.noiseStd <= 10))
    problems.push({ field: 'noiseStd', message: 'From 0 to 10, or empty for none.' });
  const kind = o.synthetic ? 'tabular' : featureShape ? datasetKind(featureShape) : undefined;
  const label = o.synthetic ? 'a synthetic dataset' : o.datasetName;
  if (kind === 'tabular') {
    const image: [DomainOptionField, boolean][] = [
      ['rotateDeg', o.rotateDeg !== null && o.rotateDeg !== 0],
      ['scale', o.scale !== null && o.scale !== 1],
      ['invert', o.invert],
    ];
    for (const [field, set] of image)
      if (set)
        problems.push({
          field,
          message:
            field === 'rotateDeg'
              ? `Rotation applies to image datasets only; ${label} is not one.`
              : `Applies to image datasets only; ${label} is not one.`,
        });
  }
  const features = o.synthetic ? o.generator.features : featureShape?.[0];
  for (const field of TABULAR_FIELDS) {
    const value = perFeatureOf(o[field], undefined);
    if (value === null) continue;
    if (typeof value === 'number' && Number.isNaN(value))
      problems.push({ field, message: 'One number, or one per feature separated by commas.' });
    else if (kind === 'image')
      problems.push({ field, message: `Applies to tabular datasets only; ${label} is not one.` });
    else if (
      Array.isArray(value) &&
      kind === 'tabular' &&
      features != null &&
      value.length !== features
    )
      problems.push({
        field,
        message: `${value.length} values for ${features} features: give one, or one per feature.`,
      });
  }
  return problems;
}

/**
 * Whether a domain's rows are images (features [h, w] or [h, w, 1]). A named dataset whose shape
 * is not known yet counts as one: the server checks again, and a false alarm would block the form.
 * Used by the model options (a CNN needs images).
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
