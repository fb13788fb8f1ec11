// The lectures' VAE (lecture 001; D29), exactly as drawn there:
//   encoder  x → Linear(D, 300) → ReLU → Linear(300, 2M) → (mean, log-std)
//   decoder  z → Linear(M, 300) → ReLU → Linear(300, D) → Bernoulli logits (binary data)
//                                                         or Gaussian means (real data, one learned log σ)
//   prior    p(z) = N(0, I)
// A conditional VAE (D33) feeds a one-hot label c to both networks: q(z | x, c), p(x | z, c), p(z | c) = N(0, I).
// Objectives, all as losses to minimize (loss = −bound, averaged over the batch):
//   ELBO  = E_q[log p(x|z)] − KL(q(z|x) ‖ p(z)), KL analytic or single-sample Monte Carlo   (D30)
//   β-VAE = E_q[log p(x|z)] − β KL                                                           (D33)
//   IWAE_K = E log (1/K) Σ_k p(x, z_k)/q(z_k|x)                                              (D26)
//   WAE-MMD: −E_q[log p(x|z)] + λ · MMD²(q(z) aggregate, p(z))                              (D34)
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../random/rng';
import type { Batch } from '../../training/trainable';
import { Normal } from '../../distributions/normal';
import { mmdUnbiased } from '../../inference/mmd';
import { Dense } from '../../ops/dense';
import { bernoulliLogLikelihood } from '../../ops/bernoulli-log-likelihood';
import { elboTerms, gaussianEncoderElboTerms, iwae as iwaeBound, logImportanceWeights, renyiBound as renyiOfArgs, type BoundArgs } from '../../inference/bounds';
import { positiveInteger } from '../../validation/arguments';
import { Kind, anything, checkKind, contract, count, describeAny, num, optional, options, positive, rngKind, str, tensor, where } from '../../validation/contract';
import { batch } from '../../validation/batch';
import { checkWeightsGenerator } from '../../validation/initial-weights';

export interface VAEConfig {
  /** D, pixels per image */
  inputDim: number;
  /** M, latent dimensions */
  latentDim: number;
  /** width of both hidden layers (300 in the lecture) */
  hiddenDim?: number;
  /** 'bernoulli' (logits) for binary data, 'gaussian' for real-valued data */
  likelihood?: 'bernoulli' | 'gaussian';
  /** size of the one-hot condition for a conditional VAE (0: unconditional) */
  conditionDim?: number;
}

export type VAEObjective =
  | { type: 'elbo'; kl?: 'analytic' | 'monte-carlo'; beta?: number }
  | { type: 'iwae'; samples: number }
  /** the Rényi bound L_α with K samples (D27): α = 0 the IWAE bound, α → 1 the ELBO (ll.infer.renyiBound) */
  | { type: 'renyi'; alpha: number; samples: number }
  | { type: 'wae-mmd'; lambda?: number; kernelScale?: number };

