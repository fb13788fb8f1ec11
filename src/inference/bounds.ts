// Variational bounds on log p(x), each written once, for any model given as logJoint(x, z) and a posterior
// q(z | x) (lectures 000, 001, 002, 004; NumPyro's Trace_ELBO and RenyiELBO are the anchor). Every VAE of the
// library (MLP, conditional, hierarchical, flow posterior / VampPrior, convolutional), PPCA and the notebooks
// compute their bounds here. Shapes: x [B, ...]; the posterior has batch [B]; z [K, B, ...E]; logJoint
// returns [K, B]; every bound returns [B] (one value per data point).
//   log w_k = log p(x, z_k) − log q(z_k | x),  z_k ~ q(z | x)                       the log-weights
//   ELBO = E_q[log p(x,z) − log q(z|x)] ≤ log p(x)        = mean_k log w_k          (Jensen, D12)
//   ELBO = E_q[log p(x|z)] − KL(q(z|x) ‖ p(z))                                       (D14; one sample: D30)
//   ELBO = log p(x) − KL(q(z|x) ‖ p(z|x))                                            (D15)
//   IWAE L_K = E log (1/K) Σ_k w_k = logMeanExp_k log w_k,  L_1 = ELBO ≤ L_K ≤ L_{K+1} ≤ log p(x)   (D26, D31)
//   Rényi L_α = 1/(1−α) log (1/K) Σ_k w_k^{1−α}: α → 1 the ELBO, α = 0 the IWAE bound              (D27)
// The three are one statistic of the log-weights (`renyiFromLogWeights`, the only place the log-mean-exp of
// weights is taken). A training loss is the negative bound: loss = −ELBO.
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../random/rng';
import { Distribution } from '../distributions/distribution';
import { kl as klDivergence } from '../distributions/kl';
import { logMeanExp } from '../math/log-space';
import { reparameterizeWithKL } from '../ops/reparameterize';
import { positiveInteger } from '../validation/arguments';
import { Kind, checkKind, contract, count, distribution, func, num, oneOf, optional, options, rngKind, str, tensor, where } from '../validation/contract';

export type LogJoint = (x: tf.Tensor, z: tf.Tensor) => tf.Tensor;

/**
 * A posterior q(z | x) whose log-density is known only for its own draws (a flow posterior, whose planar steps
 * have no closed-form inverse; a hierarchical q(z₁ | x) q(z₂ | z₁)): draws and their log q in one pass, as a
 * NumPyro guide records log q at its sample sites. A `Distribution` (sample, rsample, logProb) serves as well.
 */
export interface Posterior {
  /** n reparameterized draws z ~ q(z | x), [n, ...batch, ...event], and log q(z | x), [n, ...batch]. */
  sampleAndLogProb(rng: Rng, n: number): { z: tf.Tensor; logProb: tf.Tensor };
}

/** What the bounds draw from: a distribution, or a posterior that returns draws with their log-density. */
export type Proposal = Distribution | Posterior;

export interface BoundArgs {
  x: tf.Tensor;
  logJoint: LogJoint;
  /** q(z | x): batch [B] */
  proposal: Proposal;
  /** K, the number of samples per data point (default 1). */
  samples?: number;
}

