// Richer posteriors and priors for the lectures' VAE (lectures 000, 001, 002: "more expressive posteriors:
// flow-based"; the components of VAEs: "normalizing flows, VampPrior"). The encoder and decoder are the
// lectures' networks (D29); two parts change:
//   posterior  z_0 ~ N(μ(x), diag σ(x)²), then L planar steps z_l = z_{l−1} + û_l tanh(w_lᵀ z_{l−1} + b_l),
//              their parameters (u_l, w_l, b_l) computed from x by an extra head on the encoder's hidden
//              layer (amortized planar flows, Rezende & Mohamed 2015). Change of variables (D35, D36):
//                log q(z_L | x) = log N(z_0; μ, σ²) − Σ_l log|1 + (1 − tanh²(w_lᵀ z_{l−1} + b_l)) û_lᵀ w_l|
//   prior      'standard' N(0, I); 'mixture' Σ_c π_c N(z; m_c, diag s_c²) with learned π, m, s;
//              'vampprior' (1/C) Σ_c q(z | u_c), the encoder's Gaussian at C learned pseudo-inputs u_c
//              (Tomczak & Welling 2018), u_c = sigmoid(p_c) so they stay pixel probabilities.
// Bounds from the log-weights log w = log p(x | z_L) + log p(z_L) − log q(z_L | x): the ELBO (D12) and the
// IWAE bound (D26) of ll.infer, over logJoint(x, z) and posterior(x), whose sampleAndLogProb returns z_L with
// log q(z_L | x) (the planar steps have no closed-form inverse, so log q is known only at its own draws); the KL
// has no closed form any more, so the ELBO is estimated by sampling.
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../random/rng';
import type { Batch } from '../../training/trainable';
import { logSumExp, softplus } from '../../math/log-space';
import { elbo as elboBound, iwae as iwaeBound, logImportanceWeights, type BoundArgs, type Posterior } from '../../inference/bounds';
import { Dense } from '../../ops/dense';
import { integerAtLeast, positiveInteger } from '../../validation/arguments';
import { VAE } from './vae';
import { IAFStep } from '../flows/iaf-step';
import { planarStep } from '../flows/layers';
import { checkKind, contract, count, optional, options as optionsKind, record, rngKind, str, tensor, where } from '../../validation/contract';
import { batch } from '../../validation/batch';
import { weightsFit } from '../../validation/model-size';

const PRIOR = where(record("a prior { type: 'standard' | 'mixture' | 'vampprior', … }"), "be { type: 'standard' | 'mixture' | 'vampprior', … }",
  (p: { type?: unknown }) => ['standard', 'mixture', 'vampprior'].includes(p.type as string) || `got ${JSON.stringify(p)}`);
const X_OF_MODEL = tensor({ shape: ['batch', (c) => (c.self as { config: { inputDim: number } }).config.inputDim] });
import { checkWeightsGenerator } from '../../validation/initial-weights';

const FLOW = { ...str(['planar', 'iaf']), expected: "'planar' or 'iaf'" };

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

// one declared contract per public method (the receiver's config gives the widths)
const Z_OF_MODEL = tensor({ shape: ['...', (c) => (c.self as RichVAE).config.latentDim], must: (c) => `have last dimension M = ${(c.self as RichVAE).config.latentDim}` });
const SAMPLES = count({ entriesEach: 4096, bytesEach: 4 });
const SAMPLE_OPTIONS = optional(optionsKind({ samples: SAMPLES }));
// an IWAE objective needs its K
const OBJECTIVE = where(optionsKind({ type: str(['elbo', 'iwae']), samples: SAMPLES }, { required: ['type'] }), "give samples for type 'iwae'",
  (o: { type: string; samples?: number }) => o.type !== 'iwae' || o.samples !== undefined || 'got none');
