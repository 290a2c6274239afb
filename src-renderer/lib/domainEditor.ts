import {
  DomainSpecSchema,
  DomainTransformSchema,
  type DomainSpec,
  type DomainTransform,
  type SplitMode,
} from '../../src-shared/domain/experimentSpec';
import type { DatasetSummary } from '../../src-shared/domain/datasets';
import type { RpcInput } from '../../src-shared/rpc/contract';

/**
 * The dataset view's domain editor: a class subset (relabelled 0..k-1 in the order kept), a
 * transform, the split and a subsample, as the inputs hold them; and the pure functions from it
 * to a 'datasets.preview' request (the live preview) and to a `DomainSpec` (for the designer).
 */
export type DatasetKind = 'image' | 'tabular';

/** The transforms the editor knows, by the key DomainTransformSchema gives each. */
export type TransformKey = 'rotateDeg' | 'noiseStd' | 'invert' | 'scale' | 'shift' | 'multiply';
/** A number, a switch, or (per-feature fields) text: one number, or one per feature. */
export type TransformValue = number | boolean | string | null;

export interface TransformFieldInfo {
  key: TransformKey;
  label: string;
  type: 'number' | 'boolean' | 'per-feature';
  kinds: readonly DatasetKind[];
  help: string;
  /** The value that changes nothing: the input's placeholder. */
  identity: number | boolean;
  min?: number;
  max?: number;
  step?: number;
}

/** In the order the core applies them (DomainTransformSchema). */
export const TRANSFORM_FIELDS: readonly TransformFieldInfo[] = [
  {
    key: 'scale',
    label: 'Zoom ×',
    type: 'number',
    kinds: ['image'],
    help: 'About the centre: 2 doubles what is shown, 0.5 halves it.',
    identity: 1,
    min: 0.25,
    max: 4,
    step: 0.05,
  },
  {
    key: 'rotateDeg',
    label: 'Rotation °',
    type: 'number',
    kinds: ['image'],
    help: 'Counter-clockwise about the centre, zero fill.',
    identity: 0,
    min: -360,
    max: 360,
    step: 5,
  },
  {
    key: 'invert',
    label: 'Invert',
    type: 'boolean',
    kinds: ['image'],
    help: 'Every pixel x becomes 1 − x.',
    identity: false,
  },
  {
    key: 'multiply',
    label: 'Feature scale ×',
    type: 'per-feature',
    kinds: ['tabular'],
    help: 'One number, or one per feature (comma list); in the file’s units.',
    identity: 1,
  },
  {
    key: 'shift',
    label: 'Feature shift +',
    type: 'per-feature',
    kinds: ['tabular'],
    help: 'Added after scaling: one number, or one per feature.',
    identity: 0,
  },
  {
    key: 'noiseStd',
    label: 'Noise std',
    type: 'number',
    kinds: ['image', 'tabular'],
    help: 'Gaussian, added last (on what the model sees); seeded by the split seed.',
    identity: 0,
    min: 0,
    max: 10,
    step: 0.05,
  },
];

/** "0.5" → 0.5, "1, 2, 3" → [1, 2, 3]; empty → null; anything else → NaN (a problem). */
export function parsePerFeature(text: string): number | number[] | null {
  const items = text
    .split(/[\s,;]+/)
    .map((t) => t.trim())
    .filter((t) => t !== '');
  if (items.length === 0) return null;
  const values = items.map(Number);
  if (values.some((v) => !Number.isFinite(v))) return Number.NaN;
  return values.length === 1 ? (values[0] ?? Number.NaN) : values;
}

/** The transforms this build's schema accepts: the editor offers no more than the core knows. */
const SUPPORTED = new Set<string>(Object.keys(DomainTransformSchema.shape));

export function transformFields(kind: DatasetKind): TransformFieldInfo[] {
  return TRANSFORM_FIELDS.filter((f) => f.kinds.includes(kind) && SUPPORTED.has(f.key));
}

/** Rows of [h, w], [h, w, 1] or [h, w, 3] are images; everything else is tabular. */
export function datasetKind(featureShape: readonly number[]): DatasetKind {
  if (featureShape.length === 2) return 'image';
  if (featureShape.length === 3 && (featureShape[2] === 1 || featureShape[2] === 3)) return 'image';
  return 'tabular';
}

export interface DomainEditorForm {
  name: string;
  /** Original labels kept, in the order they become 0..k-1. */
  classes: number[];
  split: SplitMode;
  splitSeed: number | null;
  samplesPerClass: number | null;
  transform: Partial<Record<TransformKey, TransformValue>>;
  /** Preview only: images per class, and which samples (a new seed shows others). */
  perClass: number;
  previewSeed: number;
}

export function editorFromDataset(dataset: DatasetSummary): DomainEditorForm {
  return {
    name: dataset.name,
    classes: [...dataset.classes],
    split: 'random',
    splitSeed: 0,
    samplesPerClass: null,
    transform: {},
    perClass: 8,
    previewSeed: 0,
  };
}

/** Toggles a class, keeping the dataset's order so that relabelling is predictable. */
export function toggleClass(
  form: DomainEditorForm,
  all: readonly number[],
  label: number,
): number[] {
  const kept = new Set(form.classes);
  if (kept.has(label)) kept.delete(label);
  else kept.add(label);
  return all.filter((c) => kept.has(c));
}