// The boundary of every public VAE method: tensors live and of the right rank, a generator, options bags with
// known keys (vae.elbo(rng, x, 10) is an error, not a 1-sample ELBO), counts bounded by memory.
const X = tensor({ rank: 2 }), Z = tensor({ minRank: 1 }), COND = optional(tensor({ minRank: 1 }));
const SAMPLES = count({ entriesEach: 4096, bytesEach: 4 });
// The condition c against the receiver: left out for an unconditional VAE, [..., conditionDim] for a conditional
// one (shapes only: no read of the values, so the training step keeps no sync)
const CONDITION_OF_MODEL: Kind = {
  expected: 'a live tensor [batch, conditionDim] for a conditional VAE, left out for an unconditional one',
  test: (v, at, fn, c) => {
    const C: number = (c?.self as VAE | undefined)?.config.conditionDim ?? 0;
    if (C === 0) return v === undefined ? undefined : { must: 'be left out: this VAE is unconditional', got: `got ${describeAny(v)}` };
    if (v === undefined) return { must: `be given: this conditional VAE needs a condition of shape [batch, ${C}]`, got: 'got undefined' };
    return tensor({ shape: ['...', C], must: `have last dimension conditionDim = ${C}` }).test(v, at, fn, c);
  },
};
const Z_OF_MODEL = tensor({ shape: ['...', (c) => (c.self as VAE).config.latentDim], must: (c) => `have last dimension latentDim = ${(c.self as VAE).config.latentDim}` });
const OBJECTIVE = options({ type: str(['elbo', 'iwae', 'renyi', 'wae-mmd']), kl: str(['analytic', 'monte-carlo']), beta: num({ min: 0 }), samples: SAMPLES, alpha: num(), lambda: num({ min: 0 }), kernelScale: positive() }, { required: ['type'] });
const V = {
  ctor: contract('VAE', { rng: rngKind(), config: options({ inputDim: count(), latentDim: count(), hiddenDim: count(), likelihood: str(['bernoulli', 'gaussian']), conditionDim: count({ min: 0 }) }, { required: ['inputDim', 'latentDim'] }) }),
  encoderOutput: contract('VAE.encoderOutput', { x: X, c: COND }),
  encode: contract('VAE.encode', { x: X, c: COND }),
  posterior: contract('VAE.posterior', { x: X, c: COND }),
  decode: contract('VAE.decode', { z: Z, c: COND }),
  decodeMean: contract('VAE.decodeMean', { z: Z, c: COND }),
  logLikelihood: contract('VAE.logLikelihood', { x: X, z: tensor({ rank: [2, 3] }), c: COND }),
  logJoint: contract('VAE.logJoint', { x: X, z: tensor({ rank: [2, 3] }), c: COND }),
  elbo: contract('VAE.elbo', { rng: rngKind(), x: X, options: optional(options({ samples: SAMPLES, kl: str(['analytic', 'monte-carlo']), beta: num({ min: 0 }), condition: tensor() })) }),
  iwae: contract('VAE.iwae', { rng: rngKind(), x: X, options: options({ samples: SAMPLES, condition: tensor() }, { required: ['samples'] }) }),
  renyiBound: contract('VAE.renyiBound', { rng: rngKind(), x: X, options: options({ alpha: num({ min: -1e6, max: 1e6 }), samples: SAMPLES, condition: tensor() }, { required: ['alpha', 'samples'] }) }),
  logWeights: contract('VAE.logWeights', { rng: rngKind(), x: X, options: options({ samples: SAMPLES, condition: tensor() }, { required: ['samples'] }) }),
  loss: contract('VAE.loss', { rng: rngKind(), x: X, objective: OBJECTIVE, condition: COND }),
  prepareBatch: contract('VAE.prepareBatch', { rng: anything(), batch: batch(X), objective: anything('the objective ll.fit passes on') }),
  // the batch prepareBatch made: x and, for a conditional VAE, the one-hot condition
  trainingLoss: contract('VAE.trainingLoss', { rng: rngKind(), b: batch(X, { condition: COND }), objective: optional(OBJECTIVE) }),
  sample: contract('VAE.sample', { rng: rngKind(), n: count({ entriesEach: 4096, bytesEach: 4 }), options: optional(options({ condition: tensor() })) }),
  reconstruct: contract('VAE.reconstruct', { x: X, condition: COND }),
};

// tf.oneHot turns an out-of-range label into a row of zeros, silently: each label is related to `classes`
// (a classes that is not a count is left to its own check, after labels)
const classesOf = (c: { args: Readonly<Record<string, unknown>> }) => (c.args.classes as number | undefined) ?? 10;
const countOf = (n: unknown) => typeof n === 'number' && Number.isInteger(n) && n >= 1;
const LABELS = where({ expected: 'an array of class labels', test: (v: unknown) => (Array.isArray(v) || ArrayBuffer.isView(v) ? undefined : `got ${v === null ? 'null' : typeof v}`) },
  (c) => `be integers in [0, ${classesOf(c)})`, (labels: ArrayLike<number>, c) => {
    if (!countOf(classesOf(c))) return true;
    for (let i = 0; i < labels.length; i++) if (!Number.isInteger(labels[i]) || labels[i] < 0 || labels[i] >= classesOf(c)) return `got ${labels[i]} at index ${i}`;
    return true;
  });
// x's width is the model's inputDim; a NaN pixel would make a bound NaN (checked where x is read anyway)
const X_OF_MODEL = tensor({ shape: ['batch', (c) => (c.self as VAE).config.inputDim] });
const FINITE_X = where(tensor(), 'be finite', (t: tf.Tensor) => { const v = t.dataSync(); for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) return `got ${v[i]} at flat index ${i}`; return true; });
const OBJECTIVE_TYPE = str(['elbo', 'iwae', 'renyi', 'wae-mmd']);
const ONE_HOT = contract('oneHotLabels', { labels: LABELS, classes: optional(count({ min: 2, max: 1e6 })) });

