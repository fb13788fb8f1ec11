// The best Gaussian approximation by the Cholesky reparameterization (lecture 003; D19):
// q = N(μ, LLᵀ), z = μ + Lε, log|L| = Σ_j log L_jj, and we maximize
//   E_ε[log p̃(μ + Lε)] + Σ_j log L_jj   (= ELBO − const, since H[q] = log|L| + const).
// The loss minimized by Adam is its negative. With fixedNoise the ε are drawn once and whitened to
// exactly zero mean and identity covariance, so for a Gaussian target the objective is exact.
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../random/rng';
import { cholesky, inv } from '../math/linalg64';
import { bool, checkKind, contract, count, func, options as optionsKind, positive, rngKind, tensor, where } from '../validation/contract';

// the sample covariance is only invertible with more samples than dimensions: samples ≥ dim + 1
const dimOf = (c: { args: Readonly<Record<string, unknown>> }) => (typeof c.args.dim === 'number' ? c.args.dim : 1);
const SAMPLES = where(count({ max: 1e7 }), (c) => `be an integer ≥ dim + 1 = ${dimOf(c) + 1}`, (S: number, c) => S >= dimOf(c) + 1);
const WHITENED = contract('whitenedNoise', { rng: rngKind(), samples: SAMPLES, dim: count({ max: 1e4 }) });
const BEST_GAUSSIAN = contract('fitBestGaussian', { rng: rngKind(), args: optionsKind({ logTarget: func('a function z [S, d] → [S]'), dim: count({ max: 1e4 }), steps: count({ max: 1e7 }), samples: SAMPLES, learningRate: positive(), fixedNoise: bool() }, { required: ['logTarget', 'dim'] }) });

export interface BestGaussianResult {
  mean: number[];
  /** LLᵀ */
  covariance: number[][];
  scaleTril: number[][];
  /** The objective after each step. */
  objective: number[];
}

/** ε [S, d] with exactly zero mean and identity covariance (S ≥ d + 1). */
export function whitenedNoise(rng: Rng, samples: number, dim: number): tf.Tensor2D {
  WHITENED.check(arguments);
  return tf.tidy(() => {
    const e = rng.normal([samples, dim]) as tf.Tensor2D;
    const c = tf.sub(e, tf.mean(e, 0));
    const cov = tf.div(tf.matMul(c, c, true, false), samples).arraySync() as number[][];
    // cov = LLᵀ ⇒ ε L⁻ᵀ has identity covariance (Cholesky and inverse in float64)
    const Linv = inv(cholesky(cov, 'noise covariance'));
    return tf.matMul(c, tf.tensor2d(Linv.to2DArray()), false, true) as tf.Tensor2D;
  });
}

/**
 * The best Gaussian approximation q = N(μ, LLᵀ) to an unnormalized target p̃ by the Cholesky
 * reparameterization z = μ + Lε, ε ~ N(0, I) (lecture 003, D19, see docs/derivations.md#d19):
 *
 *     maximize  E_ε[log p̃(μ + Lε)] + Σ_j log L_jj    (= ELBO − const, since H[q] = log|L| + const)
 *
 * with Adam on the negative (the loss). With `fixedNoise` the ε are drawn once and whitened to exactly
 * zero mean and identity covariance, so for a Gaussian target the objective is exact and the fit
 * recovers the target's mean and covariance.
 *
 * Shapes: `logTarget` maps z [S, d] → [S] (S = `samples`, at least d + 1).
 *
 * @param rng  the generator of ε
 * @param args  `logTarget`, `dim` d, `steps` (1000), `samples` S (64), `learningRate` (0.05), `fixedNoise`
 * @returns the mean, covariance LLᵀ, L, and the objective after each step
 * @example
 * ```ts
 * const target = new ll.MultivariateNormal({ loc: [1, -1], covariance: [[1, 0.5], [0.5, 2]] });
 * const fit = ll.infer.fitBestGaussian(ll.rng(0), { logTarget: (z) => target.logProb(z), dim: 2, fixedNoise: true });
 * fit.mean;         // ≈ [1, −1]
 * fit.covariance;   // ≈ [[1, 0.5], [0.5, 2]]
 * ```
 */
export function fitBestGaussian(rng: Rng, args: {
  /** log p̃(z) up to a constant: z [S, d] → [S]. */
  logTarget: (z: tf.Tensor) => tf.Tensor;
  dim: number;
  steps?: number;
  samples?: number;
  learningRate?: number;
  fixedNoise?: boolean;
}): BestGaussianResult {
  BEST_GAUSSIAN.check(arguments);
  const d = args.dim, S = args.samples ?? 64, steps = args.steps ?? 1000;
  // the default 64 samples against the dimension (a given `samples` is checked by the contract)
  checkKind(SAMPLES, S, 'samples', 'fitBestGaussian', { args: { dim: d } });
  // tidy frees the zeros; a variable keeps its own reference to the data
  const [mu, offDiag, logDiag] = tf.tidy(() => [tf.variable(tf.zeros([d])), tf.variable(tf.zeros([d, d])), tf.variable(tf.zeros([d]))]);
  const lowerMask = tf.tensor2d(Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (j < i ? 1 : 0))));
  const eye = tf.eye(d);
  // eye·exp(logDiag) broadcasts to diag(exp(logDiag)); tf.diag has no gradient in tfjs
  const scaleTril = () => tf.add(tf.mul(offDiag, lowerMask), tf.mul(eye, tf.exp(logDiag)));
  const fixed = args.fixedNoise ? whitenedNoise(rng, S, d) : undefined;
  const optimizer = tf.train.adam(args.learningRate ?? 0.05);
  const objective: number[] = [];
  try {
    for (let t = 0; t < steps; t++) {
      const eps = fixed ?? (rng.normal([S, d]) as tf.Tensor2D);
      const loss = optimizer.minimize(() => tf.tidy(() => {
        const z = tf.add(mu, tf.matMul(eps, scaleTril(), false, true));
        const lp = args.logTarget(z);
        checkKind(tensor({ shape: [S], must: `return [${S}] for z [${S}, ${d}]` }), lp, 'logTarget', 'fitBestGaussian');
        // loss = −(E log p̃(μ + Lε) + Σ log L_jj)
        return tf.neg(tf.add(tf.mean(lp), tf.sum(logDiag))) as tf.Scalar;
      }), true, [mu, offDiag, logDiag])!;
      objective.push(-loss.dataSync()[0]);
      loss.dispose();
      if (!fixed) eps.dispose();
    }
    const L = tf.tidy(scaleTril);
    const Larr = L.arraySync() as number[][];
    L.dispose();
    const cov = Larr.map((ri) => Larr.map((rj) => ri.reduce((s, v, k) => s + v * rj[k], 0)));
    return { mean: Array.from(mu.dataSync()), covariance: cov, scaleTril: Larr, objective };
  } finally {
    tf.dispose([mu, offDiag, logDiag, lowerMask, eye, ...(fixed ? [fixed] : [])]);
    optimizer.dispose();
  }
}
