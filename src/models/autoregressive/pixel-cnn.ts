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
import type { Batch } from '../../training/trainable';
import { bernoulliLogLikelihood } from '../../ops/bernoulli-log-likelihood';
import { Conv2d } from '../layers/conv2d';
import { MaskedConv2d } from './masked-conv2d';
import { integerAtLeast } from '../../validation/arguments';
import { batch as batchKind } from '../../validation/batch';
import { anything, checkKind, count, contract, formatBytes, memoryBudgetBytes, optional, options, rngKind, tensor, where } from '../../validation/contract';
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
const X_OF_MODEL = tensor({ shape: ['batch', (c) => (c.self as PixelCNN).dim] });
const GRADIENT = contract('PixelCNN.inputGradient', {
  // a diagnostic of one image, not a training step: a NaN image is refused rather than giving a NaN gradient
  x: tensor({ shape: [1, (c) => (c.self as PixelCNN).dim], noNaN: true }),
  pixel: where(count({ min: 0 }), (c) => `be a raster index below H·W = ${(c.self as PixelCNN).dim}`, (p: number, c) => p < (c.self as PixelCNN).dim),
});

// a sample count whose images and one layer's activations (n × H·W × channels float32, twice) fit in memory:
// 1e9 images is refused with the size it needs instead of failing at the typed array
const sampleBytes = (n: number, m: PixelCNN) => n * m.dim * (m.config.channels + 1) * 4 * 2;
const SAMPLE = contract('PixelCNN.sample', {
  rng: rngKind(),
  n: where(count(), 'fit in memory (n images of H·W pixels, with the network\'s channels)', (n: number, c) =>
    sampleBytes(n, c.self as PixelCNN) <= memoryBudgetBytes() || `got ${n}: that needs about ${formatBytes(sampleBytes(n, c.self as PixelCNN))} and this process has ${formatBytes(memoryBudgetBytes())}`),
});
const LOSS = contract('PixelCNN.trainingLoss', { rng: anything(), batch: batchKind(X_OF_MODEL), objective: optional(anything()) });

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
export class PixelCNN {
  readonly config: Required<PixelCNNConfig>;
  readonly first: MaskedConv2d;
  readonly residual: MaskedConv2d[];
  readonly head: [Conv2d, Conv2d];

  /**
   * Draws every layer's weights from `rng` (PyTorch's default initialization, masked weights included).
   * Example: `new ll.models.PixelCNN(ll.rng(0), { channels: 32, layers: 5 })`.
   */
  constructor(rng: Rng, config: PixelCNNConfig = {}) {
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

  /** H·W, pixels per image: the rows `ll.fit` feeds it. */
  get dim(): number { return this.config.height * this.config.width; }

  get variables(): tf.Variable[] {
    return [...this.first.variables, ...this.residual.flatMap((l) => l.variables), ...this.head.flatMap((l) => l.variables)];
  }

  /** The variables by their names in the model (scope stripped): what a checkpoint stores. */
  get namedVariables(): { name: string; variable: tf.Variable }[] {
    return this.variables.map((v) => ({ name: v.name.slice(v.name.indexOf('/') + 1), variable: v }));
  }

  /** The number of trainable parameters (masked-out weights included: stored, always multiplied by 0). */
  get parameterCount(): number { return this.variables.reduce((s, v) => s + v.size, 0); }

  /** Binary pixels: `ll.fit` binarizes each image batch afresh (dynamic binarization). */
  get binaryPixels(): boolean { return true; }

  // The logit image of images [B, h, W, 1] of any height h: the masks never read a row below, so the logits
  // of rows 0…r are the same whether or not rows below r are there (what the sampler uses).
  private logitImage(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => {
      let h = this.first.apply(x);
      for (const layer of this.residual) h = tf.add(h, layer.apply(tf.relu(h))) as tf.Tensor4D;
      return this.head[1].apply(tf.relu(this.head[0].apply(tf.relu(h))));
    });
  }

