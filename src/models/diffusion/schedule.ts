// Diffusion as a deep hierarchical VAE (lecture 003): the forward chain q(x_t | x_{t−1}) = N(√α_t x_{t−1}, β_t I).
//   ᾱ_t = Π_{τ≤t} (1 − β_τ),  q(x_t | x_0) = N(√ᾱ_t x_0, (1 − ᾱ_t) I)                                   (D39)
//   q(x_{t−1} | x_t, x_0) = N(γ_t x_t + δ_t x_0, σ_t² I) with
//     γ_t = √α_t (1 − ᾱ_{t−1})/(1 − ᾱ_t),  δ_t = √ᾱ_{t−1} β_t/(1 − ᾱ_t),  σ_t² = (1 − ᾱ_{t−1}) β_t/(1 − ᾱ_t)   (D40)
// Parameterizations of the same model (D44, D45): x̂_0, ε̂ = (x_t − √ᾱ_t x̂_0)/√(1 − ᾱ_t), and the score
//   ∇ log q(x_t) ≈ (√ᾱ_t x̂_0 − x_t)/(1 − ᾱ_t) = −ε̂/√(1 − ᾱ_t)   (Tweedie when x̂_0 = E[x_0 | x_t]).
// Schedules and coefficients are float64 arrays indexed by t = 1…T (index 0 holds t = 0: ᾱ_0 = 1).
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../random/rng';
import { contract, count, num, optional, rngKind, tensor, checkKind, arrayOf, anything, where } from '../../validation/contract';

// each β_t is then checked to lie in (0, 1), with its index
const BETAS = where({ ...arrayOf(anything(), { minLength: 1 }), expected: 'a non-empty array of β_t in (0, 1)' }, 'all be in (0, 1)', (betas: number[]) => {
  const bad = betas.findIndex((b) => !(b > 0 && b < 1));
  return bad < 0 || `got ${betas[bad]} at index ${bad}`;
});
/** A step t of 1…T (or from…T). */
const stepOf = (from: number, T: number) => ({ ...num({ integer: true, min: from, max: T }), expected: `an integer in [${from}, ${T}]` });

// the boundary: step counts bounded (a schedule holds T floats and its constructors loop over them), live tensors
const T_COUNT = count({ max: 1e6 });
const SCHEDULE = {
  linear: contract('DiffusionSchedule.linear', { T: T_COUNT, beta1: optional(num({ above: 0, below: 1 })), betaT: optional(num({ above: 0, below: 1 })) }),
  cosine: contract('DiffusionSchedule.cosine', { T: T_COUNT, s: optional(num({ min: 0 })), maxBeta: optional(num({ above: 0, below: 1 })) }),
  logSnrLinear: contract('DiffusionSchedule.logSnrLinear', { T: T_COUNT, logSnrMax: optional(num()), logSnrMin: optional(num()) }),
  qSample: contract('DiffusionSchedule.qSample', { x0: tensor(), t: num({ integer: true, min: 0 }), eps: tensor() }),
  noised: contract('DiffusionSchedule.noised', { rng: rngKind(), x0: tensor(), t: num({ integer: true, min: 0 }) }),
  // x_t and an estimate of the same shape at step t (the step's range is checked against T by check)
  epsFromX0: contract('DiffusionSchedule.epsFromX0', { xt: tensor(), x0Hat: tensor({ like: 'xt' }), t: num({ integer: true, min: 1 }) }),
  x0FromEps: contract('DiffusionSchedule.x0FromEps', { xt: tensor(), epsHat: tensor({ like: 'xt' }), t: num({ integer: true, min: 1 }) }),
  scoreFromX0: contract('DiffusionSchedule.scoreFromX0', { xt: tensor(), x0Hat: tensor({ like: 'xt' }), t: num({ integer: true, min: 1 }) }),
};

