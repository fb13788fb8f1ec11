// A convolutional VAE on 28×28 binary images (lecture 001's VAE with convolutions in place of the
// MLP encoder and decoder; lecture 003). With a Bernoulli decoder and q(z | x) = N(μ(x), diag σ(x)²):
//   ELBO(x) = E_q log p(x | z) − KL(q(z | x) ‖ N(0, I)),   z = μ + σ ⊙ ε (reparameterization, D17)
//   encoder: conv 3×3 (1→c₁), ReLU, 2×2 avg-pool → conv 3×3 (c₁→c₂), ReLU, avg-pool → dense → [μ, log σ]
//   decoder: dense → 7×7×c₂, ReLU → nearest ×2, conv (c₂→c₁), ReLU → nearest ×2, conv (c₁→1) = logits
// The loss is −ELBO averaged over the batch (one ε per image), the KL analytic: ll.infer.gaussianEncoderElboTerms;
// the log-weights for log p̂(x) are ll.infer.logImportanceWeights over logJoint(x, z) and posterior(x).
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../random/rng';
import { Dense } from '../../ops/dense';
import { Normal } from '../../distributions/normal';
import { gaussianEncoderElboTerms, logImportanceWeights } from '../../inference/bounds';
import { bernoulliLogLikelihood } from '../../ops/bernoulli-log-likelihood';
import type { Batch } from '../../training/trainable';
import { positiveInteger } from '../../validation/arguments';
import { Conv2d } from '../layers/conv2d';
import { downsample2, upsample2 } from '../layers/resample';
import { checkKind, contract, count as countKind, instance, arrayOf, anything, optional, record, tensor } from '../../validation/contract';
import { batch } from '../../validation/batch';

const IMAGES = tensor({ shape: ['B', 784] });
import { checkWeightsGenerator } from '../../validation/initial-weights';

// the two entries are then checked one by one as positive integers
const CHANNELS = { ...arrayOf(anything(), { minLength: 2, maxLength: 2 }), expected: 'two positive integers' };

// the generator's class itself (not a look-alike): these models call more of its methods than the duck-typed rngKind checks
const RNG = instance(Rng, 'an Rng (ll.rng(seed))');
const LOSS = contract('ConvVAE.loss', { rng: RNG, x: IMAGES });
const TRAINING_LOSS = contract('ConvVAE.trainingLoss', { rng: RNG, batch: batch(IMAGES), objective: anything('the objective ll.fit passes on (this model has one loss)') });
// n images of 784 float32 pixels must fit in memory
const SAMPLES = countKind({ entriesEach: 784, bytesEach: 4 });

export interface ConvVAEConfig {
  /** Latent dimension M (default 16). */
  latent?: number;
  /** Channels of the two convolution levels (default [16, 32]). */
  channels?: [number, number];
}

let count = 0;

/**
 * The convolutional VAE on 28×28 images given as [B, 784] in {0, 1} (binarized).
 *
 *     ELBO(x) = E_q[log p(x | z)] − KL(q(z | x) ‖ N(0, I)),  z = μ(x) + σ(x) ⊙ ε   (D14, D17; one sample, D30)
 *     log p̂(x) = log (1/K) Σ_k p(x, z_k)/q(z_k | x),  z_k ~ q(z | x)   (D31, from logWeights)
 *
 * The bounds are ll.infer's (gaussianEncoderElboTerms, logImportanceWeights) over `logJoint` and `posterior`.
 * Shapes: x [B, 784]; z [K, B, M]; elbo [B].
 * @example const vae = new ll.models.ConvVAE(ll.rng(0), { latent: 16 }); await ll.fit(vae, ll.loadMnist('train'), { steps: 500, seed: 1, batchSize: 64 });
 *          vae.elbo(ll.rng(2), x) // [B] nats
 */
export class ConvVAE {
  readonly config: Required<ConvVAEConfig>;
  private readonly e1: Conv2d; private readonly e2: Conv2d; private readonly eOut: Dense;
  private readonly dIn: Dense; private readonly d1: Conv2d; private readonly d2: Conv2d;

