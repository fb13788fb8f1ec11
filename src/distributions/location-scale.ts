// Location-scale families x = loc + scale·u, u from a fixed standard density f (D24: each is
// reparameterizable). log p(x) = log f((x − loc)/scale) − log scale; H = H[f] + log scale.
// With eventDims = k the last k batch axes form the event (a diagonal, factorized distribution).
import { bool, checkKind, contract, num, optional, options as optionsKind, tensorLike, where } from '../validation/contract';

// every location-scale family's constructor (Normal, Laplace, …; messages name the subclass)
const LOCATION_SCALE = contract('LocationScale', { loc: tensorLike(), scale: tensorLike(), options: optional(optionsKind({ eventDims: num({ integer: true, min: 0 }), validate: bool() })) });
import * as tf from '@tensorflow/tfjs-core';
import { distributionBundle } from '../display/rich-values';
import { stopGradient } from '../math/stop-gradient';
import { Rng } from '../random/rng';
import { Distribution, SupportKind, TensorLike, asTensor, broadcastShapes, checkValue, orDispose, requireAll, requireNonEmpty, sampleShape, sumLast } from './distribution';

export interface LocationScaleOptions {
  /** Number of trailing axes that form one event (default 0: scalar events). */
  eventDims?: number;
  /** Check the parameters' values (default true; the library's hot paths pass false). */
  validate?: boolean;
}

/**
 * A location-scale family: x = μ + σ·u with u drawn from a fixed standard density f, so
 *
 *     log p(x) = log f((x − μ)/σ) − log σ,    H[p] = H[f] + log σ.
 *
 * Every such family is reparameterizable (D24, see docs/derivations.md#d24): `rsample` computes
 * μ + σ·u and gradients reach μ = `loc` and σ = `scale`. Normal, Laplace, Cauchy, StudentT, Logistic
 * and Gumbel are the families of the course.
 *
 * Shapes: `loc` and `scale` broadcast to one shape; the last `eventDims` axes of it form the event
 * (a factorized, diagonal distribution), the rest the batch shape.
 *
 * @example
 * ```ts
 * const p = new ll.dist.Laplace(1, 2);          // any location-scale family
 * const x = p.rsample(ll.rng(0), 3);            // 1 + 2·u, u ~ Laplace(0, 1): gradients reach loc and scale
 * p.logProb(x);                                 // log f((x − 1)/2) − log 2
 * ```
 */
export abstract class LocationScale implements Distribution {
  readonly loc: tf.Tensor;
  readonly scale: tf.Tensor;
  readonly batchShape: number[];
  readonly eventShape: number[];
  readonly support: SupportKind = 'continuous';
  protected readonly eventDims: number;
  /** Whether parameters were checked; then logProb also rejects NaN values (a sync; hot paths pass validate: false). */
  protected readonly validate: boolean;

  /**
   * The family member with location μ and scale σ (broadcast together).
   *
   * @param loc  μ, a number, array or tensor (broadcast against `scale`)
   * @param scale  σ > 0, checked unless `validate: false`
   * @param options  `eventDims`: how many trailing axes form one event (default 0);
   *   `validate`: check the parameters (default true)
   */
  constructor(loc: TensorLike, scale: TensorLike, options: LocationScaleOptions = {}) {
    const name = this.constructor.name;
    LOCATION_SCALE.check(arguments, name);
    this.loc = asTensor(loc, `${name}: loc`);
    this.scale = orDispose([{ tensor: this.loc, given: loc }], () => asTensor(scale, `${name}: scale`));
    this.validate = options.validate ?? true;
    const shape = orDispose([{ tensor: this.loc, given: loc }, { tensor: this.scale, given: scale }], () => {
      const s = broadcastShapes(this.loc.shape, this.scale.shape, [`${name}: loc`, 'scale']);
      const k = options.eventDims ?? 0;
      // the event is the trailing k axes of the broadcast shape of loc and scale
      checkKind(where(num({ integer: true, min: 0 }), `be an integer in [0, ${s.length}] (the rank of loc and scale broadcast)`, (v: number) => v <= s.length), k, 'eventDims', name);
      if (this.validate) {
        requireNonEmpty(this.loc, `${name}: loc`);
        requireNonEmpty(this.scale, `${name}: scale`);
        requireAll(this.scale, (v) => v > 0 && Number.isFinite(v), `${name}: scale must be positive and finite`);
        requireAll(this.loc, Number.isFinite, `${name}: loc must be finite`);
      }
      return s;
    });
    const k = options.eventDims ?? 0;
    this.eventDims = k;
    this.batchShape = shape.slice(0, shape.length - k);
    this.eventShape = shape.slice(shape.length - k);
  }