/**
 * A diffusion model's noise schedule β_1…β_T and the coefficients derived from it (lecture 003):
 *
 *     q(x_t | x_{t−1}) = N(√(1 − β_t) x_{t−1}, β_t I),    ᾱ_t = Π_{τ≤t} (1 − β_τ)
 *     q(x_t | x_0) = N(√ᾱ_t x_0, (1 − ᾱ_t) I)                                                (D39)
 *     q(x_{t−1} | x_t, x_0) = N(γ_t x_t + δ_t x_0, σ_t² I),
 *       γ_t = √α_t (1 − ᾱ_{t−1})/(1 − ᾱ_t),  δ_t = √ᾱ_{t−1} β_t/(1 − ᾱ_t),  σ_t² = (1 − ᾱ_{t−1}) β_t/(1 − ᾱ_t)   (D40)
 *
 * see docs/derivations.md#d39. Arrays are float64 and indexed by t = 1…T (index 0 holds t = 0, ᾱ_0 = 1).
 * Build one with `DiffusionSchedule.linear(T)` (DDPM), `cosine(T)` or `logSnrLinear(T)`.
 *
 * Shapes: betas, alphas and alphaBars are float64 arrays of T + 1 entries; qSample and noised take x_0 [B, d].
 *
 * @example
 * ```ts
 * const schedule = ll.models.DiffusionSchedule.linear(100);
 * schedule.alphaBars[100];      // ᾱ_T, close to 0: x_T is nearly N(0, I)
 * schedule.posterior(50);       // { gamma, delta, sigma2 } of q(x_49 | x_50, x_0)
 * ```
 */
export class DiffusionSchedule {
  /** β_t for t = 1…T at index t (index 0 unused, 0) */
  readonly betas: Float64Array;
  readonly alphaBars: Float64Array;

  /**
   * The schedule with the given β_1…β_T, each in (0, 1).
   *
   * @param betas  β_t for t = 1…T, in order
   */
  constructor(betas: number[]) {
    checkKind(BETAS, betas, 'betas', 'DiffusionSchedule');
    this.betas = Float64Array.from([0, ...betas]);
    this.alphaBars = new Float64Array(betas.length + 1);
    this.alphaBars[0] = 1;
    for (let t = 1; t <= betas.length; t++) this.alphaBars[t] = this.alphaBars[t - 1] * (1 - this.betas[t]);
  }

  get T(): number { return this.betas.length - 1; }

  /** β_t linear from beta1 to betaT (DDPM: 1e-4 to 0.02 for T = 1000). */
  static linear(T: number, beta1 = 1e-4, betaT = 0.02): DiffusionSchedule {
    SCHEDULE.linear.check(arguments);
    return new DiffusionSchedule(Array.from({ length: T }, (_, i) => (T === 1 ? betaT : beta1 + ((betaT - beta1) * i) / (T - 1))));
  }

  /** The cosine schedule (Nichol & Dhariwal): ᾱ_t = f(t)/f(0), f(t) = cos²(((t/T) + s)/(1 + s) · π/2), β_t ≤ maxBeta. */
  static cosine(T: number, s = 0.008, maxBeta = 0.999): DiffusionSchedule {
    SCHEDULE.cosine.check(arguments);
    const f = (t: number) => Math.cos((((t / T) + s) / (1 + s)) * (Math.PI / 2)) ** 2;
    return new DiffusionSchedule(Array.from({ length: T }, (_, i) => Math.min(maxBeta, 1 - f(i + 1) / f(i))));
  }

  /**
   * ᾱ_t = sigmoid(λ_t) with the log signal-to-noise ratio λ_t = log(ᾱ_t/(1 − ᾱ_t)) falling linearly from
   * logSnrMax (t = 1) to logSnrMin (t = T). The end points do not move with T, so a larger T only refines
   * the grid (the comparisons of D43 use it).
   */
  static logSnrLinear(T: number, logSnrMax = 6, logSnrMin = -6): DiffusionSchedule {
    SCHEDULE.logSnrLinear.check(arguments);
    checkKind(where(num(), `exceed logSnrMin (${logSnrMin})`, (m: number) => m > logSnrMin), logSnrMax, 'logSnrMax', 'DiffusionSchedule.logSnrLinear');
    const ab = Array.from({ length: T }, (_, i) => 1 / (1 + Math.exp(-(T === 1 ? logSnrMin : logSnrMax + ((logSnrMin - logSnrMax) * i) / (T - 1)))));
    return new DiffusionSchedule(ab.map((a, i) => 1 - a / (i === 0 ? 1 : ab[i - 1])));
  }

