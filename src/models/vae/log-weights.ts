// The VAE's log importance weights and the bounds built from them (lectures 000, 002; D26, D27):
//   log w_k = log p(x, z_k) − log q(z_k | x),  z_k ~ q(z | x),  k = 1…K
//   ELBO  L_1 = mean_k log w_k;  IWAE  L_K = log (1/K) Σ_k w_k;  Rényi  L_α = 1/(1−α) log (1/K) Σ_k w_k^{1−α}
// The Rényi bound is a training objective of the VAE ({ type: 'renyi', alpha, samples }).
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../random/rng';
import { logMeanExp } from '../../math/log-space';
import { finiteNumber, positiveInteger } from '../../validation/arguments';
import type { VAE } from './vae';

/**
 * The log importance weights of a VAE, log w_k = log p(x, z_k) − log q(z_k | x) with z_k ~ q(z | x)
 * reparameterized (D26): x [B, D] → [K, B]. Every bound below is a function of these.
 * Example: `const logW = vaeLogWeights(ll.rng(0), vae, x, { samples: 5 })`.
 */
export function vaeLogWeights(rng: Rng, model: VAE, x: tf.Tensor, options: { samples: number; condition?: tf.Tensor }): tf.Tensor2D {
  const K = positiveInteger(options.samples, 'vaeLogWeights', 'samples');
  return tf.tidy(() => {
    const q = model.posterior(x, options.condition);
    const z = q.rsample(rng, K);
    return tf.sub(model.logJoint(x, z, options.condition), q.logProb(z)) as tf.Tensor2D;
  });
}

/**
 * The Rényi bound from log-weights [K, B] → [B]  (D27):
 *   L_α = 1/(1−α) · (logSumExp_k((1−α) log w_k) − log K).
 * α = 1 is the limit, the ELBO mean_k log w_k; α = 0 is the IWAE bound. For fixed weights it is a power
 * mean, so it does not increase with α. Example: `renyiFromLogWeights(logW, 0.5)`.
 */
export function renyiFromLogWeights(logWeights: tf.Tensor, alpha: number): tf.Tensor {
  finiteNumber(alpha, 'renyiFromLogWeights', 'alpha');
  if (logWeights.rank < 1) throw new Error(`renyiFromLogWeights: logWeights must have a sample axis first ([K, ...]), got shape [${logWeights.shape}]`);
  return tf.tidy(() => (alpha === 1
    ? tf.mean(logWeights, 0)
    : tf.div(logMeanExp(tf.mul(logWeights, 1 - alpha), 0), 1 - alpha)));
}

/**
 * The VAE's Rényi bound per data point [B] with K samples  (D27). A training objective through
 * `{ type: 'renyi', alpha, samples }` (VAE.loss, trainVAE). Example:
 *   `vaeRenyiBound(ll.rng(1), vae, x, { alpha: 0.5, samples: 5 })`
 */
export function vaeRenyiBound(rng: Rng, model: VAE, x: tf.Tensor, options: { alpha: number; samples: number; condition?: tf.Tensor }): tf.Tensor {
  finiteNumber(options.alpha, 'vaeRenyiBound', 'alpha');
  positiveInteger(options.samples, 'vaeRenyiBound', 'samples');
  return tf.tidy(() => renyiFromLogWeights(vaeLogWeights(rng, model, x, options), options.alpha));
}
