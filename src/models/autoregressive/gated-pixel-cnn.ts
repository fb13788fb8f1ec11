// The gated PixelCNN (van den Oord et al. 2016, "Conditional Image Generation with PixelCNN Decoders") on
// binary images: the same exact likelihood as PixelCNN (D66), without its blind spot. Stacked raster masks
// (pixel-cnn.ts) grow a receptive field that misses a wedge above and to the right; here two stacks grow
// separately: a vertical stack reads whole rows above (a 'vertical' mask reads the rows up to the centre row,
// and its features reach the other stack only shifted one row down, so they hold rows above the pixel only),
// and a horizontal stack reads the pixel's own row to the left. Each layer is gated, tanh(a) ⊙ σ(b).
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../random/rng';
import { Conv2d } from '../layers/conv2d';
import { MaskedConv2d } from './masked-conv2d';
import { RasterPixelModel } from './raster-pixel-model';
import { integerAtLeast } from '../../validation/arguments';
import { checkKind, count, options } from '../../validation/contract';
import { checkWeightsGenerator } from '../../validation/initial-weights';

export interface GatedPixelCNNConfig {
  /** image height (default 28) */
  height?: number;
  /** image width (default 28) */
  width?: number;
  /** feature channels of each stack (default 16; the gates use twice as many before tanh ⊙ σ) */
  channels?: number;
  /** gated layers after the first (default 5) */
  layers?: number;
  /** the first layer's kernel (default 7, odd) */
  firstKernel?: number;
  /** the later layers' kernel (default 3, odd) */
  kernel?: number;
}

const CONFIG = options({ height: count({ min: 1 }), width: count({ min: 1 }), channels: count({ min: 1 }), layers: count({ min: 0 }), firstKernel: count({ min: 1 }), kernel: count({ min: 1 }) });
let instances = 0;

// one gated layer of both stacks
interface GatedLayer { vertical: MaskedConv2d; horizontal: MaskedConv2d; link: Conv2d; out?: Conv2d }

// rows shifted one down (zeros enter at the top): the vertical features at row i − 1 arrive at row i
function shiftDown(t: tf.Tensor4D): tf.Tensor4D {
  const [B, H, W, C] = t.shape;
  return tf.slice(tf.pad(t, [[0, 0], [1, 0], [0, 0], [0, 0]]), [0, 0, 0, 0], [B, H, W, C]) as tf.Tensor4D;
}

// tanh(a) ⊙ σ(b) over the two halves of the channels
function gate(t: tf.Tensor4D): tf.Tensor4D {
  const [a, b] = tf.split(t, 2, 3);
  return tf.mul(tf.tanh(a), tf.sigmoid(b)) as tf.Tensor4D;
}

/**
 * The gated PixelCNN on binary images x ∈ {0, 1}^{H·W} (rows of H·W pixels, raster order):
 *
 *     log p(x) = Σ_i log Bernoulli(x_i; σ(ℓ_i(x_<i)))      (exact, D66; ℓ_i reads x_<i only, D67, with no blind spot)
 *
 * Layer l: a_v = V_l ⋆ v, v ← tanh ⊙ σ(a_v); a_h = H_l ⋆ h + W_l·shift↓(a_v), h ← h + O_l·(tanh ⊙ σ(a_h)) (the first
 * layer without the residual, with 'horizontal-A' on x); ℓ = 1×1 ∘ relu ∘ 1×1 ∘ relu(h). Shapes as PixelCNN's:
 * x [B, H·W] → logits [B, H·W], logProb [B]; sample(rng, n) → [n, H·W].
 *
 * @example
 * ```ts
 * const gated = new ll.models.GatedPixelCNN(ll.rng(0), { channels: 16, layers: 5 });
 * gated.inputGradient(x.slice([0, 0], [1, -1]), 14 * 28 + 14);   // nonzero on every earlier pixel in reach
 * ```
 */
export class GatedPixelCNN extends RasterPixelModel {
  readonly config: Required<GatedPixelCNNConfig>;
  readonly layers: GatedLayer[];
  readonly head: [Conv2d, Conv2d];

  /** Draws every layer's weights from `rng`. Example: `new ll.models.GatedPixelCNN(ll.rng(0), { channels: 16 })`. */
  constructor(rng: Rng, config: GatedPixelCNNConfig = {}) {
    super('GatedPixelCNN');
    checkWeightsGenerator('GatedPixelCNN', rng, config);
    checkKind(CONFIG, config, 'config', 'GatedPixelCNN');
    const c: Required<GatedPixelCNNConfig> = { height: 28, width: 28, channels: 16, layers: 5, firstKernel: 7, kernel: 3, ...config };
    integerAtLeast(c.height * c.width, 2, 'GatedPixelCNN', 'config.height × config.width');
    this.config = c;
    const scope = `gatedpixelcnn${++instances}`;
    const C = c.channels;
    this.layers = Array.from({ length: c.layers + 1 }, (_, l) => {
      const [k, cin] = l === 0 ? [c.firstKernel, 1] : [c.kernel, C];
      return {
        vertical: new MaskedConv2d(rng, cin, 2 * C, k, 'vertical', `vertical/${l}`, scope),
        horizontal: new MaskedConv2d(rng, cin, 2 * C, k, l === 0 ? 'horizontal-A' : 'horizontal-B', `horizontal/${l}`, scope),
        link: new Conv2d(rng, 2 * C, 2 * C, 1, `link/${l}`, scope),
        out: l === 0 ? undefined : new Conv2d(rng, C, C, 1, `out/${l}`, scope),
      };
    });
    this.head = [new Conv2d(rng, C, C, 1, 'head/1', scope), new Conv2d(rng, C, 1, 1, 'head/2', scope)];
  }

  get variables(): tf.Variable[] {
    return [...this.layers.flatMap((l) => [...l.vertical.variables, ...l.horizontal.variables, ...l.link.variables, ...(l.out ? l.out.variables : [])]),
      ...this.head.flatMap((l) => l.variables)];
  }

  protected logitsOf(x: tf.Tensor2D): tf.Tensor2D {
    const { height: H, width: W } = this.config;
    const image = tf.reshape(x, [-1, H, W, 1]) as tf.Tensor4D;
    let v = image, h = image;
    this.layers.forEach((layer) => {
      const av = layer.vertical.apply(v);
      const ah = tf.add(layer.horizontal.apply(h), layer.link.apply(shiftDown(av))) as tf.Tensor4D;
      v = gate(av);
      h = layer.out ? tf.add(h, layer.out.apply(gate(ah))) as tf.Tensor4D : gate(ah);
    });
    return tf.reshape(this.head[1].apply(tf.relu(this.head[0].apply(tf.relu(h)))), [-1, H * W]) as tf.Tensor2D;
  }

  /** Frees the weights and the masks. */
  dispose(): void {
    this.layers.forEach((l) => { l.vertical.dispose(); l.horizontal.dispose(); l.link.dispose(); l.out?.dispose(); });
    this.head.forEach((l) => l.dispose());
  }
}