// the VAE's encoder and decoder, the flow's head or IAF steps, and the prior's own parameters
const SIZE = weightsFit(['inputDim', 'latentDim', 'hiddenDim', 'flowLayers', 'iafHidden'], '2 × (inputDim × hiddenDim + hiddenDim × latentDim) + flowLayers × (hiddenDim × (2 latentDim + 1) + iafHidden × (3 latentDim + hiddenDim)) + the prior\'s',
  (c) => 2 * (c.inputDim * c.hiddenDim + c.hiddenDim * c.latentDim) + c.flowLayers * (c.hiddenDim * (2 * c.latentDim + 1) + c.iafHidden * (3 * c.latentDim + c.hiddenDim)) + c.prior);
const R = {
  trainingLoss: contract('RichVAE.trainingLoss', { rng: rngKind(), batch: batch(X_OF_MODEL), objective: optional(OBJECTIVE) }),
  logPrior: contract('RichVAE.logPrior', { z: Z_OF_MODEL }),
  flowParameters: contract('RichVAE.flowParameters', { x: X_OF_MODEL }),
  samplePosterior: contract('RichVAE.samplePosterior', { rng: rngKind(), x: X_OF_MODEL, samples: optional(SAMPLES) }),
  logJoint: contract('RichVAE.logJoint', { x: X_OF_MODEL, z: Z_OF_MODEL }),
  posterior: contract('RichVAE.posterior', { x: X_OF_MODEL }),
  logWeights: contract('RichVAE.logWeights', { rng: rngKind(), x: X_OF_MODEL, options: SAMPLE_OPTIONS }),
  elbo: contract('RichVAE.elbo', { rng: rngKind(), x: X_OF_MODEL, options: SAMPLE_OPTIONS }),
  iwae: contract('RichVAE.iwae', { rng: rngKind(), x: X_OF_MODEL, options: optionsKind({ samples: SAMPLES }, { required: ['samples'] }) }),
  loss: contract('RichVAE.loss', { rng: rngKind(), x: X_OF_MODEL, objective: optional(OBJECTIVE) }),
  sample: contract('RichVAE.sample', { rng: rngKind(), n: count({ entriesEach: 4096, bytesEach: 4 }) }),
};

export type RichPrior = { type: 'standard' } | { type: 'mixture'; components: number } | { type: 'vampprior'; pseudoInputs: number };

export interface RichVAEConfig {
  /** D, pixels per image */
  inputDim: number;
  /** M, latent dimensions */
  latentDim: number;
  /** width of the hidden layers (300 in the lecture) */
  hiddenDim?: number;
  /** flow steps after the encoder's Gaussian (0: the plain Gaussian posterior) */
  flowLayers?: number;
  /** the kind of those steps: 'planar' (amortized planar steps; the default) or 'iaf' (inverse autoregressive steps
   *  conditioned on the encoder's hidden layer; latentDim ≥ 2) */
  flow?: 'planar' | 'iaf';
  /** width of each IAF step's MADE hidden layer (default 4·latentDim) */
  iafHidden?: number;
  prior?: RichPrior;
}

export type RichVAEObjective = { type: 'elbo'; samples?: number } | { type: 'iwae'; samples: number };

/** Σ_m log N(z_m; mean_m, exp(logStd_m)²) over the last axis, broadcasting. */
function diagonalGaussianLogProb(z: tf.Tensor, mean: tf.Tensor, logStd: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const u = tf.mul(tf.sub(z, mean), tf.exp(tf.neg(logStd)));
    return tf.sum(tf.sub(tf.mul(tf.square(u), -0.5), tf.add(logStd, HALF_LOG_2PI)), -1);
  });
}

let instances = 0;

