// A small DCGAN for 28×28 digits (Radford et al. 2016, lecture 003's GAN slides) on the project's native
// convolutions (src/models/layers/conv2d.ts, resample.ts), without batch normalization:
//   generator:     z [B, M] → dense → 7×7×c₂, ReLU → nearest ×2, conv 3×3 (c₂→c₁), ReLU → nearest ×2,
//                  conv 3×3 (c₁→c₁), ReLU → conv 3×3 (c₁→1) → sigmoid = pixels in (0, 1)
//   discriminator: pixels → conv 3×3 (1→c₁), leaky ReLU, 2×2 avg-pool → conv 3×3 (c₁→c₂), leaky ReLU, avg-pool
//                  → dense → logit
// Trained by ll.fit with both players in one loss, as GAN2D: L = L_D(x, stop(G(z))) + L_G(G; stop(D's weights)).
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../random/rng';
import { mapRows, rowsPerChunk } from '../../ops/in-chunks';
import { Dense, denseLinear } from '../../ops/dense';
import { stopGradient } from '../../math/stop-gradient';
import type { Batch, LossWithTerms } from '../../training/trainable';
import { Conv2d, conv2dSame } from '../layers/conv2d';
import { downsample2, upsample2 } from '../layers/resample';
import { checkWeightsGenerator } from '../../validation/initial-weights';
import { batch as batchKind } from '../../validation/batch';
import { anything, arrayOf, checkKind, contract, count, instance, optional, options as optionsKind, str, tensor } from '../../validation/contract';
import { discriminatorLoss, generatorLoss, GanLoss } from './gan-losses';

export interface DCGANConfig {
  /** latent dimension M (default 32) */
  latent?: number;
  /** channels [c₁, c₂] of the two convolution levels (default [32, 64]) */
  channels?: [number, number];
}

const CONFIG = optionsKind({ latent: count({ max: 4096 }), channels: arrayOf(count({ max: 4096 }), { minLength: 2, maxLength: 2 }) }, { name: 'config' });
const RNG = instance(Rng, 'an Rng (ll.rng(seed))');
const SAMPLE = contract('DCGAN.sample', { rng: RNG, n: count({ entriesEach: 784, bytesEach: 4 }) });
const IMAGES = tensor({ shape: ['B', 784] });
const OBJECTIVE = optionsKind({ type: str(['minimax', 'non-saturating']) }, { required: ['type'], name: 'objective' });
const PREPARE = contract('DCGAN.prepareBatch', { rng: RNG, batch: batchKind(IMAGES), objective: optional(anything()) });
const LOSS = contract('DCGAN.trainingLoss', {
  rng: anything(), b: batchKind(IMAGES, { z: tensor({ shape: (c) => ['B', (c.self as DCGAN).config.latent] }) }, ['x', 'z']), objective: OBJECTIVE,
});
const SLOPE = 0.2;

let instances = 0;

/**
 * A DCGAN on 28×28 grey images given as [B, 784] pixels in [0, 1]: G(z) [B, 784] in (0, 1), D(x) = σ(a(x)).
 * Losses (gan-losses.ts): L_D = −E log D(x) − E log(1 − D(G(z))) (minimized by D* = p/(p + q), D60) and the
 * generator's non-saturating −E log D(G(z)) (D62; `objective: { type: 'minimax' }` for the game's own).
 * It defines no density: `sample` is all it does (scored by ll.evaluation's sample metrics).
 *
 * @example
 * ```ts
 * const gan = new ll.models.DCGAN(ll.rng(0), { latent: 32 });
 * await ll.fit(gan, ll.loadMnist('train'), { steps: 100, seed: 1, batchSize: 64, objective: { type: 'non-saturating' },
 *   optimizer: ll.tf.train.adam(2e-4, 0.5) });
 * const x = gan.sample(ll.rng(2), 16);   // [16, 784] in (0, 1)
 * ```
 */
export class DCGAN {
  readonly config: Required<DCGANConfig>;
  private readonly gIn: Dense; private readonly g1: Conv2d; private readonly g2: Conv2d; private readonly gOut: Conv2d;
  private readonly d1: Conv2d; private readonly d2: Conv2d; private readonly dOut: Dense;

  /** The generator and discriminator with weights drawn from `rng`; `latent` M (32), `channels` [c₁, c₂] ([32, 64]). */
  constructor(rng: Rng, config: DCGANConfig = {}) {
    checkWeightsGenerator('DCGAN', rng, config);
    checkKind(CONFIG, config, 'config', 'DCGAN');
    this.config = { latent: config.latent ?? 32, channels: config.channels ?? [32, 64] };
    const scope = `dcgan${++instances}`, [c1, c2] = this.config.channels, M = this.config.latent;
    this.gIn = new Dense(rng, M, 7 * 7 * c2, 'gIn', scope);
    this.g1 = new Conv2d(rng, c2, c1, 3, 'g1', scope);
    this.g2 = new Conv2d(rng, c1, c1, 3, 'g2', scope);
    this.gOut = new Conv2d(rng, c1, 1, 3, 'gOut', scope);
    this.d1 = new Conv2d(rng, 1, c1, 3, 'd1', scope);
    this.d2 = new Conv2d(rng, c1, c2, 3, 'd2', scope);
    this.dOut = new Dense(rng, 7 * 7 * c2, 1, 'dOut', scope);
  }

