// RealNVP's affine coupling on images (Dinh et al. 2017; lecture 003): a binary mask b splits the
// entries of x [B, H, W, C] into a conditioning half (b = 1), copied, and a transformed half (b = 0):
//   y = b ⊙ x + (1 − b) ⊙ (x ⊙ exp(s(b ⊙ x)) + t(b ⊙ x)),     log|det ∂y/∂x| = Σ (1 − b) ⊙ s(b ⊙ x)
// The Jacobian is triangular (after ordering the conditioning entries first): ∂y_B/∂x_A is whatever it is,
// ∂y_A/∂x_B = 0 and ∂y_B/∂x_B = diag(exp s), so its determinant is the product of exp s (D38).
//   checkerboard mask: b[h, w] = (h + w + parity) mod 2, the same for every channel
//   channel mask: the first C/2 channels condition (parity 0) or the last C/2 (parity 1)
// s and t come from one small conv net on the conditioning half: conv 3×3 → ReLU → conv 1×1 → ReLU →
// conv 3×3 to 2C' outputs; s = a ⊙ tanh(raw s) with a learned per-channel bound a (starting at 1), so
// exp(s) cannot blow up early in training. The last convolution starts at zero: each coupling starts as
// the identity and the untrained flow is just its preprocessing.
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../random/rng';
import { positiveInteger } from '../../validation/arguments';
import { Conv2d } from '../layers/conv2d';
import { affineCoupling } from '../../ops/affine-coupling';
import { Bijector, checkImage } from './bijector';
import { arrayOf, contract, count as countKind, memoryBudgetBytes, num, checkKind, record, str, where } from '../../validation/contract';

const IMAGE_SHAPE = { ...arrayOf(countKind({ entriesEach: 0 }), { minLength: 3, maxLength: 3 }), expected: '[H, W, C], three positive integers' };
import { checkWeightsGenerator } from '../../validation/initial-weights';

// a channel mask splits the channels in halves
const CHANNEL_SPLIT = where(IMAGE_SHAPE, 'have an even number of channels C for a channel mask (it splits them in halves)', (s: number[]) => s[2] % 2 === 0 || `got [${s}]`);
const MASK = { ...str(['checkerboard', 'channel']), expected: "'checkerboard' or 'channel'" };
const PARITY = { ...num({ integer: true, min: 0, max: 1 }), expected: '0 or 1' };

// sides and channels bounded: the mask is height × width × channels floats
// H × W × C float32 entries within this process's memory (channels is the last of the three)
const FITS_WITH_HW = where(countKind({ max: 4096 }), "fit, with height × width, in this process's memory as float32 entries", (C: number, c) => {
  const n = (c.args.height as number) * (c.args.width as number) * C;
  return !(n * 4 > memoryBudgetBytes()) || `got ${c.args.height} × ${c.args.width} × ${C} = ${n} entries`;
});
const CHECKERBOARD = contract('checkerboardMask', { height: countKind({ max: 4096 }), width: countKind({ max: 4096 }), channels: FITS_WITH_HW, parity: num({ integer: true, min: 0, max: 1 }) });

export type CouplingMask = 'checkerboard' | 'channel';

export interface ImageCouplingConfig {
  /** The image's [H, W, C]. */
  shape: [number, number, number];
  /** 'checkerboard' (spatial) or 'channel' (C must be even). */
  mask: CouplingMask;
  /** 0 or 1: which half conditions (alternate it between layers so every entry gets transformed). */
  parity: 0 | 1;
  /** Hidden channels of the s, t network (default 32). */
  hidden?: number;
  /** Start the last convolution at zero, making the layer the identity (default true). */
  identityInit?: boolean;
}

/**
 * The checkerboard mask b[h, w, c] = (h + w + parity) mod 2 as a [1, H, W, C] tensor.
 * @example ll.models.checkerboardMask(2, 2, 1, 0).arraySync()   // [[[[0], [1]], [[1], [0]]]]
 */
