// A VAE with discrete latents (lecture 002: Gumbel-softmax, "replace argmax with a softmax", whose temperature
// "controls the degree to which the softmax can approx the categorical distn"; Jang, Gu & Poole 2017): N
// categorical variables with K categories each, a uniform prior, the lectures' MLP encoder and decoder around them.
//   q(z | x) = Π_n Cat(z_n; softmax(ℓ_n(x))),  p(z_n) = 1/K,  p(x | z) = Π_d Bern(x_d; σ(decoder(one-hot z)))
//   ELBO = E_q log p(x | z) − Σ_n KL(q(z_n | x) ‖ Uniform(K))     (the KL in closed form, D12)
// A categorical sample cannot be reparameterized; two ways to train the encoder:
//   'gumbel-softmax': the decoder reads the relaxed sample y = softmax((ℓ + G)/τ) — a biased but low-variance
//                     gradient, τ annealed from `temperature.start` to `temperature.min` over the steps (D25);
//   'score-function': the decoder reads a hard one-hot z (Gumbel-max, exact), and the encoder's gradient is the
//                     score function (log p(x | z) − b) ∇ log q(z | x), b the leave-one-out mean of the batch (D23).
// At test time the bound is always the discrete model's: hard samples, exact KL.
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../random/rng';
import type { Batch } from '../../training/trainable';
import { Dense } from '../../ops/dense';
import { bernoulliLogLikelihood } from '../../ops/bernoulli-log-likelihood';
import { stopGradient } from '../../math/stop-gradient';
import { positiveInteger } from '../../validation/arguments';
import { anything, checkKind, contract, count, num, optional, options as optionsKind, positive, rngKind, str, tensor, type Kind } from '../../validation/contract';
import { batch } from '../../validation/batch';
import { weightsFit } from '../../validation/model-size';

const TEMPERATURE: Kind = { ...optionsKind({ start: positive(), min: positive(), rate: num({ min: 0 }) }, { required: ['start', 'min', 'rate'], path: true }), expected: '{ start > 0, min > 0, rate ≥ 0 }' };
const ESTIMATOR = { ...str(['gumbel-softmax', 'score-function']), expected: "'gumbel-softmax' or 'score-function'" };
const X_OF_MODEL = tensor({ shape: ['batch', (c) => (c.self as { config: { inputDim: number } }).config.inputDim] });
import { checkWeightsGenerator } from '../../validation/initial-weights';

// the encoder and decoder: D × H and H × NK each way
const SIZE = weightsFit(['inputDim', 'hiddenDim', 'latents', 'categories'], '2 × (inputDim × hiddenDim + hiddenDim × latents × categories)', (c) => 2 * (c.inputDim * c.hiddenDim + c.hiddenDim * c.latents * c.categories));
type Self = { config: { inputDim: number; latents: number; categories: number } };
const C = {
  codes: contract('CategoricalVAE.codes', { x: X_OF_MODEL }),
  // log q [..., N, K]: normalized over its last axis, so at least a latent and its categories
  klToUniform: contract('CategoricalVAE.klToUniform', { logQ: tensor({ minRank: 2, nonEmpty: true }) }),
  elbo: contract('CategoricalVAE.elbo', { rng: rngKind(), x: X_OF_MODEL, options: optional(optionsKind({ samples: count({ entriesEach: 4096, bytesEach: 4 }) })) }),
  trainingLoss: contract('CategoricalVAE.trainingLoss', { rng: rngKind(), batch: batch(X_OF_MODEL), objective: optional(optionsKind({ estimator: ESTIMATOR }, { required: ['estimator'], path: true })) }),
  afterStep: contract('CategoricalVAE.afterStep', { rng: anything(), batch: anything(), step: count({ min: 0 }) }),
  // n × N category draws, then n images of D float32 pixels
  sample: contract('CategoricalVAE.sample', { rng: rngKind(), n: count({ entries: (n) => n * 4096, bytesEach: 4 }) }),
};

export interface CategoricalVAEConfig {
  /** D, pixels per image */
  inputDim: number;
  /** N, categorical latent variables (default 20) */
  latents?: number;
  /** K, categories of each (default 10) */
  categories?: number;
  /** width of the hidden layers (default 300, the lectures' MLP) */
  hiddenDim?: number;
  /** the Gumbel-softmax temperature τ_t = max(min, start · e^(−rate·t)) after t steps (default start 1, min 0.5, rate 1e-3) */
  temperature?: { start: number; min: number; rate: number };
}

/** How the encoder is trained: the relaxed sample ('gumbel-softmax') or the score function on hard samples. */
export type CategoricalVAEObjective = { estimator: 'gumbel-softmax' | 'score-function' };

let instances = 0;

