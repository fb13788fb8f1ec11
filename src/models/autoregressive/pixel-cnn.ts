// PixelCNN (van den Oord et al. 2016) on binary images (lecture 003: autoregressive image models, PixelCNN
// named; lectures 000/001: the autoregressive family has an exact likelihood):
//   p(x) = Π_i p(x_i | x_<i)  in raster order,   p(x_i = 1 | x_<i) = σ(ℓ_i(x_<i)),
//   log p(x) = Σ_i x_i ℓ_i − softplus(ℓ_i)        (exact: no latent variable, no bound; D66)
// where all H·W logits come from one pass of a stack of masked convolutions (MaskedConv2d): a type-A layer
// that hides each pixel from itself, residual type-B layers, and 1×1 layers to one logit per pixel. MADE
// (made.ts) does the same with masked dense layers; the convolutions share weights across positions and
// see a local neighbourhood that grows with depth, with a blind spot above and to the right.
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../random/rng';
import { Conv2d } from '../layers/conv2d';
import { MaskedConv2d } from './masked-conv2d';
import { RasterPixelModel } from './raster-pixel-model';
import { integerAtLeast } from '../../validation/arguments';
import { checkKind, count, options } from '../../validation/contract';
import { checkWeightsGenerator } from '../../validation/initial-weights';

export interface PixelCNNConfig {
  /** image height (default 28) */
  height?: number;
  /** image width (default 28) */
  width?: number;
  /** feature channels of every hidden layer (default 32) */
  channels?: number;
  /** residual type-B layers after the first, type-A one (default 5) */
  layers?: number;
  /** the type-A layer's kernel (default 7, odd) */
  firstKernel?: number;
  /** the type-B layers' kernel (default 3, odd) */
  kernel?: number;
}

const CONFIG = options({ height: count({ min: 1 }), width: count({ min: 1 }), channels: count({ min: 1 }), layers: count({ min: 0 }), firstKernel: count({ min: 1 }), kernel: count({ min: 1 }) });
let instances = 0;

/**
 * PixelCNN on binary images x ∈ {0, 1}^{H·W} (rows of H·W pixels, raster order):
 *
 *     log p(x) = Σ_i log Bernoulli(x_i; σ(ℓ_i(x_<i))),   i = 1 … H·W   (exact, D66; ℓ_i reads x_<i only, D67)
 *
 * ℓ = head(h_L), h_0 = A_{7×7}(x), h_l = h_{l−1} + B_{3×3}(relu(h_{l−1})), head = 1×1 ∘ relu ∘ 1×1 ∘ relu.
 * Trained by maximum likelihood (loss −mean log p(x), nats per image), sampled pixel by pixel (H·W passes).
 * Shapes: x [B, H·W] → logits [B, H·W], logProb [B]; sample(rng, n) → [n, H·W].
 *
 * @example
 * ```ts
 * const cnn = new ll.models.PixelCNN(ll.rng(0), { channels: 32, layers: 5 });
 * const x = ll.data.dynamicBinarize(ll.rng(0), ll.loadMnist('test').batch([0, 1]));   // [2, 784]
 * cnn.logProb(x);             // [2] nats, exact
 * cnn.sample(ll.rng(1), 4);   // [4, 784], 784 passes of the network
 * ```
 */
export class PixelCNN extends RasterPixelModel {
  readonly config: Required<PixelCNNConfig>;
  readonly first: MaskedConv2d;
  readonly residual: MaskedConv2d[];
  readonly head: [Conv2d, Conv2d];

  /**
   * Draws every layer's weights from `rng` (PyTorch's default initialization, masked weights included).
   * Example: `new ll.models.PixelCNN(ll.rng(0), { channels: 32, layers: 5 })`.
   */
  constructor(rng: Rng, config: PixelCNNConfig = {}) {
    super('PixelCNN');
    checkWeightsGenerator('PixelCNN', rng, config);
    checkKind(CONFIG, config, 'config', 'PixelCNN');
    const c: Required<PixelCNNConfig> = { height: 28, width: 28, channels: 32, layers: 5, firstKernel: 7, kernel: 3, ...config };
    integerAtLeast(c.height * c.width, 2, 'PixelCNN', 'config.height × config.width');
    this.config = c;
    const scope = `pixelcnn${++instances}`;
    this.first = new MaskedConv2d(rng, 1, c.channels, c.firstKernel, 'A', 'first', scope);
    this.residual = Array.from({ length: c.layers }, (_, l) => new MaskedConv2d(rng, c.channels, c.channels, c.kernel, 'B', `residual/${l + 1}`, scope));
    this.head = [new Conv2d(rng, c.channels, c.channels, 1, 'head/1', scope), new Conv2d(rng, c.channels, 1, 1, 'head/2', scope)];
  }

  get variables(): tf.Variable[] {
    return [...this.first.variables, ...this.residual.flatMap((l) => l.variables), ...this.head.flatMap((l) => l.variables)];
  }

  /** The variables by their names in the model (scope stripped): what a checkpoint stores. */
  get namedVariables(): { name: string; variable: tf.Variable }[] {
    return this.variables.map((v) => ({ name: v.name.slice(v.name.indexOf('/') + 1), variable: v }));
  }

  // The logit image of images [B, h, W, 1] of any height h: the masks never read a row below, so the logits
  // of rows 0…r are the same whether or not rows below r are there (what the sampler uses).
  private logitImage(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => {
      let h = this.first.apply(x);
      for (const layer of this.residual) h = tf.add(h, layer.apply(tf.relu(h))) as tf.Tensor4D;
      return this.head[1].apply(tf.relu(this.head[0].apply(tf.relu(h))));
    });
  }

  protected logitsOf(x: tf.Tensor2D): tf.Tensor2D {
    const { height: H, width: W } = this.config;
    return tf.reshape(this.logitImage(tf.reshape(x, [-1, H, W, 1])), [-1, H * W]) as tf.Tensor2D;
  }

  // only rows 0…row go through: the rows below cannot change their logits
  protected override pixelProbabilities(x: Float32Array, n: number, row: number, col: number): tf.Tensor {
    const { height: H, width: W } = this.config;
    const rows = tf.slice(tf.tensor4d(x, [n, H, W, 1]), [0, 0, 0, 0], [n, row + 1, W, 1]) as tf.Tensor4D;
    return tf.sigmoid(tf.slice(this.logitImage(rows), [0, row, col, 0], [n, 1, 1, 1]));
  }

  /** Frees the weights and the masks. */
  dispose(): void {
    this.first.dispose();
    this.residual.forEach((l) => l.dispose());
    this.head.forEach((l) => l.dispose());
  }
}
