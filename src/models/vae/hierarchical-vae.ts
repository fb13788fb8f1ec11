// A hierarchical VAE with two stochastic layers (lecture 001, "hierarchical VAEs"; the two-layer model of
// Burda et al.'s IWAE paper). Generative model, top down; inference, bottom up:
//   p(z₂) = N(0, I),  p(z₁ | z₂) = N(μ_p(z₂), diag σ_p(z₂)²),  p(x | z₁) = Π_d Bernoulli(x_d; σ(ℓ_d(z₁)))
//   q(z₁ | x) = N(μ₁(x), diag σ₁(x)²),  q(z₂ | z₁) = N(μ₂(z₁), diag σ₂(z₁)²)
// Its ELBO (D12, D14 one layer at a time):
//   ELBO = E_q[log p(x | z₁)] − E_q[log q(z₁ | x) − log p(z₁ | z₂)] − E_{q(z₁|x)}[KL(q(z₂ | z₁) ‖ N(0, I))]
// the last KL in closed form (D17), the middle one by sampling (p(z₁ | z₂) depends on the sampled z₂): given each
// draw of z₁, the ELBO over z₂ is ll.infer's elboTerms with the KL in closed form — the plain VAE's form, with
// log p(x, z₁ | z₂) − log q(z₁ | x) as its log-likelihood.
// log w = log p(x | z₁) + log p(z₁ | z₂) + log p(z₂) − log q(z₁ | x) − log q(z₂ | z₁) gives the IWAE bound
// (D26) and the importance-sampled log p(x) (D31), through ll.infer over logJoint(x, z) and posterior(x) with
// z = [z₁, z₂] side by side on the last axis.
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../random/rng';
import type { Batch } from '../../training/trainable';
import { elboTerms as elboTermsOf, iwae as iwaeBound, logImportanceWeights, type BoundArgs, type Posterior } from '../../inference/bounds';
import { Normal } from '../../distributions/normal';
import { Dense } from '../../ops/dense';
import { bernoulliLogLikelihood } from '../../ops/bernoulli-log-likelihood';
import { positiveInteger } from '../../validation/arguments';
import { checkKind, contract, count, describeAny, num, optional, options as optionsKind, rngKind, str, tensor, where } from '../../validation/contract';
import { batch } from '../../validation/batch';

const X_OF_MODEL = tensor({ shape: ['batch', (c) => (c.self as { config: { inputDim: number } }).config.inputDim] });
import { checkWeightsGenerator } from '../../validation/initial-weights';

// each M is then checked as a positive integer, naming latentDims[i]
const LATENT_DIMS = { expected: '[M1, M2]', test: (v: unknown) => (Array.isArray(v) && v.length === 2 ? undefined : `got ${describeAny(v)}`) };

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

// one declared contract per public method (the receiver's config gives the widths)
type Self = { config: Required<HierarchicalVAEConfig> };
const latent = (layer: 0 | 1) => tensor({ shape: ['...', (c) => (c.self as Self).config.latentDims[layer]], must: (c) => `have last dimension M${layer + 1} = ${(c.self as Self).config.latentDims[layer]}` });
const SAMPLES = count({ entriesEach: 4096, bytesEach: 4 });
const SAMPLE_OPTIONS = optional(optionsKind({ samples: SAMPLES }));
// an IWAE objective needs its K
const FULL_OBJECTIVE = where(optionsKind({ type: str(['elbo', 'iwae']), samples: SAMPLES }, { required: ['type'] }), "give samples for type 'iwae'",
  (o: { type: string; samples?: number }) => o.type !== 'iwae' || o.samples !== undefined || 'got none');