  /**
   * Builds the encoder (two 3×3 convolutions down to 7×7 → dense (μ, log σ)) and the mirrored decoder, with
   * weights drawn from `rng`.
   *
   * @param rng the generator of the initial weights (`ll.rng(seed)`)
   * @param config `latent` M (16), `channels` of the two convolutions ([16, 32])
   */
  constructor(rng: Rng, config: ConvVAEConfig = {}) {
    checkWeightsGenerator('ConvVAE', rng, config);
    checkKind(optional(record('a config object')), config, 'config', 'ConvVAE');
    const channels = config.channels ?? [16, 32];
    checkKind(CHANNELS, channels, 'channels', 'ConvVAE');
    channels.forEach((c) => positiveInteger(c, 'ConvVAE', 'channels'));
    this.config = { latent: positiveInteger(config.latent ?? 16, 'ConvVAE', 'latent'), channels };
    const scope = `convvae${++count}`, [c1, c2] = channels, M = this.config.latent;
    this.e1 = new Conv2d(rng, 1, c1, 3, 'enc1', scope);
    this.e2 = new Conv2d(rng, c1, c2, 3, 'enc2', scope);
    this.eOut = new Dense(rng, 7 * 7 * c2, 2 * M, 'encOut', scope);
    this.dIn = new Dense(rng, M, 7 * 7 * c2, 'decIn', scope);
    this.d1 = new Conv2d(rng, c2, c1, 3, 'dec1', scope);
    this.d2 = new Conv2d(rng, c1, 1, 3, 'dec2', scope);
  }

  private checkX(x: tf.Tensor, who: string): void {
    checkKind(IMAGES, x, 'x', `ConvVAE.${who}`);
  }

  /** [μ, log σ] of q(z | x): x [B, 784] → [B, 2M]. */
  encode(x: tf.Tensor2D): tf.Tensor2D {
    this.checkX(x, 'encode');
    return tf.tidy(() => {
      const img = tf.reshape(x, [x.shape[0], 28, 28, 1]) as tf.Tensor4D;
      const h = downsample2(tf.relu(this.e2.apply(downsample2(tf.relu(this.e1.apply(img))))));
      return this.eOut.apply(tf.reshape(h, [x.shape[0], -1])) as tf.Tensor2D;
    });
  }

  /** The decoder's Bernoulli logits: z [B, M] → [B, 784]. */
  decode(z: tf.Tensor2D): tf.Tensor2D {
    checkKind(tensor({ shape: ['B', this.config.latent] }), z, 'z', 'ConvVAE.decode');
    return tf.tidy(() => {
      const B = z.shape[0];
      const h = tf.reshape(this.dIn.applyRelu(z), [B, 7, 7, this.config.channels[1]]) as tf.Tensor4D;
      const h1 = tf.relu(this.d1.apply(upsample2(h)));
      return tf.reshape(this.d2.apply(upsample2(h1)), [B, 784]) as tf.Tensor2D;
    });
  }

  /** The single-sample ELBO per image [B] (nats): log p(x | z) − KL(q(z | x) ‖ N(0, I)), z = μ + σε (D14, D30). */
  elbo(rng: Rng, x: tf.Tensor2D): tf.Tensor1D {
    checkKind(RNG, rng, 'rng', 'ConvVAE.elbo');
    this.checkX(x, 'elbo');
    return tf.tidy(() => {
      const { reconstruction, kl } = gaussianEncoderElboTerms(rng, { x, meanLogStd: this.encode(x), logLikelihood: (xx, z) => bernoulliLogLikelihood(xx, this.decode(z as tf.Tensor2D)) });
      return tf.sub(reconstruction, kl) as tf.Tensor1D;
    });
  }

  /**
   * q(z | x) = N(μ(x), diag σ(x)²): batch [B], event [M] (from `encode`).
   *
   * @example
   * ```ts
   * conv.posterior(x).sample(ll.rng(0), 5);   // [5, B, M]
   * ```
   */
  posterior(x: tf.Tensor): Normal {
    this.checkX(x, 'posterior');
    const M = this.config.latent;
    const [mean, scale] = tf.tidy(() => {
      const h = this.encode(x as tf.Tensor2D);
      return [tf.slice(h, [0, 0], [-1, M]), tf.exp(tf.slice(h, [0, M], [-1, M]))];
    });
    return new Normal(mean, scale, { eventDims: 1, validate: false });
  }

