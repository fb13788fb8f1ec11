// Logistic(loc, scale): log p(x) = −u − 2 log(1 + e^−u) − log s, u = (x−μ)/s; sampled as log(v/(1−v)).
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../random/rng';
import { softplus } from '../math/log-space';
import { LocationScale } from './location-scale';

/**
 * The logistic distribution with location μ = `loc` and scale s = `scale`:
 *
 *     log p(x) = −u − 2 log(1 + e^(−u)) − log s,  u = (x − μ)/s;    Var[x] = s²π²/3.
 *
 * Sampled as μ + s·log(v/(1 − v)), v ~ U(0, 1): reparameterizable (D24). A heavy-tailed ICA prior
 * (D37, see docs/derivations.md#d37). Shapes as for `Normal`.
 *
 * @example
 * ```ts
 * new ll.dist.Logistic(0, 1).logProb(ll.tf.scalar(0));   // −2 log 2
 * ```
 */
export class Logistic extends LocationScale {
  protected readonly standardEntropy = 2;
  protected readonly standardMoments = { mean: 0, variance: (Math.PI * Math.PI) / 3 };
  protected standardSample(rng: Rng, shape: number[]) {
    return rng.tensor(shape, (r) => { const v = r.nextUniform(); return Math.log(v) - Math.log1p(-v); });
  }
  // the density is symmetric; written in |u| so u = −∞ gives −∞ rather than ∞ − ∞ = NaN
  protected standardLogProb(u: tf.Tensor) { const a = tf.abs(u); return tf.sub(tf.neg(a), tf.mul(softplus(tf.neg(a)), 2)); }
}