/**
 * The lectures' VAE (D29) with an amortized planar-flow or inverse-autoregressive-flow posterior and a standard,
 * mixture or VampPrior prior:
 *
 *     q(z_L | x): z_0 ~ N(μ(x), diag σ(x)²),  z_l = z_{l−1} + û_l tanh(w_lᵀ z_{l−1} + b_l),  l = 1 … L
 *     log q(z_L | x) = log N(z_0; μ, σ²) − Σ_l log|1 + (1 − tanh²(w_lᵀ z_{l−1} + b_l)) û_lᵀ w_l|   (D35, D36)
 *     or (flow: 'iaf')  z_l = σ_l ⊙ z_{l−1} + (1 − σ_l) ⊙ μ_l,  (μ_l, σ_l) autoregressive in z_{l−1} given h(x),
 *     log q(z_L | x) = log N(z_0; μ, σ²) − Σ_l Σ_d log σ_{l,d}   (D35; IAFStep)
 *     p(z) = N(0, I),  Σ_c π_c N(z; m_c, diag s_c²),  or (1/C) Σ_c q(z | u_c) (the VampPrior)
 *     ELBO = E_q[log p(x, z_L) − log q(z_L | x)]  (D12),   IWAE_K = E log (1/K) Σ_k w_k  (D26)
 *
 * The bounds are ll.infer's over `logJoint` and `posterior` (docs/derivations.md#d26). Shapes: x [B, D],
 * z [K, B, M]; elbo and iwae [B].
 *
 * @example
 * ```ts
 * const m = new ll.models.RichVAE(ll.rng(0), { inputDim: 784, latentDim: 16, flowLayers: 4, prior: { type: 'vampprior', pseudoInputs: 50 } });
 * const x = ll.data.dynamicBinarize(ll.rng(0), ll.loadMnist('test').batch([0, 1, 2]));   // [3, 784]
 * m.elbo(ll.rng(1), x, { samples: 10 });   // [3]
 * m.iwae(ll.rng(2), x, { samples: 50 });   // [3], above the ELBO on average
 * ```
 */
export class RichVAE {
  readonly config: Required<RichVAEConfig>;
  /** the lectures' encoder and decoder (D29) */
  readonly base: VAE;
  /** hidden → L·(2M + 1): (u_l, w_l, b_l) of every planar step */
  readonly flowHead?: Dense;
  /** the IAF steps (flow: 'iaf'), each conditioned on the encoder's hidden layer */
  readonly iafSteps: IAFStep[] = [];
  readonly priorVariables: Record<string, tf.Variable>;

