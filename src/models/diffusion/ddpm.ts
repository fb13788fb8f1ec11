// DDPM on images (Ho et al. 2020; lecture 003: diffusion as a deep hierarchical VAE), with a U-Net that
// predicts the noise. Pixels p ∈ [0, 1] are mapped to x_0 = 2p − 1 ∈ [−1, 1].
//   training (the simplified objective, D44):  L = E_{t, x_0, ε} ‖ε̂_θ(√ᾱ_t x_0 + √(1 − ᾱ_t) ε, t) − ε‖² / D
//   x̂_0 = (x_t − √(1 − ᾱ_t) ε̂)/√ᾱ_t,   p_θ(x_{t−1} | x_t) = N(γ_t x_t + δ_t x̂_0, σ_t² I)        (D40, D41)
//   ancestral sampling: x_T ~ N(0, I), x_{t−1} ~ p_θ(x_{t−1} | x_t), x̂_0 clipped to [−1, 1] (the data's range)
// Sampling may use a sub-sequence τ_1 < … < τ_S of the T steps ("respacing", Nichol & Dhariwal): the
// chain through ᾱ_{τ_1}, …, ᾱ_{τ_S} is itself a diffusion with β'_i = 1 − ᾱ_{τ_i}/ᾱ_{τ_{i−1}}, and the same
// network answers at the original steps τ_i; S = T is plain DDPM sampling.
// The ELBO is the library's diffusion ELBO (D41, src/models/diffusion/elbo.ts); in bits per dimension
// with uniform dequantization (D46) of the 8-bit pixels k: y = (k + u)/256, x_0 = 2y − 1, so
//   log P(k) ≥ E_u log p(x_0) + D log 2 − D log 256   ⇒   bits/dim ≤ −ELBO/(D ln 2) + 7.
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../random/rng';
import { DiffusionSchedule } from './schedule';
import { Denoiser, diffusionElbo } from './elbo';
import { ddimStep } from './ddim';
import { ImageDataset } from '../../data/image-dataset';
import type { Batch } from '../../training/trainable';
import { estimateMean } from '../../check/monte-carlo';
import type { Estimate } from '../../inference/estimate';
import { positiveFinite, positiveInteger } from '../../validation/arguments';
import { UNet } from '../layers/unet';
import { anything, arrayOf, bool, checkKind, instance, contract, count, num, optional, options as optionsKind, str, tensor, where, type Context } from '../../validation/contract';
import { batch } from '../../validation/batch';

// pixels and x₀ as rows [B, D], D the network's H·W·C
const ROWS = tensor({ shape: ['B', (c) => (c.self as { dim: number }).dim] });
const ELBO_METHOD = { ...str(['exact', 'sampled']), expected: "'exact' or 'sampled'" };

const IMAGE_DDPM = contract('ImageDDPM', { net: instance(UNet), schedule: instance(DiffusionSchedule) });
const ETA = { ...num({ min: 0, max: 1 }), expected: 'in [0, 1]' };

// the generator's class itself (not a look-alike): these models call more of its methods than the duck-typed rngKind checks
const RNG = instance(Rng, 'an Rng (ll.rng(seed))');