/**
 * A VAE with N categorical latents of K categories and a uniform prior (lecture 002; D12, D23, D25):
 *
 *     q(z | x) = Π_n Cat(z_n; softmax(ℓ_n(x))),   ELBO = E_q log p(x | z) − Σ_n Σ_k q_nk log(K q_nk)
 *     Gumbel-softmax training:  z̃_n = softmax((log q_n + G_n)/τ),  G ~ Gumbel(0, 1)   (D25)
 *     score-function training:  ∇_φ E_q log p(x | z) = E_q[(log p(x | z) − b) ∇_φ log q(z | x)]   (D23)
 *
 * Shapes: x [B, D] → logits [B, N, K], codes [B, N] (int32), elbo [B]; sample(rng, n) → [n, D].
 *
 * @example
 * ```ts
 * const m = new ll.models.CategoricalVAE(ll.rng(0), { inputDim: 784, latents: 20, categories: 10 });
 * await ll.fit(m, ll.loadMnist('train'), { epochs: 5, seed: 1, objective: { estimator: 'gumbel-softmax' } });
 * m.elbo(ll.rng(2), x, { samples: 10 });   // [B], the discrete model's bound with hard samples
 * ```
 */
export class CategoricalVAE {
  readonly config: Required<CategoricalVAEConfig>;
  readonly enc1: Dense;
  readonly enc2: Dense;
  readonly dec1: Dense;
  readonly dec2: Dense;
  /** The Gumbel-softmax temperature of the next training step (annealed by afterStep). */
  temperature: number;

  /** Builds the encoder D → H → N·K and the decoder N·K → H → D, weights drawn from `rng`. Example: `new ll.models.CategoricalVAE(ll.rng(0), { inputDim: 784 })`. */
  constructor(rng: Rng, config: CategoricalVAEConfig) {
    checkWeightsGenerator('CategoricalVAE', rng, config);
    const c: Required<CategoricalVAEConfig> = { latents: 20, categories: 10, hiddenDim: 300, temperature: { start: 1, min: 0.5, rate: 1e-3 }, ...config };
    positiveInteger(c.inputDim, 'CategoricalVAE', 'inputDim');
    positiveInteger(c.latents, 'CategoricalVAE', 'latents');
    positiveInteger(c.hiddenDim, 'CategoricalVAE', 'hiddenDim');
    checkKind(num({ integer: true, min: 2 }), c.categories, 'categories', 'CategoricalVAE');
    const t = c.temperature;
    checkKind(TEMPERATURE, t, 'temperature', 'CategoricalVAE');
    checkKind(SIZE, c, 'config', 'CategoricalVAE');
    this.config = c;
    this.temperature = Math.max(t.min, t.start);
    const scope = `categoricalvae${++instances}`;
    const NK = c.latents * c.categories;
    this.enc1 = new Dense(rng, c.inputDim, c.hiddenDim, 'encoder/1', scope);
    this.enc2 = new Dense(rng, c.hiddenDim, NK, 'encoder/2', scope);
    this.dec1 = new Dense(rng, NK, c.hiddenDim, 'decoder/1', scope);
    this.dec2 = new Dense(rng, c.hiddenDim, c.inputDim, 'decoder/2', scope);
  }

  get variables(): tf.Variable[] {
    return [...this.enc1.variables, ...this.enc2.variables, ...this.dec1.variables, ...this.dec2.variables];
  }

  /** Binary pixels: `ll.fit` binarizes each image batch afresh. */
  get binaryPixels(): boolean { return true; }

  private checkX(x: tf.Tensor, fn: string): void {
    checkKind(X_OF_MODEL, x, 'x', `CategoricalVAE.${fn}`, { self: this });
  }

  /** log q(z_n = k | x), normalized over k: x [B, D] → [B, N, K]. */
  logQ(x: tf.Tensor): tf.Tensor3D {
    this.checkX(x, 'logQ');
    const { latents: N, categories: K } = this.config;
    return tf.tidy(() => tf.logSoftmax(tf.reshape(this.enc2.apply(this.enc1.applyRelu(x)), [-1, N, K])) as tf.Tensor3D);
  }

  /** The most probable category of each latent, argmax_k q(z_n = k | x): x [B, D] → [B, N] int32. */
  codes(x: tf.Tensor): tf.Tensor2D {
    C.codes.check(arguments, undefined, this);
    return tf.tidy(() => tf.argMax(this.logQ(x), -1) as tf.Tensor2D);
  }

  /** Bernoulli logits of p(x | z) for one-hot or relaxed z [..., N, K] → [..., D]. */
  decodeLogits(z: tf.Tensor): tf.Tensor {
    const { latents: N, categories: K } = this.config;
    checkKind(tensor({ shape: ['...', N, K], must: `end in [${N}, ${K}]` }), z, 'z', 'CategoricalVAE.decodeLogits');
    return tf.tidy(() => {
      const lead = z.shape.slice(0, -2);
      const flat = tf.reshape(z, [-1, N * K]);
      return tf.reshape(this.dec2.apply(this.dec1.applyRelu(flat)), [...lead, this.config.inputDim]);
    });
  }

