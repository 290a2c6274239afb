import type { Rank, Scalar, Tensor, Tensor2D } from '@tensorflow/tfjs';
import type { Tf } from '../backend';
import { featureMatrixShape } from './mmd';

/**
 * The CORAL loss: Sun and Saenko 2016, "Deep CORAL: Correlation Alignment for Deep Domain
 * Adaptation" (ECCV 2016 workshops), eq. (1)–(3):
 *
 *   ℓ_CORAL = ‖C_S − C_T‖²_F / (4d²),
 *   C_S = 1/(n_S − 1)·(D_Sᵀ D_S − 1/n_S·(1ᵀD_S)ᵀ(1ᵀD_S)),   the same for C_T,
 *
 * the squared Frobenius distance between the unbiased covariances of d-dimensional source and
 * target features. The paper's one-pass form subtracts two large numbers when the features have
 * a large mean; the centred form used here, C = (D − 1·μ)ᵀ(D − 1·μ)/(n − 1), is the same matrix in
 * exact arithmetic without the cancellation (Chan, Golub and LeVeque 1983).
 */

/**
 * The CORAL loss between two batches of features, [n_S, ...] and [n_T, ...] with the same
 * trailing shape (flattened to d features), n_S, n_T ≥ 2. A scalar the training loop can
 * differentiate with respect to both batches.
 */
export function coralLoss(tf: Tf, source: Tensor, target: Tensor): Scalar {
  const [ns, ds] = featureMatrixShape(source, 'source');
  const [nt, dt] = featureMatrixShape(target, 'target');
  if (ds !== dt) {
    throw new Error(`Source and target features differ in size: ${ds} and ${dt} per sample`);
  }
  return tf.tidy(() => {
    const cs = covariance(tf, tf.reshape<Rank.R2>(source, [ns, ds]));
    const ct = covariance(tf, tf.reshape<Rank.R2>(target, [nt, dt]));
    return tf.div(tf.sum(tf.square(tf.sub(cs, ct))), 4 * ds * ds);
  });
}

/** The unbiased covariance [d, d] of the rows of x [n, d], n ≥ 2, from the centred rows. */
export function covariance(tf: Tf, x: Tensor2D): Tensor2D {
  const [n] = x.shape;
  if (n < 2) throw new Error(`A covariance needs at least 2 samples, got ${n}`);
  return tf.tidy(() => {
    const centred = tf.sub(x, tf.mean(x, 0, true));
    return tf.div(tf.matMul(centred, centred, true, false), n - 1);
  });
}
