// RealNVP's preprocessing (Dinh et al. 2017, §4.1): dequantized pixels y ∈ (0, 1) go to the whole real
// line, where a Gaussian base makes sense, by
//   x = logit(z),  z = α + (1 − 2α) y,     log|det ∂x/∂y| = Σ_i [log(1 − 2α) − log z_i − log(1 − z_i)],
// α keeping z away from 0 and 1 (the logit's infinities); the log-det is part of the density of y.
import * as tf from '@tensorflow/tfjs-core';
import { Bijector } from './bijector';
import { checkKind, num, tensor } from '../../validation/contract';

const IMAGES = tensor({ shape: ['B', 'H', 'W', 'C'] });

const ALPHA = { ...num({ min: 0, below: 0.5 }), expected: 'in [0, 0.5)' };

/**
 * x = logit(α + (1 − 2α) y) elementwise on [B, H, W, C], log|det| = Σ [log(1 − 2α) − log z − log(1 − z)].
 * Its log-determinant enters the change of variables (D35); on dequantized pixels the bound of D46 holds.
 * @example
 * ```ts
 * const f = new ll.models.LogitTransform(0.05);
 * f.forward(ll.tf.fill([1, 2, 2, 1], 0.5));   // y = 0, logDet = 4·(log 0.9 − 2 log 0.5)
 * ```
 */
export class LogitTransform implements Bijector<tf.Tensor4D> {
  readonly name = 'logit';
  readonly eventNdims = 3;
  readonly variables: tf.Variable[] = [];
  /**
   * The logit preprocessing with margin α.
   *
   * @param alpha  α ∈ [0, 0.5): z = α + (1 − 2α) y stays in [α, 1 − α]
   */
  constructor(readonly alpha = 0.05) {
    checkKind(ALPHA, alpha, 'alpha', 'LogitTransform');
  }
  /** x = logit(z), z = α + (1 − 2α) y: y [B, H, W, C] in (0, 1) → x, log|det| [B]. */
  forward(y: tf.Tensor4D) {
    checkKind(IMAGES, y, 'y', 'LogitTransform.forward');
    return tf.tidy(() => {
      const z = tf.add(tf.mul(y, 1 - 2 * this.alpha), this.alpha);
      const logZ = tf.log(z), log1mZ = tf.log1p(tf.neg(z));
      const x = tf.sub(logZ, log1mZ) as tf.Tensor4D;
      const perPixel = tf.sub(Math.log(1 - 2 * this.alpha), tf.add(logZ, log1mZ));
      return { y: x, logDet: tf.sum(perPixel, [1, 2, 3]) as tf.Tensor1D };
    });
  }
  /** y = (σ(x) − α)/(1 − 2α), log|det| = Σ [log σ(x) + log σ(−x) − log(1 − 2α)]. */
  inverse(x: tf.Tensor4D) {
    checkKind(IMAGES, x, 'x', 'LogitTransform.inverse');
    return tf.tidy(() => {
      const y = tf.div(tf.sub(tf.sigmoid(x), this.alpha), 1 - 2 * this.alpha) as tf.Tensor4D;
      // log σ(x) + log σ(−x) = −softplus(−x) − softplus(x), stable for large |x|
      const perPixel = tf.sub(tf.neg(tf.add(tf.softplus(x), tf.softplus(tf.neg(x)))), Math.log(1 - 2 * this.alpha));
      return { x: y, logDet: tf.sum(perPixel, [1, 2, 3]) as tf.Tensor1D };
    });
  }
}