  /** Σ_n KL(q(z_n | x) ‖ Uniform(K)) = Σ_n Σ_k q_nk (log q_nk + log K), from logQ [B, N, K] → [B]. */
  static klToUniform(logQ: tf.Tensor): tf.Tensor {
    C.klToUniform.check(arguments);
    const K = logQ.shape[logQ.rank - 1];
    return tf.tidy(() => tf.sum(tf.mul(tf.exp(logQ), tf.add(logQ, Math.log(K))), [-2, -1]));
  }

  // hard samples by Gumbel-max: one-hot [S, B, N, K]
  private hardSample(rng: Rng, logQ: tf.Tensor, samples: number): tf.Tensor {
    return tf.tidy(() => tf.oneHot(tf.argMax(tf.add(logQ, rng.gumbel([samples, ...logQ.shape])), -1), this.config.categories).toFloat());
  }

  /**
   * The discrete model's ELBO per image with hard samples (the test-time bound, whatever the training):
   * (1/S) Σ_s log p(x | z_s) − Σ_n KL(q(z_n | x) ‖ Uniform(K)), z_s ~ q(z | x): x [B, D] → [B].
   */
  elbo(rng: Rng, x: tf.Tensor, options: { samples?: number } = {}): tf.Tensor1D {
    C.elbo.check(arguments, undefined, this);
    const S = options.samples ?? 1;
    return tf.tidy(() => {
      const logQ = this.logQ(x);
      const z = this.hardSample(rng, logQ, S);
      const rec = tf.mean(bernoulliLogLikelihood(x, this.decodeLogits(z)), 0);
      return tf.sub(rec, CategoricalVAE.klToUniform(logQ)) as tf.Tensor1D;
    });
  }

  /**
   * The loss `ll.fit` minimizes: −(reconstruction − KL) averaged over the batch, the reconstruction through a
   * relaxed sample at the current temperature ('gumbel-softmax', the default) or a hard one with the score-function
   * term for the encoder ('score-function'). Returns the loss with its terms (reconstruction, kl, temperature).
   */
  trainingLoss(rng: Rng, batch: Batch, objective: CategoricalVAEObjective = { estimator: 'gumbel-softmax' }): { loss: tf.Scalar; terms: Record<string, tf.Scalar> } {
    C.trainingLoss.check(arguments, undefined, this);
    const estimator = objective.estimator;
    const x = batch.x;
    const B = x.shape[0];
    return tf.tidy(() => {
      const logQ = this.logQ(x);
      const kl = tf.mean(CategoricalVAE.klToUniform(logQ));
      let rec: tf.Tensor, surrogate: tf.Tensor;
      if (estimator === 'gumbel-softmax') {
        const y = tf.softmax(tf.div(tf.add(logQ, rng.gumbel(logQ.shape)), this.temperature));
        rec = bernoulliLogLikelihood(x, this.decodeLogits(y));
        surrogate = rec;
      } else {
        const z = tf.squeeze(this.hardSample(rng, logQ, 1), [0]);
        rec = bernoulliLogLikelihood(x, this.decodeLogits(z));
        const logQz = tf.sum(tf.mul(z, logQ), [-2, -1]);
        const f = stopGradient(rec);
        // leave-one-out mean over the batch: b_i does not depend on z_i, so the estimator stays unbiased
        const centered = B > 1 ? tf.sub(f, tf.div(tf.sub(tf.sum(f), f), B - 1)) : f;
        // the decoder's gradient from rec, the encoder's from the score-function term
        surrogate = tf.add(rec, tf.mul(stopGradient(centered), logQz));
      }
      const recMean = tf.mean(rec);
      return {
        loss: tf.neg(tf.sub(tf.mean(surrogate), kl)) as tf.Scalar,
        terms: { reconstruction: recMean as tf.Scalar, kl: kl as tf.Scalar, temperature: tf.scalar(this.temperature) },
      };
    });
  }

  /** Anneals the temperature after each step: τ_t = max(min, start · e^(−rate·t)). */
  afterStep(_rng: Rng, _batch: Batch, step: number): Record<string, number> {
    C.afterStep.check(arguments);
    const t = this.config.temperature;
    this.temperature = Math.max(t.min, t.start * Math.exp(-t.rate * step));
    return { temperature: this.temperature };
  }

  /** Pixel means E[x | z] for z drawn from the uniform prior: [n, D]. */
  sample(rng: Rng, n: number): tf.Tensor2D {
    C.sample.check(arguments);
    const { latents: N, categories: K } = this.config;
    return tf.tidy(() => {
      const z = tf.oneHot(tf.tensor2d(Int32Array.from({ length: n * N }, () => rng.int(K)), [n, N], 'int32'), K).toFloat();
      return tf.sigmoid(this.decodeLogits(z)) as tf.Tensor2D;
    });
  }

  /** Frees every variable. */
  dispose(): void {
    tf.dispose(this.variables);
  }
}