const H = {
  encode1: contract('HierarchicalVAE.encode1', { x: X_OF_MODEL }),
  encode2: contract('HierarchicalVAE.encode2', { z1: latent(0) }),
  prior1: contract('HierarchicalVAE.prior1', { z2: latent(1) }),
  decode: contract('HierarchicalVAE.decode', { z1: latent(0) }),
  elboTerms: contract('HierarchicalVAE.elboTerms', { rng: rngKind(), x: X_OF_MODEL, options: SAMPLE_OPTIONS }),
  elbo: contract('HierarchicalVAE.elbo', { rng: rngKind(), x: X_OF_MODEL, options: SAMPLE_OPTIONS }),
  logJoint: contract('HierarchicalVAE.logJoint', { x: X_OF_MODEL, z: tensor({ minRank: 2 }) }),
  posterior: contract('HierarchicalVAE.posterior', { x: X_OF_MODEL }),
  // an evaluation, not a training step: a NaN pixel is refused (one reduction)
  logWeights: contract('HierarchicalVAE.logWeights', { rng: rngKind(), x: tensor({ shape: ['batch', (c) => (c.self as Self).config.inputDim], noNaN: true }), options: SAMPLE_OPTIONS }),
  iwae: contract('HierarchicalVAE.iwae', { rng: rngKind(), x: X_OF_MODEL, options: optionsKind({ samples: SAMPLES }, { required: ['samples'] }) }),
  trainingLoss: contract('HierarchicalVAE.trainingLoss', { rng: rngKind(), batch: batch(X_OF_MODEL), objective: optional(FULL_OBJECTIVE) }),
  loss: contract('HierarchicalVAE.loss', { rng: rngKind(), x: X_OF_MODEL, objective: optional(FULL_OBJECTIVE) }),
  sample: contract('HierarchicalVAE.sample', { rng: rngKind(), n: count({ entriesEach: 4096, bytesEach: 4 }) }),
  activeUnits: contract('HierarchicalVAE.activeUnits', { x: tensor({ shape: ['batch', (c) => (c.self as Self).config.inputDim], noNaN: true }), threshold: optional(num({ min: 0 })) }),
};

export interface HierarchicalVAEConfig {
  /** D, pixels per image */
  inputDim: number;
  /** [M₁, M₂], the sizes of z₁ (next to x) and z₂ (the top); default [32, 16] */
  latentDims?: [number, number];
  /** width of the networks between x and z₁ (default 300) */
  hiddenDim?: number;
  /** width of the networks between z₁ and z₂ (default 100) */
  topHiddenDim?: number;
}

export type HierarchicalVAEObjective = { type: 'elbo'; samples?: number } | { type: 'iwae'; samples: number };

function gaussianLogProb(z: tf.Tensor, mean: tf.Tensor, logStd: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const u = tf.mul(tf.sub(z, mean), tf.exp(tf.neg(logStd)));
    return tf.sum(tf.sub(tf.mul(tf.square(u), -0.5), tf.add(logStd, HALF_LOG_2PI)), -1);
  });
}

let instances = 0;

/**
 * A VAE with two stochastic layers z₂ → z₁ → x (lecture 001; the two-layer model of Burda et al.):
 *
 *     p(x, z₁, z₂) = p(x | z₁) p(z₁ | z₂) N(z₂; 0, I),    q(z₁, z₂ | x) = q(z₁ | x) q(z₂ | z₁)
 *     ELBO = E_q[log p(x | z₁)] − E_q[log q(z₁ | x) − log p(z₁ | z₂)] − E_q[KL(q(z₂ | z₁) ‖ N(0, I))]   (D12, D14, D17)
 *
 * and the IWAE bound and importance-sampled log p(x) over the same log-weights (D26, D31; docs/derivations.md#d26).
 * Shapes: x [B, D]; z = [z₁, z₂] on the last axis, [K, B, M₁ + M₂]; elbo, iwae and each term [B].
 *
 * @example
 * ```ts
 * const h = new ll.models.HierarchicalVAE(ll.rng(0), { inputDim: 784, latentDims: [32, 16] });
 * const x = ll.data.dynamicBinarize(ll.rng(0), ll.loadMnist('test').batch([0, 1]));   // [2, 784]
 * h.elboTerms(ll.rng(1), x);              // reconstruction, kl1, kl2, elbo: each [2]
 * h.iwae(ll.rng(2), x, { samples: 50 });  // [2]
 * ```
 */
export class HierarchicalVAE {
  readonly config: Required<HierarchicalVAEConfig>;
  readonly layers: Record<'q1a' | 'q1b' | 'q2a' | 'q2b' | 'p1a' | 'p1b' | 'pxa' | 'pxb', Dense>;

