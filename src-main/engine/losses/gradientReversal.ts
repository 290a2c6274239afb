import type { Scalar, Tensor } from '@tensorflow/tfjs';
import type { Tf } from '../backend';

/**
 * The gradient-reversal layer of DANN: Ganin, Ustinova, Ajakan, Germain, Larochelle, Laviolette,
 * Marchand and Lempitsky 2016, "Domain-Adversarial Training of Neural Networks" (JMLR 17), §4.2:
 * the pseudo-function R_λ with
 *
 *   R_λ(x) = x,   dR_λ/dx = −λ·I.
 *
 * Placed between the feature extractor G_f and the domain classifier G_d, it lets one gradient
 * step minimise the domain loss L_d over G_d's weights while it maximises λ·L_d over G_f's:
 * a step towards the saddle point of E(θ_f, θ_y, θ_d) = L_y − λ·L_d, in one backward pass.
 *
 * The adaptation factor follows the paper's schedule (§5.2.2), λ_p = 2/(1 + exp(−γ·p)) − 1 with
 * γ = 10 and p ∈ [0, 1] the training progress, which starts the domain term at 0 so the domain
 * classifier's early noise does not disturb the features, and the learning rate
 * μ_p = μ₀/(1 + α·p)^β with α = 10, β = 0.75.
 */

/** R_λ(x): x going forward, −λ times the incoming gradient going back (tf.customGrad). */
export function gradientReversal<T extends Tensor>(tf: Tf, x: T, lambda: number): T {
  if (!Number.isFinite(lambda)) throw new Error(`λ must be a finite number, got ${lambda}`);
  const reverse = tf.customGrad((...args) => {
    const input = args[0];
    if (!(input instanceof tf.Tensor)) throw new Error('gradientReversal expects a tensor');
    return {
      // A clone: the op's output must be a tensor of its own, which the caller may dispose.
      value: tf.clone(input),
      gradFunc: (dy: Tensor) => tf.mul(dy, -lambda),
    };
  });
  const out = reverse(x);
  // customGrad returns its forward value untyped by input: the clone has x's shape and rank.
  return out as T;
}

/** DANN's adaptation factor λ_p = 2/(1 + exp(−γ·p)) − 1 at progress p (clamped to [0, 1]). */
export function dannLambda(progress: number, gamma = 10): number {
  const p = clampProgress(progress);
  // 2/(1 + e^−x) − 1 = tanh(x/2), which keeps its precision near p = 0.
  return Math.tanh((gamma * p) / 2);
}

/** DANN's annealed learning rate μ_p = μ₀/(1 + α·p)^β at progress p (clamped to [0, 1]). */
export function dannLearningRate(
  progress: number,
  initial = 0.01,
  alpha = 10,
  beta = 0.75,
): number {
  return initial / Math.pow(1 + alpha * clampProgress(progress), beta);
}

/**
 * The domain classifier's loss L_d: binary cross-entropy of the domain label (0 for source, 1 for
 * target) under the classifier's logits, [n_S] or [n_S, 1] and [n_T] or [n_T, 1]. As in Ganin et
 * al.'s objective (§4.2), the mean over the source batch plus the mean over the target batch, so each
 * domain counts the same whatever the batch sizes. Logits, not probabilities: the loss is
 * max(z, 0) − z·y + log(1 + e^−|z|), finite where log σ(z) would round to log 0.
 */
export function domainClassifierLoss(tf: Tf, sourceLogits: Tensor, targetLogits: Tensor): Scalar {
  return tf.tidy(() => {
    const s = columnOfLogits(tf, sourceLogits, 'source');
    const t = columnOfLogits(tf, targetLogits, 'target');
    return tf.add(
      tf.losses.sigmoidCrossEntropy(tf.zerosLike(s), s),
      tf.losses.sigmoidCrossEntropy(tf.onesLike(t), t),
    );
  });
}

/**
 * The adversarial term of DANN for one pair of batches: features of both domains pass through
 * R_λ, then the domain classifier `classify` ([n, d] → [n, 1] logits, e.g. a small tf.Sequential
 * applied with model.apply); returns L_d. Adding it to the label loss and minimising trains the
 * classifier to tell the domains apart and, through the reversed gradient, the features to
 * confuse it.
 */
export function dannDomainLoss(
  tf: Tf,
  sourceFeatures: Tensor,
  targetFeatures: Tensor,
  classify: (features: Tensor) => Tensor,
  lambda: number,
): Scalar {
  const sourceShape: readonly number[] = sourceFeatures.shape;
  const ns = sourceShape[0] ?? 0;
  return tf.tidy(() => {
    const pooled = tf.concat([sourceFeatures, targetFeatures], 0);
    const logits = classify(gradientReversal(tf, pooled, lambda));
    const pooledShape: readonly number[] = logits.shape;
    const nt = (pooledShape[0] ?? 0) - ns;
    return domainClassifierLoss(tf, tf.slice(logits, 0, ns), tf.slice(logits, ns, nt));
  });
}

function columnOfLogits(tf: Tf, logits: Tensor, name: string): Tensor {
  const shape: readonly number[] = logits.shape;
  const [n, ...rest] = shape;
  if (n === undefined || n === 0 || rest.length > 1 || (rest.length === 1 && rest[0] !== 1)) {
    throw new Error(
      `${name} domain logits must be [n] or [n, 1] with n ≥ 1, got [${logits.shape.join(', ')}]`,
    );
  }
  return tf.reshape(logits, [n, 1]);
}

function clampProgress(progress: number): number {
  if (Number.isNaN(progress)) throw new Error('Training progress is NaN');
  return Math.min(1, Math.max(0, progress));
}
