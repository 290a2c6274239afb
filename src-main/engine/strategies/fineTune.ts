import type { Scalar, Tensor, Variable } from '@tensorflow/tfjs';
import { layerScaleKey, strategyInfo } from '../../../src-shared/domain/strategies';
import type { Tf } from '../backend';
import { OUTPUT_LAYER, weightLayers } from '../model';
import {
  booleanParam,
  checkSourceInput,
  declaredNeeds,
  newHead,
  numberParam,
  sourceHiddenLayers,
  trainableVariables,
  type Layer,
  type ParamGroup,
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
 * How the head and the trunk meet (issue 17: each measured against a PyTorch reference,
 * bench/reference), every one a parameter so that variants can sweep it:
 *   - The new head draws its weights from a seed of its own (newHead), uniform in
 *     ±headInitScale/√fan_in with zero biases: at 1, PyTorch's nn.Linear default, whose smaller
 *     random head (Keras's Glorot-uniform is 2.4 times larger for 128 → 10) sends smaller
 *     gradients into the trunk and distorts its features less (Kumar et al. 2022, below). In
 *     revision 1 it was Glorot-uniform from the seed of the source's own initial head, which
 *     restarted it where the trunk had co-adapted with it.
 *   - `keepSourceHead` keeps the source's trained output layer instead, when the target's classes
 *     are the source's in the same order: the whole network transfers.
 *   - `probeEpochs` > 0 is LP-FT (Kumar, Raghunathan, Jones, Ma, Liang 2022, "Fine-Tuning can
 *     Distort Pretrained Features and Underperform Out-of-Distribution"): the first epochs train
 *     the head alone on the frozen trunk (a linear probe), so that fine-tuning starts from a head
 *     that fits the features and its gradients distort them less; then every trainable weight
 *     trains, from a fresh optimizer state.
 *   - `trunkLrScale` multiplies the learning rate of the transferred layers, the head keeping the
 *     run's (discriminative fine-tuning, Howard & Ruder 2018, "Universal Language Model
 *     Fine-tuning for Text Classification"). `layerScale<l>` multiplies λ, not a learning rate.
 *
 * The source architecture wins over the run's ModelSpec: the weights only fit their own shapes.
 */
const info = strategyInfo('fine-tune');

export const fineTune = {
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
    // only the head is new, unless the source's own is kept. A source output layer left out is
    // freed in dispose.
    const trunk = last.output;
    if (Array.isArray(trunk)) throw new Error(`Layer ${last.name} has several outputs`);
    const keepHead = booleanParam(config, 'keepSourceHead');
    const headLayer = keepHead
      ? sourceHead(ctx)
      : newHead(ctx, numberParam(config, 'headInitScale'));
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
    const trainable = trainableVariables(tf, model);
    const groups = paramGroups(ctx, trainable, headWeights);
    return {
      model,
      trainable,
      ...(groups ? { paramGroups: groups } : {}),
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
} satisfies TransferStrategy;

/**
 * The source model's own trained output layer, refused unless the target's classes are the
 * source's, in the same order: its outputs mean the source's classes.
 */
function sourceHead(ctx: StrategyContext): Layer {
  const { sourceModel, classes, sourceClasses, config } = ctx;
  if (numberParam(config, 'headInitScale') !== 1) {
    throw new Error('headInitScale applies to a new head; keepSourceHead keeps the source head');
  }
  const layer = sourceModel?.layers.find((l) => l.name === OUTPUT_LAYER);
  if (layer === undefined) throw new Error('The source model has no output layer to keep');
  if (classes === undefined || sourceClasses === undefined) {
    throw new Error('keepSourceHead needs the classes of both domains');
  }
  if (classes.join(',') !== sourceClasses.join(',')) {
    throw new Error(
      `keepSourceHead needs the target's classes to be the source's in the same order: ` +
        `source [${sourceClasses.join(', ')}], target [${classes.join(', ')}]`,
    );
  }
  ctx.log('info', "Keeping the source model's output layer as the head");
  return layer;
}

/**
 * The optimizer's groups: the head alone for the first `probeEpochs` epochs (LP-FT), then every
 * trainable weight, the transferred ones at the learning rate × `trunkLrScale`. Undefined when
 * neither is set: the loop trains `trainable` at the run's rate.
 */
function paramGroups(
  ctx: StrategyContext,
  trainable: Variable[],
  head: Variable[],
): ((epoch: number) => readonly ParamGroup[]) | undefined {
  const probeEpochs = numberParam(ctx.config, 'probeEpochs');
  const trunkLrScale = numberParam(ctx.config, 'trunkLrScale');
  if (probeEpochs === 0 && trunkLrScale === 1) return undefined;
  if (probeEpochs >= ctx.config.training.epochs) {
    throw new Error(
      `probeEpochs (${probeEpochs}) must be fewer than the run's ${ctx.config.training.epochs} epochs`,
    );
  }
  const trunk = trainable.filter((v) => !head.includes(v));
  const probe: readonly ParamGroup[] = [{ variables: head, learningRateScale: 1 }];
  const all: readonly ParamGroup[] =
    trunkLrScale === 1
      ? [{ variables: trainable, learningRateScale: 1 }]
      : [
          { variables: trunk, learningRateScale: trunkLrScale },
          { variables: head, learningRateScale: 1 },
        ];
  if (probeEpochs > 0) {
    ctx.log('info', `LP-FT: epochs 1–${probeEpochs} train the head alone, then every layer`);
  }
  if (trunkLrScale !== 1) ctx.log('info', `Trunk learning rate × ${trunkLrScale}`);
  return (epoch) => (epoch <= probeEpochs ? probe : all);
}

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