  /**
   * Builds the encoder and decoder (D29), the flow head when flowLayers > 0, and the prior's parameters:
   * mixture means ~ N(0, I) with unit scales and equal weights, or VampPrior pseudo-inputs as faint random
   * images, all drawn from `rng` (the encoder and decoder first, as the plain VAE's, then the flow and the prior).
   * Example: `new ll.models.RichVAE(ll.rng(0), { inputDim: 784, latentDim: 16, flowLayers: 4, prior: { type: 'mixture', components: 10 } })`.
   */
  constructor(rng: Rng, config: RichVAEConfig) {
    checkWeightsGenerator('RichVAE', rng, config);
    const c: Required<RichVAEConfig> = { hiddenDim: 300, flowLayers: 0, flow: 'planar', iafHidden: 4 * (config?.latentDim ?? 1), prior: { type: 'standard' }, ...config };
    positiveInteger(c.inputDim, 'RichVAE', 'inputDim');
    positiveInteger(c.latentDim, 'RichVAE', 'latentDim');
    positiveInteger(c.hiddenDim, 'RichVAE', 'hiddenDim');
    integerAtLeast(c.flowLayers, 0, 'RichVAE', 'flowLayers');
    checkKind(FLOW, c.flow, 'flow', 'RichVAE');
    positiveInteger(c.iafHidden, 'RichVAE', 'iafHidden');
    if (c.flow === 'iaf' && c.flowLayers > 0) integerAtLeast(c.latentDim, 2, 'RichVAE', 'latentDim (an IAF posterior needs 2 or more)');
    const p = c.prior;
    checkKind(PRIOR, p, 'prior', 'RichVAE');
    if (p.type === 'mixture') positiveInteger(p.components, 'RichVAE', 'prior.components');
    if (p.type === 'vampprior') positiveInteger(p.pseudoInputs, 'RichVAE', 'prior.pseudoInputs');
    checkKind(SIZE, { ...c, prior: p.type === 'mixture' ? 2 * p.components * c.latentDim : p.type === 'vampprior' ? p.pseudoInputs * c.inputDim : 0 }, 'config', 'RichVAE');
    this.config = c;
    this.base = new VAE(rng, { inputDim: c.inputDim, latentDim: c.latentDim, hiddenDim: c.hiddenDim });
    const scope = `richvae${++instances}`;
    const M = c.latentDim;
    if (c.flowLayers > 0 && c.flow === 'planar') this.flowHead = new Dense(rng, c.hiddenDim, c.flowLayers * (2 * M + 1), 'flow', scope);
    if (c.flow === 'iaf') for (let l = 0; l < c.flowLayers; l++) this.iafSteps.push(new IAFStep(rng, M, c.hiddenDim, c.iafHidden, `iaf/${l}`, scope));
    this.priorVariables = {};
    if (p.type === 'mixture') {
      // means spread like draws from N(0, I), unit scales, equal weights
      // tf.variable copies its initial value: the tidy frees the drawn one
      this.priorVariables.means = tf.tidy(() => tf.variable(rng.normal([p.components, M]), true, `${scope}/prior/means`));
      this.priorVariables.logStds = tf.tidy(() => tf.variable(tf.zeros([p.components, M]), true, `${scope}/prior/logStds`));
      this.priorVariables.logits = tf.tidy(() => tf.variable(tf.zeros([p.components]), true, `${scope}/prior/logits`));
    } else if (p.type === 'vampprior') {
      // pseudo-inputs start as faint random images (pixel probabilities sigmoid(p) ≈ 0.1–0.4)
      this.priorVariables.pseudoInputs = tf.tidy(() => tf.variable(tf.add(tf.mul(rng.normal([p.pseudoInputs, c.inputDim]), 0.5), -1.5), true, `${scope}/prior/pseudoInputs`));
    }
  }

  get variables(): tf.Variable[] {
    return [...this.base.variables, ...(this.flowHead?.variables ?? []), ...this.iafSteps.flatMap((s) => s.variables), ...Object.values(this.priorVariables)];
  }

  /** Binary pixels: `ll.fit` binarizes each image batch afresh (dynamic binarization). */
  get binaryPixels(): boolean { return true; }

  /**
   * The loss `ll.fit` minimizes: −bound averaged over the batch (`loss`; the one-sample ELBO by default, or
   * `{ type: 'iwae', samples }`).
   *
   * @example
   * ```ts
   * const run = await ll.fit(rich, ll.loadMnist('train'), { epochs: 10, seed: 4, batchSize: 100 });
   * ```
   */
  trainingLoss(rng: Rng, batch: Batch, objective?: RichVAEObjective): tf.Scalar {
    R.trainingLoss.check(arguments, undefined, this);
    return this.loss(rng, batch.x, objective);
  }

  /** The pseudo-inputs u_c = sigmoid(p_c), [C, D] (VampPrior only). */
  pseudoInputs(): tf.Tensor2D {
    const p = this.priorVariables.pseudoInputs;
    if (!p) throw new Error("RichVAE.pseudoInputs: the prior is not a VampPrior");
    return tf.tidy(() => tf.sigmoid(p) as tf.Tensor2D);
  }

  /** log p(z) for z [..., M] → [...]. */
  logPrior(z: tf.Tensor): tf.Tensor {
    R.logPrior.check(arguments, undefined, this);
    const M = this.config.latentDim;
    return tf.tidy(() => {
      const p = this.config.prior;
      if (p.type === 'standard') return tf.sub(tf.mul(tf.sum(tf.square(z), -1), -0.5), M * HALF_LOG_2PI);
      let means: tf.Tensor, logStds: tf.Tensor, logWeights: tf.Tensor;
      if (p.type === 'mixture') {
        means = this.priorVariables.means; logStds = this.priorVariables.logStds;
        logWeights = tf.sub(this.priorVariables.logits, logSumExp(this.priorVariables.logits, 0));
      } else {
        const e = this.base.encode(this.pseudoInputs());
        means = e.mean; logStds = e.logStd;
        logWeights = tf.fill([p.pseudoInputs], -Math.log(p.pseudoInputs));
      }
      // z [..., 1, M] against the C components [C, M] → [..., C]
      const perComponent = diagonalGaussianLogProb(tf.expandDims(z, -2), means, logStds);
      return logSumExp(tf.add(perComponent, logWeights), -1);
    });
  }

