// The VQ-VAE (van den Oord et al. 2017; lecture 003) on 28×28 binary images: a convolutional encoder maps x
// to a 7×7 grid of vectors z_e ∈ ℝ^D, each replaced by its nearest of K codes (vector-quantizer.ts), and a
// convolutional decoder gives Bernoulli logits from the quantized grid z_q. Per image, the minimized loss is
//   L = −log p(x | z_q) + Σ_{positions} ‖sg(z_e) − e_k‖² + β Σ_{positions} ‖z_e − sg(e_k)‖²,   β = 0.25
// (reconstruction in nats, Bernoulli on dynamically binarized digits — the likelihood of the conv VAE and of
// the MLP VAE, so the three are scored on the same data; codebook and commitment terms summed over the 49
// positions, as the reconstruction is summed over the 784 pixels). z_q = z_e + sg(e_k − z_e): the decoder's
// gradient reaches the encoder unchanged (straight-through).
//   encoder: conv 3×3 (1→c₁), ReLU, avg-pool → conv 3×3 (c₁→c₂), ReLU, avg-pool → conv 3×3 (c₂→c₂), ReLU → conv 1×1 (c₂→D)
//   decoder: conv 3×3 (D→c₂), ReLU → nearest ×2, conv (c₂→c₁), ReLU → nearest ×2, conv (c₁→1) = logits
// The encoder is deterministic, q(k | x) = 1 at k(x), so with a prior π over code grids (code-prior.ts)
//   log p(x) = log Σ_k π(k) p(x | k) ≥ log π(k(x)) + log p(x | k(x))
// (one term of a sum of positive terms; it is the ELBO with q a point mass, whose entropy is 0).
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../random/rng';
import { bernoulliLogLikelihood } from '../../ops/bernoulli-log-likelihood';
import { mapRows, rowsPerChunk } from '../../ops/in-chunks';
import type { Batch, LossWithTerms } from '../../training/trainable';
import { integerAtLeast, positiveInteger, tensorRank } from '../../validation/arguments';
import { Conv2d } from '../layers/conv2d';
import { downsample2, upsample2 } from '../layers/resample';
import { CodeUsage, VectorQuantizer, codeUsage } from './vector-quantizer';
import { CodePrior } from '../autoregressive/code-prior';
import { checkKind, contract, count as countKind, instance, num, arrayOf, anything, optional, record, tensor, where } from '../../validation/contract';
import { batch } from '../../validation/batch';
import { checkWeightsGenerator } from '../../validation/initial-weights';

// the two entries are then checked one by one as positive integers
const CHANNELS = { ...arrayOf(anything(), { minLength: 2, maxLength: 2 }), expected: 'two positive integers' };

const BETA = { ...num({ min: 0 }), expected: 'non-negative (and finite)' };

// the generator's class itself (not a look-alike): these models call more of its methods than the duck-typed rngKind checks
const RNG = instance(Rng, 'an Rng (ll.rng(seed))');

export interface VQVAEConfig {
  /** K, codes in the codebook (default 32) */
  codes?: number;
  /** D, the dimension of each code (default 8) */
  codeDim?: number;
  /** channels of the two convolution levels (default [16, 32]) */
  channels?: [number, number];
  /** β, the weight of the commitment loss (default 0.25) */
  beta?: number;
  /**
   * In training (`ll.fit`), every this many steps the codes no image of those steps picked are restarted at
   * encoder outputs of the current batch (default 50; 0: never).
   */
  restartEvery?: number;
}

/** The loss and its three terms, per image (nats for the reconstruction). */
export interface VQVAETerms {
  loss: number;
  reconstruction: number;
  codebook: number;
  commitment: number;
}

/** The side of the code grid (28 / 4) and its positions. */
const GRID = 7, POSITIONS = GRID * GRID;
let count = 0;

const IMAGES = tensor({ shape: ['B', 784] });
const CODE_GRIDS = tensor({ shape: ['B', 49] });
const Q = {
  reconstruct: contract('VQVAE.reconstruct', { x: IMAGES }),
  loss: contract('VQVAE.loss', { x: IMAGES }),
  trainingLoss: contract('VQVAE.trainingLoss', { rng: anything(), batch: batch(IMAGES), objective: anything('the objective ll.fit passes on (this model has one loss)') }),
  afterStep: contract('VQVAE.afterStep', { rng: RNG, batch: batch(IMAGES), step: countKind({ min: 0 }) }),
  codeUsage: contract('VQVAE.codeUsage', { x: IMAGES }),
  // n grids of 49 codes and n images of 784 float32 pixels
  sample: contract('VQVAE.sample', { rng: RNG, n: countKind({ entriesEach: 65536, bytesEach: 4 }), prior: instance(CodePrior) }),
};

