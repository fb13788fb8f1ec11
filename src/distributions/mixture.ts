// Mixture of Gaussians with diagonal components (D02):
// p(x) = Σ_k π_k N(x; μ_k, diag σ_k²);  P(z=k | x) = π_k N(x; μ_k, σ_k²) / p(x), all in log space.
// means and scales have shape [K, ...event] (event [] for a 1-D mixture); weights are [K].
import { bool, checkKind, contract, optional, options as optionsKind, tensor, tensorLike, where } from '../validation/contract';

const MIXTURE = contract('MixtureOfGaussians', { params: optionsKind({ weights: tensorLike(), logits: tensorLike(), means: tensorLike(), scales: tensorLike() }, { required: ['means', 'scales'] }), options: optional(optionsKind({ validate: bool() })) });
import * as tf from '@tensorflow/tfjs-core';
import { distributionBundle } from '../display/rich-values';
import { Rng } from '../random/rng';
import { logSumExp } from '../math/log-space';
import { Distribution, SupportKind, TensorLike, asTensor, broadcastShapes, checkValue, normalizedLogProbs, orDispose, requireAll, sampleShape, sumLast } from './distribution';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * A mixture of Gaussians with diagonal components (D02, see docs/derivations.md#d02):
 *
 *     p(x) = Σ_k π_k N(x; μ_k, diag σ_k²),    P(z = k | x) = π_k N(x; μ_k, diag σ_k²) / p(x),
 *
 * both in log space (a log-sum-exp over k). `sampleWithComponents` draws the pairs (z, x) ancestrally,
 * z ~ Categorical(π) then x ~ N(μ_z, σ_z²) (D01).
 *
 * Shapes: `means` and `scales` [K, ...E] (E = [] for a 1-D mixture), weights or logits [K];
 * `sample(rng, n)` → [n, ...E]; `logProb(x)`: [...S, ...E] → [...S]; `posterior(x)` → [...S, K].
 *
 * @example
 * ```ts
 * const m = new ll.dist.MixtureOfGaussians({ weights: [0.3, 0.7], means: [-2, 2], scales: [0.5, 1] });
 * const { x, z } = m.sampleWithComponents(ll.rng(0), 1000);   // x [1000], z [1000]
 * m.posterior(x);                                             // [1000, 2], rows sum to 1
 * ```
 */
export class MixtureOfGaussians implements Distribution {
  readonly logWeights: tf.Tensor;
  readonly means: tf.Tensor;
  readonly scales: tf.Tensor;
  readonly batchShape: number[] = [];
  readonly eventShape: number[];
  readonly support: SupportKind = 'continuous';
  readonly numComponents: number;
  private readonly validate: boolean;

  /** Give exactly one of weights (probabilities, summing to 1) and logits. */
  constructor(params: { weights?: TensorLike; logits?: TensorLike; means: TensorLike; scales: TensorLike }, options: { validate?: boolean } = {}) {
    MIXTURE.check(arguments);
    this.means = asTensor(params.means, 'MixtureOfGaussians: means');
    const validate = options.validate ?? true;
    this.validate = validate;
    this.scales = orDispose([{ tensor: this.means, given: params.means }], () => asTensor(params.scales, 'MixtureOfGaussians: scales'));
    const made = [{ tensor: this.means, given: params.means }, { tensor: this.scales, given: params.scales }];
    this.numComponents = this.means.shape[0];
    this.eventShape = this.means.shape.slice(1);
    this.logWeights = orDispose(made, () => {
      checkKind(where(tensor(), 'have shape [K, ...event]', (t: tf.Tensor) => t.rank >= 1 || `got [${t.shape}]`), this.means, 'means', 'MixtureOfGaussians');
      const shape = broadcastShapes(this.means.shape, this.scales.shape, ['MixtureOfGaussians: means', 'scales']);
      checkKind(where(tensor(), `broadcast to means [${this.means.shape}]`, () => shape.join() === this.means.shape.join() || `got [${this.scales.shape}]`), this.scales, 'scales', 'MixtureOfGaussians');
      if (validate) {
        requireAll(this.scales, (v) => v > 0 && Number.isFinite(v), 'MixtureOfGaussians: scales must be positive and finite');
        requireAll(this.means, Number.isFinite, 'MixtureOfGaussians: means must be finite');
      }
      const logits = normalizedLogProbs(params.weights, params.logits, 'MixtureOfGaussians', 'weights', validate);
      try {
        // one weight per component of means
        checkKind(tensor({ shape: [this.numComponents] }), logits, params.weights !== undefined ? 'weights' : 'logits', 'MixtureOfGaussians');
      } catch (e) {
        logits.dispose();
        throw e;
      }
      return logits;
    });
  }

  /** log π_k + log N(x; μ_k, σ_k²) for every component: [...sample, K]. */
  componentLogJoint(x: tf.Tensor, fn = 'MixtureOfGaussians.componentLogJoint'): tf.Tensor {
    checkValue(x, this, fn, this.validate);
    const ev = this.eventShape.length;
    return tf.tidy(() => {
      const xk = tf.expandDims(x, x.rank - ev);
      const u = tf.div(tf.sub(xk, this.means), this.scales);
      const comp = sumLast(tf.sub(tf.mul(tf.square(u), -0.5), tf.add(tf.log(this.scales), HALF_LOG_2PI)), ev);
      return tf.add(comp, this.logWeights);
    });
  }

  /** log p(x) = logSumExp_k(log π_k + log N(x; μ_k, σ_k²)). */
  logProb(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => logSumExp(this.componentLogJoint(x, 'MixtureOfGaussians.logProb'), -1));
  }

  /** Responsibilities P(z=k | x): [...sample, K], rows sum to 1. */
  posterior(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const joint = this.componentLogJoint(x, 'MixtureOfGaussians.posterior');
      return tf.exp(tf.sub(joint, tf.expandDims(logSumExp(joint, -1), -1)));
    });
  }

  /** Ancestral sampling: z ~ Categorical(π), then x ~ N(μ_z, σ_z²). Returns x; see sampleWithComponents for z. */
  sample(rng: Rng, n?: number): tf.Tensor {
    sampleShape(n, [], 'MixtureOfGaussians.sample', rng);
    const { x, z } = this.sampleWithComponents(rng, n ?? 1);
    z.dispose();
    if (n === undefined) { const squeezed = tf.squeeze(x, [0]); x.dispose(); return squeezed; }
    return x;
  }

  /** Pairs (z, x) from z ~ p(z), x ~ p(x | z) (D01): z [n], x [n, ...event]. */
  sampleWithComponents(rng: Rng, n: number): { x: tf.Tensor; z: tf.Tensor } {
    sampleShape(n, [], 'MixtureOfGaussians.sampleWithComponents', rng);
    const logW = this.logWeights.dataSync();
    const z = Array.from({ length: n }, () => {
      let best = -Infinity, arg = 0;
      for (let k = 0; k < logW.length; k++) {
        const g = logW[k] - Math.log(-Math.log(rng.nextUniform()));
        if (g > best) { best = g; arg = k; }
      }
      return arg;
    });
    return tf.tidy(() => {
      const eps = rng.normal([n, ...this.eventShape]);
      const idx = tf.tensor1d(z, 'int32');
      const x = tf.add(tf.gather(this.means, idx), tf.mul(tf.gather(tf.broadcastTo(this.scales, this.means.shape), idx), eps));
      return { x, z: tf.cast(idx, 'float32') };
    });
  }

  rsample(): tf.Tensor {
    throw new Error('MixtureOfGaussians.rsample: the component choice is discrete, so samples are not reparameterizable');
  }

  entropy(): tf.Tensor {
    throw new Error('MixtureOfGaussians.entropy: no closed form; estimate −E[log p(x)] by Monte Carlo');
  }

  /**
   * E[x] = Σ_k π_k μ_k, [...event].
   */
  mean(): tf.Tensor {
    return tf.tidy(() => tf.sum(tf.mul(this.weightsFor(), this.means), 0));
  }

  /** Σ_k π_k(σ_k² + μ_k²) − (Σ_k π_k μ_k)². */
  variance(): tf.Tensor {
    return tf.tidy(() => {
      const second = tf.sum(tf.mul(this.weightsFor(), tf.add(tf.square(this.scales), tf.square(this.means))), 0);
      return tf.sub(second, tf.square(this.mean()));
    });
  }

  /** π reshaped to [K, 1, …] to broadcast against means. */
  private weightsFor(): tf.Tensor {
    return tf.reshape(tf.exp(this.logWeights), [this.numComponents, ...this.eventShape.map(() => 1)]);
  }

  /** Shows the class, shapes and parameters as a table in the kernel. */
  toMimeBundle() {
    return distributionBundle(this);
  }
}
