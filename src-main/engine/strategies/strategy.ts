import type { LayersModel, Scalar, Tensor, Variable } from '@tensorflow/tfjs';
import type { StrategyId } from '../../../src-shared/domain/experimentSpec';
import type { InputAdapter, ResolvedRunConfig } from '../../../src-shared/domain/runs';
import { resolveStrategyParams, type StrategyInfo } from '../../../src-shared/domain/strategies';
import { formatIssue } from '../../../src-shared/result';
import type { Tf } from '../backend';
import type { Split, UnlabelledSplit } from '../data/domain';
import { outputUnits } from '../head';
import { buildModel, hiddenLayers, OUTPUT_LAYER, outputLayer } from '../model';
import { deriveSeed } from '../random';

/**
 * The one interface every transfer strategy implements. A strategy says what it needs (a source
 * model, the source domain's labelled rows, the target's unlabelled rows), decides which model
 * training starts from and which of its weights move, and may define the step's loss: the
 * target cross-entropy plus R(θ) for L2-SP, plus K(θ) for distillation, plus a source task's
 * loss for multi-task learning, a domain discrepancy such as MMD, ...
 *
 * The training loop (train.ts) is shared and is the only one: it owns batching (seeded streams
 * of target, source and unlabelled rows), the optimizer, metrics, cancellation and divergence.
 * Every per-step call happens inside the loop's tf.tidy and gradient tape: a strategy's `loss`
 * creates tensors freely and keeps none.
 */

/** What a run of the strategy needs besides the target's labelled rows. */
export interface StrategyNeeds {
  /** The model of the source run (TrainJob.sourceModel), loaded and hash-checked. */
  sourceModel: boolean;
  /** The source domain's labelled training rows (TrainJob.sourceData), batched every step. */
  sourceData: boolean;
  /** The target's training rows that the label budget left out, batched every step. */
  unlabelledTarget: boolean;
}

export interface StrategyContext {
  tf: Tf;
  config: ResolvedRunConfig;
  featureShape: number[];
  /** k: the trained domain's classes, labelled 0..k-1. */
  numClasses: number;
  /** The original label of each class index of the trained domain (the loop always gives it). */
  classes?: number[];
  /**
   * The original label of each output of the source model, when the run starts from one
   * (TrainJob.sourceClasses): what a strategy that keeps the source's head checks the target's
   * classes against.
   */
  sourceClasses?: number[];
  /**
   * The run's training arrays, for strategies that compute something from them before training
   * (instance weights): the labelled target rows (empty at budget 0), and the source rows and
   * the unlabelled pool when the strategy needs them. Never a validation or test row. The loop
   * always gives it.
   */
  data?: { train: Split; source?: Split; unlabelled?: UnlabelledSplit };
  /**
   * The source model, loaded and hash-checked, when `needs.sourceModel`. The prepared model owns
   * it (its dispose frees it); when prepare throws, the loop frees it, so prepare never does.
   */
  sourceModel?: LayersModel;
  /** The shape of the source domain's rows that the steps will carry, when `needs.sourceData`. */
  source?: { featureShape: number[]; numClasses: number; classes: number[]; rows: number };
  /** Rows in the target's unlabelled pool when `needs.unlabelledTarget` (0: budget 'all'). */
  unlabelledRows?: number;
  /**
   * What fits the target's rows to the source's shape (RunData.inputAdapter). A 'resize' was
   * applied to the data already (featureShape is the source's); a 'linear' adapter is prepended
   * to the prepared model by strategies/index.ts (adapter.ts), which hands the strategy the
   * source's shape as featureShape.
   */
  inputAdapter?: InputAdapter;
  log(level: 'info' | 'warn', message: string): void;
}

/** Labelled rows of one step. */
export interface LabelledBatch {
  x: Tensor;
  /** int32 labels 0..k-1 of the batch's domain. */
  y: Tensor;
  /** The rows' indices in their split (for per-row state such as instance weights). */
  rows: Int32Array;
  /**
   * The same indices on the backend (int32, [n]): gathering per-row state with it uploads
   * nothing (issue 15). Absent only where a caller builds a batch by hand (tests).
   */
  index?: Tensor;
}

/** The step's labelled target rows, with the model's output on them. */
export interface TargetBatch extends LabelledBatch {
  /** The model's output on x (training mode): logits, [n, 1] for two classes, [n, k] from three. */
  logits: Tensor;
}

