// PixelCNN's masked convolution (van den Oord et al. 2016, "Pixel Recurrent Neural Networks", §3.4): a k×k
// convolution whose filter is multiplied by a fixed 0/1 mask, so that the output at pixel i reads only pixels
// before i in raster order (rows top to bottom, each row left to right). Type A also hides the centre (the
// first layer: ℓ_i must not see x_i itself); type B keeps it (later layers: the feature at i already holds
// only x_<i). Built on the project's convolution (Conv2d's weights and initialization, conv2dSame's kernel).
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../random/rng';
import { Conv2d, conv2dSame } from '../layers/conv2d';
import { checkWeightsGenerator } from '../../validation/initial-weights';
import { anything, checkKind, contract, count, formatBytes, memoryBudgetBytes, optional, str, tensor, where } from '../../validation/contract';

/**
 * 'A' hides the centre pixel (first layer), 'B' keeps it (every later layer). The gated PixelCNN's two stacks
 * (gated-pixel-cnn.ts): 'vertical' reads the rows up to and including the centre row, all columns (its features
 * reach the other stack only shifted one row down); 'horizontal-A' / 'horizontal-B' read the centre row alone,
 * left of the centre / up to it.
 */
export type MaskType = 'A' | 'B' | 'vertical' | 'horizontal-A' | 'horizontal-B';

const MASK_TYPE = str(['A', 'B', 'vertical', 'horizontal-A', 'horizontal-B']);
// the filter k × k × C_in × C_out (float32, the mask and the weights beside it) must fit in memory
const filterBytes = (c: { args: Readonly<Record<string, unknown>> }, out: number) => (c.args.kernel as number) ** 2 * (c.args.inChannels as number) * out * 4 * 2;
const OUT_CHANNELS = where(count(), 'fit in memory with its filter (kernel × kernel × inChannels × outChannels)', (out: number, c) => {
  if (!Number.isInteger(c.args.kernel) || !Number.isInteger(c.args.inChannels)) return true;   // their own checks say what is wrong with them
  return filterBytes(c, out) <= memoryBudgetBytes() || `got ${out}: a ${c.args.kernel}×${c.args.kernel}×${c.args.inChannels}×${out} filter needs about ${formatBytes(filterBytes(c, out))} and this process has ${formatBytes(memoryBudgetBytes())}`;
});
const RASTER_MASK = contract('rasterMask', { kernel: count({ max: 1001 }), inChannels: count(), outChannels: OUT_CHANNELS, type: MASK_TYPE });
const CONSTRUCTOR = contract('MaskedConv2d', {
  rng: anything('an Rng (checked as the weights\' generator)'), inChannels: count(), outChannels: OUT_CHANNELS, kernel: count({ max: 1001 }), type: MASK_TYPE,
  name: str(), scope: optional(str()),
});

// whether kernel offset (u, w) of a k×k filter with centre c is read
function opens(type: MaskType, u: number, w: number, c: number): boolean {
  switch (type) {
    case 'A': return u < c || (u === c && w < c);
    case 'B': return u < c || (u === c && w <= c);
    case 'vertical': return u <= c;
    case 'horizontal-A': return u === c && w < c;
    case 'horizontal-B': return u === c && w <= c;
  }
}

/**
 * The k×k mask of a raster-order convolution, M[u, v] = 1 when kernel offset (u − c, v − c), c = ⌊k/2⌋, is
 * above the centre row, or on it and left of the centre (type A) or at or left of it (type B); as
 * [k, k, C_in, C_out], the same for every channel pair (one image channel: no colour ordering).
 *
 *     M_A[u, v] = 1[u < c  ∨  (u = c ∧ v < c)],   M_B[u, v] = 1[u < c  ∨  (u = c ∧ v ≤ c)]      (D67)
 *
 * and the gated stacks' masks: M_vertical[u, v] = 1[u ≤ c], M_horizontal-A/B = M_A/B restricted to row u = c.
 *
 * @example rasterMask(3, 1, 1, 'A').squeeze().arraySync()   // [[1,1,1],[1,0,0],[0,0,0]]
 */
