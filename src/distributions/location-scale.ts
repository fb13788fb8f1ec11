// Location-scale families x = loc + scale·u, u from a fixed standard density f (D24: each is
// reparameterizable). log p(x) = log f((x − loc)/scale) − log scale; H = H[f] + log scale.
// With eventDims = k the last k batch axes form the event (a diagonal, factorized distribution).
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

export abstract class LocationScale implements Distribution {
  readonly loc: tf.Tensor;
  readonly scale: tf.Tensor;
  readonly batchShape: number[];
  readonly eventShape: number[];
  readonly support: SupportKind = 'continuous';
  protected readonly eventDims: number;
  /** Whether parameters were checked; then logProb also rejects NaN values (a sync; hot paths pass validate: false). */
  protected readonly validate: boolean;

  constructor(loc: TensorLike, scale: TensorLike, options: LocationScaleOptions = {}) {
    const name = this.constructor.name;
    this.loc = asTensor(loc, `${name}: loc`);
    this.scale = orDispose([{ tensor: this.loc, given: loc }], () => asTensor(scale, `${name}: scale`));
    this.validate = options.validate ?? true;
    const shape = orDispose([{ tensor: this.loc, given: loc }, { tensor: this.scale, given: scale }], () => {
      const s = broadcastShapes(this.loc.shape, this.scale.shape, [`${name}: loc`, 'scale']);
      const k = options.eventDims ?? 0;
      if (!Number.isInteger(k) || k < 0 || k > s.length) {
        throw new Error(`${name}: eventDims must be an integer in [0, ${s.length}], got ${k}`);
      }
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

  rsample(rng: Rng, n?: number): tf.Tensor {
    const shape = sampleShape(n, [...this.batchShape, ...this.eventShape], `${this.constructor.name}.rsample`);
    return tf.tidy(() => tf.add(this.loc, tf.mul(this.scale, this.standardSample(rng, shape))));
  }

  sample(rng: Rng, n?: number): tf.Tensor {
    sampleShape(n, [], `${this.constructor.name}.sample`);
    return tf.tidy(() => stopGradient(this.rsample(rng, n)));
  }

  logProb(x: tf.Tensor): tf.Tensor {
    checkValue(x, this, `${this.constructor.name}.logProb`, this.validate);
    return tf.tidy(() => {
      const u = tf.div(tf.sub(x, this.loc), this.scale);
      return sumLast(tf.sub(this.standardLogProb(u), tf.log(this.scale)), this.eventDims);
    });
  }

  entropy(): tf.Tensor {
    return tf.tidy(() => {
      const full = tf.add(tf.zeros([...this.batchShape, ...this.eventShape]), tf.add(tf.log(this.scale), this.standardEntropy));
      return sumLast(full, this.eventDims);
    });
  }

  mean(): tf.Tensor {
    const m = this.standardMoments.mean;
    if (m === undefined) throw new Error(`${this.constructor.name} has no mean`);
    return tf.tidy(() => tf.add(tf.zeros([...this.batchShape, ...this.eventShape]), tf.add(this.loc, tf.mul(this.scale, m))));
  }

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