const LOG_2PI = Math.log(2 * Math.PI);
let instances = 0;

/**
 * The lectures' variational autoencoder (lecture 001, D29, see docs/derivations.md#d29):
 *
 *     encoder  q_φ(z|x) = N(z; μ_φ(x), diag σ_φ(x)²),  x → Linear(D, 300) → ReLU → Linear(300, 2M) → (μ, log σ)
 *     decoder  p_θ(x|z):  z → Linear(M, 300) → ReLU → Linear(300, D) → Bernoulli logits (binary data)
 *                                                                      or Gaussian means (real data, one learned σ)
 *     prior    p(z) = N(0, I_M)
 *
 * It is trained by maximizing the evidence lower bound (D12, D14; docs/derivations.md#d14)
 *
 *     ELBO(x) = E_q[log p_θ(x|z)] − KL(q_φ(z|x) ‖ p(z)) ≤ log p_θ(x),
 *
 * with z = μ + σ ⊙ ε, ε ~ N(0, I) (the reparameterization trick, D24) and the Gaussian KL in closed form
 * (D17). `loss` returns the minimized quantity, −ELBO averaged over the batch (or −IWAE_K, D26, or
 * the WAE-MMD loss, D34); a `conditionDim` > 0 makes it a conditional VAE q(z|x, c), p(x|z, c) (D33).
 *
 * Shapes: x [B, D] (D = `inputDim`, pixels in [0, 1]), z [..., B, M] (M = `latentDim`); per-point
 * bounds are [B].
 *
 * @example
 * ```ts
 * const vae = new ll.VAE(ll.rng(0), { inputDim: 784, latentDim: 16 });
 * const x = ll.loadMnist('train').batch([0, 1, 2, 3]);        // [4, 784], pixels in [0, 1]
 * const elbo = vae.elbo(ll.rng(0), x);                         // [4], nats per image
 * const loss = vae.loss(ll.rng(1), x, { type: 'elbo' });      // scalar −mean ELBO, to minimize
 * const images = vae.sample(ll.rng(2), 16);                    // [16, 784] pixel means from the prior
 * ```
 */
export class VAE {
  readonly config: Required<VAEConfig>;
  readonly enc1: Dense;
  readonly enc2: Dense;
  readonly dec1: Dense;
  readonly dec2: Dense;
  /** log σ of the Gaussian likelihood (unused for Bernoulli) */
  readonly logSigma: tf.Variable;

  /**
   * Builds the encoder and decoder with weights drawn from `rng`.
   *
   * @param rng  the generator of the initial weights (`ll.rng(seed)`)
   * @param config  `inputDim` D and `latentDim` M (required); `hiddenDim` (300), `likelihood`
   *   ('bernoulli' or 'gaussian'), `conditionDim` (0: unconditional)
   */
  constructor(rng: Rng, config: VAEConfig) {
    checkWeightsGenerator('VAE', rng, config);
    V.ctor.check(arguments);
    const c: Required<VAEConfig> = { hiddenDim: 300, likelihood: 'bernoulli', conditionDim: 0, ...config };
    this.config = c;
    // tfjs variable names are global: each model gets its own scope
    const scope = `vae${++instances}`;
    this.enc1 = new Dense(rng, c.inputDim + c.conditionDim, c.hiddenDim, 'encoder/1', scope);
    this.enc2 = new Dense(rng, c.hiddenDim, 2 * c.latentDim, 'encoder/2', scope);
    this.dec1 = new Dense(rng, c.latentDim + c.conditionDim, c.hiddenDim, 'decoder/1', scope);
    this.dec2 = new Dense(rng, c.hiddenDim, c.inputDim, 'decoder/2', scope);
    this.logSigma = tf.tidy(() => tf.variable(tf.scalar(Math.log(0.1)), c.likelihood === 'gaussian', `${scope}/likelihood/logSigma`));
  }

  /** Binary pixels for a Bernoulli likelihood: `ll.fit` then binarizes each image batch afresh (dynamic binarization, D29). */
  get binaryPixels(): boolean { return this.config.likelihood === 'bernoulli'; }

  /** D, the values per data row. */
  get dim(): number { return this.config.inputDim; }