// The boundary of every bound: a generator and an args object with known keys (a misspelled key is an error,
// not a silently 1-sample bound). `samples` is bounded by memory: K draws for each data point.
const SAMPLES = count({ entriesEach: 64, bytesEach: 4 });
const POSTERIOR: Kind = {
  expected: 'a posterior (an object with sampleAndLogProb(rng, n))',
  test: (v) => (v && typeof v === 'object' && typeof (v as Record<string, unknown>).sampleAndLogProb === 'function' ? undefined : 'got no sampleAndLogProb'),
};
const PROPOSAL = oneOf(distribution(), POSTERIOR);
const boundFields = { x: tensor({ minRank: 1 }), logJoint: func('a function (x, z) → [K, B]'), proposal: PROPOSAL, samples: SAMPLES };
const boundArgs = (extra: Record<string, ReturnType<typeof num>> = {}) => options({ ...boundFields, ...extra }, { required: ['x', 'logJoint', 'proposal', ...Object.keys(extra)] });
const LIW = contract('logImportanceWeights', { rng: rngKind(), args: boundArgs(), fn: optional(str()) });
const ELBO = contract('elbo', { rng: rngKind(), args: boundArgs() });
const IWAE = contract('iwae', { rng: rngKind(), args: boundArgs() });
// |α| beyond 1e6 overflows w^{1−α} to NaN; the bound is then the max or min weight to float precision anyway
const ALPHA = num({ min: -1e6, max: 1e6 });
const RENYI = contract('renyiBound', { rng: rngKind(), args: boundArgs({ alpha: ALPHA }) });
const RENYI_LW = contract('renyiFromLogWeights', { logWeights: tensor({ minRank: 1, nonEmpty: true }), alpha: ALPHA });
const termsFields = {
  x: tensor({ minRank: 1 }), logLikelihood: func('a function (x, z) → [K, B]'), prior: distribution(), proposal: distribution(), samples: SAMPLES,
};
const ELBO_KL = contract('elboAnalyticKL', { rng: rngKind(), args: options(termsFields, { required: ['x', 'logLikelihood', 'prior', 'proposal'] }) });
const ELBO_TERMS = contract('elboTerms', {
  rng: rngKind(),
  args: options({ ...termsFields, kl: str(['analytic', 'monte-carlo']) }, { required: ['x', 'logLikelihood', 'prior', 'proposal'] }),
});
const GAUSSIAN_TERMS = contract('gaussianEncoderElboTerms', {
  rng: rngKind(),
  args: options({
    x: tensor({ minRank: 1 }),
    meanLogStd: where(tensor({ rank: 2 }), 'be [B, 2M] (μ, then log σ)', (v: tf.Tensor) => v.shape[1]! % 2 === 0 || `got shape [${v.shape}]`),
    logLikelihood: func('a function (x, z) → [B]'),
  }, { required: ['x', 'meanLogStd', 'logLikelihood'] }),
});
const CHUNKED = contract('iwaeInChunks', {
  rng: rngKind(), logWeights: func('a function (rng, n) → log-weights [n, B]'),
  options: options({ samples: count({ max: 1e7 }), chunk: count({ max: 1e7 }) }, { required: ['samples'] }),
});


/** K draws from q with log q at them: through sampleAndLogProb, or reparameterized (when q allows it) and logProb. */
function drawWithLogProb(rng: Rng, proposal: Proposal, K: number): { z: tf.Tensor; logProb: tf.Tensor } {
  if ('sampleAndLogProb' in proposal && typeof proposal.sampleAndLogProb === 'function') return proposal.sampleAndLogProb(rng, K);
  const q = proposal as Distribution;
  let z: tf.Tensor;
  try { z = q.rsample(rng, K); } catch { z = q.sample(rng, K); }
  return { z, logProb: q.logProb(z) };
}

/**
 * Draws z ~ q (reparameterized when q allows it) and returns log w = log p(x,z) − log q(z|x): [K, B].
 *
 * Every bound here is a statistic of these log-weights (D12, D26, D27): the ELBO their mean over k,
 * IWAE their log-mean-exp, Rényi's L_α a power mean (`renyiFromLogWeights`). Shapes: as for `elbo`, returns [K, B].
 *
 * @example
 * ```ts
 * const logW = ll.infer.logImportanceWeights(ll.rng(0), { x, logJoint: model.logJoint(), proposal: q, samples: 100 });   // [100, B]
 * ```
 */
export function logImportanceWeights(rng: Rng, args: BoundArgs, fn = 'logImportanceWeights'): tf.Tensor {
  LIW.check(arguments, fn);
  const K = args.samples ?? 1;
  return tf.tidy(() => {
    const { z, logProb: lq } = drawWithLogProb(rng, args.proposal, K);
    const lj = args.logJoint(args.x, z);
    checkKind(tensor({ shape: [...lq.shape], must: `return [${lq.shape}] ([K, ...batch], as log q)` }), lj, 'logJoint', fn);
    return tf.sub(lj, lq);
  });
}

/**
 * The Rényi bound from log-weights [K, ...B] → [...B]  (D27; docs/derivations.md#d27):
 *
 *     L_α = 1/(1−α) · log (1/K) Σ_k w_k^{1−α}
 *
 * α = 1 is the limit, the ELBO mean_k log w_k (D12); α = 0 is the IWAE bound log (1/K) Σ_k w_k (D26). For
 * fixed weights it is a power mean, so it does not increase with α. The one place a bound averages weights.
 *
 * @example
 * ```ts
 * const logW = ll.infer.logImportanceWeights(ll.rng(0), { x, logJoint, proposal: q, samples: 5 });   // [5, B]
 * ll.infer.renyiFromLogWeights(logW, 0.5);   // [B]; α = 0: IWAE_5, α = 1: the ELBO
 * ```
 */
export function renyiFromLogWeights(logWeights: tf.Tensor, alpha: number): tf.Tensor {
  RENYI_LW.check(arguments);
  if (alpha === 1) return tf.mean(logWeights, 0);
  if (alpha === 0) return logMeanExp(logWeights, 0);
  return tf.tidy(() => tf.div(logMeanExp(tf.mul(logWeights, 1 - alpha), 0), 1 - alpha));
}

