// What every autoregressive model of binary images in raster order shares, whatever computes its logits
// (PixelCNN's stacked masked convolutions, the gated two-stack PixelCNN): the exact likelihood
//   log p(x) = Σ_i x_i ℓ_i − softplus(ℓ_i),   p(x_i = 1 | x_<i) = σ(ℓ_i(x_<i))     (D66)
// as the loss ll.fit minimizes, the receptive-field diagnostic ∂ℓ_pixel/∂x (zero at every index ≥ pixel, D67)
// and ancestral sampling pixel by pixel. Written once here so that the two models cannot drift apart.
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../random/rng';
import type { Batch } from '../../training/trainable';
import { bernoulliLogLikelihood } from '../../ops/bernoulli-log-likelihood';
import { batch as batchKind } from '../../validation/batch';
import { anything, checkKind, count, contract, formatBytes, memoryBudgetBytes, optional, rngKind, tensor, where } from '../../validation/contract';

/** The image size every raster model is configured with. */
export interface RasterImageConfig {
  /** image height */
  height: number;
  /** image width */
  width: number;
  /** feature channels of the hidden layers (what one pass keeps per pixel) */
  channels: number;
}

// a sample count whose images and one layer's activations (n × H·W × channels float32, twice) fit in memory:
// 1e9 images is refused with the size it needs instead of failing at the typed array
const sampleBytes = (n: number, m: RasterPixelModel) => n * m.dim * (m.config.channels + 1) * 4 * 2;

/** The contracts of one model class, named after it ('PixelCNN.sample', 'GatedPixelCNN.sample'). */
function contractsFor(name: string) {
  const x = tensor({ shape: ['batch', (c) => (c.self as RasterPixelModel).dim] });
  return {
    x,
    gradient: contract(`${name}.inputGradient`, {
      // a diagnostic of one image, not a training step: a NaN image is refused rather than giving a NaN gradient
      x: tensor({ shape: [1, (c) => (c.self as RasterPixelModel).dim], noNaN: true }),
      pixel: where(count({ min: 0 }), (c) => `be a raster index below H·W = ${(c.self as RasterPixelModel).dim}`, (p: number, c) => p < (c.self as RasterPixelModel).dim),
    }),
    sample: contract(`${name}.sample`, {
      rng: rngKind(),
      n: where(count(), 'fit in memory (n images of H·W pixels, with the network\'s channels)', (n: number, c) =>
        sampleBytes(n, c.self as RasterPixelModel) <= memoryBudgetBytes() || `got ${n}: that needs about ${formatBytes(sampleBytes(n, c.self as RasterPixelModel))} and this process has ${formatBytes(memoryBudgetBytes())}`),
    }),
    loss: contract(`${name}.trainingLoss`, { rng: anything(), batch: batchKind(x), objective: optional(anything()) }),
  };
}
const CONTRACTS = new Map<string, ReturnType<typeof contractsFor>>();

/**
 * An autoregressive model of binary images x ∈ {0, 1}^{H·W} in raster order (rows of H·W pixels):
 *
 *     log p(x) = Σ_i log Bernoulli(x_i; σ(ℓ_i(x_<i))),   i = 1 … H·W   (exact, D66; ℓ_i reads x_<i only, D67)
 *
 * A subclass gives the logits of all H·W conditionals in one pass (`logitsOf`); the likelihood, the training
 * loss, the receptive-field gradient and pixel-by-pixel sampling are these. Shapes: x [B, H·W] → logits
 * [B, H·W], logProb [B]; sample(rng, n) → [n, H·W].
 *
 * @example
 * ```ts
 * const cnn = new ll.models.PixelCNN(ll.rng(0), { channels: 32, layers: 5 });
 * cnn.logProb(x);             // [B] nats, exact
 * cnn.sample(ll.rng(1), 4);   // [4, 784], 784 passes of the network
 * ```
 */
export abstract class RasterPixelModel {
  abstract readonly config: RasterImageConfig;
  abstract get variables(): tf.Variable[];
  abstract dispose(): void;
  /** The logits of x [B, H·W] (already checked) → [B, H·W], inside the caller's tidy. */
  protected abstract logitsOf(x: tf.Tensor2D): tf.Tensor2D;

