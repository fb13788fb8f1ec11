// Normal(loc, scale): log p(x) = −½((x−μ)/σ)² − log σ − ½ log 2π. With eventDims = 1 this is the
// diagonal Gaussian N(μ, diag σ²) of the VAE's encoder.
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../random/rng';
import { sumLast } from './distribution';
import { checkKLShapes, registerKL } from './kl';
import { LocationScale } from './location-scale';
import { checkKind, instance } from '../validation/contract';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * The normal (Gaussian) distribution N(μ, σ²), with μ = `loc` and σ = `scale`:
 *
 *     log N(x; μ, σ²) = −½ ((x − μ)/σ)² − log σ − ½ log 2π,    H = ½ log(2πe σ²).
 *
 * Reparameterized as x = μ + σ·ε, ε ~ N(0, 1) (D24, see docs/derivations.md#d24). With
 * `eventDims: 1` it is the diagonal Gaussian N(μ, diag σ²) of a VAE's encoder q(z|x), and
 * `ll.kl(q, p)` against another Normal is the closed form of D17 (docs/derivations.md#d17).
 *
 * Shapes: `loc` and `scale` broadcast to [...B, ...E] (E = the last `eventDims` axes);
 * `sample(rng, n)` → [n, ...B, ...E]; `logProb(x)` → [...S, ...B].
 *
 * @example
 * ```ts
 * const q = new ll.Normal([0, 1], [1, 0.5], { eventDims: 1 }); // N(μ, diag σ²) on R²
 * const z = q.sample(ll.rng(0), 1000);                          // [1000, 2]
 * q.logProb(z);                                                 // [1000]
 * ll.kl(q, new ll.Normal([0, 0], [1, 1], { eventDims: 1 }));    // ½(‖μ‖² + Σσ² − 2) − Σ log σ
 * ```
 */
export class Normal extends LocationScale {
  protected readonly standardEntropy = 0.5 * Math.log(2 * Math.PI * Math.E);
  protected readonly standardMoments = { mean: 0, variance: 1 };
  protected standardSample(rng: Rng, shape: number[]) { return rng.normal(shape); }
  protected standardLogProb(u: tf.Tensor) { return tf.sub(tf.mul(tf.square(u), -0.5), HALF_LOG_2PI); }
}

/**
 * KL(N(μq,σq²)‖N(μp,σp²)) = log(σp/σq) + (σq² + (μq−μp)²)/(2σp²) − ½, summed over event axes (D17).
 * Against N(0,1): ½(μ² + σ² − 1) − log σ.
 */
export function klNormalNormal(q: Normal, p: Normal): tf.Tensor {
  checkKind(instance(Normal), q, 'q', 'klNormalNormal');
  checkKind(instance(Normal), p, 'p', 'klNormalNormal');
  checkKLShapes(q, p, 'kl(Normal‖Normal)');
  return tf.tidy(() => {
    const ratio = tf.div(tf.square(q.scale), tf.square(p.scale));
    const diff = tf.div(tf.square(tf.sub(q.loc, p.loc)), tf.square(p.scale));
    const elem = tf.mul(tf.sub(tf.add(ratio, diff), tf.add(1, tf.log(ratio))), 0.5);
    return sumLast(elem, q.eventShape.length);
  });
}
registerKL(Normal, Normal, klNormalNormal);
