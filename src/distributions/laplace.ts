// Laplace(loc, scale): log p(x) = −|x−μ|/b − log 2b. Sampled by inverse CDF, so reparameterizable (D24).
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../random/rng';
import { LocationScale } from './location-scale';

export class Laplace extends LocationScale {
  protected readonly standardEntropy = 1 + Math.LN2;
  protected readonly standardMoments = { mean: 0, variance: 2 };
  protected standardSample(rng: Rng, shape: number[]) {
    return rng.tensor(shape, (r) => { const u = r.nextUniform() - 0.5; return -Math.sign(u) * Math.log1p(-2 * Math.abs(u)); });
  }
  protected standardLogProb(u: tf.Tensor) { return tf.sub(tf.neg(tf.abs(u)), Math.LN2); }
}
