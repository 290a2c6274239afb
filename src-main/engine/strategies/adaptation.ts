import type { LayersModel, Scalar, Tensor, Variable } from '@tensorflow/tfjs';
import type { Tf } from '../backend';
import { crossEntropy } from '../head';
import { buildModel, hiddenLayers, logits } from '../model';
import {
  applyUpTo,
  numberParam,
  pickHiddenLayer,
  trainableVariables,
  type PreparedModel,
  type StrategyContext,
  type TrainStep,
} from './strategy';

/**
 * What the domain-adaptation strategies share (source-only, MMD, CORAL, DANN, importance
 * weighting, KMM, TrAdaBoost). They train the target's classifier on the source domain's
 * labelled rows, so the two domains must have the same inputs and the same classes; the target
 * contributes its unlabelled rows (unsupervised domain adaptation, budget 0) and, when the budget
 * gives some, its labels.
 *
 * Every one of them trains the run's ModelSpec from the run seed's initialisation (the weights
 * scratch and source-only start from) and takes the source rows in the loop's seeded order, an
 * epoch being one pass over the source rows: two strategies on the same run seed see the same
 * source batches in the same order, so MMD at λ = 0 is source-only step for step, and any
 * difference between them is the adaptation term's doing.
 */

/** The source domain's shape, checked to be the target's: same features, same classes. */
export function checkAdaptable(
  ctx: StrategyContext,
  id: string,
): NonNullable<StrategyContext['source']> {
  const { source } = ctx;
  if (source === undefined) throw new Error(`${id} needs the source domain's data`);
  const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);
  if (size(source.featureShape) !== size(ctx.featureShape)) {
    throw new Error(
      `The source's features have shape [${source.featureShape.join(', ')}], the target's ` +
        `[${ctx.featureShape.join(', ')}]: ${id} applies one model to both`,
    );
  }
  const targetClasses = ctx.classes;
  if (
    source.numClasses !== ctx.numClasses ||
    (targetClasses !== undefined &&
      (source.classes.length !== targetClasses.length ||
        source.classes.some((label, c) => label !== targetClasses[c])))
  ) {
    throw new Error(
      `The source has classes [${source.classes.join(', ')}], the target ` +
        `[${(targetClasses ?? []).join(', ')}]: ${id} trains the target's classifier on the ` +
        'source labels and needs the same classes',
    );
  }
  return source;
}

/** The run's training arrays (StrategyContext.data), which the loop always gives. */
export function contextData(
  ctx: StrategyContext,
  id: string,
): NonNullable<StrategyContext['data']> {
  if (ctx.data === undefined) throw new Error(`${id} needs the run's training rows`);
  return ctx.data;
}

/** The run's ModelSpec, initialised from the run seed exactly as scratch initialises it. */
export function freshRunModel(ctx: StrategyContext, seed = ctx.config.seed): LayersModel {
  return buildModel(ctx.tf, ctx.config.model, ctx.featureShape, ctx.numClasses, seed);
}

/** The hidden layer the `layer` parameter names (1-based from the input, 0 = the last). */
export function adaptedLayer(
  ctx: StrategyContext,
  model: LayersModel,
): LayersModel['layers'][number] {
  return pickHiddenLayer(hiddenLayers(model), numberParam(ctx.config, 'layer'), 'layer');
}

/** Units of a layer's output. */
export function layerWidth(layer: LayersModel['layers'][number]): number {
  const units = layer.outputShape.at(-1);
  if (typeof units !== 'number') throw new Error(`Layer ${layer.name} has no fixed width`);
  return units;
}

/**
 * The model's logits on x and its layer `layerName`'s output on the way, in one forward pass
 * (every Transferlab model is a chain; see applyUpTo).
 */
export function forwardWithFeatures(
  tf: Tf,
  model: LayersModel,
  x: Tensor,
  layerName: string,
  training: boolean,
): { features: Tensor; logits: Tensor } {
  let h = x;
  let features: Tensor | undefined;
  for (const layer of model.layers) {
    if (layer.getClassName() === 'InputLayer') continue;
    const out = layer.apply(h, { training });
    if (!(out instanceof tf.Tensor)) throw new Error(`Layer ${layer.name} has several outputs`);
    h = out;
    if (layer.name === layerName) features = h;
  }
  if (features === undefined) throw new Error(`The model has no layer ${layerName}`);
  return { features, logits: h };
}