// one declared contract per public method; the receiver's U-Net and schedule give the shapes and the steps
const netOf = (c: Context) => (c.self as ImageDDPM).net;
const IMAGES = tensor({ shape: ['B', (c) => netOf(c).size, (c) => netOf(c).size, (c) => netOf(c).imageChannels] });
const T_OF = (c: Context) => (c.self as ImageDDPM).schedule.T;
const STEP = where(num({ integer: true, min: 1 }), (c) => `be a step in 1…T = 1…${T_OF(c)}`, (t: number, c) => t <= T_OF(c));
const ONE_STEP_PER_IMAGE = where(arrayOf(STEP), 'hold one step per image of xt', (ts: number[], c) => ts.length === (c.args.xt as tf.Tensor).shape[0] || `got ${ts.length} steps for ${(c.args.xt as tf.Tensor).shape[0]} images`);
const SAMPLE_STEPS = where(count(), (c) => `be at most T = ${T_OF(c)}`, (s: number, c) => s <= T_OF(c));
const FRAMES = arrayOf(where(num({ integer: true, min: 0 }), (c) => `be a step in 0…T = 0…${T_OF(c)}`, (t: number, c) => t <= T_OF(c)));
const ELBO_OPTIONS = optional(optionsKind({ method: ELBO_METHOD, draws: count({ max: 1e6 }) }));
// the prepared batch: x_t and ε of the images' shape, one step per image
const PREPARED = batch(undefined, { xt: IMAGES, eps: IMAGES, t: tensor({ shape: ['B'] }) }, ['xt', 'eps', 't']);
const DD = {
  toModel: contract('ImageDDPM.toModel', { pixels: ROWS }),
  epsHat: contract('ImageDDPM.epsHat', { xt: IMAGES, ts: ONE_STEP_PER_IMAGE }),
  loss: contract('ImageDDPM.loss', { rng: RNG, x0: IMAGES }),
  prepareBatch: contract('ImageDDPM.prepareBatch', { rng: RNG, batch: batch(ROWS), objective: anything('the objective ll.fit passes on (this model has one loss)') }),
  trainingLoss: contract('ImageDDPM.trainingLoss', { rng: anything(), b: PREPARED, objective: anything('the objective ll.fit passes on (this model has one loss)') }),
  samplingSteps: contract('ImageDDPM.samplingSteps', { S: SAMPLE_STEPS }),
  // n images of H·W·C float32 pixels, a few copies live at each step
  sample: contract('ImageDDPM.sample', { rng: RNG, n: count({ entriesEach: 4 * 4096, bytesEach: 4 }), options: optional(optionsKind({ steps: SAMPLE_STEPS, clip: bool(), eta: ETA, frames: FRAMES })) }),
  dequantize: contract('ImageDDPM.dequantize', { rng: RNG, pixels: ROWS }),
  elbo: contract('ImageDDPM.elbo', { rng: RNG, x0: tensor({ shape: ['B', (c) => (c.self as { dim: number }).dim], noNaN: true }), options: ELBO_OPTIONS }),
  // an evaluation: a NaN pixel is refused (one reduction)
  bitsPerDim: contract('ImageDDPM.bitsPerDim', { rng: RNG, pixels: tensor({ shape: ['B', (c) => (c.self as { dim: number }).dim], noNaN: true }), options: ELBO_OPTIONS }),
};

export interface SampleOptions {
  /** Sampling steps S ≤ T, evenly spaced over 1…T (default T). */
  steps?: number;
  /** Clip x̂_0 to [−1, 1] at every step (default true). */
  clip?: boolean;
  /**
   * DDIM's η ∈ [0, 1] (ddimStep): σ² = η² × the posterior's variance, the mean moved to keep q(x_t | x_0);
   * 0 is deterministic DDIM, 1 (the default) ancestral DDPM sampling.
   */
  eta?: number;
  /**
   * Keep x_t at these steps of 0…T (e.g. [1000, 500, 100, 0]; 0 is the final sample), as pixels; with
   * respacing, a step between sampling steps gets the chain's first state at or below it.
   */
  frames?: number[];
}

export interface SampleResult {
  /** The samples as pixels in [0, 1], [n, H·W·C]. */
  pixels: tf.Tensor2D;
  /** The kept frames by step, pixels [n, H·W·C] each (x_t mapped by (x + 1)/2 and clipped to [0, 1]). */
  frames: Map<number, tf.Tensor2D>;
}

/**
 * A DDPM on H×W×C images: the U-Net ε̂_θ and a schedule of T steps.
 *
 * The forward process and the reverse model (lecture 003; docs/derivations.md#d39):
 *
 *     q(x_t | x_0) = N(√ᾱ_t x_0, (1 − ᾱ_t) I)                                                      (D39)
 *     p_θ(x_{t−1} | x_t) = N(γ_t x_t + δ_t x̂_0, σ_t² I),  x̂_0 = (x_t − √(1 − ᾱ_t) ε̂_θ(x_t, t))/√ᾱ_t   (D40, D41)
 *     loss = E_{t, x_0, ε} ‖ε − ε̂_θ(√ᾱ_t x_0 + √(1 − ᾱ_t) ε, t)‖²   (the simple objective, D44)
 *
 * Shapes: pixels as rows [B, D] (D = H·W·C, in [0, 1]; the model works on x_0 = 2p − 1 as images [B, H, W, C]);
 * sample(rng, n).pixels [n, D].
 *
 * @example const m = new ll.models.ImageDDPM(new ll.models.UNet(ll.rng(0), { channels: [16, 32] }), ll.models.DiffusionSchedule.linear(1000));
 *          await ll.fit(m, ll.loadMnist('train'), { steps: 2000, seed: 1, batchSize: 64, ema: 0.995 }); const s = m.sample(ll.rng(2), 64, { steps: 100 });
 */