  /** The name errors use: the class's. */
  constructor(private readonly modelName: string) {}

  private get contracts() {
    let c = CONTRACTS.get(this.modelName);
    if (!c) CONTRACTS.set(this.modelName, c = contractsFor(this.modelName));
    return c;
  }

  /** H·W, pixels per image: the rows `ll.fit` feeds it. */
  get dim(): number { return this.config.height * this.config.width; }

  /** The number of trainable parameters (masked-out weights included: stored, always multiplied by 0). */
  get parameterCount(): number { return this.variables.reduce((s, v) => s + v.size, 0); }

  /** Binary pixels: `ll.fit` binarizes each image batch afresh (dynamic binarization). */
  get binaryPixels(): boolean { return true; }

  /** The logits ℓ_i(x_<i) of all H·W conditionals in one pass: x [B, H·W] → [B, H·W]. */
  logits(x: tf.Tensor): tf.Tensor2D {
    checkKind(this.contracts.x, x, 'x', `${this.modelName}.logits`, { self: this });
    return tf.tidy(() => this.logitsOf(tf.reshape(x, [-1, this.dim]) as tf.Tensor2D));
  }

  /** The exact log p(x) = Σ_i x_i ℓ_i − softplus(ℓ_i), in nats (D66): x [B, H·W] binary → [B]. */
  logProb(x: tf.Tensor): tf.Tensor1D {
    checkKind(this.contracts.x, x, 'x', `${this.modelName}.logProb`, { self: this });
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
    this.contracts.loss.check(arguments, undefined, this);
    return tf.tidy(() => tf.neg(tf.mean(this.logProb(batch.x))) as tf.Scalar);
  }

  /**
   * ∂ℓ_pixel/∂x for one image x [1, H·W] → [H·W]: which inputs the logit of `pixel` (raster index) reads. Zero
   * at every index ≥ pixel (D67); among earlier ones, zero wherever the model's masks never reach (PixelCNN's
   * blind spot above and to the right; none for the gated PixelCNN within its reach).
   * @example cnn.inputGradient(x.slice([0, 0], [1, -1]), 14 * 28 + 14)   // [784]
   */
  inputGradient(x: tf.Tensor2D, pixel: number): tf.Tensor1D {
    this.contracts.gradient.check(arguments, undefined, this);
    return tf.tidy(() => tf.reshape(tf.grad((xi: tf.Tensor) => tf.squeeze(tf.slice(this.logits(xi), [0, pixel], [1, 1])))(x), [this.dim]) as tf.Tensor1D);
  }

  /**
   * p(x_i = 1 | x_<i) at pixel (row, col) for n images being sampled (x [n·H·W] so far; pixels from i on are
   * 0): [n]. A subclass whose logits of row r never read a row below r may pass fewer rows.
   */
  protected pixelProbabilities(x: Float32Array, n: number, row: number, col: number): tf.Tensor {
    const i = row * this.config.width + col;
    return tf.sigmoid(tf.slice(this.logitsOf(tf.tensor2d(x, [n, this.dim])), [0, i], [n, 1]));
  }

  /**
   * n samples drawn pixel by pixel in raster order, x_i ~ Bernoulli(σ(ℓ_i(x_<i))): one pass of the network a
   * pixel (H·W passes). Returns binary images [n, H·W].
   * @example cnn.sample(ll.rng(0), 16)   // [16, 784]
   */
  sample(rng: Rng, n: number): tf.Tensor2D {
    this.contracts.sample.check(arguments, undefined, this);
    const { height: H, width: W } = this.config;
    const x = new Float32Array(n * H * W);
    for (let r = 0; r < H; r++) {
      for (let col = 0; col < W; col++) {
        const p = tf.tidy(() => this.pixelProbabilities(x, n, r, col));
        const probs = p.dataSync();
        p.dispose();
        for (let b = 0; b < n; b++) x[b * H * W + r * W + col] = rng.nextUniform() < probs[b] ? 1 : 0;
      }
    }
    return tf.tensor2d(x, [n, H * W]);
  }
}
