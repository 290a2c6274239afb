import type { Scalar, Tensor, Variable } from '@tensorflow/tfjs';
import { layerScaleKey, strategyInfo } from '../../../src-shared/domain/strategies';
import type { Tf } from '../backend';
import { outputLayer, weightLayers } from '../model';
import {
  checkSourceInput,
  declaredNeeds,
  numberParam,
  sourceHiddenLayers,
  trainableVariables,
  type StrategyContext,
  type TransferStrategy,
} from './strategy';

/**
 * Fine-tuning (parameter transfer): start from θ_source, replace the output layer with a new,
 * seeded head for the target's k classes (Dense(1) for k = 2, Dense(k) from three, whatever the
 * source's head was: outputLayer in model.ts), and minimise over the remaining weights
 *
 *   L(θ) = (1/n)·Σ CE(f_θ(x_i), y_i) + R(θ).
 *
 * The first `freezeLayers` weight layers of the trunk, counted from the input, keep θ_source
 * exactly (lower layers learn general features, Yosinski et al. 2014, "How transferable are
 * features in deep neural networks?", who freeze a CNN's first n layers, convolutions included).
 * For an MLP these are its hidden layers; for a CNN its convolutions conv_1.. first, then its
 * hidden Dense layers (model.ts weightLayers): freezeLayers 2 on the default CNN freezes both
 * convolutions and trains the Dense layers. Freezing every one is feature extraction with a new
 * linear head.
 *
 * R(θ), with S the trainable transferred (weight) layers, H the new head and m_l the per-layer
 * multiplier `layerScale<l>` (l indexing the same weight layers as freezeLayers):
 *   - none:   R = 0 (l2 = l2sp = 0, the default);
 *   - L2:     R = λ_L2·(Σ_{l∈S} m_l·‖θ_l‖² + ‖θ_H‖²), weight decay towards 0 (l2sp = 0);
 *   - L2-SP:  R = λ_SP·Σ_{l∈S} m_l·‖θ_l − θ_l^source‖² + λ_L2·‖θ_H‖², the "starting point"
 *             regulariser of Li, Grandvalet, Davoine 2018, "Explicit inductive bias for transfer
 *             learning with convolutional networks" (their Ω(w) = α/2·‖w_S − w_S^0‖² +
 *             β/2·‖w_S̄‖², here without the halves: α = 2·λ_SP, β = 2·λ_L2).
 * ‖·‖² sums the squares of every weight of a layer, kernel and bias. Its gradient is
 * 2·λ·m_l·(θ − θ_source): each step pulls the weights back towards the source's.
 *
 * The source architecture wins over the run's ModelSpec: the weights only fit their own shapes.
 */
const info = strategyInfo('fine-tune');