/**
 * The VQ-VAE on 28×28 images given as [B, 784] in {0, 1}: 49 discrete codes per image.
 *
 *     z_e = enc(x) [B, 7, 7, D],  k = argmin_j ‖z_e − e_j‖²,  z_q = z_e + sg(e_k − z_e),  p(x | z_q) = Bernoulli(σ(dec(z_q)))
 *     loss = −log p(x | z_q) + ‖sg(z_e) − e_k‖² + β ‖z_e − sg(e_k)‖²   (van den Oord et al. 2017)
 *
 * and a prior over the codes k (CodePrior) makes it a generative model: log p(x) ≥ log p(x | z_q(k)) + log p(k).
 *
 * @example const vq = new ll.models.VQVAE(ll.rng(0), { codes: 32, codeDim: 8 }); await ll.fit(vq, ll.loadMnist('train'), { steps: 2000, seed: 1, batchSize: 64 });
 *          const k = vq.encodeCodes(x);  // [B, 49] int32;  vq.decodeCodes(k)  // [B, 784] logits
 */

export class VQVAE {
  readonly config: Required<VQVAEConfig>;
  readonly quantizer: VectorQuantizer;
  private readonly e1: Conv2d; private readonly e2: Conv2d; private readonly e3: Conv2d; private readonly eOut: Conv2d;
  private readonly d0: Conv2d; private readonly d1: Conv2d; private readonly d2: Conv2d;
  /** How often each code was picked since the last restart (training only). */
  private usage?: number[];

  /**
   * Builds the encoder, the codebook and the decoder with weights drawn from `rng`.
   *
   * @param rng  the generator of the initial weights (`ll.rng(seed)`)
   * @param config  `codes` K (32), `codeDim` D (8), `channels` ([16, 32]), `beta` (0.25), `restartEvery` (50)
   */
  constructor(rng: Rng, config: VQVAEConfig = {}) {
    checkWeightsGenerator('VQVAE', rng, config);
    checkKind(optional(record('a config object')), config, 'config', 'VQVAE');
    const channels = config.channels ?? [16, 32];
    checkKind(CHANNELS, channels, 'channels', 'VQVAE');
    channels.forEach((c) => positiveInteger(c, 'VQVAE', 'channels'));
    const beta = config.beta ?? 0.25;
    checkKind(BETA, beta, 'beta', 'VQVAE');
    this.config = {
      codes: positiveInteger(config.codes ?? 32, 'VQVAE', 'codes'), codeDim: positiveInteger(config.codeDim ?? 8, 'VQVAE', 'codeDim'),
      channels, beta,
      restartEvery: integerAtLeast(config.restartEvery ?? 50, 0, 'VQVAE', 'restartEvery'),
    };
    const scope = `vqvae${++count}`, [c1, c2] = channels, D = this.config.codeDim;
    this.e1 = new Conv2d(rng, 1, c1, 3, 'enc1', scope);
    this.e2 = new Conv2d(rng, c1, c2, 3, 'enc2', scope);
    this.e3 = new Conv2d(rng, c2, c2, 3, 'enc3', scope);
    this.eOut = new Conv2d(rng, c2, D, 1, 'encOut', scope);
    this.quantizer = new VectorQuantizer(rng, this.config.codes, D, `${scope}/vq`);
    this.d0 = new Conv2d(rng, D, c2, 3, 'dec0', scope);
    this.d1 = new Conv2d(rng, c2, c1, 3, 'dec1', scope);
    this.d2 = new Conv2d(rng, c1, 1, 3, 'dec2', scope);
  }

  /** P = 49, the code positions per image (a 7×7 grid, raster order). */
  get positions(): number { return POSITIONS; }

  // Images per pass of encodeCodes and decodeCodes: a pass holds its convolutions' activations of every image
  // (500 test digits at once raised notebook 13's high-water mark by 121 MB), and the backend's memory keeps it.
  private get rowsPerPass(): number { return rowsPerChunk(784 * this.config.channels[0] * 3); }

  private checkX(x: tf.Tensor, who: string): void {
    checkKind(IMAGES, x, 'x', `VQVAE.${who}`);
  }

  /** The encoder's output z_e(x): x [B, 784] → [B·49, D] (rows image after image, positions in raster order). */
  encode(x: tf.Tensor2D): tf.Tensor2D {
    this.checkX(x, 'encode');
    return tf.tidy(() => {
      const img = tf.reshape(x, [x.shape[0], 28, 28, 1]) as tf.Tensor4D;
      const h = downsample2(tf.relu(this.e2.apply(downsample2(tf.relu(this.e1.apply(img))))));
      return tf.reshape(this.eOut.apply(tf.relu(this.e3.apply(h))), [-1, this.config.codeDim]) as tf.Tensor2D;
    });
  }

