// Uniform(low, high): log p(x) = −log(high − low) on [low, high), −∞ outside. rsample = low + (high−low)·u.
import * as tf from '@tensorflow/tfjs-core';
import { distributionBundle } from '../display/rich-values';
import { stopGradient } from '../math/stop-gradient';
import { Rng } from '../random/rng';
import { Distribution, SupportKind, TensorLike, asTensor, broadcastShapes, checkValue, orDispose, requireAll, requireNonEmpty, sampleShape } from './distribution';

/**
 * The continuous uniform distribution on [low, high):
 *
 *     log p(x) = −log(high − low) for low ≤ x < high, −∞ outside;    H = log(high − low).
 *
 * `rsample` computes low + (high − low)·u, u ~ U(0, 1), so gradients reach both ends.
 *
 * Shapes: `low` and `high` broadcast to the batch shape B (the event is a scalar);
 * `sample(rng, n)` → [n, ...B]; `logProb(x)` → [...S, ...B].
 *
 * @example
 * ```ts
 * const p = new ll.dist.Uniform(0, 2);
 * p.logProb(ll.tf.tensor([1, 3]));   // [−log 2, −∞]
 * ```
 */
export class Uniform implements Distribution {
  readonly low: tf.Tensor;
  readonly high: tf.Tensor;
  readonly batchShape: number[];
  readonly eventShape: number[] = [];
  readonly support: SupportKind = 'continuous';
  private readonly validate: boolean;

  /**
   * The uniform distribution on [low, high) (broadcast together).
   *
   * @param low  the lower end, included
   * @param high  the upper end, excluded; high − low must be positive and finite
   * @param options  `validate`: check the parameters (default true)
   */
  constructor(low: TensorLike, high: TensorLike, options: { validate?: boolean } = {}) {
    this.low = asTensor(low, 'Uniform: low');
    this.high = orDispose([{ tensor: this.low, given: low }], () => asTensor(high, 'Uniform: high'));
    this.validate = options.validate ?? true;
    this.batchShape = orDispose([{ tensor: this.low, given: low }, { tensor: this.high, given: high }], () => {
      const shape = broadcastShapes(this.low.shape, this.high.shape, ['Uniform: low', 'high']);
      if (this.validate) {
        requireNonEmpty(this.low, 'Uniform: low');
        requireNonEmpty(this.high, 'Uniform: high');
        requireAll(this.low, (v) => !Number.isNaN(v), 'Uniform: low must not be NaN');
        const width = tf.sub(this.high, this.low);
        try {
          requireAll(width, (v) => v > 0 && Number.isFinite(v), 'Uniform: high − low must be positive and finite');
        } finally {
          width.dispose();
        }
      }
      return shape;
    });
  }

  /**
   * Reparameterized samples low + (high − low)·u, u ~ U(0, 1): [n, ...batch].
   */
  rsample(rng: Rng, n?: number): tf.Tensor {
    const shape = sampleShape(n, this.batchShape, 'Uniform.rsample', rng);
    return tf.tidy(() => tf.add(this.low, tf.mul(tf.sub(this.high, this.low), rng.uniform(shape))));
  }

  sample(rng: Rng, n?: number): tf.Tensor {
    sampleShape(n, [], 'Uniform.sample', rng);
    return tf.tidy(() => stopGradient(this.rsample(rng, n)));
  }

  logProb(x: tf.Tensor): tf.Tensor {
    checkValue(x, this, 'Uniform.logProb', this.validate);
    return tf.tidy(() => {
      const inside = tf.logicalAnd(tf.greaterEqual(x, this.low), tf.less(x, this.high));
      const lp = tf.add(tf.zerosLike(x), tf.neg(tf.log(tf.sub(this.high, this.low))));
      return tf.where(inside, lp, tf.fill(lp.shape, -Infinity));
    });
  }

  entropy(): tf.Tensor {
    return tf.tidy(() => tf.log(tf.sub(this.high, this.low)));
  }

  mean(): tf.Tensor {
    return tf.tidy(() => tf.div(tf.add(this.low, this.high), 2));
  }

  variance(): tf.Tensor {
    return tf.tidy(() => tf.div(tf.square(tf.sub(this.high, this.low)), 12));
  }

  /** Shows the class, shapes and parameters as a table in the kernel. */
  toMimeBundle() {
    return distributionBundle(this);
  }
}