export interface UnlabelledBatch {
  x: Tensor;
  /** The rows' indices in the unlabelled pool. */
  rows: Int32Array;
  /** The same indices on the backend, as LabelledBatch.index. */
  index?: Tensor;
}

/** One optimizer step's data, as a strategy's loss sees it. */
export interface TrainStep {
  /** A batch of the labelled target rows; absent when there are none (budget 0). */
  target?: TargetBatch;
  /**
   * Mean cross-entropy of the target batch: the whole loss of scratch and plain fine-tuning.
   * 0 (a constant) when there is no target batch.
   */
  targetLoss: Scalar;
  /** A seeded batch of the source domain's labelled training rows (needs.sourceData). */
  source?: LabelledBatch;
  /** A seeded batch of the target's unlabelled rows (needs.unlabelledTarget, pool not empty). */
  unlabelled?: UnlabelledBatch;
  /** 1-based epoch, and the step's index since the run started (0-based). */
  epoch: number;
  step: number;
  /** Training progress, step / (the run's total steps), in [0, 1): DANN's λ schedule. */
  progress: number;
}

export interface PreparedModel {
  /** The model the run evaluates, and saves when the job asks. */
  model: LayersModel;
  /** The variables the optimizer updates; frozen weights are left out. */
  trainable: Variable[];
  /** Names of the layers whose weights stay fixed. */
  frozenLayers: string[];
  /**
   * The step's total loss, called inside the gradient tape; absent: `step.targetLoss`. The
   * model's head must have outputUnits(k) units (head.ts), which the cross-entropy checks.
   */
  loss?: (step: TrainStep) => Scalar;
  /** Multiplies the run's learning rate (a new head on a frozen trunk learns faster). */
  learningRateScale?: number;
  /**
   * The optimizer's parameter groups at an epoch, each with its own learning rate (× the run's)
   * and its own optimizer state, instead of `trainable` at `learningRateScale`: a trunk slower
   * than its head, or a head trained alone first (LP-FT). When the returned array changes from
   * one epoch to the next, the optimizers start afresh.
   */
  paramGroups?: (epoch: number) => readonly ParamGroup[];
  /**
   * How many steps make an epoch. 'target' (default): one pass over the labelled target rows.
   * 'longest': one pass over the longest of the streams the strategy uses (its source rows,
   * its unlabelled pool), the shorter ones cycling in fresh seeded orders. 'source': one pass
   * over the source rows (strategies that load the unlabelled pool without batching it).
   */
  epochLength?: 'target' | 'longest' | 'source';
  /**
   * The labelled training rows the per-epoch `loss` and `acc` (and the final train_* metrics)
   * are measured on: those the strategy trains on. 'target' (default): the labelled target
   * rows. 'source': the source's training rows. 'source-and-target': both, pooled (at budget 0,
   * the source's alone). Validation and test metrics are always the target's. A run that records
   * `trainMetricRows` measures a fixed sample of these rows (train.ts); the captions that say so
   * count them with src-shared's trainMetricPool, which must agree (trainMetricPool.test.ts).
   */
  trainMetrics?: 'target' | 'source' | 'source-and-target';
  /**
   * The logits the run is evaluated on (training, validation and test metrics), for a
   * classifier that is not `model` alone (TrAdaBoost's vote of its rounds); absent: `model`'s.
   * Called inside a tf.tidy; returns [n, outputUnits(k)].
   */
  evalLogits?: (x: Tensor) => Tensor;
  /**
   * Called once each epoch's steps are done, before its metrics are measured (TrAdaBoost ends
   * a boosting round there). Asynchronous where it reads tensors back: on a GPU backend a read
   * is asynchronous only (issue 15).
   */
  endEpoch?: (epoch: number) => void | Promise<void>;
  /**
   * Give the optimizer fresh state (Adam's moments) at the start of every epoch: the variables
   * it trains may be new ones (TrAdaBoost's learner of each round), read from `trainable`
   * again at every step.
   */
  resetOptimizerEachEpoch?: boolean;
  /**
   * False when the evaluated classifier depends on more than `model`'s weights (TrAdaBoost's
   * vote of its rounds): early stopping cannot put the best epoch back by restoring them.
   */
  restorable?: boolean;
  /** Frees every tensor the prepared model owns (the source model's included). */
  dispose(): void;
}