  /**
   * Builds the four networks, each Linear → ReLU → Linear as in the lectures' VAE (D29):
   * q(z₁|x), q(z₂|z₁), p(z₁|z₂) (mean and log-std) and p(x|z₁) (Bernoulli logits), weights drawn from `rng`.
   * Example: `new ll.models.HierarchicalVAE(ll.rng(0), { inputDim: 784, latentDims: [32, 16] })`.
   */
  constructor(rng: Rng, config: HierarchicalVAEConfig) {
    checkWeightsGenerator('HierarchicalVAE', rng, config);
    const c: Required<HierarchicalVAEConfig> = { latentDims: [32, 16], hiddenDim: 300, topHiddenDim: 100, ...config };
    positiveInteger(c.inputDim, 'HierarchicalVAE', 'inputDim');
    checkKind(LATENT_DIMS, c.latentDims, 'latentDims', 'HierarchicalVAE');
    c.latentDims.forEach((m, i) => positiveInteger(m, 'HierarchicalVAE', `latentDims[${i}]`));
    positiveInteger(c.hiddenDim, 'HierarchicalVAE', 'hiddenDim');
    positiveInteger(c.topHiddenDim, 'HierarchicalVAE', 'topHiddenDim');
    this.config = c;
    const r = rng;
    const s = `hvae${++instances}`;
    const [M1, M2] = c.latentDims, D = c.inputDim, H = c.hiddenDim, H2 = c.topHiddenDim;
    this.layers = {
      q1a: new Dense(r, D, H, 'q1/1', s), q1b: new Dense(r, H, 2 * M1, 'q1/2', s),
      q2a: new Dense(r, M1, H2, 'q2/1', s), q2b: new Dense(r, H2, 2 * M2, 'q2/2', s),
      p1a: new Dense(r, M2, H2, 'p1/1', s), p1b: new Dense(r, H2, 2 * M1, 'p1/2', s),
      pxa: new Dense(r, M1, H, 'px/1', s), pxb: new Dense(r, H, D, 'px/2', s),
    };
  }

  get variables(): tf.Variable[] {
    return Object.values(this.layers).flatMap((l) => l.variables);
  }

  private meanLogStd(a: Dense, b: Dense, input: tf.Tensor): { mean: tf.Tensor; logStd: tf.Tensor } {
    return tf.tidy(() => {
      const [mean, logStd] = tf.split(b.apply(a.applyRelu(input)), 2, -1);
      return { mean, logStd };
    });
  }

  /** q(z₁ | x): mean and log-std [B, M₁]. */
  encode1(x: tf.Tensor): { mean: tf.Tensor; logStd: tf.Tensor } {
    H.encode1.check(arguments, undefined, this);
    return this.meanLogStd(this.layers.q1a, this.layers.q1b, x);
  }

  /** q(z₂ | z₁): mean and log-std [..., M₂]. */
  encode2(z1: tf.Tensor): { mean: tf.Tensor; logStd: tf.Tensor } { H.encode2.check(arguments, undefined, this); return this.meanLogStd(this.layers.q2a, this.layers.q2b, z1); }

  /** p(z₁ | z₂): mean and log-std [..., M₁]. */
  prior1(z2: tf.Tensor): { mean: tf.Tensor; logStd: tf.Tensor } { H.prior1.check(arguments, undefined, this); return this.meanLogStd(this.layers.p1a, this.layers.p1b, z2); }

  /** Bernoulli logits of p(x | z₁): [..., D]. */
  decode(z1: tf.Tensor): tf.Tensor {
    H.decode.check(arguments, undefined, this);
    return tf.tidy(() => this.layers.pxb.apply(this.layers.pxa.applyRelu(z1)));
  }

  /**
   * The ELBO's parts per point [B], each a K-sample average: reconstruction E log p(x|z₁), kl1 =
   * E[log q(z₁|x) − log p(z₁|z₂)], kl2 = E KL(q(z₂|z₁) ‖ N(0, I)) (closed form, D17); elbo = reconstruction − kl1 − kl2.
   *
   * For each of the K draws z₁ ~ q(z₁ | x) the ELBO over z₂ is ll.infer's `elboTerms` (D14) with the KL in closed
   * form, as the plain VAE's: its log-likelihood is log p(x, z₁ | z₂) − log q(z₁ | x), its prior N(0, I), its
   * posterior q(z₂ | z₁); the model's own terms split its log-likelihood into reconstruction and kl1.
   *
   * @example
   * ```ts
   * const { reconstruction, kl1, kl2, elbo } = h.elboTerms(ll.rng(1), x, { samples: 10 });   // each [B]
   * ```
   */
  elboTerms(rng: Rng, x: tf.Tensor, options: { samples?: number } = {}): { reconstruction: tf.Tensor; kl1: tf.Tensor; kl2: tf.Tensor; elbo: tf.Tensor } {
    H.elboTerms.check(arguments, undefined, this);
    const K = options.samples ?? 1;
    return tf.tidy(() => {
      const q1 = this.encode1(x);
      const z1 = tf.add(q1.mean, tf.mul(tf.exp(q1.logStd), rng.normal([K, ...q1.mean.shape])));   // [K, B, M₁]
      const q2 = this.encode2(z1);
      const logPxGivenZ1 = bernoulliLogLikelihood(x, this.decode(z1)), logQ1 = gaussianLogProb(z1, q1.mean, q1.logStd);   // [K, B]
      // one draw z₂ ~ q(z₂ | z₁) per z₁: z₂ [1, K, B, M₂], each term [K, B]
      const top = elboTermsOf(rng, {
        x,
        logLikelihood: (_x, z2) => tf.tidy(() => {
          const p1 = this.prior1(z2);
          return tf.sub(tf.add(logPxGivenZ1, gaussianLogProb(z1, p1.mean, p1.logStd)), logQ1);
        }),
        prior: this.topPrior(),
        proposal: new Normal(q2.mean, tf.exp(q2.logStd), { eventDims: 1, validate: false }),
        samples: 1, kl: 'analytic',
      });
      const reconstruction = tf.mean(logPxGivenZ1, 0);
      const kl1 = tf.mean(tf.sub(logPxGivenZ1, top.reconstruction), 0);
      const kl2 = tf.mean(top.kl, 0);
      return { reconstruction, kl1, kl2, elbo: tf.mean(tf.sub(top.reconstruction, top.kl), 0) };
    });
  }

