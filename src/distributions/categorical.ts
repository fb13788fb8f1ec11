// Categorical over {0, …, K−1} from logits (or probabilities) on the last axis:
// log p(k) = ℓ_k − logSumExp(ℓ). Sampled by Gumbel-max: argmax_k(ℓ_k + G_k) (D25).
import * as tf from '@tensorflow/tfjs-core';
import { distributionBundle } from '../display/rich-values';
import { Rng } from '../random/rng';
import { Distribution, TensorLike, broadcastShapes, normalizedLogProbs, sampleShape } from './distribution';
import { registerKL } from './kl';

export class Categorical implements Distribution {
  /** Normalized log-probabilities, shape [...batch, K]. */
  readonly logProbs: tf.Tensor;
  readonly batchShape: number[];
  readonly eventShape: number[] = [];
  readonly numCategories: number;

  constructor(params: { logits: TensorLike; probs?: undefined } | { probs: TensorLike; logits?: undefined }, options: { validate?: boolean } = {}) {
    this.logProbs = normalizedLogProbs(params.probs, params.logits, 'Categorical', 'probs', options.validate ?? true);
    this.numCategories = this.logProbs.shape[this.logProbs.rank - 1];
    this.batchShape = this.logProbs.shape.slice(0, -1);
  }

  probs(): tf.Tensor {
    return tf.exp(this.logProbs);
  }

  /** Integer-valued float32 samples [n, ...batch] by Gumbel-max. */
  sample(rng: Rng, n?: number): tf.Tensor {
    const shape = sampleShape(n, [...this.batchShape, this.numCategories]);
    return tf.tidy(() => tf.cast(tf.argMax(tf.add(this.logProbs, rng.gumbel(shape)), -1), 'float32'));
  }

  rsample(): tf.Tensor {
    throw new Error('Categorical.rsample: a discrete distribution has no reparameterized samples; use gumbelSoftmax for a relaxation');
  }

  /** log p(x) for category indices x of shape [...sample, ...batch]. */
  logProb(x: tf.Tensor): tf.Tensor {
    broadcastShapes(x.shape, this.batchShape, ['Categorical.logProb: x', 'the batch shape']);
    return tf.tidy(() => {
      const oneHot = tf.oneHot(tf.cast(x, 'int32'), this.numCategories);
      const lp = tf.broadcastTo(this.logProbs, oneHot.shape);
      // select rather than multiply: 0·(−∞) would be NaN where a category has zero probability
      return tf.sum(tf.where(tf.cast(oneHot, 'bool'), lp, tf.zerosLike(lp)), -1);
    });
  }

  /** H = −Σ_k p_k log p_k (0·log 0 = 0). */
  entropy(): tf.Tensor {
    return tf.tidy(() => {
      const t = tf.mul(tf.exp(this.logProbs), this.logProbs);
      return tf.neg(tf.sum(tf.where(tf.isNaN(t), tf.zerosLike(t), t), -1));
    });
  }

  /** E[k] = Σ_k k p_k. */
  mean(): tf.Tensor {
    return tf.tidy(() => tf.sum(tf.mul(this.probs(), tf.range(0, this.numCategories)), -1));
  }

  variance(): tf.Tensor {
    return tf.tidy(() => {
      const k = tf.range(0, this.numCategories);
      const m = this.mean();
      return tf.sub(tf.sum(tf.mul(this.probs(), tf.square(k)), -1), tf.square(m));
    });
  }

  /** Shows the class, shapes and parameters as a table in the kernel. */
  toMimeBundle() {
    return distributionBundle(this);
  }
}

/** KL(q‖p) = Σ_k q_k (log q_k − log p_k), with 0·log 0 = 0. */
export function klCategoricalCategorical(q: Categorical, p: Categorical): tf.Tensor {
  if (q.numCategories !== p.numCategories) {
    throw new Error(`kl(Categorical‖Categorical): ${q.numCategories} and ${p.numCategories} categories differ`);
  }
  return tf.tidy(() => {
    const t = tf.mul(tf.exp(q.logProbs), tf.sub(q.logProbs, p.logProbs));
    return tf.sum(tf.where(tf.isNaN(t), tf.zerosLike(t), t), -1);
  });
}
registerKL(Categorical, Categorical, klCategoricalCategorical);