/** Variables one optimizer trains, at the run's learning rate × `learningRateScale`. */
export interface ParamGroup {
  variables: readonly Variable[];
  learningRateScale: number;
}

/** Any tfjs layer. */
export type Layer = LayersModel['layers'][number];

export interface TransferStrategy {
  /** A strategy id, or 'source' for the runs that train source models. */
  id: StrategyId | 'source';
  /** The UI's metadata (src-shared/domain/strategies.ts); absent for 'source', not user-facing. */
  info?: StrategyInfo;
  /** What a run with this config needs; within what `info` declares (the planner reads that). */
  needs(config: ResolvedRunConfig): StrategyNeeds;
  /**
   * Asynchronous for strategies that read tensors back while preparing (instance weights): a GPU
   * backend reads asynchronously only (issue 15).
   */
  prepare(ctx: StrategyContext): PreparedModel | Promise<PreparedModel>;
}

export const NEEDS_NOTHING: StrategyNeeds = {
  sourceModel: false,
  sourceData: false,
  unlabelledTarget: false,
};

/** The needs an info declares, for strategies whose needs do not depend on their parameters. */
export function declaredNeeds(info: StrategyInfo): () => StrategyNeeds {
  const needs: StrategyNeeds = {
    sourceModel: info.needsSourceModel,
    sourceData: info.needsSourceData,
    unlabelledTarget: info.needsUnlabelledTarget,
  };
  return () => needs;
}

/**
 * The trainable variables of a model or a layer: its weights whose `trainable` flag is set (a
 * frozen layer has none).
 */
export function trainableVariables(
  tf: Tf,
  owner: { trainableWeights: { name: string; read(): Tensor }[] },
): Variable[] {
  return owner.trainableWeights.map((weight): Variable => {
    // LayerVariable.read() is typed Tensor but holds the tf.Variable the optimizer must update.
    const value: Tensor = weight.read();
    if (!isVariable(tf, value)) throw new Error(`Weight ${weight.name} is not a variable`);
    return value;
  });
}

function isVariable(tf: Tf, value: Tensor): value is Variable {
  return value instanceof tf.Variable;
}

/**
 * The run's ModelSpec freshly initialised from the run seed, every weight trainable: what scratch
 * trains on the target and a source run trains on the source.
 */