  /** The decoder's Bernoulli logits from quantized vectors z_q [B·49, D] → [B, 784]. */
  decode(zq: tf.Tensor2D): tf.Tensor2D {
    // one vector of the codebook's width per grid position of each image
    const D = this.config.codeDim;
    checkKind(where(tensor({ shape: ['n', D], must: `have shape [B·49, ${D}]` }), `have shape [B·49, ${D}]`, (t: tf.Tensor) => t.shape[0] % POSITIONS === 0 || `got [${t.shape}]`), zq, 'zq', 'VQVAE.decode');
    return tf.tidy(() => {
      const B = zq.shape[0] / POSITIONS;
      const h = tf.relu(this.d0.apply(tf.reshape(zq, [B, GRID, GRID, this.config.codeDim]) as tf.Tensor4D));
      const h1 = tf.relu(this.d1.apply(upsample2(h)));
      return tf.reshape(this.d2.apply(upsample2(h1)), [B, 784]) as tf.Tensor2D;
    });
  }

  /** The nearest codes of each image's grid: x [B, 784] → [B, 49] int32. */
  encodeCodes(x: tf.Tensor2D): tf.Tensor2D {
    this.checkX(x, 'encodeCodes');
    return mapRows(x, this.rowsPerPass, (xs) => tf.reshape(this.quantizer.nearest(this.encode(xs)), [xs.shape[0], POSITIONS]) as tf.Tensor2D);
  }

  /** The decoder's logits for code grids [B, 49] (int) → [B, 784]. */
  decodeCodes(codes: tf.Tensor2D): tf.Tensor2D {
    checkKind(CODE_GRIDS, codes, 'codes', 'VQVAE.decodeCodes');
    return mapRows(codes, this.rowsPerPass, (c) => this.decode(this.quantizer.lookup(tf.reshape(c, [-1]) as tf.Tensor1D)));
  }

  /** Pixel probabilities σ(decoder(z_q(x))) of the reconstructions: x [B, 784] → [B, 784]. */
  reconstruct(x: tf.Tensor2D): tf.Tensor2D {
    Q.reconstruct.check(arguments);
    return tf.tidy(() => tf.sigmoid(this.decodeCodes(this.encodeCodes(x))) as tf.Tensor2D);
  }

  /**
   * The loss L (mean over the batch) and its terms as scalars: −log p(x | z_q) (nats per image),
   * Σ_positions ‖sg(z_e) − e_k‖² and Σ_positions ‖z_e − sg(e_k)‖² (unweighted; L adds β times it).
   */
  lossTerms(x: tf.Tensor2D): { loss: tf.Scalar; reconstruction: tf.Scalar; codebook: tf.Scalar; commitment: tf.Scalar } {
    this.checkX(x, 'lossTerms');
    return tf.tidy(() => {
      const q = this.quantizer.quantize(this.encode(x));
      const reconstruction = tf.neg(tf.mean(bernoulliLogLikelihood(x, this.decode(q.zq)))) as tf.Scalar;
      const codebook = tf.mul(q.codebookLoss, POSITIONS) as tf.Scalar, commitment = tf.mul(q.commitmentLoss, POSITIONS) as tf.Scalar;
      const loss = tf.addN([reconstruction, codebook, tf.mul(commitment, this.config.beta)]) as tf.Scalar;
      return { loss, reconstruction, codebook, commitment };
    });
  }

  /** The minimized loss (mean over the batch): −log p(x | z_q) + codebook + β·commitment. */
  loss(x: tf.Tensor2D): tf.Scalar {
    Q.loss.check(arguments);
    const t = this.lossTerms(x);
    tf.dispose([t.reconstruction, t.codebook, t.commitment]);
    return t.loss;
  }

  /** Binary pixels: `ll.fit` binarizes each image batch afresh (dynamic binarization). */
  get binaryPixels(): boolean { return true; }

  /** 784 pixels per image. */
  get dim(): number { return 784; }

  /**
   * The loss `ll.fit` minimizes, with its three terms recorded per step (`lossTerms`):
   *
   *     L = −log p(x | z_q) + Σ ‖sg(z_e) − e_k‖² + β Σ ‖z_e − sg(e_k)‖²   (mean over the batch)
   *
   * @example
   * ```ts
   * const run = await ll.fit(vq, ll.loadMnist('train'), { steps: 4000, seed: 1, batchSize: 64, learningRate: 2e-3 });
   * run.terms.reconstruction;   // nats per image, per step
   * ```
   */
  trainingLoss(_rng: Rng, batch: Batch): LossWithTerms {
    Q.trainingLoss.check(arguments);
    const t = this.lossTerms(batch.x);
    return { loss: t.loss, terms: { reconstruction: t.reconstruction, codebook: t.codebook, commitment: t.commitment } };
  }

