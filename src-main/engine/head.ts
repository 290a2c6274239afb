import type { Scalar, Tensor } from '@tensorflow/tfjs';
import type { Tf } from './backend';

/**
 * The output head's one rule, and everything that depends on it: how many logits a k-class
 * model emits, its loss, its predicted classes and its class probabilities. The model, the
 * training loop and every strategy's new head go through these functions, so no two places can
 * disagree about what a model's output means.
 *
 * - k = 2: one unit, a single logit z with p(class 1) = sigmoid(z). This is the articles' example
 *   (Dense(1, sigmoid) trained with binary cross-entropy; resources/examples/
 *   related-synthetic-tasks.json) with the sigmoid folded into the loss.
 * - k ≥ 3: k units, logits of a softmax over the classes, with softmax cross-entropy.
 *
 * In both cases the Dense output layer is linear and the loss takes logits: the log-sum-exp and
 * max(z, 0) − z·y + log(1 + e^−|z|) forms stay finite where squashing first and taking the log
 * afterwards underflows to log(0).
 */

/** Output units for k classes: 1 (a single logit) for two classes, k (softmax logits) from three. */
export function outputUnits(numClasses: number): number {
  if (!Number.isInteger(numClasses) || numClasses < 2) {
    throw new Error(`A classifier needs at least two classes, got ${numClasses}`);
  }
  return numClasses === 2 ? 1 : numClasses;
}

/**
 * Mean cross-entropy of int32 labels `y` ([n], 0..k-1) under `logits` ([n, outputUnits(k)]); with
 * `sum`, the sum over the rows instead (evaluation adds chunks up and divides once).
 *
 * Two classes: tf.losses.sigmoidCrossEntropy on the single logit z, which computes
 * max(z, 0) − z·y + log(1 + e^−|z|) = −[y·log σ(z) + (1 − y)·log(1 − σ(z))]: exactly the binary
 * cross-entropy of a Dense(1, sigmoid) output (Keras's `binary_crossentropy`), without ever
 * forming p = σ(z), which rounds to 1 in float32 once z > 17 and makes log(1 − p) infinite.
 */
export function crossEntropy(
  tf: Tf,
  logits: Tensor,
  y: Tensor,
  numClasses: number,
  sum = false,
): Scalar {
  checkUnits(logits, numClasses);
  const reduction = sum ? tf.Reduction.SUM : tf.Reduction.SUM_BY_NONZERO_WEIGHTS;
  return tf.tidy(() =>
    numClasses === 2
      ? tf.losses.sigmoidCrossEntropy(
          tf.cast(tf.reshape(y, [-1, 1]), 'float32'),
          logits,
          undefined,
          undefined,
          reduction,
        )
      : tf.losses.softmaxCrossEntropy(
          tf.oneHot(y, numClasses),
          logits,
          undefined,
          undefined,
          reduction,
        ),
  );
}

/**
 * The predicted class of each row, int32 [n]. Two classes: 1 where z ≥ 0, i.e. where
 * p = σ(z) ≥ 0.5 (thresholding the logit avoids rounding σ). Otherwise the arg-max logit.
 */
export function predictedClasses(tf: Tf, logits: Tensor): Tensor {
  return tf.tidy(() =>
    logits.shape[1] === 1
      ? tf.cast(tf.reshape(tf.greaterEqual(logits, 0), [-1]), 'int32')
      : tf.argMax(logits, 1),
  );
}

/**
 * Class probabilities, [n, k] for every head, so column c is p(class c) whatever k is. Two
 * classes: [1 − p, p] with p = σ(z), the first column computed as σ(−z) to keep its precision
 * when p is close to 1. Otherwise the softmax of the logits.
 */
export function probabilitiesFromLogits(tf: Tf, logits: Tensor): Tensor {
  return tf.tidy(() =>
    logits.shape[1] === 1
      ? tf.concat([tf.sigmoid(tf.neg(logits)), tf.sigmoid(logits)], 1)
      : tf.softmax(logits),
  );
}

function checkUnits(logits: Tensor, numClasses: number): void {
  const units = logits.shape[1];
  if (logits.rank !== 2 || units !== outputUnits(numClasses)) {
    throw new Error(
      `A ${numClasses}-class model must output [n, ${outputUnits(numClasses)}] logits, ` +
        `got [${logits.shape.join(', ')}]`,
    );
  }
}