/** original → new label, as the domain relabels them. */
export function relabelling(form: DomainEditorForm): { original: number; label: number }[] {
  return form.classes.map((original, label) => ({ original, label }));
}

export type EditorField = 'name' | 'classes' | 'splitSeed' | 'samplesPerClass' | TransformKey;

export interface EditorProblem {
  field: EditorField;
  message: string;
}

function isTransformKey(key: PropertyKey | undefined): key is TransformKey {
  return TRANSFORM_FIELDS.some((f) => f.key === key);
}

/**
 * The transform the form describes for this kind of data: fields left at their identity value are
 * left out (a domain spec is part of the config hash by which source models are reused).
 */
export function transformOf(
  form: DomainEditorForm,
  kind: DatasetKind,
  featureCount?: number,
): { transform: DomainTransform | undefined; problems: EditorProblem[] } {
  const raw: Record<string, number | boolean | number[]> = {};
  const problems: EditorProblem[] = [];
  for (const f of transformFields(kind)) {
    const given = form.transform[f.key];
    const value = typeof given === 'string' ? parsePerFeature(given) : given;
    if (value === null || value === undefined || value === f.identity) continue;
    if (typeof value === 'number' && Number.isNaN(value)) {
      problems.push({
        field: f.key,
        message:
          f.type === 'per-feature'
            ? 'One number, or one per feature separated by commas.'
            : 'A number.',
      });
      continue;
    }
    if (Array.isArray(value) && featureCount !== undefined && value.length !== featureCount) {
      problems.push({
        field: f.key,
        message: `${value.length} values for ${featureCount} features: give one, or one per feature.`,
      });
      continue;
    }
    raw[f.key] = value;
  }
  if (problems.length > 0) return { transform: undefined, problems };
  if (Object.keys(raw).length === 0) return { transform: undefined, problems };
  const parsed = DomainTransformSchema.safeParse(raw);
  if (parsed.success) return { transform: parsed.data, problems };
  return {
    transform: undefined,
    problems: parsed.error.issues.map((issue) => {
      const key = issue.path[0];
      return { field: isTransformKey(key) ? key : 'name', message: issue.message };
    }),
  };
}

export type PreviewRequest = RpcInput<'datasets.preview'>;

/** The live preview's request, or null while the form has problems the preview would share. */
export function previewRequest(
  datasetId: number,
  form: DomainEditorForm,
  kind: DatasetKind,
  allClasses: readonly number[],
  featureCount?: number,
): { request: PreviewRequest | null; problems: EditorProblem[] } {
  const { transform, problems } = transformOf(form, kind, featureCount);
  if (form.classes.length === 0)
    problems.push({ field: 'classes', message: 'Keep at least one class.' });
  if (problems.length > 0) return { request: null, problems };
  const subset = form.classes.length === allClasses.length ? {} : { classes: [...form.classes] };
  return {
    request: {
      id: datasetId,
      ...subset,
      ...(transform ? { transform } : {}),
      perClass: form.perClass,
      seed: form.previewSeed,
    },
    problems,
  };
}

/** The domain the form defines, for the experiment designer, or the problems that stop it. */
export function domainFromEditor(
  dataset: DatasetSummary,
  form: DomainEditorForm,
  kind: DatasetKind,
): { domain: DomainSpec | null; problems: EditorProblem[] } {
  const features = kind === 'tabular' ? dataset.featureShape[0] : undefined;
  const { transform, problems } = transformOf(form, kind, features);
  const name = form.name.trim();
  if (name === '') problems.push({ field: 'name', message: 'Give the domain a name.' });
  if (form.classes.length < 2)
    problems.push({ field: 'classes', message: 'A domain needs at least two classes.' });
  const seed = form.splitSeed;
  if (seed === null || !Number.isInteger(seed) || seed < 0)
    problems.push({ field: 'splitSeed', message: 'A whole number from 0.' });
  const n = form.samplesPerClass;
  if (n !== null && (!Number.isInteger(n) || n < 1))
    problems.push({
      field: 'samplesPerClass',
      message: 'A whole number from 1, or empty for all.',
    });
  if (problems.length > 0) return { domain: null, problems };

  const all =
    form.classes.length === dataset.classes.length &&
    form.classes.every((c, i) => c === dataset.classes[i]);
  const domain: DomainSpec = {
    name,
    dataset: dataset.name,
    ...(all ? {} : { classes: [...form.classes] }),
    splitSeed: seed ?? 0,
    ...(form.split === 'random' ? {} : { split: form.split }),
    ...(n === null ? {} : { samplesPerClass: n }),
    ...(transform ? { transform } : {}),
  };
  const parsed = DomainSpecSchema.safeParse(domain);
  if (!parsed.success)
    return {
      domain: null,
      problems: parsed.error.issues.map((i) => ({
        field: 'name',
        message: `${i.path.map(String).join('.')}: ${i.message}`,
      })),
    };
  return { domain, problems: [] };
}

/**
 * Rows each split gets per class (random split: 60/20/20 of the kept rows, as the core rounds
 * them), so the researcher sees what a subsample leaves for training before running anything.
 */
export function splitSizes(
  count: number,
  samplesPerClass: number | null,
): { train: number; validation: number; test: number } {
  const kept = samplesPerClass === null ? count : Math.min(count, samplesPerClass);
  const test = Math.round(kept * 0.2);
  const validation = Math.round(kept * 0.2);
  return { train: kept - test - validation, validation, test };
}
