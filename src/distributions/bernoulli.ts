// Bernoulli from logits ℓ (or probabilities p = σ(ℓ)): log p(x) = x·ℓ − softplus(ℓ), stable for |ℓ| up to 1e4.
import { bool, contract, instance, optional, options as optionsKind, tensorLike } from '../validation/contract';

const BERNOULLI = contract('Bernoulli', { params: optionsKind({ logits: tensorLike(), probs: tensorLike() }), options: optional(optionsKind({ validate: bool() })) });
import * as tf from '@tensorflow/tfjs-core';
import { distributionBundle } from '../display/rich-values';
import { Rng } from '../random/rng';
import { logSigmoid, softplus } from '../math/log-space';
import { Distribution, SupportKind, TensorLike, asTensor, broadcastMask, checkValue, orDispose, requireAll, requireNonEmpty, sampleShape } from './distribution';
import { checkKLShapes, registerKL } from './kl';

/**
 * The Bernoulli distribution on {0, 1}, parameterized by logits ℓ (or probabilities p = σ(ℓ)):
 *
 *     log p(x) = x·log σ(ℓ) + (1 − x)·log σ(−ℓ) = x·ℓ − softplus(ℓ).
 *
 * Written in log space, so it stays finite for |ℓ| up to 1e4 and gives 0 or −∞ (never NaN) at p = 0, 1.
 * It is the decoder likelihood p(x|z) of the lectures' VAE on binarized MNIST (D29, see
 * docs/derivations.md#d29). Discrete: `rsample` throws; use a score-function estimator (D23) or a relaxation.
 *
 * Shapes: the logits (or probs) give the batch shape B; the event is a scalar. `sample(rng, n)` → [n, ...B]
 * of 0/1 floats; `logProb(x)`: [...S, ...B] → [...S, ...B].
 *
 * @example
 * ```ts
 * const p = new ll.dist.Bernoulli({ probs: [0.1, 0.9] });
 * p.sample(ll.rng(0), 4);            // [4, 2] of 0s and 1s
 * p.logProb(ll.tf.tensor([1, 1]));   // [log 0.1, log 0.9]
 * ```
 */
export class Bernoulli implements Distribution {
  /** log-odds ℓ = log p − log(1 − p), shape [...batch]. */
  readonly logits: tf.Tensor;
  readonly batchShape: number[];
  readonly eventShape: number[] = [];
  readonly support: SupportKind = 'discrete';
  private readonly validate: boolean;

  /** Exactly one of logits and probs. */
  constructor(params: { logits: TensorLike; probs?: undefined } | { probs: TensorLike; logits?: undefined }, options: { validate?: boolean } = {}) {
    BERNOULLI.check(arguments);
    if ((params.logits === undefined) === (params.probs === undefined)) {
      throw new Error('Bernoulli: give exactly one of logits and probs');
    }
    this.validate = options.validate ?? true;
    if (params.probs !== undefined) {
      const p = asTensor(params.probs, 'Bernoulli: probs');
      // only the logits are kept: p is freed unless it is the caller's own tensor
      try {
        requireNonEmpty(p, 'Bernoulli: probs');
        if (options.validate ?? true) requireAll(p, (v) => v >= 0 && v <= 1, 'Bernoulli: probs must be in [0, 1]');
        this.logits = tf.tidy(() => tf.sub(tf.log(p), tf.log1p(tf.neg(p))));
      } finally {
        if (p !== params.probs) p.dispose();
      }
    } else {
      const given = params.logits!;
      this.logits = asTensor(given, 'Bernoulli: logits');
      orDispose([{ tensor: this.logits, given }], () => {
        requireNonEmpty(this.logits, 'Bernoulli: logits');
        if (options.validate ?? true) requireAll(this.logits, (v) => !Number.isNaN(v), 'Bernoulli: logits must not be NaN');
      });
    }
    this.batchShape = this.logits.shape;
  }

  /**
   * p = σ(ℓ), [...batch].
   */
  probs(): tf.Tensor {
    return tf.sigmoid(this.logits);
  }

  /**
   * 0/1 samples (float32), [n, ...batch]: 1 where a uniform draw falls below p.
   */
  sample(rng: Rng, n?: number): tf.Tensor {
    const shape = sampleShape(n, this.batchShape, 'Bernoulli.sample', rng);
    return tf.tidy(() => tf.cast(tf.less(rng.uniform(shape), tf.sigmoid(this.logits)), 'float32'));
  }

