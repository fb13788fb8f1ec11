// Evaluating a VAE the way papers do (lectures 000, 003, 004).
//   log p(x) ≈ log (1/K) Σ_k p(x, z_k)/q(z_k | x), z_k ~ q(z | x): the encoder as proposal, K = 100 in
//   the lecture, K = 5000 for a benchmark; it rises toward log p(x) with K and stays above the ELBO  (D31)
//   KL per latent dimension, averaged over data: a dimension with KL ≈ 0 everywhere is unused (D32)
//   active units (Burda et al.): dimension j is active when Cov_x(E_q[z_j | x]) > 0.01
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../random/rng';
import { logSumExp } from '../math/log-space';
import { estimateMean, Estimate } from '../check/monte-carlo';
import { VAE } from './vae';

export interface LogLikelihoodEstimate extends Estimate {
  /** log p̂(x_n) per data point */
  perPoint: Float64Array;
  samples: number;
}

/**
 * Importance-sampled test log-likelihood (D31): per point log p̂(x_n) with K samples from the encoder,
 * then the mean over points with its standard error across points. Samples are processed in chunks
 * so K = 5000 fits in memory.
 */
export function importanceSampledLogLikelihood(model: VAE, x: tf.Tensor2D, options: { rng: Rng; samples?: number; batchSize?: number; chunk?: number; condition?: tf.Tensor2D }): LogLikelihoodEstimate {
  const K = options.samples ?? 100;
  if (!Number.isInteger(K) || K < 1) throw new Error(`importanceSampledLogLikelihood: samples must be a positive integer, got ${K}`);
  const N = x.shape[0];
  const batch = options.batchSize ?? 100, chunk = options.chunk ?? 500;
  const perPoint = new Float64Array(N);
  for (let start = 0; start < N; start += batch) {
    const size = Math.min(batch, N - start);
    const values = tf.tidy(() => {
      const xb = tf.slice(x, [start, 0], [size, -1]);
      const cb = options.condition ? tf.slice(options.condition, [start, 0], [size, -1]) : undefined;
      const q = model.posterior(xb, cb);
      const parts: tf.Tensor[] = [];
      for (let k = 0; k < K; k += chunk) {
        const z = q.sample(options.rng, Math.min(chunk, K - k));
        parts.push(tf.sub(model.logJoint(xb, z, cb), q.logProb(z)));
      }
      return tf.sub(logSumExp(tf.concat(parts, 0), 0), Math.log(K));
    });
    perPoint.set(values.dataSync(), start);
    values.dispose();
  }
  return { ...estimateMean(perPoint), perPoint, samples: K };
}

/** The average over data of the analytic KL(q(z_j | x) ‖ N(0, 1)) per latent dimension j: [M]. */
export function klPerDimension(model: VAE, x: tf.Tensor2D, condition?: tf.Tensor2D): Float64Array {
  const kl = tf.tidy(() => {
    const { mean, logStd } = model.encode(x, condition);
    // ½(μ² + σ² − 1) − log σ, per dimension (D17)
    const perDim = tf.sub(tf.mul(tf.sub(tf.add(tf.square(mean), tf.exp(tf.mul(logStd, 2))), 1), 0.5), logStd);
    return tf.mean(perDim, 0);
  });
  const out = Float64Array.from(kl.dataSync());
  kl.dispose();
  return out;
}

/** Active units: Cov_x(E_q[z_j | x]) per dimension, and how many exceed the threshold (0.01). */
export function activeUnits(model: VAE, x: tf.Tensor2D, options: { threshold?: number; condition?: tf.Tensor2D } = {}): { count: number; variances: Float64Array; active: boolean[] } {
  const threshold = options.threshold ?? 0.01;
  const v = tf.tidy(() => tf.moments(model.encode(x, options.condition).mean, 0).variance);
  const variances = Float64Array.from(v.dataSync());
  v.dispose();
  const active = Array.from(variances, (s) => s > threshold);
  return { count: active.filter(Boolean).length, variances, active };
}

/** The mean ELBO over a data set (analytic KL, one sample), with its standard error across points. */
export function datasetElbo(model: VAE, x: tf.Tensor2D, options: { rng: Rng; batchSize?: number; condition?: tf.Tensor2D }): Estimate {
  const N = x.shape[0], batch = options.batchSize ?? 500;
  const values = new Float64Array(N);
  for (let s = 0; s < N; s += batch) {
    const size = Math.min(batch, N - s);
    const e = tf.tidy(() => model.elbo(tf.slice(x, [s, 0], [size, -1]), { rng: options.rng, condition: options.condition ? tf.slice(options.condition, [s, 0], [size, -1]) : undefined }));
    values.set(e.dataSync(), s);
    e.dispose();
  }
  return estimateMean(values);
}
