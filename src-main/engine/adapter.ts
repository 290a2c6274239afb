import type { SymbolicTensor, Tensor, Variable } from '@tensorflow/tfjs';
import type { InputAdapter } from '../../src-shared/domain/runs';
import { size } from './adapterShapes';
import { logits, seededDense } from './model';
import {
  trainableVariables,
  type ParamGroup,
  type PreparedModel,
  type StrategyContext,
  type TrainStep,
  type TransferStrategy,
} from './strategies/strategy';

type LinearAdapter = Extract<InputAdapter, { kind: 'linear' }>;

/**
 * The learned input adapter (adapterShapes.ts decides when): target rows of shape `from` pass
 * through a trainable Dense(prod(to)) layer without activation, seeded from the run seed like
 * every layer (model.ts seededDense, Glorot-uniform), before a model built for the source's rows
 * of shape `to`. The target's classifier is model ∘ A, A(x) = W·vec(x) + b reshaped to `to`: a
 * linear map of the target's features into the source's feature space, learned jointly with the
 * strategy's own objective (heterogeneous transfer by feature mapping; Weiss, Khoshgoftaar, Wang
 * 2016, "A survey of transfer learning", §5).
 *
 * It wraps a strategy rather than living in one: the strategy prepares its model for the
 * source's shape as if the shapes agreed, and the wrapper
 * - builds the evaluated model as A followed by the strategy model's layers (every Transferlab
 *   model is a chain; strategy.ts applyUpTo), so the loop's target logits go through A;
 * - hands the strategy's loss the step with the target's rows (labelled and unlabelled) mapped
 *   by A, and the source's rows as they are;
 * - evaluates rows of the source's shape (the source's training rows that some strategies
 *   measure on) without A;
 * - adds A's weights to the trainable ones, never to the frozen ones.
 * Strategies that compare source and target rows in the input space before training
 * (StrategyInfo.comparesInputs) cannot use a map that is learned during it, and are refused.
 */
export function withInputAdapter(strategy: TransferStrategy): TransferStrategy {
  return {
    ...strategy,
    prepare: async (ctx: StrategyContext): Promise<PreparedModel> => {
      const adapter = ctx.inputAdapter;
      if (adapter?.kind !== 'linear') return strategy.prepare(ctx);
      if (strategy.info?.comparesInputs === true) {
        throw new Error(
          `${strategy.info.name} compares source and target rows in the input space, so ` +
            `target rows of shape [${adapter.from.join(', ')}] would need a fixed map to the ` +
            `source's [${adapter.to.join(', ')}], and only a learned one exists for them`,
        );
      }
      const inner = await strategy.prepare({ ...ctx, featureShape: adapter.to });
      try {
        return prependAdapter(ctx, inner, adapter);
      } catch (e) {
        inner.dispose();
        throw e;
      }
    },
  };
}

function prependAdapter(
  ctx: StrategyContext,
  inner: PreparedModel,
  adapter: LinearAdapter,
): PreparedModel {
  const { tf, config } = ctx;
  const dense = seededDense(tf, {
    units: size(adapter.to),
    activation: 'linear',
    name: 'input_adapter',
    seed: config.seed,
  });
  const layers = [
    ...(adapter.from.length > 1 ? [tf.layers.flatten({ name: 'input_adapter_flatten' })] : []),
    dense,
    ...(adapter.to.length > 1
      ? [tf.layers.reshape({ targetShape: adapter.to, name: 'input_adapter_reshape' })]
      : []),
  ];
  const apply = (layer: { apply(x: SymbolicTensor): unknown; name: string }, x: SymbolicTensor) => {
    const out = layer.apply(x);
    if (!(out instanceof tf.SymbolicTensor)) throw new Error(`Layer ${layer.name} did not build`);
    return out;
  };
  const input = tf.input({ shape: adapter.from });
  let h = layers.reduce((x, layer) => apply(layer, x), input);
  for (const layer of inner.model.layers) {
    if (layer.getClassName() !== 'InputLayer') h = apply(layer, h);
  }
  const model = tf.model({ inputs: input, outputs: h, name: `${inner.model.name}_adapted` });

  const adapt = (x: Tensor): Tensor =>
    layers.reduce((t, layer) => {
      const out = layer.apply(t);
      if (!(out instanceof tf.Tensor)) throw new Error(`Layer ${layer.name} has several outputs`);
      return out;
    }, x);
  const innerEval = inner.evalLogits ?? ((x: Tensor): Tensor => logits(tf, inner.model, x));
  const sourceShaped = (x: Tensor): boolean =>
    x.shape.length === adapter.to.length + 1 && adapter.to.every((d, i) => x.shape[i + 1] === d);
  // Only when something else than the target's rows is evaluated (the source's training rows) or
  // the strategy has its own classifier: otherwise `model` is the classifier, as the loop assumes.
  const dispatch = inner.evalLogits !== undefined || (inner.trainMetrics ?? 'target') !== 'target';
  const innerLoss = inner.loss;
  const adapterVariables = trainableVariables(tf, dense);
  return {
    ...inner,
    model,
    trainable: [...inner.trainable, ...adapterVariables],
    ...(inner.paramGroups
      ? { paramGroups: withAdapterGroup(inner.paramGroups, adapterVariables) }
      : {}),
    ...(innerLoss ? { loss: (step: TrainStep) => innerLoss(adaptStep(step, adapt)) } : {}),
    ...(dispatch ? { evalLogits: (x: Tensor) => innerEval(sourceShaped(x) ? x : adapt(x)) } : {}),
    dispose: () => {
      // The composite holds a reference to each of the strategy model's layers (its own
      // symbolic calls): releasing it first lets the strategy's dispose free them.
      model.dispose();
      inner.dispose();
    },
  };
}

/**
 * A strategy with optimizer groups (fine-tune's LP-FT or trunk learning-rate scale) trains the
 * adapter too, in a group of its own at the run's learning rate, in every phase: without it the
 * target's rows reach the model through the adapter's random start. The same inner groups give
 * the same array, so the loop keeps its optimizers while the phase does not change.
 */
function withAdapterGroup(
  innerGroups: NonNullable<PreparedModel['paramGroups']>,
  adapterVariables: readonly Variable[],
): NonNullable<PreparedModel['paramGroups']> {
  const wrapped = new WeakMap<readonly ParamGroup[], readonly ParamGroup[]>();
  return (epoch) => {
    const groups = innerGroups(epoch);
    let withAdapter = wrapped.get(groups);
    if (withAdapter === undefined) {
      withAdapter = [...groups, { variables: adapterVariables, learningRateScale: 1 }];
      wrapped.set(groups, withAdapter);
    }
    return withAdapter;
  };
}

/** The step with the target domain's rows mapped by the adapter; the source's stay as they are. */
function adaptStep(step: TrainStep, adapt: (x: Tensor) => Tensor): TrainStep {
  return {
    ...step,
    ...(step.target ? { target: { ...step.target, x: adapt(step.target.x) } } : {}),
    ...(step.unlabelled ? { unlabelled: { ...step.unlabelled, x: adapt(step.unlabelled.x) } } : {}),
  };
}