/**
 * The step's target-domain rows, labels dropped: the unlabelled batch and the labelled target
 * batch, whichever the step has (budget 0: the unlabelled one only; budget 'all': the labelled
 * one only, the pool being empty).
 */
export function targetDomainBatch(tf: Tf, step: TrainStep): Tensor | undefined {
  const parts = [
    ...(step.unlabelled ? [step.unlabelled.x] : []),
    ...(step.target ? [step.target.x] : []),
  ];
  if (parts.length <= 1) return parts[0];
  return tf.concat(parts, 0);
}

/** The step's source batch, which every adaptation strategy's steps carry. */
export function sourceBatch(step: TrainStep, id: string): NonNullable<TrainStep['source']> {
  if (step.source === undefined) throw new Error(`${id} steps need a source batch`);
  return step.source;
}

/**
 * The cross-entropy of each row, [n], under head.ts's rule (sigmoid for two classes, softmax from
 * three): what crossEntropy averages.
 */
export function perRowCrossEntropy(tf: Tf, out: Tensor, y: Tensor, numClasses: number): Tensor {
  return tf.tidy(() =>
    numClasses === 2
      ? tf.reshape(
          tf.losses.sigmoidCrossEntropy(
            tf.cast(tf.reshape(y, [-1, 1]), 'float32'),
            out,
            undefined,
            undefined,
            tf.Reduction.NONE,
          ),
          [-1],
        )
      : tf.losses.softmaxCrossEntropy(
          tf.oneHot(y, numClasses),
          out,
          undefined,
          undefined,
          tf.Reduction.NONE,
        ),
  );
}

/**
 * The importance-weighted cross-entropy of a batch, (1/n)·Σ_i w_i·ℓ_i, ℓ_i the cross-entropy of
 * row i and w_i its weight. The weights have mean 1 over the whole source, so this is an
 * unbiased estimate of the weighted risk (1/N)·Σ_j w_j·ℓ_j with the scale of a plain mean
 * (Shimodaira 2000).
 */
export function weightedCrossEntropy(
  tf: Tf,
  out: Tensor,
  y: Tensor,
  numClasses: number,
  weights: Tensor,
): Scalar {
  return tf.tidy(() =>
    tf.mean(tf.mul(perRowCrossEntropy(tf, out, y, numClasses), tf.reshape(weights, [-1]))),
  );
}

/** min, max and the effective sample size (Σw)²/Σw² of instance weights, for the run's log. */
export function describeWeights(weights: ArrayLike<number>): string {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i] ?? 0;
    min = Math.min(min, w);
    max = Math.max(max, w);
    sum += w;
    squares += w * w;
  }
  const ess = squares > 0 ? (sum * sum) / squares : 0;
  return (
    `min ${min.toFixed(3)}, max ${max.toFixed(3)}, effective sample size ` +
    `${ess.toFixed(1)} of ${weights.length}`
  );
}

/** An alignment term between source and target features, added to the labelled loss. */
export interface AlignmentTerm {
  /**
   * The term for the step's features, weight included (λ·D); undefined to leave it out of this
   * step (λ = 0, too few rows), so that the loss is the labelled one exactly.
   */
  loss(hSource: Tensor, hTarget: Tensor, step: TrainStep): Scalar | undefined;
  /** Variables of the term's own (DANN's domain classifier), trained with the model's. */
  trainable?: Variable[];
  dispose?(): void;
}

/**
 * The feature-alignment strategies' model and loss (MMD, CORAL, DANN):
 *
 *   L(θ) = CE_S(θ) + CE_T(θ) + A(h_S, h_T),
 *
 * CE_S the mean cross-entropy of the step's source batch, CE_T that of its labelled target batch
 * (0 at budget 0: each labelled domain counts as a whole, however few the target labels), and A
 * the strategy's alignment term (λ·MMD², λ·CORAL, DANN's reversed domain loss) between the
 * adapted layer's features h_S on the source batch and h_T on the step's target-domain rows (its
 * unlabelled batch and labelled batch together). The per-epoch `loss` and `acc` are measured on the rows CE_S and CE_T cover:
 * the source's training rows and the labelled target rows.
 */