export class ImageDDPM {
  /**
   * The DDPM whose reverse steps p_θ(x_{t−1}|x_t) use `net` as ε̂_θ under `schedule` (D40, D41).
   *
   * @param net  the U-Net ε̂_θ(x_t, t)
   * @param schedule  the β_t of the forward process
   */
  constructor(readonly net: UNet, readonly schedule: DiffusionSchedule) {
    IMAGE_DDPM.check(arguments);
  }

  /** D = H·W·C */
  get dim(): number { return this.net.size * this.net.size * this.net.imageChannels; }

  private imageShape(n: number): [number, number, number, number] {
    return [n, this.net.size, this.net.size, this.net.imageChannels];
  }

  /** x_0 = 2p − 1 as images [B, H, W, C], from pixels [B, D] in [0, 1]. */
  toModel(pixels: tf.Tensor2D): tf.Tensor4D {
    DD.toModel.check(arguments, undefined, this);
    return tf.tidy(() => tf.reshape(tf.sub(tf.mul(pixels, 2), 1), this.imageShape(pixels.shape[0])) as tf.Tensor4D);
  }

  /** ε̂_θ(x_t, t) for images x_t [B, H, W, C] and steps ts (numbers 1…T, one per image). */
  epsHat(xt: tf.Tensor4D, ts: number[]): tf.Tensor4D {
    DD.epsHat.check(arguments, undefined, this);
    return tf.tidy(() => this.net.apply(xt, tf.tensor1d(ts)));
  }

  /** x̂_0(x_t, t) = (x_t − √(1 − ᾱ_t) ε̂)/√ᾱ_t for one t, on flat images [B, D]: the model as a Denoiser (D44). */
  get denoiser(): Denoiser {
    return (xt, t) => tf.tidy(() => {
      const img = tf.reshape(xt, this.imageShape(xt.shape[0])) as tf.Tensor4D;
      const eps = this.epsHat(img, new Array(xt.shape[0]).fill(t));
      return this.schedule.x0FromEps(xt, tf.reshape(eps, xt.shape), t) as tf.Tensor2D;
    });
  }

  /**
   * One minibatch of the simplified loss, ‖ε̂ − ε‖²/D averaged over the batch, t uniform on 1…T per image.
   * x0 [B, H, W, C] in model space (toModel).
   */
  loss(rng: Rng, x0: tf.Tensor4D): tf.Scalar {
    DD.loss.check(arguments, undefined, this);
    const batch = this.prepare(rng, x0);
    try {
      return this.batchLoss(batch);
    } finally {
      tf.dispose(batch);
    }
  }

  // the noising is done outside the gradient tape (see Trainable.prepareBatch in src/training/trainable.ts)
  private prepare(rng: Rng, x0: tf.Tensor4D) {
    const S = this.schedule, B = x0.shape[0];
    const ts = Array.from({ length: B }, () => 1 + rng.int(S.T));
    return tf.tidy(() => {
      const sa = tf.tensor4d(ts.map((t) => Math.sqrt(S.alphaBars[t])), [B, 1, 1, 1]);
      const sb = tf.tensor4d(ts.map((t) => Math.sqrt(1 - S.alphaBars[t])), [B, 1, 1, 1]);
      const eps = rng.normal(x0.shape) as tf.Tensor4D;
      const xt = tf.add(tf.mul(x0, sa), tf.mul(eps, sb)) as tf.Tensor4D;
      return { xt, eps, t: tf.tensor1d(ts) };
    });
  }

  private batchLoss(b: { xt: tf.Tensor4D; eps: tf.Tensor4D; t: tf.Tensor1D }): tf.Scalar {
    return tf.tidy(() => tf.mean(tf.squaredDifference(this.net.apply(b.xt, b.t), b.eps)) as tf.Scalar);
  }

  /** The U-Net's weights: what `ll.fit` trains. */
  get variables(): tf.Variable[] { return this.net.variables; }