  /** Draws standard variates u (no parameters involved). */
  protected abstract standardSample(rng: Rng, shape: number[]): tf.Tensor;
  /** log f(u), elementwise. */
  protected abstract standardLogProb(u: tf.Tensor): tf.Tensor;
  /** H[f]. */
  protected abstract readonly standardEntropy: number;
  /** Mean and variance of f; undefined where they do not exist. */
  protected abstract readonly standardMoments: { mean?: number; variance?: number };

  /**
   * Reparameterized samples x = μ + σ·u, u ~ f: [n, ...batch, ...event] (D24); gradients flow to loc and scale.
   */
  rsample(rng: Rng, n?: number): tf.Tensor {
    const shape = sampleShape(n, [...this.batchShape, ...this.eventShape], `${this.constructor.name}.rsample`, rng);
    return tf.tidy(() => tf.add(this.loc, tf.mul(this.scale, this.standardSample(rng, shape))));
  }

  /**
   * Samples without gradient, [n, ...batch, ...event] (or [...batch, ...event] without n).
   */
  sample(rng: Rng, n?: number): tf.Tensor {
    sampleShape(n, [], `${this.constructor.name}.sample`, rng);
    return tf.tidy(() => stopGradient(this.rsample(rng, n)));
  }

  /**
   * log p(x) = log f((x − μ)/σ) − log σ, summed over the event axes: [...S, ...batch, ...event] → [...S, ...batch].
   */
  logProb(x: tf.Tensor): tf.Tensor {
    checkValue(x, this, `${this.constructor.name}.logProb`, this.validate);
    return tf.tidy(() => {
      const u = tf.div(tf.sub(x, this.loc), this.scale);
      return sumLast(tf.sub(this.standardLogProb(u), tf.log(this.scale)), this.eventDims);
    });
  }

  /**
   * H[p] = H[f] + log σ, summed over the event axes: [...batch].
   */
  entropy(): tf.Tensor {
    return tf.tidy(() => {
      const full = tf.add(tf.zeros([...this.batchShape, ...this.eventShape]), tf.add(tf.log(this.scale), this.standardEntropy));
      return sumLast(full, this.eventDims);
    });
  }

  /**
   * E[x] = μ + σ·E[u], [...batch, ...event]; throws for the Cauchy (no mean).
   */
  mean(): tf.Tensor {
    const m = this.standardMoments.mean;
    if (m === undefined) throw new Error(`${this.constructor.name} has no mean`);
    return tf.tidy(() => tf.add(tf.zeros([...this.batchShape, ...this.eventShape]), tf.add(this.loc, tf.mul(this.scale, m))));
  }

  /**
   * Var[x] = σ²·Var[u], [...batch, ...event]; throws where it is infinite (Cauchy, Student-t with ν ≤ 2).
   */
  variance(): tf.Tensor {
    const v = this.standardMoments.variance;
    if (v === undefined) throw new Error(`${this.constructor.name} has no finite variance`);
    return tf.tidy(() => tf.add(tf.zeros([...this.batchShape, ...this.eventShape]), tf.mul(tf.square(this.scale), v)));
  }

  /** Shows the class, shapes and parameters as a table in the kernel. */
  toMimeBundle() {
    return distributionBundle(this);
  }
}
