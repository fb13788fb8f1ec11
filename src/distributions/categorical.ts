// Categorical over {0, …, K−1} from logits (or probabilities) on the last axis:
// log p(k) = ℓ_k − logSumExp(ℓ). Sampled by Gumbel-max: argmax_k(ℓ_k + G_k) (D25).
import { bool, checkKind, contract, instance, optional, options as optionsKind, tensor, tensorLike } from '../validation/contract';

const INDICES = { ...tensor(), expected: 'a live tensor of category indices' };
const CATEGORICAL = contract('Categorical', { params: optionsKind({ logits: tensorLike(), probs: tensorLike() }), options: optional(optionsKind({ validate: bool() })) });
import * as tf from '@tensorflow/tfjs-core';
import { distributionBundle } from '../display/rich-values';
import { Rng } from '../random/rng';
import { Distribution, SupportKind, TensorLike, broadcastMask, broadcastShapes, normalizedLogProbs, requireAll, sampleShape } from './distribution';
import { checkKLShapes, registerKL } from './kl';

/**
 * The categorical distribution on {0, …, K − 1}, from probabilities π or logits ℓ:
 *
 *     log p(x = k) = log π_k = ℓ_k − logSumExp(ℓ).
 *
 * Sampled by Gumbel-max, argmax_k(log π_k + G_k) (D25, see docs/derivations.md#d25); it is the
 * distribution of a mixture's component z (D02). Discrete: `rsample` throws; `ll.infer.gumbelSoftmax` is
 * the continuous relaxation.
 *
 * Shapes: probs or logits [...B, K] (the last axis holds the categories); `sample(rng, n)` → [n, ...B]
 * of integer-valued floats; `logProb(x)`: [...S, ...B] → [...S, ...B].
 *
 * @example
 * ```ts
 * const c = new ll.dist.Categorical({ probs: [0.2, 0.3, 0.5] });
 * c.sample(ll.rng(0), 10);            // [10], values in {0, 1, 2}
 * c.logProb(ll.tf.tensor([2]));       // [log 0.5]
 * ```
 */
export class Categorical implements Distribution {
  /** Normalized log-probabilities, shape [...batch, K]. */
  readonly logProbs: tf.Tensor;
  readonly batchShape: number[];
  readonly eventShape: number[] = [];
  readonly numCategories: number;
  readonly support: SupportKind = 'discrete';
  private readonly validate: boolean;

  /**
   * A categorical distribution from its probabilities or logits (normalized over the last axis).
   *
   * @param params  exactly one of `probs` (non-negative, summing to 1 on the last axis) and `logits`
   * @param options  `validate`: check the values (default true)
   */
  constructor(params: { logits: TensorLike; probs?: undefined } | { probs: TensorLike; logits?: undefined }, options: { validate?: boolean } = {}) {
    CATEGORICAL.check(arguments);
    this.validate = options.validate ?? true;
    this.logProbs = normalizedLogProbs(params.probs, params.logits, 'Categorical', 'probs', this.validate);
    this.numCategories = this.logProbs.shape[this.logProbs.rank - 1];
    this.batchShape = this.logProbs.shape.slice(0, -1);
  }

  /**
   * π = exp(log π), [...batch, K].
   */
  probs(): tf.Tensor {
    return tf.exp(this.logProbs);
  }

  /** Integer-valued float32 samples [n, ...batch] by Gumbel-max. */
  sample(rng: Rng, n?: number): tf.Tensor {
    const shape = sampleShape(n, [...this.batchShape, this.numCategories], 'Categorical.sample', rng);
    return tf.tidy(() => tf.cast(tf.argMax(tf.add(this.logProbs, rng.gumbel(shape)), -1), 'float32'));
  }

  rsample(): tf.Tensor {
    throw new Error('Categorical.rsample: a discrete distribution has no reparameterized samples; use gumbelSoftmax for a relaxation');
  }

  /**
   * log p(x) for category indices x of shape [...sample, ...batch]. A value that is not a category (negative,
   * ≥ K, not an integer, ±∞) is outside the support: −∞, not an error. NaN is an error (with validate, the default).
   */
  logProb(x: tf.Tensor): tf.Tensor {
    checkKind(INDICES, x, 'x', 'Categorical.logProb');
    broadcastShapes(x.shape, this.batchShape, ['Categorical.logProb: x', 'the batch shape']);
    if (this.validate) requireAll(x, (v) => !Number.isNaN(v), 'Categorical.logProb: x must not contain NaN');
    return tf.tidy(() => {
      const K = this.numCategories;
      const inside = tf.logicalAnd(tf.logicalAnd(tf.greaterEqual(x, 0), tf.less(x, K)), tf.equal(tf.floor(x), x));
      // out-of-support values look up category 0 and are replaced by −∞ below
      const oneHot = tf.oneHot(tf.cast(tf.where(inside, x, tf.zerosLike(x)), 'int32'), K);
      const lp = tf.broadcastTo(this.logProbs, broadcastShapes(oneHot.shape, this.logProbs.shape, ['x', 'logProbs']));
      // select rather than multiply: 0·(−∞) would be NaN where a category has zero probability
      const picked = tf.sum(tf.where(broadcastMask(tf.cast(oneHot, 'bool'), lp.shape), lp, tf.zerosLike(lp)), -1);
      return tf.where(broadcastMask(inside, picked.shape), picked, tf.fill(picked.shape, -Infinity));
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

  /**
   * Var[k] = Σ_k k² π_k − (Σ_k k π_k)², [...batch].
   */
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

const KL_CATEGORICAL = contract('klCategoricalCategorical', { q: instance(Categorical), p: instance(Categorical) });

/** KL(q‖p) = Σ_k q_k (log q_k − log p_k), with 0·log 0 = 0. */
export function klCategoricalCategorical(q: Categorical, p: Categorical): tf.Tensor {
  KL_CATEGORICAL.check(arguments);
  if (q.numCategories !== p.numCategories) {
    throw new Error(`kl(Categorical‖Categorical): ${q.numCategories} and ${p.numCategories} categories differ`);
  }
  checkKLShapes(q, p, 'kl(Categorical‖Categorical)');
  return tf.tidy(() => {
    const t = tf.mul(tf.exp(q.logProbs), tf.sub(q.logProbs, p.logProbs));
    return tf.sum(tf.where(tf.isNaN(t), tf.zerosLike(t), t), -1);
  });
}
registerKL(Categorical, Categorical, klCategoricalCategorical);