  /**
   * The data side of a training batch for `ll.fit`, outside the gradient tape: x_0 = 2p − 1 from the pixels
   * [B, D], t uniform on 1…T per image, ε ~ N(0, I) and x_t = √ᾱ_t x_0 + √(1 − ᾱ_t) ε (D39).
   *
   * @example
   * ```ts
   * await ll.fit(ddpm, ll.loadMnist('train'), { steps: 40, seed: 1, batchSize: 16 });   // prepareBatch, then trainingLoss
   * ```
   */
  prepareBatch(rng: Rng, batch: Batch): { xt: tf.Tensor4D; eps: tf.Tensor4D; t: tf.Tensor1D } {
    DD.prepareBatch.check(arguments, undefined, this);
    return tf.tidy(() => this.prepare(rng, this.toModel(batch.x)));
  }

  /**
   * The loss `ll.fit` minimizes: the simplified objective (D44) averaged over the batch,
   *
   *     L = (1/B) Σ_b ‖ε̂_θ(x_t, t) − ε‖² / D
   *
   * @example
   * ```ts
   * const run = await ll.fit(ddpm, ll.loadMnist('train'), { steps: 2000, seed: 1, batchSize: 64, learningRate: 2e-3, ema: 0.995 });
   * ```
   */
  trainingLoss(_rng: Rng, b: { xt: tf.Tensor4D; eps: tf.Tensor4D; t: tf.Tensor1D }): tf.Scalar {
    DD.trainingLoss.check(arguments, undefined, this);
    return this.batchLoss(b);
  }

  /** The sampling steps τ_1 < … < τ_S: S evenly spaced steps of 1…T, always including 1 and T. */
  samplingSteps(S: number): number[] {
    DD.samplingSteps.check(arguments, undefined, this);
    const T = this.schedule.T;
    if (S === 1) return [T];
    const taus = Array.from({ length: S }, (_, i) => Math.round(1 + ((T - 1) * i) / (S - 1)));
    return taus.filter((t, i) => i === 0 || t !== taus[i - 1]);
  }

  /** n images by ancestral sampling (over S respaced steps), or DDIM's with η < 1; pixels in [0, 1] and the requested frames. */
  sample(rng: Rng, n: number, options: SampleOptions = {}): SampleResult {
    DD.sample.check(arguments, undefined, this);
    const taus = this.samplingSteps(options.steps ?? this.schedule.T);
    const clip = options.clip ?? true;
    const eta = options.eta ?? 1;
    checkKind(ETA, eta, 'eta', 'ImageDDPM.sample');
    const want = new Set(options.frames ?? []);
    const ab = this.schedule.alphaBars;
    const frames = new Map<number, tf.Tensor2D>();
    const toPixels = (x: tf.Tensor4D) => tf.tidy(() => tf.clipByValue(tf.reshape(tf.div(tf.add(x, 1), 2), [n, this.dim]), 0, 1) as tf.Tensor2D);
    let x = rng.normal(this.imageShape(n)) as tf.Tensor4D;
    for (const w of want) if (w >= this.schedule.T) frames.set(w, toPixels(x));
    for (let i = taus.length - 1; i >= 0; i--) {
      const t = taus[i], abT = ab[t], abPrev = i > 0 ? ab[taus[i - 1]] : 1;
      // the respaced step: β' = 1 − ᾱ_t/ᾱ_prev, then γ, δ, σ² of q(x_prev | x_t, x_0) (D40), or DDIM's
      const beta = 1 - abT / abPrev;
      const { gamma, delta, sigma2 } = eta === 1 ? {
        gamma: (Math.sqrt(1 - beta) * (1 - abPrev)) / (1 - abT),
        delta: (Math.sqrt(abPrev) * beta) / (1 - abT),
        sigma2: ((1 - abPrev) * beta) / (1 - abT),
      } : ddimStep(abT, abPrev, eta);
      const next = tf.tidy(() => {
        const eps = this.epsHat(x, new Array(n).fill(t));
        let x0 = tf.div(tf.sub(x, tf.mul(eps, Math.sqrt(1 - abT))), Math.sqrt(abT));
        if (clip) x0 = tf.clipByValue(x0, -1, 1);
        const mean = tf.add(tf.mul(x, gamma), tf.mul(x0, delta));
        return (i > 0 && sigma2 > 0 ? tf.add(mean, tf.mul(rng.normal(this.imageShape(n)), Math.sqrt(sigma2))) : mean) as tf.Tensor4D;
      });
      x.dispose();
      x = next;
      // a requested t between sampling steps gets the first state at or below it
      const landed = i > 0 ? taus[i - 1] : 0;
      for (const w of want) if (w >= landed && !frames.has(w)) frames.set(w, toPixels(x));
    }
    const pixels = toPixels(x);
    x.dispose();
    return { pixels, frames };
  }

