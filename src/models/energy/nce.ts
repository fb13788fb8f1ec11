// Noise-contrastive estimation (Gutmann & Hyvärinen 2010; lecture 003: fitting an energy without Z).
// Logistic regression between data x ~ p and ν times as many noise points y ~ q, with the classifier's
// logit G(u) = log p_θ(u) − log q(u) − log ν and log p_θ(u) = −E_θ(u) − c, c a free parameter for log Z:
//   J(θ, c) = −E_p log σ(G(x)) − ν E_q log σ(−G(y)).
// Pointwise, p(u)(−log σ(G)) + ν q(u)(−log σ(−G)) is smallest at σ(G) = p/(p + νq), i.e. at
// G*(u) = log p(u)/(ν q(u)) — the true log density ratio (D58). So at the optimum −E_θ − c is the data's
// log-density itself, and c becomes log Z_θ: NCE normalizes the model as it fits it.
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../random/rng';
import type { Batch, LossWithTerms } from '../../training/trainable';
import type { Distribution } from '../../distributions/distribution';
import { anything, arrayOf, contract, count, distribution, instance, num, optional, options as optionsKind, rngKind, tensor, where } from '../../validation/contract';
import { batch as batchKind } from '../../validation/batch';
import { EnergyNetwork } from './energy-network';

const RATIO = num({ above: 0, max: 1e4 });
const NCE_LOSS = contract('nceLoss', { logRatioData: tensor({ rank: 1, nonEmpty: true }), logRatioNoise: tensor({ rank: 1, nonEmpty: true }), ratio: RATIO });
const FINITE_ARRAY = arrayOf(num(), { minLength: 1 });
const NCE_LOSS_64 = contract('nceLoss64', { logRatioData: FINITE_ARRAY, logRatioNoise: FINITE_ARRAY, ratio: RATIO });
// q draws single points of the energy's dimension d
const NOISE = where(distribution(), "be a distribution of single points: event shape [d] (the energy's dim), batch shape []", (d: Distribution, c) => {
  const dim = (c.args.energy as EnergyNetwork).dim;
  return (d.eventShape.length === 1 && d.eventShape[0] === dim && d.batchShape.length === 0) || `got event [${d.eventShape}] and batch [${d.batchShape}]`;
});
const NCE = contract('NoiseContrastiveEstimation', {
  energy: instance(EnergyNetwork),
  noise: NOISE,
  options: optional(optionsKind({ ratio: count({ min: 1, max: 1e4 }) })),
});

// the methods' contracts: data [n, d] with the energy's d, ν·n noise points, log q at each
const dimOf = (c: { self?: unknown }) => (c.self as NoiseContrastiveEstimation).energy.dim;
const DATA = tensor({ shape: (c) => ['n', dimOf(c)] });
// log q at the data refuses a NaN anyway (a distribution's logProb reads its input): refused here, by this name
const PREPARE = contract('NoiseContrastiveEstimation.prepareBatch', {
  rng: rngKind(), batch: batchKind(tensor({ shape: (c) => ['n', dimOf(c)], noNaN: true })), objective: optional(anything()),
});
const LOSS = contract('NoiseContrastiveEstimation.trainingLoss', {
  rng: anything(),
  b: batchKind(DATA, {
    noise: tensor({ shape: (c) => [c.dims.n === undefined ? 'm' : c.dims.n * (c.self as NoiseContrastiveEstimation).ratio, dimOf(c)], must: (c) => `hold ratio × n = ${(c.self as NoiseContrastiveEstimation).ratio} × n noise points [ν·n, ${dimOf(c)}]` }),
    logQData: tensor({ shape: ['n'] }), logQNoise: tensor({ shape: (c) => [c.dims.n === undefined ? 'm' : c.dims.n * (c.self as NoiseContrastiveEstimation).ratio] }),
  }, ['x', 'noise', 'logQData', 'logQNoise']),
  objective: optional(anything()),
});

// −log σ(u) = softplus(−u), written so that large |u| neither overflows nor loses the small side
const negLogSigmoid64 = (u: number) => (u > 0 ? Math.log1p(Math.exp(-u)) : -u + Math.log1p(Math.exp(u)));

/**
 * NCE's logistic loss in float64 (the reference for `nceLoss`), from the log-ratios r = log p_θ − log q at
 * data points and at ν = `ratio` times as many noise points:
 *
 *     J = mean_data −log σ(r − log ν) + ν · mean_noise −log σ(−(r − log ν))   (D58)
 *
 * @example
 * ```ts
 * ll.models.nceLoss64([0.3, -0.1], [-1, 0.2, 0.5, -2], 2);
 * ```
 */
export function nceLoss64(logRatioData: number[], logRatioNoise: number[], ratio: number): number {
  NCE_LOSS_64.check(arguments);
  const lnu = Math.log(ratio);
  const data = logRatioData.reduce((s, r) => s + negLogSigmoid64(r - lnu), 0) / logRatioData.length;
  const noise = logRatioNoise.reduce((s, r) => s + negLogSigmoid64(-(r - lnu)), 0) / logRatioNoise.length;
  return data + ratio * noise;
}