export function freshModel(ctx: StrategyContext): PreparedModel {
  const model = buildModel(
    ctx.tf,
    ctx.config.model,
    ctx.featureShape,
    ctx.numClasses,
    ctx.config.seed,
  );
  return {
    model,
    trainable: trainableVariables(ctx.tf, model),
    frozenLayers: [],
    dispose: () => {
      model.dispose();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Parameters. The planner resolved them (defaults filled in, types and ranges checked), but a
// job crosses a process line and may come from an older workspace: read them defensively.

function paramValue(config: ResolvedRunConfig, key: string): number | boolean {
  if (config.strategy === 'source') throw new Error('Source runs have no strategy parameters');
  // The planner's own check (defaults, types, ranges), run again on what crossed the process line.
  const { params, problems } = resolveStrategyParams(config.strategy, config.strategyParams);
  if (problems.length > 0)
    throw new Error(`Invalid parameters: ${problems.map(formatIssue).join('; ')}`);
  const value = params[key];
  if (value === undefined) throw new Error(`${config.strategy} has no parameter "${key}"`);
  return value;
}

export function numberParam(config: ResolvedRunConfig, key: string): number {
  const value = paramValue(config, key);
  if (typeof value !== 'number') throw new Error(`${key} is not a number`);
  return value;
}

export function booleanParam(config: ResolvedRunConfig, key: string): boolean {
  const value = paramValue(config, key);
  if (typeof value !== 'boolean') throw new Error(`${key} is not a boolean`);
  return value;
}

// ---------------------------------------------------------------------------------------------
// Source models.

/**
 * A new output layer for k classes (linear: logits) on a source model's trunk, for the runs of
 * fine-tune and feature extraction. From revision 2 (StrategyInfo.revision), drawn from a seed of
 * its own (newHeadSeed), its kernel uniform in ±scale/√fan_in (LeCun-uniform: PyTorch's
 * nn.Linear default weights) and its biases zero: a small random head sends small gradients into
 * the trunk at first and distorts its features less (Kumar et al. 2022, "Fine-Tuning can Distort
 * Pretrained Features and Underperform Out-of-Distribution"). Revision 1 drew the Glorot-uniform
 * output layer of the source run's own seed (outputLayer), kept for the runs that record it.
 */
export function newHead(ctx: StrategyContext, scale = 1): Layer {
  const { tf, config } = ctx;
  if ((config.strategyRevision ?? 1) < 2) return outputLayer(tf, ctx.numClasses, config.seed);
  const seed = deriveSeed(newHeadSeed(config), `init:${OUTPUT_LAYER}`);
  if (scale !== 1) ctx.log('info', `New head: initial weights × ${scale}`);
  return tf.layers.dense({
    units: outputUnits(ctx.numClasses),
    activation: 'linear',
    name: OUTPUT_LAYER,
    // Variance scaling, uniform over fan-in, has the limit √(3·v/fan_in): v = s²/3 gives s/√fan_in.
    kernelInitializer:
      scale === 0
        ? 'zeros'
        : tf.initializers.varianceScaling({
            scale: scale ** 2 / 3,
            mode: 'fanIn',
            distribution: 'uniform',
            seed,
          }),
    biasInitializer: 'zeros',
  });
}

/**
 * The seed of a new head put on a source model's trunk. From revision 2 of the strategies that
 * do this (StrategyInfo.revision), a seed no layer of the source model used. Revision 1 passed
 * the run seed, from which the source run of the same seed had drawn its own output layer: the
 * "new" head restarted at the weights the source head started from, which the trunk had
 * co-adapted with (issue 17). Kept for runs that record revision 1, so that they reproduce.
 */
export function newHeadSeed(config: ResolvedRunConfig): number {
  return (config.strategyRevision ?? 1) >= 2 ? deriveSeed(config.seed, 'new-head') : config.seed;
}

/** The source model's hidden Dense layers, refusing a source without any. */
export function sourceHiddenLayers(sourceModel: LayersModel): LayersModel['layers'] {
  const hidden = hiddenLayers(sourceModel);
  if (hidden.length === 0) throw new Error('The source model has no hidden layers to transfer');
  return hidden;
}

/** Refuses a source model whose input does not take the target's features. */
export function checkSourceInput(sourceModel: LayersModel, featureShape: number[]): void {
  const sourceInput = sourceModel.inputs[0]?.shape.slice(1) ?? [];
  const wanted = featureShape.reduce((a, b) => a * b, 1);
  const has = sourceInput.reduce<number>((a, b) => a * (b ?? 0), 1);
  if (has !== wanted) {
    throw new Error(
      `The source model takes inputs of shape [${sourceInput.join(', ')}], ` +
        `the target's features have shape [${featureShape.join(', ')}]`,
    );
  }
}

/**
 * The hidden layer `layer` (1-based from the input; 0 = the last one) of a model, by name.
 * `what` names the parameter in the error.
 */
export function pickHiddenLayer(
  hidden: LayersModel['layers'],
  layer: number,
  what: string,
): LayersModel['layers'][number] {
  const index = layer === 0 ? hidden.length : layer;
  const picked = hidden[index - 1];
  if (picked === undefined) {
    throw new Error(`${what} is ${layer} but the model has only ${hidden.length} hidden layer(s)`);
  }
  return picked;
}

/**
 * The output of `model`'s layer `upTo` on x, computed by applying its layers in order (every
 * Transferlab model is a chain: flatten, hidden_1..n, output). No sub-model is built, so no
 * layer gains a reference that its model's dispose would then miss.
 */
export function applyUpTo(
  tf: Tf,
  model: LayersModel,
  x: Tensor,
  upTo: string,
  training = false,
): Tensor {
  let h = x;
  for (const layer of model.layers) {
    if (layer.getClassName() === 'InputLayer') continue;
    const out = layer.apply(h, { training });
    if (!(out instanceof tf.Tensor)) throw new Error(`Layer ${layer.name} has several outputs`);
    h = out;
    if (layer.name === upTo) return h;
  }
  throw new Error(`The model has no layer ${upTo}`);
}

/** k of a model's output: a single logit stands for two classes. */
export function classesOfOutput(model: LayersModel): number {
  const units = model.outputs[0]?.shape.at(-1);
  if (typeof units !== 'number') throw new Error('The model has no fixed output width');
  return units === 1 ? 2 : units;
}
