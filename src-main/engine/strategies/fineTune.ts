import { strategyInfo } from '../../../src-shared/domain/strategies';
import { hiddenLayers, outputLayer } from '../model';
import { trainableVariables, type StrategyContext, type TransferStrategy } from './strategy';

/**
 * Fine-tuning (parameter transfer): start from θ_source, replace the output layer with a new,
 * seeded head for the target's k classes (Dense(1) for k = 2, Dense(k) from three, whatever the
 * source's head was: outputLayer in model.ts), and minimise the target cross-entropy over the
 * remaining weights. The first `freezeLayers` hidden layers keep θ_source exactly (lower layers
 * learn general features, Yosinski et al. 2014, "How transferable are features in deep neural
 * networks?"); freezing every hidden layer is feature extraction with a new linear head.
 * The source architecture wins over the run's ModelSpec: the weights only fit their own shapes.
 */
export const fineTune: TransferStrategy = {
  id: 'fine-tune',
  info: strategyInfo('fine-tune'),
  needsSourceModel: true,
  prepare: (ctx: StrategyContext) => {
    const { tf, sourceModel } = ctx;
    if (sourceModel === undefined) throw new Error('fine-tune needs a source model');
    const freeze = freezeLayersParam(ctx.config.strategyParams.freezeLayers);
    const hidden = hiddenLayers(sourceModel);
    const last = hidden.at(-1);
    if (last === undefined) throw new Error('The source model has no hidden layers to transfer');
    if (freeze > hidden.length) {
      throw new Error(
        `freezeLayers is ${freeze} but the source model has only ${hidden.length} hidden layer(s)`,
      );
    }
    const sourceInput = sourceModel.inputs[0]?.shape.slice(1) ?? [];
    const wanted = ctx.featureShape.reduce((a, b) => a * b, 1);
    const has = sourceInput.reduce<number>((a, b) => a * (b ?? 0), 1);
    if (has !== wanted) {
      throw new Error(
        `The source model takes inputs of shape [${sourceInput.join(', ')}], ` +
          `the target's features have shape [${ctx.featureShape.join(', ')}]`,
      );
    }
    const specHidden = ctx.config.model.hidden.join(',');
    const sourceHidden = hidden.map((layer) => layer.outputShape.at(-1)).join(',');
    if (specHidden !== sourceHidden) {
      ctx.log(
        'info',
        `fine-tune keeps the source model's hidden sizes [${sourceHidden}], not [${specHidden}]`,
      );
    }

    // The new model shares the source's input and trunk layers (and so their weight variables);
    // only the head is new. The source's own output layer is left out and freed below.
    const trunk = last.output;
    if (Array.isArray(trunk)) throw new Error(`Layer ${last.name} has several outputs`);
    const head = outputLayer(tf, ctx.numClasses, ctx.config.seed).apply(trunk);
    if (!(head instanceof tf.SymbolicTensor))
      throw new Error('The new head did not build symbolically');
    const model = tf.model({ inputs: sourceModel.inputs, outputs: head, name: 'fine_tuned' });
    const frozen = hidden.slice(0, freeze);
    // No compile step follows: the training loop hands the optimizer exactly the variables that
    // remain trainable, so frozen weights receive no update at all and stay bit-identical.
    for (const layer of frozen) layer.trainable = false;
    return {
      model,
      trainable: trainableVariables(tf, model),
      frozenLayers: frozen.map((layer) => layer.name),
      dispose: () => {
        // The source's layers left out of the new model (its old head) are freed one by one:
        // disposing the source model itself would free the shared trunk a second time.
        const dropped = sourceModel.layers.filter((layer) => !model.layers.includes(layer));
        model.dispose();
        for (const layer of dropped) layer.dispose();
      },
    };
  },
};

function freezeLayersParam(value: number | boolean | undefined): number {
  const n = value ?? 0;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
    throw new Error(`freezeLayers must be a non-negative integer, got ${String(value)}`);
  }
  return n;
}