  /** The planar steps' parameters from x: per layer u, w [B, M] and b [B]. */
  flowParameters(x: tf.Tensor): { u: tf.Tensor; w: tf.Tensor; b: tf.Tensor }[] {
    R.flowParameters.check(arguments, undefined, this);
    if (!this.flowHead) return [];
    const M = this.config.latentDim;
    return tf.tidy(() => {
      const out = this.flowHead!.apply(this.base.enc1.applyRelu(x));
      return Array.from({ length: this.config.flowLayers }, (_, l) => {
        const o = l * (2 * M + 1);
        return {
          u: tf.slice(out, [0, o], [-1, M]), w: tf.slice(out, [0, o + M], [-1, M]),
          b: tf.reshape(tf.slice(out, [0, o + 2 * M], [-1, 1]), [-1]),
        };
      });
    });
  }

  /**
   * z_L ~ q(z | x) reparameterized, with log q(z_L | x) (change of variables through the planar steps):
   * x [B, D] → z [K, B, M], logQ [K, B].
   */
  samplePosterior(rng: Rng, x: tf.Tensor, samples = 1): { z: tf.Tensor; logQ: tf.Tensor } {
    R.samplePosterior.check(arguments, undefined, this);
    return tf.tidy(() => {
      const { mean, logStd } = this.base.encode(x);
      const eps = rng.normal([samples, ...mean.shape]);
      let z: tf.Tensor = tf.add(mean, tf.mul(tf.exp(logStd), eps));
      let logQ: tf.Tensor = diagonalGaussianLogProb(z, mean, logStd);
      for (const { u, w, b } of this.flowParameters(x)) {
        const step = planarStep(z, u, w, b);
        z = step.z;
        logQ = tf.sub(logQ, step.logDet);
      }
      if (this.iafSteps.length > 0) {
        const h = this.base.enc1.applyRelu(x);
        this.iafSteps.forEach((iaf, l) => {
          // reverse the order between steps (|det| = 1) so each dimension is transformed given the others
          if (l > 0) z = tf.reverse(z, -1);
          const step = iaf.forward(z, h);
          z = step.z;
          logQ = tf.sub(logQ, step.logDet);
        });
      }
      return { z, logQ };
    });
  }

  /**
   * log p(x, z) = log p(x | z) + log p(z) (the prior standard, mixture or VampPrior): x [B, D], z [K, B, M] → [K, B].
   *
   * @example
   * ```ts
   * m.logJoint(x, m.posterior(x).sampleAndLogProb(ll.rng(0), 5).z);   // [5, B]
   * ```
   */
  logJoint(x: tf.Tensor, z: tf.Tensor): tf.Tensor {
    R.logJoint.check(arguments, undefined, this);
    return tf.tidy(() => tf.add(this.base.logLikelihood(x, z), this.logPrior(z)));
  }

  /**
   * q(z | x): z_0 ~ N(μ(x), diag σ(x)²) through the planar steps, with log q(z_L | x) by the change of variables
   * (D35, D36), for the bounds of ll.infer. Shapes: x [B, D]; sampleAndLogProb(rng, K) → z [K, B, M], logProb [K, B].
   *
   * @example
   * ```ts
   * ll.infer.iwae(ll.rng(0), { x, logJoint: (x, z) => m.logJoint(x, z), proposal: m.posterior(x), samples: 50 });   // [B]
   * ```
   */
  posterior(x: tf.Tensor): Posterior {
    R.posterior.check(arguments, undefined, this);
    return {
      sampleAndLogProb: (rng: Rng, n: number) => {
        const { z, logQ } = this.samplePosterior(rng, x, n);
        return { z, logProb: logQ };
      },
    };
  }