  private check(t: number, from = 1, fn = 'DiffusionSchedule'): void {
    if (!Number.isInteger(t) || t < from || t > this.T) checkKind(stepOf(from, this.T), t, 't', fn);
  }

  /** γ_t, δ_t, σ_t² of q(x_{t−1} | x_t, x_0)  (D40). */
  posterior(t: number): { gamma: number; delta: number; sigma2: number } {
    this.check(t, 1, 'DiffusionSchedule.posterior');
    const ab = this.alphaBars[t], abPrev = this.alphaBars[t - 1], beta = this.betas[t];
    return {
      gamma: (Math.sqrt(1 - beta) * (1 - abPrev)) / (1 - ab),
      delta: (Math.sqrt(abPrev) * beta) / (1 - ab),
      sigma2: ((1 - abPrev) * beta) / (1 - ab),
    };
  }

  /** x_t = √ᾱ_t x_0 + √(1 − ᾱ_t) ε  (D39). */
  qSample(x0: tf.Tensor, t: number, eps: tf.Tensor): tf.Tensor {
    SCHEDULE.qSample.check(arguments);
    this.check(t, 0, 'DiffusionSchedule.qSample');
    return tf.tidy(() => tf.add(tf.mul(x0, Math.sqrt(this.alphaBars[t])), tf.mul(eps, Math.sqrt(1 - this.alphaBars[t]))));
  }

  /** x_t ~ q(x_t | x_0) with fresh noise; returns both. */
  noised(rng: Rng, x0: tf.Tensor, t: number): { xt: tf.Tensor; eps: tf.Tensor } {
    SCHEDULE.noised.check(arguments);
    this.check(t, 0, 'DiffusionSchedule.noised');
    const eps = rng.normal(x0.shape);
    return { xt: this.qSample(x0, t, eps), eps };
  }

  /** ε̂ from x̂_0: (x_t − √ᾱ_t x̂_0)/√(1 − ᾱ_t)  (D44). */
  epsFromX0(xt: tf.Tensor, x0Hat: tf.Tensor, t: number): tf.Tensor {
    SCHEDULE.epsFromX0.check(arguments);
    this.check(t, 1, 'DiffusionSchedule.epsFromX0');
    return tf.tidy(() => tf.div(tf.sub(xt, tf.mul(x0Hat, Math.sqrt(this.alphaBars[t]))), Math.sqrt(1 - this.alphaBars[t])));
  }

  /** x̂_0 from ε̂: (x_t − √(1 − ᾱ_t) ε̂)/√ᾱ_t. */
  x0FromEps(xt: tf.Tensor, epsHat: tf.Tensor, t: number): tf.Tensor {
    SCHEDULE.x0FromEps.check(arguments);
    this.check(t, 1, 'DiffusionSchedule.x0FromEps');
    return tf.tidy(() => tf.div(tf.sub(xt, tf.mul(epsHat, Math.sqrt(1 - this.alphaBars[t]))), Math.sqrt(this.alphaBars[t])));
  }

  /** The score ∇ log q(x_t) from x̂_0: (√ᾱ_t x̂_0 − x_t)/(1 − ᾱ_t)  (Tweedie, D45). */
  scoreFromX0(xt: tf.Tensor, x0Hat: tf.Tensor, t: number): tf.Tensor {
    SCHEDULE.scoreFromX0.check(arguments);
    this.check(t, 1, 'DiffusionSchedule.scoreFromX0');
    return tf.tidy(() => tf.div(tf.sub(tf.mul(x0Hat, Math.sqrt(this.alphaBars[t])), xt), 1 - this.alphaBars[t]));
  }

  /** The weight δ_t²/(2σ_t²) that turns ‖x̂_0 − x_0‖² into the t-th KL of the ELBO (D41, D44); t ≥ 2. */
  klWeight(t: number): number {
    // the KL terms start at t = 2
    this.check(t, 2, 'DiffusionSchedule.klWeight');
    const { delta, sigma2 } = this.posterior(t);
    return (delta * delta) / (2 * sigma2);
  }
}