export function checkerboardMask(height: number, width: number, channels: number, parity: 0 | 1): tf.Tensor4D {
  CHECKERBOARD.check(arguments);
  positiveInteger(height, 'checkerboardMask', 'height');
  positiveInteger(width, 'checkerboardMask', 'width');
  positiveInteger(channels, 'checkerboardMask', 'channels');
  const v = new Float32Array(height * width * channels);
  for (let h = 0; h < height; h++) for (let w = 0; w < width; w++) for (let c = 0; c < channels; c++) v[(h * width + w) * channels + c] = (h + w + parity) % 2;
  return tf.tensor4d(v, [1, height, width, channels]);
}

let count = 0;

/**
 * An affine coupling layer on images with a checkerboard or channel mask:
 *
 *     y = b ⊙ x + (1 − b) ⊙ (x ⊙ exp(s) + t),  (s, t) = NN(b ⊙ x),   log|det ∂y/∂x| = Σ (1 − b) ⊙ s
 *
 * Shapes: x [B, H, W, C] → y [B, H, W, C], log-det [B]. See docs/derivations.md#d38.
 * The Jacobian is triangular, so the log-determinant is the sum of the scales and the inverse exact (D38).
 * @example
 * ```ts
 * const layer = new ll.models.ImageCoupling(ll.rng(0), { shape: [28, 28, 1], mask: 'checkerboard', parity: 0 });
 * const { y, logDet } = layer.forward(x);   // x [B, 28, 28, 1]; the identity until trained
 * ```
 */
export class ImageCoupling implements Bijector<tf.Tensor4D> {
  readonly name: string;
  readonly eventNdims = 3;
  readonly config: Required<ImageCouplingConfig>;
  /** a, the bound of |s| per transformed channel. */
  readonly scale: tf.Variable;
  private readonly c1: Conv2d; private readonly c2: Conv2d; private readonly c3: Conv2d;
  private readonly mask?: tf.Tensor4D;
  /** Channels the net sees and channels it transforms. */
  private readonly cIn: number; private readonly cOut: number;

  /**
   * A coupling layer with its s, t network drawn from `rng` (PyTorch's default init; the last convolution
   * zeroed if `identityInit`).
   *
   * @param rng  the generator of the initial weights
   * @param config  `shape` [H, W, C], `mask`, `parity`, `hidden` (32), `identityInit` (true)
   * @param scope  the model's scope of tfjs variable names
   * @param name  the layer's name in its model
   */
  constructor(rng: Rng, config: ImageCouplingConfig, scope = `coupling${++count}`, name = 'coupling') {
    checkWeightsGenerator('ImageCoupling', rng, config);
    checkKind(record('a config { shape, mask, parity, … }'), config, 'config', 'ImageCoupling');
    const { shape, mask, parity } = config;
    checkKind(IMAGE_SHAPE, shape, 'shape', 'ImageCoupling');
    checkKind(MASK, mask, 'mask', 'ImageCoupling');
    checkKind(PARITY, parity, 'parity', 'ImageCoupling');
    const C = shape[2];
    if (mask === 'channel') checkKind(CHANNEL_SPLIT, shape, 'shape', 'ImageCoupling');
    // 3×3 convolutions in and out of `hidden` channels, and hidden × hidden, in float32
    checkKind(countKind({ entries: (h) => h * h + 27 * h * (C + 1), bytesEach: 4 }), config.hidden ?? 32, 'hidden', 'ImageCoupling');
    this.config = { shape, mask, parity, hidden: config.hidden ?? 32, identityInit: config.identityInit ?? true };
    this.name = `${mask}-coupling`;
    // the checkerboard net also sees the mask, so it can tell a masked-out zero from a zero pixel
    this.cIn = mask === 'checkerboard' ? C + 1 : C / 2;
    this.cOut = mask === 'checkerboard' ? C : C / 2;
    const h = this.config.hidden;
    this.c1 = new Conv2d(rng, this.cIn, h, 3, `${name}/c1`, scope);
    this.c2 = new Conv2d(rng, h, h, 1, `${name}/c2`, scope);
    this.c3 = new Conv2d(rng, h, 2 * this.cOut, 3, `${name}/c3`, scope);
    if (this.config.identityInit) tf.tidy(() => { this.c3.W.assign(tf.zerosLike(this.c3.W)); this.c3.b.assign(tf.zerosLike(this.c3.b)); });
    this.scale = tf.tidy(() => tf.variable(tf.ones([this.cOut]), true, `${scope}/${name}/scale`));
    if (mask === 'checkerboard') this.mask = checkerboardMask(shape[0], shape[1], C, parity);
  }