  rsample(): tf.Tensor {
    throw new Error('Bernoulli.rsample: a discrete distribution has no reparameterized samples; use sample with a score-function estimator, or a relaxation');
  }

  /**
   * x·log σ(ℓ) + (1 − x)·log σ(−ℓ) (= x·ℓ − softplus(ℓ)); x in {0, 1} or [0, 1], shape [...sample, ...batch].
   * A term whose coefficient is 0 is exactly 0, so probs of 0 or 1 give 0 or −∞, never NaN.
   * A value outside [0, 1] (e.g. 2, or ±∞) is outside the support: its log-probability is −∞, not an error,
   * as for every other distribution's out-of-support values. NaN is an error (with validate, the default).
   */
  logProb(x: tf.Tensor): tf.Tensor {
    checkValue(x, this, 'Bernoulli.logProb', this.validate);
    return tf.tidy(() => {
      const inside = tf.logicalAnd(tf.greaterEqual(x, 0), tf.lessEqual(x, 1));
      const xs = tf.where(inside, x, tf.zerosLike(x));
      const term = (c: tf.Tensor, l: tf.Tensor) => tf.where(tf.equal(c, 0), tf.zerosLike(tf.add(c, l)), tf.mul(c, logSigmoid(l)));
      const lp = tf.add(term(xs, this.logits), term(tf.sub(1, xs), tf.neg(this.logits)));
      return tf.where(broadcastMask(inside, lp.shape), lp, tf.fill(lp.shape, -Infinity));
    });
  }

  /** H = −[σ(ℓ) log σ(ℓ) + σ(−ℓ) log σ(−ℓ)], with 0·log 0 = 0 (so H = 0 at probs 0 and 1). */
  entropy(): tf.Tensor {
    return tf.tidy(() => {
      const term = (l: tf.Tensor) => { const t = tf.mul(tf.sigmoid(l), logSigmoid(l)); return tf.where(tf.isNaN(t), tf.zerosLike(t), t); };
      return tf.neg(tf.add(term(this.logits), term(tf.neg(this.logits))));
    });
  }

  /**
   * E[x] = p = σ(ℓ), [...batch].
   */
  mean(): tf.Tensor {
    return this.probs();
  }

  /**
   * Var[x] = p(1 − p), [...batch].
   */
  variance(): tf.Tensor {
    return tf.tidy(() => { const p = tf.sigmoid(this.logits); return tf.mul(p, tf.sub(1, p)); });
  }

  /** Shows the class, shapes and parameters as a table in the kernel. */
  toMimeBundle() {
    return distributionBundle(this);
  }
}

const KL_BERNOULLI = contract('klBernoulliBernoulli', { q: instance(Bernoulli), p: instance(Bernoulli) });

/**
 * KL(Bern(a) ‖ Bern(b)) = σ(a)(log σ(a) − log σ(b)) + σ(−a)(log σ(−a) − log σ(−b)), for logits a and b,
 * in log space (D16, see docs/derivations.md#d16). Shapes: the two batch shapes must agree; returns [...batch].
 *
 * @example
 * ```ts
 * ll.dist.klBernoulliBernoulli(new ll.dist.Bernoulli({ probs: 0.5 }), new ll.dist.Bernoulli({ probs: 0.9 }));   // ≈ 0.511
 * ```
 */
export function klBernoulliBernoulli(q: Bernoulli, p: Bernoulli): tf.Tensor {
  KL_BERNOULLI.check(arguments);
  checkKLShapes(q, p, 'kl(Bernoulli‖Bernoulli)');
  return tf.tidy(() => {
    const a = q.logits;
    const b = p.logits;
    const t1 = tf.mul(tf.sigmoid(a), tf.sub(logSigmoid(a), logSigmoid(b)));
    const t0 = tf.mul(tf.sigmoid(tf.neg(a)), tf.sub(logSigmoid(tf.neg(a)), logSigmoid(tf.neg(b))));
    // 0·(−∞) where q puts no mass: that term is 0.
    const clean = (t: tf.Tensor) => tf.where(tf.isNaN(t), tf.zerosLike(t), t);
    return tf.add(clean(t1), clean(t0));
  });
}
registerKL(Bernoulli, Bernoulli, klBernoulliBernoulli);
