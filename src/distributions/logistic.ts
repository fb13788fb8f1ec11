// Logistic(loc, scale): log p(x) = −u − 2 log(1 + e^−u) − log s, u = (x−μ)/s; sampled as log(v/(1−v)).
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../random/rng';
import { softplus } from '../math/log-space';
import { LocationScale } from './location-scale';

export class Logistic extends LocationScale {
  protected readonly standardEntropy = 2;
  protected readonly standardMoments = { mean: 0, variance: (Math.PI * Math.PI) / 3 };
  protected standardSample(rng: Rng, shape: number[]) {
    return rng.tensor(shape, (r) => { const v = r.nextUniform(); return Math.log(v) - Math.log1p(-v); });
  }
  // the density is symmetric; written in |u| so u = −∞ gives −∞ rather than ∞ − ∞ = NaN
  protected standardLogProb(u: tf.Tensor) { const a = tf.abs(u); return tf.sub(tf.neg(a), tf.mul(softplus(tf.neg(a)), 2)); }
}
