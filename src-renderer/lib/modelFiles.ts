import type { InputScaling, ModelLayer } from '../../src-shared/domain/models';

/**
 * The files a user chose or dropped as one pretrained model (issue 13), and the scaling form of
 * the Models view: free of the DOM and of Svelte so that their rules are tested alone.
 */

/** What the file chooser offers: ONNX, or TF.js's model.json with its weight shards. */
export const MODEL_ACCEPT = '.onnx,.json,.bin';

export type ChosenModel<F extends { name: string }> =
  { ok: true; format: 'onnx' | 'tfjs'; files: F[]; main: F } | { ok: false; message: string };

function extension(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1).toLowerCase();
}

/**
 * Which model the chosen files make: one `.onnx` file, or one `.json` (a tfjs model.json) with
 * any number of `.bin` shards. Anything else is refused before a byte is sent, saying why.
 */
export function chooseModelFiles<F extends { name: string }>(files: readonly F[]): ChosenModel<F> {
  if (files.length === 0) return { ok: false, message: 'No file was chosen.' };
  const onnx = files.filter((f) => extension(f.name) === 'onnx');
  const json = files.filter((f) => extension(f.name) === 'json');
  const bins = files.filter((f) => extension(f.name) === 'bin');
  const other = files.filter((f) => !['onnx', 'json', 'bin'].includes(extension(f.name)));
  if (other.length > 0) {
    return {
      ok: false,
      message: `${other.map((f) => `"${f.name}"`).join(', ')} is not a model file: choose one .onnx file, or a TF.js model.json with its .bin weight shards.`,
    };
  }
  const [firstOnnx] = onnx;
  if (firstOnnx) {
    if (files.length > 1) {
      return {
        ok: false,
        message: 'An ONNX model is one .onnx file: choose it alone (one model at a time).',
      };
    }
    return { ok: true, format: 'onnx', files: [firstOnnx], main: firstOnnx };
  }
  const [firstJson] = json;
  if (!firstJson) {
    return {
      ok: false,
      message:
        'Weight shards (.bin) alone are not a model: choose the TF.js model.json together with its .bin files.',
    };
  }
  if (json.length > 1) {
    return { ok: false, message: 'Choose one model.json at a time, with its .bin weight shards.' };
  }
  if (new Set(files.map((f) => f.name.toLowerCase())).size !== files.length) {
    return { ok: false, message: 'Two of the chosen files have the same name.' };
  }
  return { ok: true, format: 'tfjs', files: [firstJson, ...bins], main: firstJson };
}

/** The default name a model gets: its file's name without the extension. */
export function modelNameFromFile(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot > 0 ? fileName.slice(0, dot) : fileName;
}

/** The scaling form: a kind, and mean and std as typed (comma-separated, one or per channel). */
export interface ScalingForm {
  kind: InputScaling['kind'];
  mean: string;
  std: string;
}

export function scalingForm(s: InputScaling): ScalingForm {
  return s.kind === 'standardise'
    ? { kind: s.kind, mean: s.mean.join(', '), std: s.std.join(', ') }
    : { kind: s.kind, mean: '', std: '' };
}

function numbers(text: string): number[] | null {
  const parts = text
    .split(/[\s,;]+/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (parts.length === 0) return null;
  const values = parts.map(Number);
  return values.every((v) => Number.isFinite(v)) ? values : null;
}

/** The scaling the form describes, or what is wrong with it. */
export function parseScaling(
  form: ScalingForm,
): { ok: true; value: InputScaling } | { ok: false; message: string } {
  if (form.kind !== 'standardise') return { ok: true, value: { kind: form.kind } };
  const mean = numbers(form.mean);
  const std = numbers(form.std);
  if (!mean || mean.length > 4)
    return { ok: false, message: 'Mean: one number, or one per channel (up to 4).' };
  if (!std || std.length > 4)
    return { ok: false, message: 'Std: one number, or one per channel (up to 4).' };
  if (std.some((v) => v <= 0)) return { ok: false, message: 'Std values must be above 0.' };
  if (mean.length !== std.length)
    return { ok: false, message: 'Mean and std need as many values.' };
  return { ok: true, value: { kind: 'standardise', mean, std } };
}

/** The layers that can hold the features (the view offers these in its feature-layer choice). */
export function featureChoices(layers: readonly ModelLayer[]): ModelLayer[] {
  return layers.filter((l) => l.canBeFeatures);
}

/** A shape without the batch axis, e.g. `28 × 28 × 1`. */
export function formatShape(shape: readonly number[]): string {
  return shape.length === 0 ? '—' : shape.join(' × ');
}