/**
 * Monte Carlo ELBO: (1/K) Σ_k [log p(x, z_k) − log q(z_k | x)], [B]  (D12; with K = 1 the single-sample ELBO, D30).
 *
 * Shapes: x [B, ...]; the proposal q(z|x) has batch [B]; z [K, B, ...event]; `logJoint` returns [K, B]; the
 * result is [B]. A training loss is its negative mean (loss = −ELBO). See docs/derivations.md#d12.
 *
 * @example
 * ```ts
 * const model = new ll.PPCA([[1], [1]], [0, 0], 0.5);                        // D = 2, M = 1
 * const x = ll.tf.tensor2d([[1, 0.5]]);                                      // B = 1
 * const q = new ll.Normal([[0.3]], [[0.8]], { eventDims: 1 });               // q(z|x): batch [1], event [1]
 * ll.infer.elbo(ll.rng(0), { x, logJoint: model.logJoint(), proposal: q, samples: 1000 });   // [1], ≤ log p(x)
 * ```
 */
export function elbo(rng: Rng, args: BoundArgs): tf.Tensor {
  ELBO.check(arguments);
  return tf.tidy(() => renyiFromLogWeights(logImportanceWeights(rng, args, 'elbo'), 1));
}

/**
 * The ELBO's two terms, reconstruction E_q[log p(x | z)] and KL(q(z|x) ‖ p(z)), each [B]  (D14; D30):
 *
 *     ELBO = (1/K) Σ_k log p(x | z_k) − KL,   KL analytic (`kl: 'analytic'`, the default) or
 *     KL ≈ (1/K) Σ_k [log q(z_k | x) − log p(z_k)]  (`kl: 'monte-carlo'`, the single-sample form with K = 1)
 *
 * A β-VAE weights the second term (D33). Shapes as for `elbo`: `logLikelihood` is log p(x|z), [K, B]. See
 * docs/derivations.md#d14.
 *
 * @example
 * ```ts
 * const { reconstruction, kl } = ll.infer.elboTerms(ll.rng(0), { x, logLikelihood: (x, z) => vae.logLikelihood(x, z), prior: vae.prior(), proposal: vae.posterior(x) });
 * ll.tf.sub(reconstruction, kl);   // [B], the ELBO
 * ```
 */
export function elboTerms(rng: Rng, args: { x: tf.Tensor; logLikelihood: LogJoint; prior: Distribution; proposal: Distribution; samples?: number; kl?: 'analytic' | 'monte-carlo' }): { reconstruction: tf.Tensor; kl: tf.Tensor } {
  ELBO_TERMS.check(arguments);
  return termsOf(rng, args, 'elboTerms');
}

function termsOf(rng: Rng, args: { x: tf.Tensor; logLikelihood: LogJoint; prior: Distribution; proposal: Distribution; samples?: number; kl?: 'analytic' | 'monte-carlo' }, fn: string): { reconstruction: tf.Tensor; kl: tf.Tensor } {
  const K = args.samples ?? 1;
  const [reconstruction, kl] = tf.tidy(() => {
    const z = args.proposal.rsample(rng, K);
    const rec = tf.mean(args.logLikelihood(args.x, z), 0);
    const divergence = (args.kl ?? 'analytic') === 'analytic'
      ? klDivergence(args.proposal, args.prior)
      : tf.mean(tf.sub(args.proposal.logProb(z), args.prior.logProb(z)), 0);
    return [rec, divergence];
  });
  return { reconstruction, kl };
}

/**
 * ELBO with the KL in closed form: (1/K) Σ_k log p(x | z_k) − KL(q(z|x) ‖ p(z)), [B]  (D14).
 *
 * Same mean as `elbo`, only the reconstruction term sampled (`elboTerms` gives the two terms apart). Shapes as
 * for `elbo` (`logLikelihood` is log p(x|z): [K, B]). See docs/derivations.md#d14.
 *
 * @example
 * ```ts
 * ll.infer.elboAnalyticKL(ll.rng(0), { x, logLikelihood: (x, z) => decoder.logProb(x, z), prior: new ll.Normal([[0]], [[1]], { eventDims: 1 }), proposal: q, samples: 10 });
 * ```
 */
export function elboAnalyticKL(rng: Rng, args: { x: tf.Tensor; logLikelihood: LogJoint; prior: Distribution; proposal: Distribution; samples?: number }): tf.Tensor {
  ELBO_KL.check(arguments);
  const { reconstruction, kl } = termsOf(rng, { ...args, kl: 'analytic' }, 'elboAnalyticKL');
  const out = tf.sub(reconstruction, kl);
  tf.dispose([reconstruction, kl]);
  return out;
}