  /** The s, t network's output r = [r_s, r_t] [B, H, W, 2C'] from the conditioning entries. */
  private net(cond: tf.Tensor4D): tf.Tensor4D {
    const [B, H, W] = cond.shape;
    const input = this.mask ? tf.concat([cond, tf.tile(tf.slice(this.mask, [0, 0, 0, 0], [1, H, W, 1]), [B, 1, 1, 1])], 3) as tf.Tensor4D : cond;
    return this.c3.apply(tf.relu(this.c2.apply(tf.relu(this.c1.apply(input)))));
  }

  /** (s, t) from the conditioning entries, each [B, H, W, C'] (zero on conditioning entries for the checkerboard). */
  private st(cond: tf.Tensor4D): { s: tf.Tensor4D; t: tf.Tensor4D } {
    const [raw, t] = tf.split(this.net(cond), 2, 3) as tf.Tensor4D[];
    let s = tf.mul(tf.tanh(raw), this.scale) as tf.Tensor4D;
    if (!this.mask) return { s, t };
    const free = tf.sub(1, this.mask);
    s = tf.mul(s, free) as tf.Tensor4D;
    return { s, t: tf.mul(t, free) as tf.Tensor4D };
  }

  /** y = b ⊙ x + (1 − b) ⊙ (x ⊙ eˢ + t), log|det| = Σ (1 − b) ⊙ s: [B, H, W, C] → [B, H, W, C], [B]. */
  forward(x: tf.Tensor4D) {
    checkImage(x, this.config.shape, 'ImageCoupling.forward', 'x');
    return tf.tidy(() => {
      // the transform after the network is one op (one native pass each way where the kernels are on)
      if (this.mask) return affineCoupling(x, this.net(tf.mul(x, this.mask) as tf.Tensor4D), this.scale as tf.Tensor1D, tf.sub(1, this.mask) as tf.Tensor4D);
      const [a, b] = tf.split(x, 2, 3) as tf.Tensor4D[];
      const [cond, free] = this.config.parity === 0 ? [a, b] : [b, a];
      const { y: moved, logDet } = affineCoupling(free, this.net(cond), this.scale as tf.Tensor1D);
      return { y: tf.concat(this.config.parity === 0 ? [cond, moved] : [moved, cond], 3) as tf.Tensor4D, logDet };
    });
  }

  /** x = b ⊙ y + (1 − b) ⊙ (y − t) ⊙ e⁻ˢ (s, t from b ⊙ y = b ⊙ x), log|det| = −Σ (1 − b) ⊙ s. */
  inverse(y: tf.Tensor4D) {
    checkImage(y, this.config.shape, 'ImageCoupling.inverse', 'y');
    return tf.tidy(() => {
      if (this.mask) {
        const { s, t } = this.st(tf.mul(y, this.mask) as tf.Tensor4D);
        return { x: tf.mul(tf.sub(y, t), tf.exp(tf.neg(s))) as tf.Tensor4D, logDet: tf.neg(tf.sum(s, [1, 2, 3])) as tf.Tensor1D };
      }
      const [a, b] = tf.split(y, 2, 3) as tf.Tensor4D[];
      const [cond, moved] = this.config.parity === 0 ? [a, b] : [b, a];
      const { s, t } = this.st(cond);
      const free = tf.mul(tf.sub(moved, t), tf.exp(tf.neg(s)));
      return { x: tf.concat(this.config.parity === 0 ? [cond, free] : [free, cond], 3) as tf.Tensor4D, logDet: tf.neg(tf.sum(s, [1, 2, 3])) as tf.Tensor1D };
    });
  }

  get variables(): tf.Variable[] { return [...this.c1.variables, ...this.c2.variables, ...this.c3.variables, this.scale]; }

  /** Frees the weights and the mask; the layer cannot be used afterwards. */
  dispose(): void { this.variables.forEach((v) => v.dispose()); this.mask?.dispose(); }
}