  /**
   * The data side of a training batch for `ll.fit`: for a conditional VAE the batch's labels as one-hot rows c [B, C].
   *
   * @example
   * ```ts
   * await ll.fit(cvae, ll.loadMnist('train'), { epochs: 10, seed: 5 });   // conditionDim 10: the digits' labels
   * ```
   */
  prepareBatch(_rng: Rng, batch: Batch): { x: tf.Tensor2D; condition?: tf.Tensor2D } {
    V.prepareBatch.check(arguments);
    if (this.config.conditionDim === 0) return { x: batch.x };
    if (!batch.labels) throw new Error('VAE: a conditional VAE trains on labelled images (an ImageDataset)');
    return { x: batch.x, condition: oneHotLabels(batch.labels, this.config.conditionDim) };
  }

  /**
   * The loss `ll.fit` minimizes: the objective's loss averaged over the batch (`loss`) — by default −ELBO with the
   * analytic KL (D14), so the bound rises; `{ type: 'iwae', samples: K }` trains L_K (D26), `'renyi'` L_α (D27),
   * `{ type: 'elbo', beta }` the β-VAE (D33), `'wae-mmd'` the WAE (D34).
   *
   * @example
   * ```ts
   * const run = await ll.fit(vae, ll.loadMnist('train'), { epochs: 10, seed: 0, objective: { type: 'iwae', samples: 5 } });
   * ```
   */
  trainingLoss(rng: Rng, b: { x: tf.Tensor2D; condition?: tf.Tensor2D }, objective: VAEObjective = { type: 'elbo', kl: 'analytic' }): tf.Scalar {
    V.trainingLoss.check(arguments);
    return this.loss(rng, b.x, objective, b.condition);
  }

  /** Every trainable variable (the Gaussian log σ only for a Gaussian likelihood). */
  get variables(): tf.Variable[] {
    const v = [...this.enc1.variables, ...this.enc2.variables, ...this.dec1.variables, ...this.dec2.variables];
    return this.config.likelihood === 'gaussian' ? [...v, this.logSigma] : v;
  }

  /** Every variable under a name local to the model (checkpoints use these). */
  get namedVariables(): { name: string; variable: tf.Variable }[] {
    return [...this.enc1.namedVariables, ...this.enc2.namedVariables, ...this.dec1.namedVariables, ...this.dec2.namedVariables,
      { name: 'likelihood/logSigma', variable: this.logSigma }];
  }

  /** Number of trainable parameters: for D=784, M=16, 300 hidden: 2·(784·300+300) + 300·32+32 + 16·300+300 ... */
  parameterCount(): number {
    return this.variables.reduce((s, v) => s + v.size, 0);
  }

  private withCondition(t: tf.Tensor, c: tf.Tensor | undefined, what: string): tf.Tensor {
    const C = this.config.conditionDim;
    checkKind(CONDITION_OF_MODEL, c, 'c', `VAE.${what}`, { self: this });
    if (C === 0 || !c) return t;
    const cc = t.rank === c.rank ? c : tf.broadcastTo(c, [...t.shape.slice(0, -1), C]);
    return tf.concat([t, cc], -1);
  }

  private checkX(x: tf.Tensor, what: string) {
    checkKind(X_OF_MODEL, x, 'x', `VAE.${what}`, { self: this });
  }

  /** The encoder network's output [B, 2M]: the mean, then the log-std, of q(z | x, c). */
  encoderOutput(x: tf.Tensor, c?: tf.Tensor): tf.Tensor2D {
    V.encoderOutput.check(arguments);
    this.checkX(x, 'encode');
    return tf.tidy(() => this.enc2.apply(this.enc1.applyRelu(this.withCondition(x, c, 'encode'))) as tf.Tensor2D);
  }

  /** Encoder: mean and log-std of q(z | x, c), each [B, M]. */
  encode(x: tf.Tensor, c?: tf.Tensor): { mean: tf.Tensor2D; logStd: tf.Tensor2D } {
    V.encode.check(arguments);
    return tf.tidy(() => {
      const [mean, logStd] = tf.split(this.encoderOutput(x, c), 2, -1) as tf.Tensor2D[];
      return { mean, logStd };
    });
  }

