// Gumbel(loc, scale): log p(x) = −(u + e^−u) − log β, u = (x−μ)/β; sampled as −log(−log v) (D25).
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../random/rng';
import { LocationScale } from './location-scale';

const EULER_GAMMA = 0.5772156649015329;

/**
 * The Gumbel distribution with location μ = `loc` and scale β = `scale`:
 *
 *     log p(x) = −(u + e^(−u)) − log β,  u = (x − μ)/β;    E[x] = μ + γβ (γ ≈ 0.5772),  Var[x] = π²β²/6.
 *
 * Sampled as μ − β log(−log v), v ~ U(0, 1). Adding Gumbel noise to log-probabilities and taking the
 * argmax draws from a categorical distribution (Gumbel-max, D25, see docs/derivations.md#d25).
 * Shapes as for `Normal`.
 *
 * @example
 * ```ts
 * new ll.dist.Gumbel(0, 1).sample(ll.rng(0), 3);   // [3]
 * ```
 */
export class Gumbel extends LocationScale {
  protected readonly standardEntropy = EULER_GAMMA + 1;
  protected readonly standardMoments = { mean: EULER_GAMMA, variance: (Math.PI * Math.PI) / 6 };
  protected standardSample(rng: Rng, shape: number[]) { return rng.gumbel(shape); }
  // at u = −∞ the sum is −∞ + ∞ = NaN; the density's limit there is 0, so log p = −∞
  protected standardLogProb(u: tf.Tensor) {
    const lp = tf.neg(tf.add(u, tf.exp(tf.neg(u))));
    return tf.where(tf.equal(u, -Infinity), tf.fill(u.shape, -Infinity), lp);
  }
}