export function alignmentModel(
  ctx: StrategyContext,
  id: string,
  makeTerm: (model: LayersModel, layer: LayersModel['layers'][number]) => AlignmentTerm,
): PreparedModel {
  const { tf, numClasses } = ctx;
  checkAdaptable(ctx, id);
  const model = freshRunModel(ctx);
  let term: AlignmentTerm;
  let layer: LayersModel['layers'][number];
  try {
    layer = adaptedLayer(ctx, model);
    term = makeTerm(model, layer);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return {
    model,
    trainable: [...trainableVariables(tf, model), ...(term.trainable ?? [])],
    frozenLayers: [],
    loss: (step: TrainStep) => {
      const source = sourceBatch(step, id);
      const { features: hSource, logits: out } = forwardWithFeatures(
        tf,
        model,
        source.x,
        layer.name,
        true,
      );
      const labelled: Scalar = tf.add(crossEntropy(tf, out, source.y, numClasses), step.targetLoss);
      const xTarget = targetDomainBatch(tf, step);
      if (xTarget === undefined) return labelled;
      const hTarget = applyUpTo(tf, model, xTarget, layer.name, true);
      const alignment = term.loss(hSource, hTarget, step);
      return alignment === undefined ? labelled : tf.add(labelled, alignment);
    },
    epochLength: 'source',
    trainMetrics: 'source-and-target',
    dispose: () => {
      model.dispose();
      term.dispose?.();
    },
  };
}

/**
 * The instance-weighting strategies' model and loss (importance weighting, KMM): one fixed
 * weight w_i per source training row, computed before training, and
 *
 *   L(θ) = (1/n)·Σ_{i ∈ source batch} w_i·ℓ_i(θ) + CE_T(θ),
 *
 * CE_T the labelled target batch's mean cross-entropy (0 at budget 0). The per-epoch `loss` and
 * `acc` are the unweighted ones on the source's training rows and the labelled target rows.
 */
export function weightedSourceModel(
  ctx: StrategyContext,
  id: string,
  weights: Float64Array,
): PreparedModel {
  const { tf, numClasses } = ctx;
  const rows = ctx.source?.rows ?? 0;
  if (weights.length !== rows) {
    throw new Error(`${id}: ${weights.length} weights for ${rows} source rows`);
  }
  const model = freshRunModel(ctx);
  const w = tf.tensor1d(Float32Array.from(weights), 'float32');
  return {
    model,
    trainable: trainableVariables(tf, model),
    frozenLayers: [],
    loss: (step: TrainStep) => {
      const source = sourceBatch(step, id);
      const batchWeights = tf.gather(w, source.index ?? tf.tensor1d(source.rows, 'int32'));
      const weighted = weightedCrossEntropy(
        tf,
        logits(tf, model, source.x, true),
        source.y,
        numClasses,
        batchWeights,
      );
      return tf.add(weighted, step.targetLoss);
    },
    epochLength: 'source',
    trainMetrics: 'source-and-target',
    dispose: () => {
      model.dispose();
      w.dispose();
    },
  };
}

/**
 * The target's training inputs, labels dropped: the labelled rows (their labels unused) and the
 * unlabelled pool, n_T × featureSize. What an instance-weighting method matches the source to.
 */
export function targetInputs(ctx: StrategyContext, id: string): { x: Float32Array; n: number } {
  const data = contextData(ctx, id);
  const pool = data.unlabelled;
  const n = data.train.n + (pool?.n ?? 0);
  const x = new Float32Array(data.train.x.length + (pool?.x.length ?? 0));
  x.set(data.train.x, 0);
  if (pool) x.set(pool.x, data.train.x.length);
  if (n === 0) throw new Error(`${id} needs target rows to match the source to`);
  return { x, n };
}