  /**
   * Dequantized x_0 for 8-bit pixels p = k/255: x_0 = 2(k + u)/256 − 1, u ~ U[0, 1)^D (D46), [B, D].
   */
  dequantize(rng: Rng, pixels: tf.Tensor2D): tf.Tensor2D {
    DD.dequantize.check(arguments, undefined, this);
    return tf.tidy(() => {
      const k = tf.round(tf.mul(pixels, 255));
      return tf.sub(tf.mul(tf.div(tf.add(k, rng.uniform(pixels.shape)), 256), 2), 1) as tf.Tensor2D;
    });
  }

  /**
   * The diffusion ELBO per image, log p(x_0) ≥ ELBO (D41), on dequantized x_0 [B, D] (model space):
   * 'exact' sums all T terms through diffusionElbo (T network passes); 'sampled' (default) keeps the
   * reconstruction and prior terms and estimates Σ_{t=2}^T KL_t by (T − 1)·mean of KL_t over `draws`
   * steps t uniform on 2…T per image — unbiased for the same expectation, T/draws times cheaper.
   */
  elbo(rng: Rng, x0: tf.Tensor2D, options: { method?: 'exact' | 'sampled'; draws?: number } = {}): Float64Array {
    DD.elbo.check(arguments, undefined, this);
    const method = options.method ?? 'sampled';
    if (method === 'exact') return diffusionElbo(rng, x0, this.denoiser, this.schedule).elbo;
    const draws = options.draws ?? 1;
    const S = this.schedule, T = S.T, [B, D] = x0.shape;
    const read = (t: tf.Tensor) => { const v = Float64Array.from(t.dataSync()); t.dispose(); return v; };
    const beta1 = S.betas[1];
    const rec = read(tf.tidy(() => {
      const { xt, eps } = S.noised(rng, x0, 1);
      eps.dispose();
      const err = tf.sum(tf.square(tf.sub(x0, this.denoiser(xt as tf.Tensor2D, 1))), 1);
      return tf.sub(tf.div(err, -2 * beta1), 0.5 * D * Math.log(2 * Math.PI * beta1));
    }));
    const abT = S.alphaBars[T];
    const prior = read(tf.tidy(() => tf.mul(tf.add(tf.mul(tf.sum(tf.square(x0), 1), abT), D * (-abT - Math.log(1 - abT))), 0.5)));
    const cons = new Float64Array(B);
    if (T >= 2) {
      for (let k = 0; k < draws; k++) {
        const ts = Array.from({ length: B }, () => 2 + rng.int(T - 1));
        const kl = read(tf.tidy(() => {
          const sa = tf.tensor2d(ts.map((t) => [Math.sqrt(S.alphaBars[t])]));
          const sb = tf.tensor2d(ts.map((t) => [Math.sqrt(1 - S.alphaBars[t])]));
          const xt = tf.add(tf.mul(x0, sa), tf.mul(rng.normal([B, D]), sb));
          const eps = tf.reshape(this.epsHat(tf.reshape(xt, this.imageShape(B)) as tf.Tensor4D, ts), [B, D]);
          const x0Hat = tf.div(tf.sub(xt, tf.mul(eps, sb)), sa);
          const w = tf.tensor1d(ts.map((t) => S.klWeight(t)));
          return tf.mul(tf.sum(tf.square(tf.sub(x0Hat, x0)), 1), w);
        }));
        for (let b = 0; b < B; b++) cons[b] += ((T - 1) * kl[b]) / draws;
      }
    }
    return Float64Array.from(rec, (r, b) => r - prior[b] - cons[b]);
  }

  /**
   * Bits per dimension ≤ −ELBO/(D ln 2) + 7 on 8-bit pixels [B, D] (dequantized, D46), as an estimate
   * {value, se, n} over the images (se includes the Monte Carlo noise of the sampled steps).
   */
  bitsPerDim(rng: Rng, pixels: tf.Tensor2D, options: { method?: 'exact' | 'sampled'; draws?: number } = {}): Estimate {
    DD.bitsPerDim.check(arguments, undefined, this);
    const x0 = this.dequantize(rng, pixels);
    try {
      const e = this.elbo(rng, x0, options);
      return estimateMean(Array.from(e, (v) => -v / (this.dim * Math.LN2) + 7));
    } finally {
      x0.dispose();
    }
  }
}