  /** q(z | x, c) = N(mean, diag exp(logStd)²): batch [B], event [M]. */
  posterior(x: tf.Tensor, c?: tf.Tensor): Normal {
    V.posterior.check(arguments);
    this.checkX(x, 'posterior');
    // log σ is only a step to σ: the tidy frees it, keeping the two tensors the Normal holds
    const [mean, scale] = tf.tidy(() => {
      const { mean: m, logStd } = this.encode(x, c);
      return [m, tf.exp(logStd)];
    });
    return new Normal(mean, scale, { eventDims: 1, validate: false });
  }

  /**
   * The prior p(z) = N(0, I_M): batch [], event [M].
   */
  prior(): Normal {
    return new Normal(tf.zeros([this.config.latentDim]), tf.ones([this.config.latentDim]), { eventDims: 1, validate: false });
  }

  /** Decoder: z [..., M] → logits (Bernoulli) or means (Gaussian), [..., D]. */
  decode(z: tf.Tensor, c?: tf.Tensor): tf.Tensor {
    V.decode.check(arguments);
    checkKind(Z_OF_MODEL, z, 'z', 'VAE.decode', { self: this });
    return tf.tidy(() => this.dec2.apply(this.dec1.applyRelu(this.withCondition(z, c, 'decode'))));
  }

  /** Pixel means E[x | z]: σ(logits) or the Gaussian means. */
  decodeMean(z: tf.Tensor, c?: tf.Tensor): tf.Tensor {
    V.decodeMean.check(arguments);
    return tf.tidy(() => (this.config.likelihood === 'bernoulli' ? tf.sigmoid(this.decode(z, c)) : this.decode(z, c)));
  }

  /**
   * log p(x | z, c) summed over pixels: x [B, D], z [..., B, M] → [..., B].
   * Bernoulli: Σ_d x_d ℓ_d − softplus(ℓ_d); Gaussian: Σ_d log N(x_d; μ_d, σ²).
   */
  logLikelihood(x: tf.Tensor, z: tf.Tensor, c?: tf.Tensor): tf.Tensor {
    V.logLikelihood.check(arguments);
    return tf.tidy(() => {
      const out = this.decode(z, c);
      if (this.config.likelihood === 'bernoulli') return bernoulliLogLikelihood(x, out);
      const s2 = tf.exp(tf.mul(this.logSigma, 2));
      const quad = tf.div(tf.sum(tf.square(tf.sub(x, out)), -1), s2);
      return tf.neg(tf.add(tf.mul(quad, 0.5), tf.mul(this.config.inputDim, tf.add(this.logSigma, 0.5 * LOG_2PI))));
    });
  }

  /** log p(x, z | c) = log p(x | z, c) + log N(z; 0, I): x [B, D], z [K, B, M] → [K, B]. */
  logJoint(x: tf.Tensor, z: tf.Tensor, c?: tf.Tensor): tf.Tensor {
    V.logJoint.check(arguments);
    return tf.tidy(() => {
      const lz = tf.sub(tf.mul(tf.sum(tf.square(z), -1), -0.5), 0.5 * this.config.latentDim * LOG_2PI);
      return tf.add(this.logLikelihood(x, z, c), lz);
    });
  }

  /**
   * The ELBO per data point [B] with K samples (D30): analytic KL (default) or the single-sample
   * Monte Carlo KL log q(z|x) − log p(z), and a weight β on the KL (β = 1: the ELBO; β ≠ 1: β-VAE, D33):
   *
   *     ELBO_β(x) = (1/K) Σ_k log p(x|z_k) − β·KL(q(z|x) ‖ N(0, I)),  z_k = μ(x) + σ(x) ⊙ ε_k
   *
   * (D14, D30; see docs/derivations.md#d30). Shapes: x [B, D] → [B]; the loss is −mean of it.
   *
   * @example
   * ```ts
   * vae.elbo(ll.rng(0), x, { samples: 10 });            // [B]
   * vae.elbo(ll.rng(0), x, { kl: 'monte-carlo' });      // same mean, larger variance (D30)
   * ```
   */
  elbo(rng: Rng, x: tf.Tensor, options: { samples?: number; kl?: 'analytic' | 'monte-carlo'; beta?: number; condition?: tf.Tensor } = {}): tf.Tensor {
    V.elbo.check(arguments);
    this.checkX(x, 'elbo');
    this.checkFinite(x, 'elbo');
    return this.elboOf(rng, x, options);
  }

