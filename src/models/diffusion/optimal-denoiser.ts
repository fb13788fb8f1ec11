// Exact answers for data whose noised marginals are known (D43, D45): Gaussian data x_0 ~ N(m, s²) and
// 1-D mixtures of Gaussians. With x_t = √ᾱ x_0 + √(1 − ᾱ) ε:
//   q_t(x_t) = Σ_k π_k N(x_t; √ᾱ μ_k, ᾱ σ_k² + 1 − ᾱ)
//   E[x_0 | x_t] = Σ_k r_k(x_t) [μ_k + √ᾱ σ_k² (x_t − √ᾱ μ_k)/(ᾱ σ_k² + 1 − ᾱ)],  r_k ∝ π_k N(x_t; …)
//   ∇ log q_t(x_t) = Σ_k r_k(x_t) (√ᾱ μ_k − x_t)/(ᾱ σ_k² + 1 − ᾱ)
// (Gaussian data is the one-component case, applied to each coordinate.)
import * as tf from '@tensorflow/tfjs-core';
import { logSumExp64 } from '../../math/log-space';
import { Mixture1D, checkMixture1D } from '../mixtures/mixture-of-gaussians';
import { DiffusionSchedule } from './schedule';
import { Denoiser } from './elbo';
import { contract, instance, num } from '../../validation/contract';
import { MIXTURE_1D } from '../mixtures/mixture-of-gaussians';

// the boundary: a 1-D mixture, ᾱ in (0, 1], a point x of moderate size
const ABAR = num({ above: 0, max: 1 }), X = num({ min: -1e150, max: 1e150 });
const NOISED_DENSITY = contract('noisedMixtureLogDensity', { m: MIXTURE_1D, abar: ABAR, x: X });
const POSTERIOR_MEAN = contract('mixturePosteriorMean', { m: MIXTURE_1D, abar: ABAR, x: X });
const NOISED_SCORE = contract('mixtureNoisedScore', { m: MIXTURE_1D, abar: ABAR, x: X });

function components(m: Mixture1D, abar: number, x: number) {
  const ls = m.weights.map((w, k) => {
    const v = abar * m.sds[k] ** 2 + 1 - abar;
    return Math.log(w) - 0.5 * Math.log(2 * Math.PI * v) - ((x - Math.sqrt(abar) * m.means[k]) ** 2) / (2 * v);
  });
  const lse = logSumExp64(ls);
  return { logq: lse, r: ls.map((l) => Math.exp(l - lse)) };
}

/**
 * log q_t(x) for 1-D mixture data at noise level ᾱ.
 *
 * q_t(x) = Σ_k π_k N(x; √ᾱ μ_k, ᾱ σ_k² + 1 − ᾱ) (D39).
 */
export function noisedMixtureLogDensity(m: Mixture1D, abar: number, x: number): number {
  NOISED_DENSITY.check(arguments);
  checkMixture1D(m, 'noisedMixtureLogDensity');
  return components(m, abar, x).logq;
}

/**
 * E[x_0 | x_t = x] for 1-D mixture data.
 *
 * The best x̂_0 under squared error, so a diffusion ELBO with it is the best one can get (D43).
 */
export function mixturePosteriorMean(m: Mixture1D, abar: number, x: number): number {
  POSTERIOR_MEAN.check(arguments);
  const { r } = components(m, abar, x);
  return r.reduce((s, rk, k) => {
    const v = abar * m.sds[k] ** 2 + 1 - abar;
    return s + rk * (m.means[k] + (Math.sqrt(abar) * m.sds[k] ** 2 * (x - Math.sqrt(abar) * m.means[k])) / v);
  }, 0);
}

/**
 * ∇ log q_t(x) for 1-D mixture data, exact.
 *
 * Tweedie's formula links it to the posterior mean: ∇ log q_t(x) = (√ᾱ E[x_0|x_t = x] − x)/(1 − ᾱ)
 * (D45, see docs/derivations.md#d45).
 */
export function mixtureNoisedScore(m: Mixture1D, abar: number, x: number): number {
  NOISED_SCORE.check(arguments);
  const { r } = components(m, abar, x);
  return r.reduce((s, rk, k) => s + (rk * (Math.sqrt(abar) * m.means[k] - x)) / (abar * m.sds[k] ** 2 + 1 - abar), 0);
}

const OPTIMAL_DENOISER = contract('optimalDenoiser', { data: MIXTURE_1D, schedule: instance(DiffusionSchedule) });

/**
 * The optimal denoiser E[x_0 | x_t] for data whose coordinates are iid draws of a 1-D mixture (or Gaussian).
 *
 * (D43, see docs/derivations.md#d43.)
 *
 * @example
 * ```ts
 * const schedule = ll.models.DiffusionSchedule.linear(50);
 * const best = ll.models.optimalDenoiser({ weights: [0.5, 0.5], means: [-1, 1], sds: [0.3, 0.3] }, schedule);
 * ll.models.diffusionElbo(ll.rng(0), x0, best, schedule);   // the ELBO of the best possible denoiser
 * ```
 */
export function optimalDenoiser(data: Mixture1D, schedule: DiffusionSchedule): Denoiser {
  OPTIMAL_DENOISER.check(arguments);
  checkMixture1D(data, 'optimalDenoiser');
  return (xt, t) => {
    const abar = schedule.alphaBars[t];
    const v = Float32Array.from(xt.dataSync(), (x) => mixturePosteriorMean(data, abar, x));
    return tf.tensor2d(v, xt.shape as [number, number]);
  };
}
