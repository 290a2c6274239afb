import type { LayersModel, Scalar, Tensor, Variable } from '@tensorflow/tfjs';
import type { StrategyId } from '../../../src-shared/domain/experimentSpec';
import type { ResolvedRunConfig } from '../../../src-shared/domain/runs';
import type { StrategyInfo } from '../../../src-shared/domain/strategies';
import type { Tf } from '../backend';
import { buildMlp } from '../model';

/**
 * The one interface every transfer strategy implements. A strategy decides which model training
 * starts from and which of its weights move; it may add a term to the loss (R(θ) for L2-SP,
 * K(θ) for distillation, a domain discrepancy such as MMD). The training loop (train.ts) is shared:
 * it owns batching, the optimizer, metrics, cancellation and divergence.
 */

export interface StrategyContext {
  tf: Tf;
  config: ResolvedRunConfig;
  featureShape: number[];
  /** k: the trained domain's classes, labelled 0..k-1. */
  numClasses: number;
  /** The source model, loaded and hash-checked, for strategies with needsSourceModel. */
  sourceModel?: LayersModel;
  log(level: 'info' | 'warn', message: string): void;
}

/** One training batch, as the extra loss term sees it. */
export interface Batch {
  x: Tensor;
  /** int32 labels 0..k-1. */
  y: Tensor;
  /** The model's output on x: logits, [n, 1] for two classes, [n, k] from three (head.ts). */
  logits: Tensor;
}

export interface PreparedModel {
  model: LayersModel;
  /** The variables the optimizer updates; frozen weights are left out. */
  trainable: Variable[];
  /** Names of the layers whose weights stay fixed. */
  frozenLayers: string[];
  /**
   * Added to the mean cross-entropy of each batch. Called inside the gradient tape. The model's
   * head must have outputUnits(k) units (head.ts); the loss refuses logits of any other width.
   */
  extraLoss?: (batch: Batch) => Scalar;
  /** Frees every tensor the prepared model owns (the source model's included). */
  dispose(): void;
}

export interface TransferStrategy {
  /** A strategy id, or 'source' for the runs that train source models. */
  id: StrategyId | 'source';
  /** The UI's metadata (src-shared/domain/strategies.ts); absent for 'source', not user-facing. */
  info?: StrategyInfo;
  needsSourceModel: boolean;
  prepare(ctx: StrategyContext): PreparedModel;
}

/** The trainable variables of a model: its layers' weights whose `trainable` flag is set. */
export function trainableVariables(tf: Tf, model: LayersModel): Variable[] {
  return model.trainableWeights.map((weight): Variable => {
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
  const model = buildMlp(
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