  /** x must be finite: a NaN pixel would make the bound NaN. Reads x (a sync), so training (loss) skips it. */
  private checkFinite(x: tf.Tensor, what: string): void {
    checkKind(FINITE_X, x, 'x', `VAE.${what}`);
  }

  private elboOf(rng: Rng, x: tf.Tensor, options: { samples?: number; kl?: 'analytic' | 'monte-carlo'; beta?: number; condition?: tf.Tensor }): tf.Tensor {
    this.checkX(x, 'elbo');
    const K = options.samples ?? 1, beta = options.beta ?? 1;
    return tf.tidy(() => {
      const logLikelihood = (xx: tf.Tensor, z: tf.Tensor) => this.logLikelihood(xx, z, options.condition);
      // K = 1 with the KL in closed form is the training step: z and the KL in one fused node
      const { reconstruction, kl: klTerm } = (options.kl ?? 'analytic') === 'analytic' && K === 1
        ? gaussianEncoderElboTerms(rng, { x, meanLogStd: this.encoderOutput(x, options.condition), logLikelihood })
        : elboTerms(rng, { x, logLikelihood, prior: this.prior(), proposal: this.posterior(x, options.condition), samples: K, kl: options.kl ?? 'analytic' });
      return tf.sub(reconstruction, beta === 1 ? klTerm : tf.mul(klTerm, beta));
    });
  }

  /**
   * The importance-weighted bound per data point (D26, see docs/derivations.md#d26):
   *
   *     IWAE_K(x) = log (1/K) Σ_k p(x, z_k)/q(z_k|x),  z_1…z_K ~ q(z|x),
   *
   * with ELBO = IWAE_1 ≤ IWAE_K ≤ IWAE_{K+1} ≤ log p(x); with K in the thousands it estimates log p(x) (D31).
   * Shapes: x [B, D] → [B].
   *
   * @example
   * ```ts
   * vae.iwae(ll.rng(0), x, { samples: 50 });   // [B], above vae.elbo(ll.rng(0), x) on average
   * ```
   */
  iwae(rng: Rng, x: tf.Tensor, options: { samples: number; condition?: tf.Tensor }): tf.Tensor {
    V.iwae.check(arguments);
    this.checkX(x, 'iwae');
    this.checkFinite(x, 'iwae');
    return this.iwaeOf(rng, x, options);
  }

  private iwaeOf(rng: Rng, x: tf.Tensor, options: { samples: number; condition?: tf.Tensor }): tf.Tensor {
    this.checkX(x, 'iwae');
    checkKind(SAMPLES, options.samples, 'samples', 'VAE.iwae');
    return tf.tidy(() => iwaeBound(rng, this.boundArgs(x, options)));
  }

  /**
   * The Rényi bound per data point (D27, see docs/derivations.md#d27), a training objective through
   * `{ type: 'renyi', alpha, samples }`:
   *
   *     L_α(x) = 1/(1−α) log (1/K) Σ_k (p(x, z_k)/q(z_k|x))^{1−α},  z_1…z_K ~ q(z|x),
   *
   * α = 0 the IWAE bound, α → 1 the ELBO; L_α does not increase with α. Shapes: x [B, D] → [B].
   *
   * @example
   * ```ts
   * vae.renyiBound(ll.rng(0), x, { alpha: 0.5, samples: 5 });   // [B], between the ELBO and IWAE_5
   * ```
   */
  renyiBound(rng: Rng, x: tf.Tensor, options: { alpha: number; samples: number; condition?: tf.Tensor }): tf.Tensor {
    V.renyiBound.check(arguments);
    this.checkX(x, 'renyiBound');
    this.checkFinite(x, 'renyiBound');
    positiveInteger(options.samples, 'VAE.renyiBound', 'samples');
    return tf.tidy(() => renyiOfArgs(rng, { ...this.boundArgs(x, options), alpha: options.alpha }));
  }

  /**
   * The log importance weights log w_k = log p(x, z_k | c) − log q(z_k | x, c), z_k ~ q(z | x, c)
   * reparameterized (D26): every bound of the VAE is a statistic of these. Shapes: x [B, D] → [K, B].
   *
   * @example
   * ```ts
   * vae.logWeights(ll.rng(0), x, { samples: 5 });   // [5, B]; ll.infer.renyiFromLogWeights(logW, 0) is IWAE_5
   * ```
   */
  logWeights(rng: Rng, x: tf.Tensor, options: { samples: number; condition?: tf.Tensor }): tf.Tensor2D {
    V.logWeights.check(arguments);
    this.checkX(x, 'logWeights');
    this.checkFinite(x, 'logWeights');
    positiveInteger(options.samples, 'VAE.logWeights', 'samples');
    return tf.tidy(() => logImportanceWeights(rng, this.boundArgs(x, options), 'VAE.logWeights') as tf.Tensor2D);
  }

