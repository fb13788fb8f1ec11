// Gumbel(loc, scale): log p(x) = −(u + e^−u) − log β, u = (x−μ)/β; sampled as −log(−log v) (D25).
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../random/rng';
import { LocationScale } from './location-scale';

const EULER_GAMMA = 0.5772156649015329;

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