  /** The logits ℓ_i(x_<i) of all H·W conditionals in one pass: x [B, H·W] → [B, H·W]. */
  logits(x: tf.Tensor): tf.Tensor2D {
    checkKind(X_OF_MODEL, x, 'x', 'PixelCNN.logits', { self: this });
    const { height: H, width: W } = this.config;
    return tf.tidy(() => tf.reshape(this.logitImage(tf.reshape(x, [-1, H, W, 1])), [-1, H * W]) as tf.Tensor2D);
  }

  /** The exact log p(x) = Σ_i x_i ℓ_i − softplus(ℓ_i), in nats (D66): x [B, H·W] binary → [B]. */
  logProb(x: tf.Tensor): tf.Tensor1D {
    checkKind(X_OF_MODEL, x, 'x', 'PixelCNN.logProb', { self: this });
    return tf.tidy(() => bernoulliLogLikelihood(x, this.logits(x)) as tf.Tensor1D);
  }

  /**
   * The loss `ll.fit` minimizes: the exact −(1/B) Σ_b log p(x_b), in nats per image (the rng is unused).
   *
   * @example
   * ```ts
   * await ll.fit(cnn, ll.loadMnist('train'), { epochs: 5, seed: 1, batchSize: 100, learningRate: 2e-3 });
   * ```
   */
  trainingLoss(_rng: Rng, batch: Batch): tf.Scalar {
    LOSS.check(arguments, undefined, this);
    return tf.tidy(() => tf.neg(tf.mean(this.logProb(batch.x))) as tf.Scalar);
  }

  /**
   * ∂ℓ_pixel/∂x for one image x [1, H·W] → [H·W]: which inputs the logit of `pixel` (raster index) reads. Zero
   * at every index ≥ pixel (D67); among earlier ones, zero in the blind spot the stacked masks never reach.
   * @example cnn.inputGradient(x.slice([0, 0], [1, -1]), 14 * 28 + 14)   // [784]
   */
  inputGradient(x: tf.Tensor2D, pixel: number): tf.Tensor1D {
    GRADIENT.check(arguments, undefined, this);
    return tf.tidy(() => tf.reshape(tf.grad((xi: tf.Tensor) => tf.squeeze(tf.slice(this.logits(xi), [0, pixel], [1, 1])))(x), [this.dim]) as tf.Tensor1D);
  }

  /**
   * n samples drawn pixel by pixel in raster order, x_i ~ Bernoulli(σ(ℓ_i(x_<i))): one pass of the network a
   * pixel (H·W passes; for row r only rows 0…r go through, as the rows below cannot change its logits).
   * Returns binary images [n, H·W].
   * @example cnn.sample(ll.rng(0), 16)   // [16, 784]
   */
  sample(rng: Rng, n: number): tf.Tensor2D {
    SAMPLE.check(arguments, undefined, this);
    const { height: H, width: W } = this.config;
    const x = new Float32Array(n * H * W);
    for (let r = 0; r < H; r++) {
      for (let col = 0; col < W; col++) {
        const p = tf.tidy(() => {
          const rows = tf.slice(tf.tensor4d(x, [n, H, W, 1]), [0, 0, 0, 0], [n, r + 1, W, 1]) as tf.Tensor4D;
          return tf.sigmoid(tf.slice(this.logitImage(rows), [0, r, col, 0], [n, 1, 1, 1]));
        });
        const probs = p.dataSync();
        p.dispose();
        for (let i = 0; i < n; i++) x[i * H * W + r * W + col] = rng.nextUniform() < probs[i] ? 1 : 0;
      }
    }
    return tf.tensor2d(x, [n, H * W]);
  }

  /** Frees the weights and the masks. */
  dispose(): void {
    this.first.dispose();
    this.residual.forEach((l) => l.dispose());
    this.head.forEach((l) => l.dispose());
  }
}