  /** The VAE as the bounds of ll.infer see it: x, logJoint(x, z | c), q(z | x, c) and K (call inside a tidy: q holds two tensors). */
  private boundArgs(x: tf.Tensor, options: { samples: number; condition?: tf.Tensor }): BoundArgs {
    const c = options.condition;
    return { x, logJoint: (xx, z) => this.logJoint(xx, z, c), proposal: this.posterior(x, c), samples: options.samples };
  }

  /** The training loss (a scalar to minimize) of an objective, averaged over the batch. */
  loss(rng: Rng, x: tf.Tensor, objective: VAEObjective, condition?: tf.Tensor): tf.Scalar {
    V.loss.check(arguments);
    if (objective?.type === 'iwae' || objective?.type === 'renyi') positiveInteger(objective.samples, 'VAE.loss', 'samples');
    return tf.tidy(() => {
      switch (objective?.type) {
        case 'elbo':
          return tf.neg(tf.mean(this.elboOf(rng, x, { kl: objective.kl, beta: objective.beta, condition }))) as tf.Scalar;
        case 'iwae':
          return tf.neg(tf.mean(this.iwaeOf(rng, x, { samples: objective.samples, condition }))) as tf.Scalar;
        case 'renyi':
          return tf.neg(tf.mean(renyiOfArgs(rng, { ...this.boundArgs(x, { samples: objective.samples, condition }), alpha: objective.alpha }))) as tf.Scalar;
        case 'wae-mmd': {
          const q = this.posterior(x, condition);
          const z = q.rsample(rng);
          const rec = tf.mean(this.logLikelihood(x, z, condition));
          const zPrior = rng.normal(z.shape);
          const mmd = mmdUnbiased(z as tf.Tensor2D, zPrior as tf.Tensor2D, { scale: objective.kernelScale ?? 1 });
          return tf.add(tf.neg(rec), tf.mul(mmd, objective.lambda ?? 10 * x.shape[0])) as tf.Scalar;
        }
        default:
          // the contract has checked the type; this names it should a caller get past the contract
          checkKind(OBJECTIVE_TYPE, (objective as { type: unknown }).type, 'type', 'VAE.loss');
          throw new Error(`VAE.loss: no objective of type ${JSON.stringify((objective as { type: unknown }).type)}`);
      }
    });
  }

  /** n images from the prior: pixel means E[x | z], z ~ N(0, I): [n, D]. */
  sample(rng: Rng, n: number, options: { condition?: tf.Tensor } = {}): tf.Tensor2D {
    V.sample.check(arguments);
    const z = rng.normal([n, this.config.latentDim]);
    return tf.tidy(() => { const m = this.decodeMean(z, options.condition); z.dispose(); return m as tf.Tensor2D; });
  }

  /** Reconstructions E[x | z = mean of q(z|x)]: [B, D]. */
  reconstruct(x: tf.Tensor, condition?: tf.Tensor): tf.Tensor2D {
    V.reconstruct.check(arguments);
    return tf.tidy(() => this.decodeMean(this.encode(x, condition).mean, condition) as tf.Tensor2D);
  }

  /**
   * Frees the model's weights (its tfjs variables); the model is unusable afterwards.
   */
  dispose(): void {
    for (const { variable } of this.namedVariables) variable.dispose();
  }
}

/**
 * One-hot labels [n, classes] as the condition c of a conditional VAE (D33): row i is e_{labels[i]}.
 *
 * @example
 * ```ts
 * ll.models.oneHotLabels([3, 0], 10);   // [[0,0,0,1,0,0,0,0,0,0], [1,0,0,0,0,0,0,0,0,0]]
 * ```
 */
export function oneHotLabels(labels: ArrayLike<number>, classes = 10): tf.Tensor2D {
  ONE_HOT.check(arguments);
  return tf.tidy(() => tf.oneHot(tf.tensor1d(Array.from(labels), 'int32'), classes).toFloat() as tf.Tensor2D);
}
