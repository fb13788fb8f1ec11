// The diffusion ELBO (lecture 003; D41), every term reported separately. With a denoiser x̂_θ(x_t, t):
//   ELBO = E_q log p(x_0 | x_1) − KL(q(x_T | x_0) ‖ N(0, I)) − Σ_{t=2}^T E_q KL(q(x_{t−1} | x_t, x_0) ‖ p_θ(x_{t−1} | x_t))
//   p_θ(x_{t−1} | x_t) = N(γ_t x_t + δ_t x̂_θ(x_t, t), σ_t² I)  ⇒  each KL = δ_t²/(2σ_t²) ‖x̂_θ − x_0‖²
//   p(x_0 | x_1) = N(x̂_θ(x_1, 1), β_1 I)   (the decoder)
// Each expectation over x_t uses one draw x_t ~ q(x_t | x_0) per data point, so the terms are unbiased
// Monte Carlo estimates; the prior KL is exact. With T = 1 this is the VAE ELBO (D42).
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../random/rng';
import { DiffusionSchedule } from './schedule';
import { checkKind, contract, func, instance, rngKind, tensor } from '../../validation/contract';

/** x̂_0 = denoise(x_t [B, d], t) → [B, d]. */
// an evaluation: a NaN x₀ is refused (one reduction)
const DIFFUSION_ELBO = contract('diffusionElbo', { rng: rngKind(), x0: tensor({ shape: ['batch', 'd'], noNaN: true }), denoise: func('a denoiser (x_t [n, d], t) → x̂₀ [n, d]'), schedule: instance(DiffusionSchedule) });

export type Denoiser = (xt: tf.Tensor2D, t: number) => tf.Tensor2D;

export interface DiffusionElboTerms {
  /** E log p(x_0 | x_1), per point [B] */
  reconstruction: Float64Array;
  /** KL(q(x_T | x_0) ‖ N(0, I)), per point */
  priorKL: Float64Array;
  /** consistency[t − 2][b] = the KL at step t (t = 2…T) */
  consistency: Float64Array[];
  /** reconstruction − priorKL − Σ consistency, per point */
  elbo: Float64Array;
}

/**
 * The diffusion ELBO per data point, term by term (D41, see docs/derivations.md#d41):
 *
 *     ELBO(x_0) = E_q[log p(x_0|x_1)] − KL(q(x_T|x_0) ‖ N(0, I)) − Σ_{t=2}^T E_q[KL(q(x_{t−1}|x_t, x_0) ‖ p_θ(x_{t−1}|x_t))]
 *
 * with p_θ(x_{t−1}|x_t) = N(γ_t x_t + δ_t x̂_θ(x_t, t), σ_t² I), so that each consistency KL is
 * δ_t²/(2σ_t²) ‖x̂_θ(x_t, t) − x_0‖², and the decoder p(x_0|x_1) = N(x̂_θ(x_1, 1), β_1 I). Each
 * expectation uses one draw x_t ~ q(x_t|x_0) per point (unbiased); the prior KL is exact. With T = 1 it
 * is the VAE's ELBO (D42). It is a bound on log p(x_0), in nats: the loss to minimize is its negative.
 *
 * Shapes: x0 [B, d]; every term is per point, [B] (`consistency` is [T − 1][B]).
 *
 * @param rng  the generator of the x_t draws
 * @param x0  the data points [B, d]
 * @param denoise  x̂_θ(x_t [B, d], t) → [B, d], e.g. `model.denoiser` of a `TimeMLP`, or the exact one from `ll.models.optimalDenoiser(…)`
 * @param schedule  the β_t schedule
 * @example
 * ```ts
 * const schedule = ll.models.DiffusionSchedule.linear(50);
 * const model = new ll.models.TimeMLP(ll.rng(0), 2, schedule);
 * const terms = ll.models.diffusionElbo(ll.rng(0), x0, model.denoiser, schedule);
 * terms.elbo;   // [B]: reconstruction − priorKL − Σ_t consistency
 * ```
 */
export function diffusionElbo(rng: Rng, x0: tf.Tensor, denoise: Denoiser, schedule: DiffusionSchedule): DiffusionElboTerms {
  DIFFUSION_ELBO.check(arguments);
  const [B, d] = x0.shape;
  const T = schedule.T;
  const read = (t: tf.Tensor) => { const v = Float64Array.from(t.dataSync()); t.dispose(); return v; };
  const beta1 = schedule.betas[1];
  const reconstruction = read(tf.tidy(() => {
    const { xt } = schedule.noised(rng, x0, 1);
    const err = tf.sum(tf.square(tf.sub(x0, denoise(xt as tf.Tensor2D, 1))), 1);
    return tf.sub(tf.div(err, -2 * beta1), 0.5 * d * Math.log(2 * Math.PI * beta1));
  }));
  const abT = schedule.alphaBars[T];
  // KL(N(√ᾱ_T x_0, (1 − ᾱ_T) I) ‖ N(0, I)) = ½ Σ_i [ᾱ_T x_{0,i}² + (1 − ᾱ_T) − 1 − log(1 − ᾱ_T)]
  const priorKL = read(tf.tidy(() => tf.mul(tf.add(tf.mul(tf.sum(tf.square(x0), 1), abT), d * (-abT - Math.log(1 - abT))), 0.5)));
  const consistency: Float64Array[] = [];
  for (let t = 2; t <= T; t++) {
    const w = schedule.klWeight(t);
    consistency.push(read(tf.tidy(() => {
      const { xt } = schedule.noised(rng, x0, t);
      return tf.mul(tf.sum(tf.square(tf.sub(denoise(xt as tf.Tensor2D, t), x0)), 1), w);
    })));
  }
  const elbo = new Float64Array(B);
  for (let b = 0; b < B; b++) elbo[b] = reconstruction[b] - priorKL[b] - consistency.reduce((s, c) => s + c[b], 0);
  return { reconstruction, priorKL, consistency, elbo };
}
