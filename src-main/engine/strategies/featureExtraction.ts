import { strategyInfo } from '../../../src-shared/domain/strategies';
import { seededDense, weightLayers } from '../model';
import {
  checkSourceInput,
  declaredNeeds,
  newHead,
  newHeadSeed,
  numberParam,
  pickHiddenLayer,
  sourceHiddenLayers,
  trainableVariables,
  type StrategyContext,
  type TransferStrategy,
} from './strategy';

/**
 * Feature extraction: the source model's trunk up to a chosen hidden layer l is a fixed feature
 * map φ_source (every weight frozen, bit-identical after training), and only a new head g is
 * trained on the target labels:
 *
 *   min_g (1/n)·Σ CE(g(φ_source(x_i)), y_i).
 *
 * With `headHidden` = 0 the head is one linear (Dense, logits) layer: a linear probe, logistic
 * regression on the source's features (Alain & Bengio 2016, "Understanding intermediate layers
 * using linear classifier probes"). With headHidden = h > 0 it is Dense(h, relu) → Dense. Lower
 * layers are more general, higher ones more specific to the source task (Yosinski, Clune, Bengio,
 * Lipson 2014, "How transferable are features in deep neural networks?"): `layer` picks one.
 *
 * The head starts from a seeded random initialisation, drawn independently of every source layer
 * (newHead), while the run's learning rate is usually chosen for fine-tuning (small steps
 * around good weights): at that rate a probe on a frozen trunk needs many more epochs.
 * `learningRateScale` (default 10) multiplies the learning rate of this run, which trains nothing
 * but the head. Set it to 1 to compare at equal rates.
 */
const info = strategyInfo('feature-extraction');

export const featureExtraction = {
  id: 'feature-extraction',
  info,
  needs: declaredNeeds(info),
  prepare: (ctx: StrategyContext) => {
    const { tf, sourceModel, config } = ctx;
    if (sourceModel === undefined) throw new Error('feature-extraction needs a source model');
    const hidden = sourceHiddenLayers(sourceModel);
    const cut = pickHiddenLayer(hidden, numberParam(config, 'layer'), 'layer');
    checkSourceInput(sourceModel, ctx.featureShape);
    const headHidden = numberParam(config, 'headHidden');

    const features = cut.output;
    if (Array.isArray(features)) throw new Error(`Layer ${cut.name} has several outputs`);
    const headLayers = [
      ...(headHidden > 0
        ? [
            seededDense(tf, {
              units: headHidden,
              activation: 'relu',
              name: 'head_hidden',
              seed: newHeadSeed(config),
            }),
          ]
        : []),
      newHead(ctx),
    ];
    const out = headLayers.reduce((h, layer) => {
      const next = layer.apply(h);
      if (!(next instanceof tf.SymbolicTensor))
        throw new Error('The new head did not build symbolically');
      return next;
    }, features);
    const model = tf.model({
      inputs: sourceModel.inputs,
      outputs: out,
      name: 'feature_extraction',
    });
    // The whole trunk up to the cut is frozen (a CNN's convolutions included, which come before
    // its hidden Dense layers): the optimizer sees the head's variables only.
    const trunk = weightLayers(sourceModel);
    const frozen = trunk.slice(0, trunk.indexOf(cut) + 1);
    for (const layer of frozen) layer.trainable = false;
    ctx.log(
      'info',
      `${headHidden > 0 ? `A Dense(${headHidden}, relu) head` : 'A linear probe'} on ${cut.name}; ` +
        `learning rate × ${numberParam(config, 'learningRateScale')}`,
    );
    return {
      model,
      trainable: trainableVariables(tf, model),
      frozenLayers: frozen.map((layer) => layer.name),
      learningRateScale: numberParam(config, 'learningRateScale'),
      dispose: () => {
        // Source layers above the cut (and its old head) are not in the new model: freed one by
        // one, since disposing the source model would free the shared trunk a second time.
        const dropped = sourceModel.layers.filter((layer) => !model.layers.includes(layer));
        model.dispose();
        for (const layer of dropped) layer.dispose();
      },
    };
  },
} satisfies TransferStrategy;