export const fineTune: TransferStrategy = {
  id: 'fine-tune',
  info,
  needs: declaredNeeds(info),
  prepare: (ctx: StrategyContext) => {
    const { tf, sourceModel, config } = ctx;
    if (sourceModel === undefined) throw new Error('fine-tune needs a source model');
    const freeze = numberParam(config, 'freezeLayers');
    const l2sp = numberParam(config, 'l2sp');
    const l2 = numberParam(config, 'l2');
    const hiddenCount = sourceHiddenLayers(sourceModel).length;
    const last = sourceHiddenLayers(sourceModel).at(-1);
    if (last === undefined) throw new Error('The source model has no hidden layers to transfer');
    // The weight layers freezeLayers and layerScale<l> count: an MLP's hidden layers, a CNN's
    // convolutions and then its hidden layers.
    const transferred = weightLayers(sourceModel);
    if (freeze > transferred.length) {
      throw new Error(
        `freezeLayers is ${freeze} but the source model has only ${transferred.length} ` +
          `${transferred.length > hiddenCount ? 'weight' : 'hidden'} layer(s)`,
      );
    }
    checkSourceInput(sourceModel, ctx.featureShape);
    const { model: spec } = config;
    const specWidths = (spec.type === 'mlp' ? spec.hidden : [...spec.conv, ...spec.dense]).join(
      ',',
    );
    const sourceWidths = transferred.map((layer) => layer.outputShape.at(-1)).join(',');
    if (specWidths !== sourceWidths) {
      ctx.log(
        'info',
        `fine-tune keeps the source model's layer sizes [${sourceWidths}], not [${specWidths}]`,
      );
    }

    // The new model shares the source's input and trunk layers (and so their weight variables);
    // only the head is new. The source's own output layer is left out and freed in dispose.
    const trunk = last.output;
    if (Array.isArray(trunk)) throw new Error(`Layer ${last.name} has several outputs`);
    const headLayer = outputLayer(tf, ctx.numClasses, config.seed);
    const head = headLayer.apply(trunk);
    if (!(head instanceof tf.SymbolicTensor))
      throw new Error('The new head did not build symbolically');
    const model = tf.model({ inputs: sourceModel.inputs, outputs: head, name: 'fine_tuned' });
    const frozen = transferred.slice(0, freeze);
    // No compile step follows: the training loop hands the optimizer exactly the variables that
    // remain trainable, so frozen weights receive no update at all and stay bit-identical.
    for (const layer of frozen) layer.trainable = false;

    // R(θ): the anchors θ_source are copies taken now, before any step moves the weights.
    const terms: PenaltyTerm[] = [];
    const headWeights = trainableVariables(tf, headLayer);
    transferred.slice(freeze).forEach((layer, i) => {
      const scale = numberParam(config, layerScaleKey(freeze + i + 1));
      for (const variable of trainableVariables(tf, layer)) {
        if (l2sp > 0) terms.push({ variable, anchor: variable.clone(), lambda: l2sp * scale });
        else if (l2 > 0) terms.push({ variable, lambda: l2 * scale });
      }
    });
    if (l2 > 0) for (const variable of headWeights) terms.push({ variable, lambda: l2 });
    const active = terms.filter((t) => t.lambda > 0);
    if (l2sp > 0 || l2 > 0) {
      ctx.log(
        'info',
        `R(θ): ${l2sp > 0 ? `L2-SP λ=${l2sp} on the trainable transferred layers, ` : ''}` +
          `L2 λ=${l2} on ${l2sp > 0 ? 'the new head' : 'every trainable weight'}`,
      );
    }
    return {
      model,
      trainable: trainableVariables(tf, model),
      frozenLayers: frozen.map((layer) => layer.name),
      ...(active.length > 0
        ? { loss: (step) => tf.add(step.targetLoss, penalty(tf, active)) }
        : {}),
      dispose: () => {
        for (const t of terms) t.anchor?.dispose();
        // The source's layers left out of the new model (its old head) are freed one by one:
        // disposing the source model itself would free the shared trunk a second time.
        const dropped = sourceModel.layers.filter((layer) => !model.layers.includes(layer));
        model.dispose();
        for (const layer of dropped) layer.dispose();
      },
    };
  },
};

/** λ·‖θ − anchor‖² (or λ·‖θ‖² without an anchor), one weight tensor's share of R(θ). */
export interface PenaltyTerm {
  variable: Variable;
  /** θ_source for L2-SP; absent for L2 (an anchor of 0). */
  anchor?: Tensor;
  lambda: number;
}

/** R(θ) = Σ_terms λ·Σ(θ − anchor)², a scalar; its gradient in θ is 2·λ·(θ − anchor). */
export function penalty(tf: Tf, terms: PenaltyTerm[]): Scalar {
  return tf.tidy(() =>
    terms.reduce<Scalar>((sum, t) => {
      const diff = t.anchor ? tf.sub(t.variable, t.anchor) : t.variable;
      return tf.add(sum, tf.mul(t.lambda, tf.sum(tf.square(diff))));
    }, tf.scalar(0)),
  );
}