/**
 * The single-sample ELBO's terms for a diagonal-Gaussian encoder and the prior N(0, I)  (D14, D17, D30):
 *
 *     z = μ + σ ⊙ ε,  ε ~ N(0, I);   reconstruction = log p(x | z),   KL = Σ_j ½(μ_j² + σ_j² − 1) − log σ_j
 *
 * the VAE's training step (lecture 001's loss): z and the KL come from one fused node
 * (`ll.ops.reparameterizeWithKL`). meanLogStd [B, 2M] (μ, then log σ), `logLikelihood(x, z [B, M])` → [B];
 * each term [B]. See docs/derivations.md#d30.
 *
 * @example
 * ```ts
 * const { reconstruction, kl } = ll.infer.gaussianEncoderElboTerms(ll.rng(0), { x, meanLogStd: vae.encoderOutput(x), logLikelihood: (x, z) => vae.logLikelihood(x, z) });
 * ```
 */
export function gaussianEncoderElboTerms(rng: Rng, args: { x: tf.Tensor; meanLogStd: tf.Tensor; logLikelihood: LogJoint }): { reconstruction: tf.Tensor; kl: tf.Tensor } {
  GAUSSIAN_TERMS.check(arguments);
  const [B, twoM] = args.meanLogStd.shape;
  const eps = rng.normal([B, twoM / 2]) as tf.Tensor2D;
  try {
    const [reconstruction, kl] = tf.tidy(() => {
      const { z, kl: divergence } = reparameterizeWithKL(args.meanLogStd as tf.Tensor2D, eps);
      return [args.logLikelihood(args.x, z), divergence];
    });
    return { reconstruction, kl };
  } finally {
    eps.dispose();
  }
}

/**
 * IWAE bound L_K = log (1/K) Σ_k w_k, [B]  (D26).
 *
 * With w_k = p(x, z_k)/q(z_k|x), z_k ~ q: L_1 = ELBO ≤ L_K ≤ L_{K+1} ≤ log p(x), and L_K → log p(x) as K grows
 * (computed as a log-mean-exp of the log-weights). Shapes as for `elbo`. See docs/derivations.md#d26.
 *
 * @example
 * ```ts
 * ll.infer.iwae(ll.rng(0), { x, logJoint: model.logJoint(), proposal: q, samples: 50 });   // [B], above the ELBO
 * ```
 */
export function iwae(rng: Rng, args: BoundArgs): tf.Tensor {
  IWAE.check(arguments);
  return tf.tidy(() => renyiFromLogWeights(logImportanceWeights(rng, args, 'iwae'), 0));
}

/**
 * IWAE_K with the K draws made in chunks of at most `chunk`, [B]  (D26; with K in the thousands the
 * importance-sampled log p(x), D31; docs/derivations.md#d31):
 *
 *     log p̂(x) = log (1/K) Σ_k w_k,   log w_k from `logWeights(rng, n)` → [n, B], called for n = chunk, chunk, …
 *
 * The decoder's activations grow with the chunk, the log-weights [K, B] stay small: K = 5000 fits in memory.
 *
 * @example
 * ```ts
 * ll.infer.iwaeInChunks(ll.rng(0), (r, n) => vae.logWeights(r, x, { samples: n }), { samples: 5000, chunk: 500 });   // [B]
 * ```
 */
export function iwaeInChunks(rng: Rng, logWeights: (rng: Rng, n: number) => tf.Tensor, options: { samples: number; chunk?: number }): tf.Tensor {
  CHUNKED.check(arguments);
  const K = positiveInteger(options.samples, 'iwaeInChunks', 'samples');
  const chunk = positiveInteger(options.chunk ?? K, 'iwaeInChunks', 'chunk');
  const parts: tf.Tensor[] = [];
  try {
    for (let k = 0; k < K; k += chunk) parts.push(tf.tidy(() => logWeights(rng, Math.min(chunk, K - k))));
    return tf.tidy(() => renyiFromLogWeights(parts.length === 1 ? parts[0] : tf.concat(parts, 0), 0));
  } finally {
    tf.dispose(parts);
  }
}

/**
 * Rényi bound L_α = 1/(1−α) log (1/K) Σ_k w_k^{1−α}, [B]; α = 1 gives the ELBO  (D27).
 *
 * α = 0 gives log p(x) (in the limit of many samples), α → 1 the ELBO, and L_α does not increase with α.
 * Shapes as for `elbo`. See docs/derivations.md#d27.
 *
 * @example
 * ```ts
 * ll.infer.renyiBound(ll.rng(0), { x, logJoint: model.logJoint(), proposal: q, samples: 100, alpha: 0.5 });   // [B]
 * ```
 */
export function renyiBound(rng: Rng, args: BoundArgs & { alpha: number }): tf.Tensor {
  RENYI.check(arguments);
  const a = args.alpha;
  const { alpha: _alpha, ...bound } = args;
  return tf.tidy(() => renyiFromLogWeights(logImportanceWeights(rng, bound, 'renyiBound'), a));
}