export function rasterMask(kernel: number, inChannels: number, outChannels: number, type: MaskType): tf.Tensor4D {
  RASTER_MASK.check(arguments);
  const c = Math.floor(kernel / 2);
  const v = new Float32Array(kernel * kernel * inChannels * outChannels);
  for (let u = 0; u < kernel; u++) {
    for (let w = 0; w < kernel; w++) {
      if (opens(type, u, w, c)) v.fill(1, (u * kernel + w) * inChannels * outChannels, (u * kernel + w + 1) * inChannels * outChannels);
    }
  }
  return tf.tensor4d(v, [kernel, kernel, inChannels, outChannels]);
}

/**
 * A masked k×k convolution, stride 1, 'same' padding: x [B, H, W, C_in] → [B, H, W, C_out],
 *
 *     y[b, i, j, o] = β_o + Σ_{u, v, c} (M ⊙ W)[u, v, c, o] · x[b, i + u − ⌊k/2⌋, j + v − ⌊k/2⌋, c]
 *
 * with M the raster mask of its type (rasterMask). Stacking one type-A layer and any number of type-B layers
 * gives an output at pixel i that depends on pixels before i only (D67) — but not on all of them: the
 * stack's receptive field misses a wedge above and to the right (the blind spot).
 *
 * @example
 * ```ts
 * const first = new ll.models.MaskedConv2d(ll.rng(0), 1, 32, 7, 'A', 'first');
 * first.apply(x);   // x [B, 28, 28, 1] → [B, 28, 28, 32]; pixel (i, j) of the output never reads x[i, j…] or rows below
 * ```
 */
export class MaskedConv2d {
  /** The convolution whose filter is masked: its W and b are the layer's variables. */
  readonly conv: Conv2d;
  /** [k, k, C_in, C_out] 0/1 */
  readonly mask: tf.Tensor4D;

  /**
   * A masked k×k convolution from C_in to C_out channels, W, b ~ U(−1/√fan_in, 1/√fan_in) drawn from `rng`
   * (fan_in counts the masked weights too, as PyTorch's masked-conv implementations do).
   *
   * @param rng  the generator of the initial weights
   * @param inChannels  C_in
   * @param outChannels  C_out
   * @param kernel  k, odd
   * @param type  'A' (centre hidden) or 'B' (centre kept)
   * @param name  the layer's name in its model
   * @param scope  the model's scope of tfjs variable names
   */
  constructor(rng: Rng, inChannels: number, outChannels: number, kernel: number, readonly type: MaskType, readonly name: string, scope = 'masked-conv') {
    checkWeightsGenerator('MaskedConv2d', rng);
    CONSTRUCTOR.check(arguments, typeof name === 'string' ? `MaskedConv2d ${name}` : 'MaskedConv2d');
    this.conv = new Conv2d(rng, inChannels, outChannels, kernel, name, scope);
    this.mask = rasterMask(kernel, inChannels, outChannels, type);
  }

  get kernel(): number { return this.conv.kernel; }
  get inChannels(): number { return this.conv.inChannels; }
  get outChannels(): number { return this.conv.outChannels; }

  /** y = (M ⊙ W) ⋆ x + b: [B, H, W, C_in] → [B, H, W, C_out]. */
  apply(x: tf.Tensor4D): tf.Tensor4D {
    checkKind(tensor({ shape: ['B', 'H', 'W', this.inChannels] }), x, 'x', `MaskedConv2d.apply (${this.name})`);
    return tf.tidy(() => tf.add(conv2dSame(x, tf.mul(this.conv.W, this.mask) as tf.Tensor4D), this.conv.b) as tf.Tensor4D);
  }

  get variables(): tf.Variable[] { return this.conv.variables; }

  /** Frees W, b and the mask. */
  dispose(): void { this.conv.dispose(); this.mask.dispose(); }
}