  /** p(z₂) = N(0, I): batch [], event [M₂]. */
  private topPrior(): Normal {
    const M2 = this.config.latentDims[1];
    return new Normal(tf.zeros([M2]), tf.ones([M2]), { eventDims: 1, validate: false });
  }

  /** The ELBO per point [B] (K-sample average of elboTerms). */
  elbo(rng: Rng, x: tf.Tensor, options: { samples?: number } = {}): tf.Tensor {
    H.elbo.check(arguments, undefined, this);
    return tf.tidy(() => this.elboTerms(rng, x, options).elbo);
  }

  /** z = [z₁, z₂] [..., M₁ + M₂] split into z₁ [..., M₁] and z₂ [..., M₂]. */
  private split(z: tf.Tensor, fn: string): [tf.Tensor, tf.Tensor] {
    const [M1, M2] = this.config.latentDims;
    checkKind(tensor({ shape: ['...', M1 + M2], must: `be [z₁, z₂] with last dimension ${M1 + M2}` }), z, 'z', `HierarchicalVAE.${fn}`);
    return tf.split(z, [M1, M2], -1) as [tf.Tensor, tf.Tensor];
  }

  /**
   * log p(x, z₁, z₂) = log p(x | z₁) + log p(z₁ | z₂) + log N(z₂; 0, I), with z = [z₁, z₂] on the last axis:
   * x [B, D], z [K, B, M₁ + M₂] → [K, B].
   *
   * @example
   * ```ts
   * h.logJoint(x, h.posterior(x).sample(ll.rng(0), 5));   // [5, B]
   * ```
   */
  logJoint(x: tf.Tensor, z: tf.Tensor): tf.Tensor {
    H.logJoint.check(arguments, undefined, this);
    return tf.tidy(() => {
      const [z1, z2] = this.split(z, 'logJoint');
      const p1 = this.prior1(z2);
      const M2 = this.config.latentDims[1];
      const logPz2 = tf.sub(tf.mul(tf.sum(tf.square(z2), -1), -0.5), M2 * HALF_LOG_2PI);
      return tf.add(tf.add(bernoulliLogLikelihood(x, this.decode(z1)), gaussianLogProb(z1, p1.mean, p1.logStd)), logPz2);
    });
  }

  /**
   * q(z₁, z₂ | x) = q(z₁ | x) q(z₂ | z₁), both Gaussian, drawn top-down from x by reparameterization: the
   * posterior the bounds of ll.infer use. Shapes: x [B, D]; draws z = [z₁, z₂] [K, B, M₁ + M₂]; logProb → [K, B].
   *
   * @example
   * ```ts
   * ll.infer.iwae(ll.rng(0), { x, logJoint: (x, z) => h.logJoint(x, z), proposal: h.posterior(x), samples: 50 });   // [B]
   * ```
   */
  posterior(x: tf.Tensor): Posterior & { sample(rng: Rng, n: number): tf.Tensor; logProb(z: tf.Tensor): tf.Tensor } {
    H.posterior.check(arguments, undefined, this);
    const draw = (rng: Rng, n: number) => {
      const K = positiveInteger(n, 'HierarchicalVAE.posterior', 'samples');
      return tf.tidy(() => {
        const q1 = this.encode1(x);
        const z1 = tf.add(q1.mean, tf.mul(tf.exp(q1.logStd), rng.normal([K, ...q1.mean.shape])));
        const q2 = this.encode2(z1);
        const z2 = tf.add(q2.mean, tf.mul(tf.exp(q2.logStd), rng.normal(q2.mean.shape)));
        const logProb = tf.add(gaussianLogProb(z1, q1.mean, q1.logStd), gaussianLogProb(z2, q2.mean, q2.logStd));
        return { z: tf.concat([z1, z2], -1), logProb };
      });
    };
    return {
      sampleAndLogProb: draw,
      sample: (rng: Rng, n: number) => { const { z, logProb } = draw(rng, n); logProb.dispose(); return z; },
      logProb: (z: tf.Tensor) => tf.tidy(() => {
        const [z1, z2] = this.split(z, 'posterior.logProb');
        const q1 = this.encode1(x), q2 = this.encode2(z1);
        return tf.add(gaussianLogProb(z1, q1.mean, q1.logStd), gaussianLogProb(z2, q2.mean, q2.logStd));
      }),
    };
  }

