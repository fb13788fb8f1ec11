// The KL of a diagonal Gaussian against the standard normal, per latent dimension — the one place the
// course's closed form is written (D17, D30); the VAE's fused kernel (native/reparameterize.c) computes
// the same sum and is tested against this.
import * as tf from '@tensorflow/tfjs-core';
import { contract, tensor } from '../validation/contract';

const KL_STD = contract('klStandardNormal', { mean: tensor({ minRank: 1 }), logStd: tensor({ minRank: 1, like: 'mean' }) });

/**
 * KL(N(μ, σ²) ‖ N(0, 1)) = ½(μ² + σ² − 1) − log σ, entry by entry (D17): mean and logStd of the same
 * shape, e.g. [B, M] → [B, M]. Sum over the last axis for KL(q(z|x) ‖ N(0, I)) of a diagonal q (D30).
 *
 * @example
 *   const perDim = ll.ops.klStandardNormal(mean, logStd);     // [B, M]
 *   const kl = ll.tf.sum(perDim, -1);                          // [B]
 */
export function klStandardNormal(mean: tf.Tensor, logStd: tf.Tensor): tf.Tensor {
  KL_STD.check(arguments);
  return tf.tidy(() => tf.sub(tf.mul(tf.sub(tf.add(tf.square(mean), tf.exp(tf.mul(logStd, 2))), 1), 0.5), logStd));
}