  /** The model as ll.infer's bounds take it: x, logJoint, q(z | x), K. */
  private boundArgs(x: tf.Tensor, samples: number): BoundArgs {
    return { x, logJoint: (xx, z) => this.logJoint(xx, z), proposal: this.posterior(x), samples };
  }

  /** log w = log p(x | z) + log p(z) − log q(z | x), z ~ q(z | x): x [B, D] → [K, B] (ll.infer.logImportanceWeights). */
  logWeights(rng: Rng, x: tf.Tensor, options: { samples?: number } = {}): tf.Tensor {
    R.logWeights.check(arguments, undefined, this);
    const K = options.samples ?? 1;
    return logImportanceWeights(rng, this.boundArgs(x, K), 'RichVAE.logWeights');
  }

  /** The ELBO per point [B], a K-sample Monte Carlo average of log w (D12, ll.infer.elbo). */
  elbo(rng: Rng, x: tf.Tensor, options: { samples?: number } = {}): tf.Tensor {
    R.elbo.check(arguments, undefined, this);
    const K = options.samples ?? 1;
    return elboBound(rng, this.boundArgs(x, K));
  }

  /** The IWAE bound per point [B], log (1/K) Σ_k w_k (D26, ll.infer.iwae). */
  iwae(rng: Rng, x: tf.Tensor, options: { samples: number }): tf.Tensor {
    R.iwae.check(arguments, undefined, this);
    return iwaeBound(rng, this.boundArgs(x, options.samples));
  }

  /** The training loss (−bound, averaged over the batch); the ELBO with one sample by default. */
  loss(rng: Rng, x: tf.Tensor2D, objective: RichVAEObjective = { type: 'elbo' }): tf.Scalar {
    R.loss.check(arguments, undefined, this);
    const options = { samples: objective.samples ?? 1 };
    return tf.tidy(() => tf.neg(tf.mean(objective.type === 'iwae' ? this.iwae(rng, x, options) : this.elbo(rng, x, options))) as tf.Scalar);
  }

  /** n images from the model: pixel means E[x | z], z ~ p(z) (for a mixture prior: a component, then z): [n, D]. */
  sample(rng: Rng, n: number): tf.Tensor2D {
    R.sample.check(arguments, undefined, this);
    const p = this.config.prior;
    return tf.tidy(() => {
      let z: tf.Tensor;
      if (p.type === 'standard') z = rng.normal([n, this.config.latentDim]);
      else {
        const C = p.type === 'mixture' ? p.components : p.pseudoInputs;
        const [means, logStds, logits] = p.type === 'mixture'
          ? [this.priorVariables.means, this.priorVariables.logStds, this.priorVariables.logits]
          : (() => { const e = this.base.encode(this.pseudoInputs()); return [e.mean, e.logStd, tf.zeros([C])]; })();
        const probs = tf.softmax(logits).dataSync();
        const picks = Array.from({ length: n }, () => {
          let u = rng.nextUniform(), c = 0;
          while (c < C - 1 && u >= probs[c]) { u -= probs[c]; c++; }
          return c;
        });
        const idx = tf.tensor1d(picks, 'int32');
        z = tf.add(tf.gather(means, idx), tf.mul(tf.exp(tf.gather(logStds, idx)), rng.normal([n, this.config.latentDim])));
      }
      return this.base.decodeMean(z) as tf.Tensor2D;
    });
  }

  /** Frees every variable (encoder, decoder, flow head, prior). */
  dispose(): void {
    this.base.dispose();
    this.flowHead?.dispose();
    this.iafSteps.forEach((s) => s.dispose());
    Object.values(this.priorVariables).forEach((v) => v.dispose());
  }
}