  /** The model as ll.infer's bounds take it: x, logJoint, q(z₁, z₂ | x), K. */
  private boundArgs(x: tf.Tensor, samples: number): BoundArgs {
    return { x, logJoint: (xx, z) => this.logJoint(xx, z), proposal: this.posterior(x), samples };
  }

  /** log w = log p(x, z₁, z₂) − log q(z₁, z₂ | x) for K draws of (z₁, z₂) ~ q: x [B, D] → [K, B] (ll.infer.logImportanceWeights). */
  logWeights(rng: Rng, x: tf.Tensor, options: { samples?: number } = {}): tf.Tensor {
    H.logWeights.check(arguments, undefined, this);
    const K = options.samples ?? 1;
    return logImportanceWeights(rng, this.boundArgs(x, K), 'HierarchicalVAE.logWeights');
  }

  /** The IWAE bound per point [B] (D26, ll.infer.iwae). */
  iwae(rng: Rng, x: tf.Tensor, options: { samples: number }): tf.Tensor {
    H.iwae.check(arguments, undefined, this);
    return iwaeBound(rng, this.boundArgs(x, options.samples));
  }

  /** Binary pixels: `ll.fit` binarizes each image batch afresh (dynamic binarization). */
  get binaryPixels(): boolean { return true; }

  /**
   * The loss `ll.fit` minimizes: −bound averaged over the batch (`loss`; the one-sample ELBO by default, or
   * `{ type: 'iwae', samples }`).
   *
   * @example
   * ```ts
   * const run = await ll.fit(h, ll.loadMnist('train'), { epochs: 10, seed: 13, batchSize: 100 });
   * ```
   */
  trainingLoss(rng: Rng, batch: Batch, objective?: HierarchicalVAEObjective): tf.Scalar {
    H.trainingLoss.check(arguments, undefined, this);
    return this.loss(rng, batch.x, objective);
  }

  /** The training loss, −bound averaged over the batch (the one-sample ELBO by default). */
  loss(rng: Rng, x: tf.Tensor2D, objective: HierarchicalVAEObjective = { type: 'elbo' }): tf.Scalar {
    H.loss.check(arguments, undefined, this);
    const options = { samples: objective.samples ?? 1 };
    return tf.tidy(() => tf.neg(tf.mean(objective.type === 'iwae' ? this.iwae(rng, x, options) : this.elbo(rng, x, options))) as tf.Scalar);
  }

  /** n images by ancestral sampling z₂ ~ N(0, I), z₁ ~ p(z₁ | z₂), then the pixel means σ(ℓ(z₁)): [n, D]. */
  sample(rng: Rng, n: number): tf.Tensor2D {
    H.sample.check(arguments, undefined, this);
    return tf.tidy(() => {
      const z2 = rng.normal([n, this.config.latentDims[1]]);
      const p1 = this.prior1(z2);
      const z1 = tf.add(p1.mean, tf.mul(tf.exp(p1.logStd), rng.normal(p1.mean.shape)));
      return tf.sigmoid(this.decode(z1)) as tf.Tensor2D;
    });
  }

  /** Active units per layer (Burda et al.): Cov_x(E_q[z_j]) > threshold; z₂'s mean taken at z₁ = E_q[z₁ | x]. */
  activeUnits(x: tf.Tensor, threshold = 0.01): { layer1: number; layer2: number } {
    H.activeUnits.check(arguments, undefined, this);
    const [v1, v2] = tf.tidy(() => {
      const m1 = this.encode1(x).mean;
      return [tf.moments(m1, 0).variance, tf.moments(this.encode2(m1).mean, 0).variance];
    });
    const count = (t: tf.Tensor) => { const n = Array.from(t.dataSync()).filter((v) => v > threshold).length; t.dispose(); return n; };
    return { layer1: count(v1), layer2: count(v2) };
  }

  /** Frees every variable. */
  dispose(): void {
    Object.values(this.layers).forEach((l) => l.dispose());
  }
}
