// Cauchy(loc, scale): log p(x) = −log π − log γ − log(1 + ((x−x₀)/γ)²). No mean, no variance.
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../random/rng';
import { LocationScale } from './location-scale';

/**
 * The Cauchy distribution with location x₀ = `loc` and scale γ = `scale`:
 *
 *     log p(x) = −log π − log γ − log(1 + ((x − x₀)/γ)²).
 *
 * Heavy-tailed: it has no mean and no variance (`mean()` and `variance()` throw). A reparameterizable
 * location-scale family (D24); a heavy-tailed prior that lets ICA identify the mixing matrix
 * (D37, see docs/derivations.md#d37). Shapes as for `Normal`.
 *
 * @example
 * ```ts
 * const p = new ll.dist.Cauchy(0, 1);
 * p.sample(ll.rng(0), 5);   // [5], a few of them far from 0
 * ```
 */
export class Cauchy extends LocationScale {
  protected readonly standardEntropy = Math.log(4 * Math.PI);
  protected readonly standardMoments = {};
  protected standardSample(rng: Rng, shape: number[]) {
    return rng.tensor(shape, (r) => Math.tan(Math.PI * (r.nextUniform() - 0.5)));
  }
  protected standardLogProb(u: tf.Tensor) { return tf.neg(tf.add(tf.log1p(tf.square(u)), Math.log(Math.PI))); }
}