  /** G(z): z [B, M] → pixels [B, 784] in (0, 1). */
  generate(z: tf.Tensor2D): tf.Tensor2D {
    checkKind(tensor({ shape: ['B', this.config.latent] }), z, 'z', 'DCGAN.generate');
    return tf.tidy(() => {
      const B = z.shape[0];
      const h = tf.reshape(this.gIn.applyRelu(z), [B, 7, 7, this.config.channels[1]]) as tf.Tensor4D;
      const h1 = tf.relu(this.g1.apply(upsample2(h)));
      const h2 = tf.relu(this.g2.apply(upsample2(h1)));
      return tf.reshape(tf.sigmoid(this.gOut.apply(h2)), [B, 784]) as tf.Tensor2D;
    });
  }

  // the discriminator's logit [B]; `frozen` reads its weights through stopGradient (the generator's loss)
  private logitsOf(x: tf.Tensor2D, frozen: boolean): tf.Tensor1D {
    return tf.tidy(() => {
      const B = x.shape[0];
      const conv = (c: Conv2d, h: tf.Tensor4D) => (frozen
        ? tf.add(conv2dSame(h, stopGradient(c.W as tf.Tensor4D)), stopGradient(c.b as tf.Tensor1D)) as tf.Tensor4D : c.apply(h));
      const leaky = (h: tf.Tensor4D) => tf.leakyRelu(h, SLOPE) as tf.Tensor4D;
      const img = tf.reshape(x, [B, 28, 28, 1]) as tf.Tensor4D;
      const h = downsample2(leaky(conv(this.d2, downsample2(leaky(conv(this.d1, img))))));
      const flat = tf.reshape(h, [B, -1]) as tf.Tensor2D;
      const out = frozen ? denseLinear(flat, stopGradient(this.dOut.W as tf.Tensor2D), stopGradient(this.dOut.b as tf.Tensor1D)) : this.dOut.apply(flat);
      return tf.reshape(out, [B]) as tf.Tensor1D;
    });
  }

  /** The discriminator's logit a(x): pixels [B, 784] → [B]; D(x) = σ(a(x)). */
  logits(x: tf.Tensor2D): tf.Tensor1D {
    checkKind(IMAGES, x, 'x', 'DCGAN.logits');
    return this.logitsOf(x, false);
  }

  /** n samples G(z), z ~ N(0, I) from `rng`: pixels [n, 784] in (0, 1), as the evaluator's other models give them. */
  sample(rng: Rng, n: number): tf.Tensor2D {
    SAMPLE.check(arguments);
    // The generator holds every layer's 28·28·C activations of every row until its pass ends, and the backend's
    // memory keeps that high-water mark for good: the same draws, generated a few rows at a time.
    return tf.tidy(() => mapRows(rng.normal([n, this.config.latent]), rowsPerChunk(784 * this.config.channels[0] * 4),
      (z) => this.generate(z)));
  }

  get generatorVariables(): tf.Variable[] {
    return [this.gIn, this.g1, this.g2, this.gOut].flatMap((l) => l.variables);
  }

  get discriminatorVariables(): tf.Variable[] {
    return [this.d1, this.d2, this.dOut].flatMap((l) => l.variables);
  }

  /** Both players' weights, generator first. */
  get variables(): tf.Variable[] {
    return [...this.generatorVariables, ...this.discriminatorVariables];
  }

  /** The weights under names local to the model (for checkpoints). */
  get namedVariables(): { name: string; variable: tf.Variable }[] {
    return [this.gIn, this.g1, this.g2, this.gOut, this.d1, this.d2, this.dOut].flatMap((l) =>
      [{ name: `${l.name}/W`, variable: l.W }, { name: `${l.name}/b`, variable: l.b }]);
  }

  /** The data side of a batch for ll.fit: the images and z ~ N(0, I) [B, M]. */
  prepareBatch(rng: Rng, batch: Batch): { x: tf.Tensor2D; z: tf.Tensor2D } {
    PREPARE.check(arguments, undefined, this);
    return { x: batch.x, z: rng.normal([batch.x.shape[0], this.config.latent]) as tf.Tensor2D };
  }

  /**
   * Both players' losses in one scalar for ll.fit (terms `discriminator`, `generator`):
   *
   *     L = L_D(a; x, stop(G(z))) + L_G(G; stop(a))
   *
   * Example: `await ll.fit(gan, ll.loadMnist('train'), { steps: 3000, seed: 1, objective: { type: 'non-saturating' } })`.
   */
  trainingLoss(_rng: Rng, b: { x: tf.Tensor2D; z: tf.Tensor2D }, objective?: { type: GanLoss }): LossWithTerms {
    LOSS.check(arguments, undefined, this);
    const type = (objective as { type: GanLoss }).type;
    return tf.tidy(() => {
      const fake = this.generate(b.z);
      const dLoss = discriminatorLoss(this.logitsOf(b.x, false), this.logitsOf(stopGradient(fake), false));
      const gLoss = generatorLoss(this.logitsOf(fake, true), type);
      return { loss: tf.add(dLoss, gLoss) as tf.Scalar, terms: { discriminator: dLoss, generator: gLoss } };
    });
  }

  /** Frees both players' weights. */
  dispose(): void {
    tf.dispose(this.variables);
  }
}
