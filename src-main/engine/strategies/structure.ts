import { z } from 'zod';
import { ActivationSchema, type ModelSpec } from '../../../src-shared/domain/experimentSpec';
import { strategyInfo } from '../../../src-shared/domain/strategies';
import { buildModel, weightLayers } from '../model';
import {
  declaredNeeds,
  sourceHiddenLayers,
  trainableVariables,
  type StrategyContext,
  type TransferStrategy,
} from './strategy';

/**
 * Structure transfer: what the source model's architecture alone carries over. The target model
 * is the source's architecture (its hidden sizes and activation, read from the saved model) with
 * no learned weight: every layer is re-initialised from the run seed exactly as scratch
 * initialises the run's ModelSpec (model.ts: seeded per layer name), and the head is new for the
 * target's k classes. It minimises the target cross-entropy only: θ_0 ~ init(seed), not θ_source.
 * (Structure transfer in the taxonomy of Pan & Yang 2010, "A survey on transfer learning":
 * the model's form is transferred, its parameters are not.)
 *
 * Because layers are seeded by name, a source whose architecture is the run's ModelSpec gives
 * bit-for-bit the scratch run of the same seed: a transfer gain of exactly 0, as it should be.
 * The input layer follows the target's features, so unlike parameter transfer this works across
 * input shapes: only the hidden sizes transfer.
 */
const info = strategyInfo('structure');

export const structure = {
  id: 'structure',
  info,
  needs: declaredNeeds(info),
  prepare: (ctx: StrategyContext) => {
    const { tf, sourceModel } = ctx;
    if (sourceModel === undefined) throw new Error('structure needs a source model');
    // The source's architecture, with the run's own choice of initialisation (ModelSpec.init).
    const { init } = ctx.config.model;
    const spec: ModelSpec = { ...sourceArchitecture(sourceModel), ...(init ? { init } : {}) };
    if (describeSpec(spec) !== describeSpec(ctx.config.model)) {
      ctx.log(
        'info',
        `structure uses the source architecture ${describeSpec(spec)}, ` +
          `not ${describeSpec(ctx.config.model)}`,
      );
    }
    const model = buildModel(tf, spec, ctx.featureShape, ctx.numClasses, ctx.config.seed);
    return {
      model,
      trainable: trainableVariables(tf, model),
      frozenLayers: [],
      dispose: () => {
        model.dispose();
        // Its weights were never used, only its description; freed with the run's model.
        sourceModel.dispose();
      },
    };
  },
} satisfies TransferStrategy;

/** A ModelSpec in a few words, for the run's log. */
function describeSpec(spec: ModelSpec): string {
  return spec.type === 'mlp'
    ? `[${spec.hidden.join(', ')}] ${spec.activation}`
    : `CNN conv [${spec.conv.join(', ')}] ${spec.kernelSize}×${spec.kernelSize}, dense [${spec.dense.join(', ')}]`;
}

/**
 * The ModelSpec of a saved model: a CNN's filters, kernel size and Dense widths when it has
 * convolutions (cnn.ts), otherwise an MLP's hidden layers' widths and their (shared) activation.
 */
export function sourceArchitecture(
  sourceModel: Parameters<typeof sourceHiddenLayers>[0],
): ModelSpec {
  const hidden = sourceHiddenLayers(sourceModel);
  const convs = weightLayers(sourceModel).slice(0, -hidden.length);
  if (convs.length > 0) return cnnArchitecture(convs, hidden);
  const activations = hidden.map((layer) => {
    const parsed = ActivationSchema.safeParse(layer.getConfig().activation);
    if (!parsed.success) {
      throw new Error(
        `Layer ${layer.name} has activation ${JSON.stringify(layer.getConfig().activation)}, not one an MLP spec can name`,
      );
    }
    return parsed.data;
  });
  const activation = activations[0] ?? 'relu';
  if (activations.some((a) => a !== activation))
    throw new Error(`The source model mixes activations (${activations.join(', ')})`);
  return {
    type: 'mlp',
    hidden: hidden.map((layer) => {
      const units = layer.outputShape.at(-1);
      if (typeof units !== 'number') throw new Error(`Layer ${layer.name} has no fixed width`);
      return units;
    }),
    activation,
  };
}

/** The CnnSpec of a saved CNN's convolutions and hidden Dense layers. */
function cnnArchitecture(
  convs: ReturnType<typeof sourceHiddenLayers>,
  hidden: ReturnType<typeof sourceHiddenLayers>,
): ModelSpec {
  const IntList = z.array(z.int().positive());
  const kernels = convs.map((layer) => IntList.parse(layer.getConfig().kernelSize));
  const kernelSize = kernels[0]?.[0] ?? 3;
  if (kernels.some((k) => k.some((side) => side !== kernelSize)))
    throw new Error('The source CNN mixes kernel sizes, which a CNN spec cannot name');
  return {
    type: 'cnn',
    conv: convs.map((layer) => z.int().positive().parse(layer.getConfig().filters)),
    dense: hidden.map((layer) => z.int().positive().parse(layer.outputShape.at(-1))),
    kernelSize,
  };
}
