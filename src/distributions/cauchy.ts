// Cauchy(loc, scale): log p(x) = −log π − log γ − log(1 + ((x−x₀)/γ)²). No mean, no variance.
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../random/rng';
import { LocationScale } from './location-scale';

export class Cauchy extends LocationScale {
  protected readonly standardEntropy = Math.log(4 * Math.PI);
  protected readonly standardMoments = {};
  protected standardSample(rng: Rng, shape: number[]) {
    return rng.tensor(shape, (r) => Math.tan(Math.PI * (r.nextUniform() - 0.5)));
  }
  protected standardLogProb(u: tf.Tensor) { return tf.neg(tf.add(tf.log1p(tf.square(u)), Math.log(Math.PI))); }
}
