import { z } from 'zod';
import {
  CnnSpecSchema,
  MlpSpecSchema,
  type DomainSpec,
  type MlpSpec,
  type ModelSpec,
  type WeightInit,
} from '../../src-shared/domain/experimentSpec';
import { datasetLabel, isImageDomain } from './domainForm';
import { parseIntList, type Parsed } from './listInput';

/**
 * The designer's model inputs (ModelSpecSchema: an MLP or a CNN) as the inputs hold them: layer
 * lists as text, the kernel size possibly empty. Both architectures' inputs are kept, so switching
 * the type and back loses nothing; only the chosen type's reach the spec.
 */
export type ModelType = ModelSpec['type'];
export type Activation = MlpSpec['activation'];

export interface ModelForm {
  type: ModelType;
  hidden: string;
  activation: Activation;
  conv: string;
  dense: string;
  kernelSize: number | null;
  /** ModelSpec.init; `he` (the default) is left out of the spec. */
  init: WeightInit;
}

export type ModelField = 'modelType' | 'hidden' | 'activation' | 'conv' | 'dense' | 'kernelSize';

export interface ModelProblem {
  field: ModelField;
  message: string;
}

export interface ListBounds {
  minItems: number;
  maxItems: number;
  min: number;
  max: number;
}

/** A layer list's bounds as the schema states them, so the labels and checks never drift. */
function listBounds(schema: z.ZodType): ListBounds {
  const json = z.toJSONSchema(schema);
  const item = typeof json.items === 'object' && !Array.isArray(json.items) ? json.items : {};
  return {
    minItems: json.minItems ?? 1,
    maxItems: json.maxItems ?? Number.MAX_SAFE_INTEGER,
    min: item.minimum ?? 1,
    max: item.maximum ?? Number.MAX_SAFE_INTEGER,
  };
}

export const HIDDEN_BOUNDS = listBounds(MlpSpecSchema.shape.hidden.unwrap());
export const CONV_BOUNDS = listBounds(CnnSpecSchema.shape.conv.unwrap());
export const DENSE_BOUNDS = listBounds(CnnSpecSchema.shape.dense.unwrap());
const kernel = CnnSpecSchema.shape.kernelSize.unwrap();
export const KERNEL_BOUNDS = { min: kernel.minValue ?? 1, max: kernel.maxValue ?? 7 };

/** The schema's defaults: what a new CNN (or MLP) starts from when the spec has the other type. */
const MLP_DEFAULTS = MlpSpecSchema.parse({ type: 'mlp' });
const CNN_DEFAULTS = CnnSpecSchema.parse({ type: 'cnn' });

export function modelFormFromSpec(model: ModelSpec | undefined): ModelForm {
  const mlp = model?.type === 'mlp' ? model : MLP_DEFAULTS;
  const cnn = model?.type === 'cnn' ? model : CNN_DEFAULTS;
  return {
    type: model?.type ?? 'mlp',
    hidden: mlp.hidden.join(', '),
    activation: mlp.activation,
    conv: cnn.conv.join(', '),
    dense: cnn.dense.join(', '),
    kernelSize: cnn.kernelSize,
    init: model?.init ?? 'he',
  };
}

function parseLayers(
  text: string,
  bounds: ListBounds,
  what: string,
  example: string,
): Parsed<number> {
  const parsed = parseIntList(text, { min: bounds.min, max: bounds.max, what, example });
  if (parsed.problems.length === 0 && parsed.values.length > bounds.maxItems)
    parsed.problems.push(`At most ${bounds.maxItems} ${what}s.`);
  return parsed;
}

export interface BuiltModel {
  /** The chosen type's model; its lists hold only the entries that parsed. */
  model: ModelSpec;
  problems: ModelProblem[];
}

/**
 * The model the inputs describe and the problems of its inputs. `featureShapes` (dataset name →
 * feature shape, from the catalog) lets a CNN on a non-image dataset be flagged before sending;
 * whether the images are large enough for its blocks is left to the server, which knows the
 * engine's arithmetic (engine/cnn.ts) and answers next to the model type.
 */
export function buildModel(
  form: ModelForm,
  domains: readonly DomainSpec[],
  featureShapes: ReadonlyMap<string, readonly number[]>,
): BuiltModel {
  const problems: ModelProblem[] = [];
  const add = (field: ModelField, messages: readonly string[]): void => {
    for (const message of messages) problems.push({ field, message });
  };
  const init = form.init === 'he' ? {} : { init: form.init };
  if (form.type === 'mlp') {
    const hidden = parseLayers(form.hidden, HIDDEN_BOUNDS, 'layer width', '64, 32');
    add('hidden', hidden.problems);
    return {
      model: { type: 'mlp', hidden: hidden.values, activation: form.activation, ...init },
      problems,
    };
  }
  const conv = parseLayers(form.conv, CONV_BOUNDS, 'block', '32, 64');
  add('conv', conv.problems);
  const dense = parseLayers(form.dense, DENSE_BOUNDS, 'layer width', '128');
  add('dense', dense.problems);
  const k = form.kernelSize;
  if (k === null || !Number.isInteger(k) || k < KERNEL_BOUNDS.min || k > KERNEL_BOUNDS.max)
    add('kernelSize', [`A whole number from ${KERNEL_BOUNDS.min} to ${KERNEL_BOUNDS.max}.`]);
  const flat = [
    ...new Set(
      domains
        .filter((d) => {
          const shape = typeof d.dataset === 'string' ? featureShapes.get(d.dataset) : undefined;
          return !isImageDomain(d, shape);
        })
        .map(datasetLabel),
    ),
  ];
  if (flat.length > 0)
    add('modelType', [
      `A CNN needs image datasets; ${flat.join(', ')} ${flat.length === 1 ? 'is' : 'are'} not. Use an MLP.`,
    ]);
  return {
    model: { type: 'cnn', conv: conv.values, dense: dense.values, kernelSize: k ?? 0, ...init },
    problems,
  };
}