/**
 * NCE's logistic loss on tensors (the form `NoiseContrastiveEstimation` minimizes; `nceLoss64` in float64):
 * logRatioData [B] and logRatioNoise [M] are log p_θ − log q at the data and at the noise points, ν = `ratio`.
 *
 *     J = mean −log σ(r_data − log ν) + ν · mean −log σ(log ν − r_noise);   minimized at r = log p_data − log q (D58)
 *
 * @example
 * ```ts
 * const J = ll.models.nceLoss(ll.tf.tensor1d([0.3, -0.1]), ll.tf.tensor1d([-1, 0.2, 0.5, -2]), 2);   // scalar
 * ```
 */
export function nceLoss(logRatioData: tf.Tensor1D, logRatioNoise: tf.Tensor1D, ratio: number): tf.Scalar {
  NCE_LOSS.check(arguments);
  const lnu = Math.log(ratio);
  return tf.tidy(() => {
    const data = tf.mean(tf.softplus(tf.neg(tf.sub(logRatioData, lnu))));
    const noise = tf.mean(tf.softplus(tf.sub(logRatioNoise, lnu)));
    return tf.add(data, tf.mul(noise, ratio)) as tf.Scalar;
  });
}

/** The prepared batch: data x [B, d], noise y [νB, d], and log q at both. */
export interface NceBatch { x: tf.Tensor2D; noise: tf.Tensor2D; logQData: tf.Tensor1D; logQNoise: tf.Tensor1D }

/**
 * Noise-contrastive estimation of an EnergyNetwork, as a model `ll.fit` trains: the energy's weights and c
 * (`logZ`, the estimate of log Z_θ) minimize `nceLoss` with log p_θ(u) = −E_θ(u) − c against `ratio` ν noise
 * points per data point drawn from `noise` q (a distribution of d-D points, e.g. a Gaussian fitted to the data:
 * NCE learns well only where q puts noise).
 *
 *     min_{θ,c} −E_p log σ(G) − ν E_q log σ(−G),   G = −E_θ − c − log q − log ν;   optimum G* = log p/(ν q)   (D58)
 *
 * Shapes: data [B, d], noise [νB, d].
 *
 * @example
 * ```ts
 * const energy = new ll.models.EnergyNetwork(ll.rng(0), 2);
 * const q = new ll.MultivariateNormal({ loc: [0, 0], covariance: [[4, 0], [0, 4]] });
 * const nce = new ll.models.NoiseContrastiveEstimation(energy, q, { ratio: 4 });
 * await ll.fit(nce, ll.data.gaussianRing(ll.rng(1), 2000), { steps: 1000, seed: 0, batchSize: 256 });
 * nce.logZ.dataSync()[0];   // c ≈ log Z_θ
 * ```
 */
export class NoiseContrastiveEstimation {
  /** c, the model's log-normalizer, trained beside the energy. */
  readonly logZ: tf.Variable;
  readonly ratio: number;

  /** No random initial values: the energy is given and c starts at 0. `ratio` ν noise points per data point (default 4). */
  constructor(readonly energy: EnergyNetwork, readonly noise: Distribution, options: { ratio?: number } = {}) {
    NCE.check(arguments);
    this.ratio = options.ratio ?? 4;
    // tf.variable keeps its initial tensor alive beside itself: made in a tidy, the scalar is freed
    this.logZ = tf.tidy(() => tf.variable(tf.scalar(0), true));
  }

  /** The energy's weights and c. */
  get variables(): tf.Variable[] {
    return [...this.energy.variables, this.logZ];
  }

  /** Coordinates per point. */
  get dim(): number {
    return this.energy.dim;
  }

  /** Draws ν·B noise points and evaluates log q at the data and the noise (outside the gradient tape). */
  prepareBatch(rng: Rng, batch: Batch): NceBatch {
    PREPARE.check(arguments, undefined, this);
    return tf.tidy(() => {
      const noise = this.noise.sample(rng, this.ratio * batch.x.shape[0]) as tf.Tensor2D;
      return { x: batch.x, noise, logQData: this.noise.logProb(batch.x) as tf.Tensor1D, logQNoise: this.noise.logProb(noise) as tf.Tensor1D };
    });
  }

  /** nceLoss at log p_θ − log q = −E_θ − c − log q; records c as `logZ`. */
  trainingLoss(_rng: Rng, b: NceBatch): LossWithTerms {
    LOSS.check(arguments, undefined, this);
    return tf.tidy(() => {
      const logRatio = (x: tf.Tensor2D, logQ: tf.Tensor1D) => tf.sub(tf.sub(tf.neg(this.energy.energy(x)), this.logZ), logQ) as tf.Tensor1D;
      const loss = nceLoss(logRatio(b.x, b.logQData), logRatio(b.noise, b.logQNoise), this.ratio);
      return { loss, terms: { logZ: tf.clone(this.logZ) as tf.Scalar } };
    });
  }

  /** Frees c (the energy and the noise are the caller's). */
  dispose(): void {
    this.logZ.dispose();
  }
}
