// Laplace(loc, scale): log p(x) = −|x−μ|/b − log 2b. Sampled by inverse CDF, so reparameterizable (D24).
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../random/rng';
import { LocationScale } from './location-scale';

/**
 * The Laplace (double exponential) distribution with location μ = `loc` and scale b = `scale`:
 *
 *     log p(x) = −|x − μ|/b − log 2b,    E[x] = μ,    Var[x] = 2b².
 *
 * Sampled by the inverse CDF, so reparameterizable like any location-scale family
 * (D24, see docs/derivations.md#d24). Shapes as for `Normal`.
 *
 * @example
 * ```ts
 * const p = new ll.dist.Laplace(0, 1);
 * p.logProb(ll.tf.tensor([0, 1]));   // [−log 2, −1 − log 2]
 * ```
 */
export class Laplace extends LocationScale {
  protected readonly standardEntropy = 1 + Math.LN2;
  protected readonly standardMoments = { mean: 0, variance: 2 };
  protected standardSample(rng: Rng, shape: number[]) {
    return rng.tensor(shape, (r) => { const u = r.nextUniform() - 0.5; return -Math.sign(u) * Math.log1p(-2 * Math.abs(u)); });
  }
  protected standardLogProb(u: tf.Tensor) { return tf.sub(tf.neg(tf.abs(u)), Math.LN2); }
}