  /**
   * After each training step: counts which codes the step's images pick (the encoder after the update) and, every
   * `config.restartEvery` steps, restarts the codes none of those steps picked at encoder outputs of the batch
   * (VectorQuantizer.restart, drawing from `rng`); returns the number restarted, recorded by `ll.fit` as the term
   * `restarted`.
   *
   * @example
   * ```ts
   * const run = await ll.fit(vq, train, { steps: 100, seed: 1 });
   * run.terms.restarted[49];   // codes restarted at step 50
   * ```
   */
  afterStep(rng: Rng, batch: Batch, step: number): { restarted: number } | undefined {
    Q.afterStep.check(arguments);
    const every = this.config.restartEvery;
    if (every === 0) return undefined;
    // a new run starts counting afresh
    if (step === 1 || this.usage === undefined) this.usage = new Array<number>(this.config.codes).fill(0);
    const ze = this.encode(batch.x), codes = this.quantizer.nearest(ze);
    try {
      codes.dataSync().forEach((k) => { this.usage![k]++; });
      if (step % every !== 0) return { restarted: 0 };
      const dead = this.quantizer.restart(rng, this.usage, ze);
      this.usage = new Array<number>(this.config.codes).fill(0);
      return { restarted: dead.length };
    } finally {
      tf.dispose([ze, codes]);
    }
  }

  /** How often each code is used on images x [B, 784]: counts, frequencies, perplexity exp(H). */
  codeUsage(x: tf.Tensor2D): CodeUsage {
    Q.codeUsage.check(arguments);
    const codes = this.encodeCodes(x);
    try {
      return codeUsage(codes, this.config.codes);
    } finally {
      codes.dispose();
    }
  }

  /**
   * n images from the prior: code grids k ~ π (drawn first, with `rng`), decoded to pixel probabilities
   * σ(logits) [n, 784]; the codes [n, 49] come along.
   */
  sample(rng: Rng, n: number, prior: CodePrior): { pixels: tf.Tensor2D; codes: tf.Tensor2D } {
    Q.sample.check(arguments);
    this.checkPrior(prior, 'sample');
    const codes = prior.sample(rng, n);
    return { pixels: tf.tidy(() => tf.sigmoid(this.decodeCodes(codes)) as tf.Tensor2D), codes };
  }

  /**
   * log π(k(x)) + log p(x | e_{k(x)}) per image [B] (nats): a lower bound on log p(x) under the prior π
   * (one term of Σ_k π(k) p(x | k)). x [B, 784] binary.
   */
  logLikelihoodBound(x: tf.Tensor2D, prior: CodePrior): Float64Array {
    // an evaluation, not a training step: a NaN pixel is refused (one reduction)
    checkKind(tensor({ shape: ['B', 784], noNaN: true }), x, 'x', 'VQVAE.logLikelihoodBound');
    this.checkPrior(prior, 'logLikelihoodBound');
    const t = tf.tidy(() => {
      const codes = this.encodeCodes(x);
      return tf.add(prior.logProb(codes), bernoulliLogLikelihood(x, this.decodeCodes(codes)));
    });
    const v = Float64Array.from(t.dataSync());
    t.dispose();
    return v;
  }

  private checkPrior(prior: CodePrior, fn: string): void {
    // the prior models this model's code grids: 49 positions of its K codes
    checkKind(where(instance(CodePrior), `model ${POSITIONS} positions of ${this.config.codes} codes`,
      (p: CodePrior) => (p.config.positions === POSITIONS && p.config.codes === this.config.codes) || `got ${p.config.positions} of ${p.config.codes}`), prior, 'prior', `VQVAE.${fn}`);
  }

  private get layers(): Conv2d[] { return [this.e1, this.e2, this.e3, this.eOut, this.d0, this.d1, this.d2]; }

  get variables(): tf.Variable[] {
    return [...this.layers.flatMap((l) => l.variables), ...this.quantizer.variables];
  }

  /** The variables under names local to the model (for checkpoints). */
  get namedVariables(): { name: string; variable: tf.Variable }[] {
    return [
      ...this.layers.flatMap((l) => [{ name: `${l.name}/W`, variable: l.W }, { name: `${l.name}/b`, variable: l.b }]),
      { name: 'codebook', variable: this.quantizer.codebook },
    ];
  }

  get parameterCount(): number {
    return this.variables.reduce((s, v) => s + v.size, 0);
  }

  /** Frees the weights and the codebook; the model cannot be used afterwards. */
  dispose(): void {
    this.variables.forEach((v) => v.dispose());
  }
}
