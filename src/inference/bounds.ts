// Variational bounds on log p(x) for any model given as logJoint(x, z) and a proposal q(z | x)
// (lectures 000, 001, 002, 004). Shapes: x [B, ...]; the proposal has batch [B] and event E;
// z [K, B, ...E]; logJoint returns [K, B]; every bound returns [B] (one value per data point).
//   ELBO = E_q[log p(x,z) − log q(z|x)] ≤ log p(x)  (Jensen, D12)
//   ELBO = E_q[log p(x|z)] − KL(q(z|x) ‖ p(z))     (D14)
//   ELBO = log p(x) − KL(q(z|x) ‖ p(z|x))          (D15)
//   IWAE L_K = E log (1/K) Σ_k w_k, L_1 = ELBO ≤ L_K ≤ L_{K+1} ≤ log p(x)   (D26)
//   Rényi L_α = 1/(1−α) log E_q[w^{1−α}]: α → 1 is the ELBO, α = 0 is log p(x)   (D27)
// A training loss is the negative bound: loss = −ELBO.
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../random/rng';
import { Distribution } from '../distributions/distribution';
import { kl } from '../distributions/kl';
import { logMeanExp } from '../math/log-space';
import { contract, count, distribution, func, num, optional, options, rngKind, str, tensor } from '../validation/contract';

// The boundary of every bound: a generator and an args object with known keys (a misspelled key is an error,
// not a silently 1-sample bound). `samples` is bounded by memory: K draws for each data point.
const SAMPLES = count({ entriesEach: 64, bytesEach: 4 });
const boundFields = { x: tensor({ minRank: 1 }), logJoint: func('a function (x, z) → [K, B]'), proposal: distribution(), samples: SAMPLES };
const boundArgs = (extra: Record<string, ReturnType<typeof num>> = {}) => options({ ...boundFields, ...extra }, { required: ['x', 'logJoint', 'proposal', ...Object.keys(extra)] });
const LIW = contract('logImportanceWeights', { rng: rngKind(), args: boundArgs(), fn: optional(str()) });
const ELBO = contract('elbo', { rng: rngKind(), args: boundArgs() });
const IWAE = contract('iwae', { rng: rngKind(), args: boundArgs() });
// |α| beyond 1e6 overflows w^{1−α} to NaN; the bound is then the max or min weight to float precision anyway
const RENYI = contract('renyiBound', { rng: rngKind(), args: boundArgs({ alpha: num({ min: -1e6, max: 1e6 }) }) });
const ELBO_KL = contract('elboAnalyticKL', {
  rng: rngKind(),
  args: options({ x: tensor({ minRank: 1 }), logLikelihood: func('a function (x, z) → [K, B]'), prior: distribution(), proposal: distribution(), samples: SAMPLES }, { required: ['x', 'logLikelihood', 'prior', 'proposal'] }),
});

export type LogJoint = (x: tf.Tensor, z: tf.Tensor) => tf.Tensor;

export interface BoundArgs {
  x: tf.Tensor;
  logJoint: LogJoint;
  proposal: Distribution;
  /** K, the number of samples per data point (default 1). */
  samples?: number;
}

function samplesOf(k: number | undefined, fn: string): number {
  const K = k ?? 1;
  if (!Number.isInteger(K) || K < 1) throw new Error(`${fn}: samples must be a positive integer, got ${k}`);
  return K;
}

/**
 * Draws z ~ q (reparameterized when q allows it) and returns log w = log p(x,z) − log q(z|x): [K, B].
 *
 * Every bound here is a statistic of these log-weights (D12, D26, D27): the ELBO their mean over k,
 * IWAE their log-mean-exp. Shapes: as for `elbo`, returns [K, B].
 *
 * @example
 * ```ts
 * const logW = ll.infer.logImportanceWeights(ll.rng(0), { x, logJoint: model.logJoint(), proposal: q, samples: 100 });   // [100, B]
 * ```
 */
export function logImportanceWeights(rng: Rng, args: BoundArgs, fn = 'logImportanceWeights'): tf.Tensor {
  LIW.check(arguments, fn);
  const K = samplesOf(args.samples, fn);
  return tf.tidy(() => {
    let z: tf.Tensor;
    try { z = args.proposal.rsample(rng, K); } catch { z = args.proposal.sample(rng, K); }
    const lj = args.logJoint(args.x, z);
    const lq = args.proposal.logProb(z);
    if (lj.shape.join() !== lq.shape.join()) {
      throw new Error(`${fn}: logJoint returned shape [${lj.shape}], expected [${lq.shape}] ([K, ...batch])`);
    }
    return tf.sub(lj, lq);
  });
}

/**
 * Monte Carlo ELBO: (1/K) Σ_k [log p(x, z_k) − log q(z_k | x)], [B]  (D12).
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
  return tf.tidy(() => tf.mean(logImportanceWeights(rng, args, 'elbo'), 0));
}

/**
 * ELBO with the KL in closed form: (1/K) Σ_k log p(x | z_k) − KL(q(z|x) ‖ p(z)), [B]  (D14).
 *
 * Same mean as `elbo`, lower variance: only the reconstruction term is sampled. Shapes as for `elbo`
 * (`logLikelihood` is log p(x|z): [K, B]). See docs/derivations.md#d14.
 *
 * @example
 * ```ts
 * ll.infer.elboAnalyticKL(ll.rng(0), { x, logLikelihood: (x, z) => decoder.logProb(x, z), prior: new ll.Normal([[0]], [[1]], { eventDims: 1 }), proposal: q, samples: 10 });
 * ```
 */
export function elboAnalyticKL(rng: Rng, args: { x: tf.Tensor; logLikelihood: LogJoint; prior: Distribution; proposal: Distribution; samples?: number }): tf.Tensor {
  ELBO_KL.check(arguments);
  const K = samplesOf(args.samples, 'elboAnalyticKL');
  return tf.tidy(() => {
    const z = args.proposal.rsample(rng, K);
    return tf.sub(tf.mean(args.logLikelihood(args.x, z), 0), kl(args.proposal, args.prior));
  });
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
  return tf.tidy(() => logMeanExp(logImportanceWeights(rng, args, 'iwae'), 0));
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
  if (!Number.isFinite(a)) throw new Error(`renyiBound: alpha must be finite, got ${a}`);
  if (a === 1) return tf.tidy(() => tf.mean(logImportanceWeights(rng, { x: args.x, logJoint: args.logJoint, proposal: args.proposal, samples: args.samples }, 'renyiBound'), 0));
  const { alpha: _alpha, ...bound } = args;
  return tf.tidy(() => tf.div(logMeanExp(tf.mul(logImportanceWeights(rng, bound, 'renyiBound'), 1 - a), 0), 1 - a));
}