  /**
   * log p(x, z) = log p(x | z) + log N(z; 0, I): x [B, 784], z [K, B, M] (or [B, M]) → [K, B] (or [B]).
   *
   * @example
   * ```ts
   * conv.logJoint(x, conv.posterior(x).sample(ll.rng(0), 5));   // [5, B]
   * ```
   */
  logJoint(x: tf.Tensor, z: tf.Tensor): tf.Tensor {
    this.checkX(x, 'logJoint');
    const M = this.config.latent;
    checkKind(tensor({ shape: [['K', 'B', M], ['B', M]] }), z, 'z', 'ConvVAE.logJoint');
    return tf.tidy(() => {
      const lead = z.shape.slice(0, -1);
      const K = z.rank === 3 ? z.shape[0] : 1;
      const logits = this.decode(tf.reshape(z, [-1, M]) as tf.Tensor2D);
      const ll = tf.reshape(bernoulliLogLikelihood(K === 1 ? x : tf.tile(x, [K, 1]), logits), lead);
      const logPrior = tf.sub(tf.mul(tf.sum(tf.square(z), -1), -0.5), 0.5 * M * Math.log(2 * Math.PI));
      return tf.add(ll, logPrior);
    });
  }

  /**
   * Importance log-weights log w_k = log p(x | z_k) + log N(z_k; 0, I) − log q(z_k | x), z_k ~ q(z | x), for
   * K samples per image: x [B, 784] → [K, B]. log (1/K) Σ_k w_k is the importance-sampled log p(x) (D31), and
   * E_q log w is the ELBO (ll.infer.logImportanceWeights over logJoint and posterior).
   */
  logWeights(rng: Rng, x: tf.Tensor2D, options: { samples: number }): tf.Tensor2D {
    checkKind(RNG, rng, 'rng', 'ConvVAE.logWeights');
    this.checkX(x, 'logWeights');
    const K = positiveInteger(options?.samples, 'ConvVAE.logWeights', 'samples');
    return tf.tidy(() => logImportanceWeights(rng, { x, logJoint: (xx, z) => this.logJoint(xx, z), proposal: this.posterior(x), samples: K }, 'ConvVAE.logWeights') as tf.Tensor2D);
  }

  /** −ELBO averaged over the batch (the minimized loss). */
  loss(rng: Rng, x: tf.Tensor2D): tf.Scalar {
    LOSS.check(arguments);
    return tf.tidy(() => tf.neg(tf.mean(this.elbo(rng, x))) as tf.Scalar);
  }

  /** n images from the prior: z ~ N(0, I), pixel probabilities σ(logits) [n, 784]. */
  sample(rng: Rng, n: number): tf.Tensor2D {
    checkKind(RNG, rng, 'rng', 'ConvVAE.sample');
    checkKind(SAMPLES, n, 'n', 'ConvVAE.sample');
    const z = rng.normal([n, this.config.latent]) as tf.Tensor2D;
    try {
      return tf.tidy(() => tf.sigmoid(this.decode(z)) as tf.Tensor2D);
    } finally {
      z.dispose();
    }
  }

  /** Binary pixels: `ll.fit` binarizes each image batch afresh (dynamic binarization). */
  get binaryPixels(): boolean { return true; }

  /** 784 pixels per image. */
  get dim(): number { return 784; }

  /**
   * The loss `ll.fit` minimizes: −(1/B) Σ_b ELBO(x_b), one ε per image (D14, D30), on dynamically binarized digits.
   *
   * @example
   * ```ts
   * const run = await ll.fit(vae, ll.loadMnist('train'), { steps: 600, seed: 41, batchSize: 64, learningRate: 2e-3 });
   * ```
   */
  trainingLoss(rng: Rng, batch: Batch): tf.Scalar {
    TRAINING_LOSS.check(arguments);
    return this.loss(rng, batch.x);
  }

  get variables(): tf.Variable[] {
    return [this.e1, this.e2, this.eOut, this.dIn, this.d1, this.d2].flatMap((l) => l.variables);
  }

  get parameterCount(): number {
    return this.variables.reduce((s, v) => s + v.size, 0);
  }

  /** Frees the weights' tensors; the model cannot be used afterwards. */
  dispose(): void {
    this.variables.forEach((v) => v.dispose());
  }
}
