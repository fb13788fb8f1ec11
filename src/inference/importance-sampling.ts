// Importance sampling (lecture 004; D10, D11, D13). With w = p(z)/q(z), z ~ q:
//   E_p f = E_q[w f]  (plain, p normalized; unbiased)          (D10)
//   E_p f ≈ Σ w_i f_i / Σ w_i  (self-normalized, p known up to a constant)
//   p(x) = E_q[p(x, z)/q(z)], so log p̂(x) = logMeanExp_i(log p(x, z_i) − log q(z_i))   (D11)
// Log-weights stay in log space; the summaries below are computed in float64 on the host.
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../random/rng';
import { Distribution } from '../distributions/distribution';
import { logMeanExp64, logSumExp64 } from '../math/log-space';
import { integerAtLeast, noNaNLogValues } from '../validation/arguments';
import type { Estimate } from './estimate';
import type { LogJoint } from './bounds';
import { contract, count, distribution, func, options as optionsKind, rngKind, tensor, bool, arrayOf, num } from '../validation/contract';

// the boundary: a generator and an args object with known keys; the sample count bounded by memory
const IS_SAMPLES = count({ entriesEach: 64, bytesEach: 4 });
const IMPORTANCE = contract('importanceSampling', { rng: rngKind(), args: optionsKind({ logTarget: func('a function z → log p̃(z)'), f: func('a function z → f(z)'), proposal: distribution(), samples: IS_SAMPLES, selfNormalized: bool() }, { required: ['logTarget', 'f', 'proposal', 'samples'] }) });
const LOG_MARGINAL = contract('logMarginalIS', { rng: rngKind(), args: optionsKind({ x: tensor({ minRank: 1 }), logJoint: func('a function (x, z) → log p(x, z)'), proposal: distribution(), samples: IS_SAMPLES }, { required: ['x', 'logJoint', 'proposal', 'samples'] }) });
const DIAGNOSTICS = contract('weightDiagnostics', { logWeights: { expected: 'an array of numbers or a Float64Array', test: (v) => (Array.isArray(v) || v instanceof Float64Array || v instanceof Float32Array ? undefined : `got ${typeof v}`) } });

/** Diagnostics of a set of log-weights. */
export interface WeightDiagnostics {
  /** Effective sample size (Σw)²/Σw², between 1 and n. */
  ess: number;
  /** The largest normalized weight: near 1 means one sample dominates. */
  maxWeight: number;
  /** Mean and standard deviation of the log-weights. */
  logWeightMean: number;
  logWeightSd: number;
  n: number;
}

/**
 * ESS, largest normalized weight and log-weight moments of a set of log-weights. NaN is an error; so is
 * +∞ (an infinite weight: the proposal has no density where the target has some, and every summary would
 * be NaN); −∞ is a weight of 0 and fine, unless every weight is 0.
 *
 *     ESS = (Σ_i w_i)² / Σ_i w_i²   (between 1 and n; n when all weights are equal)
 *
 * computed from log-weights without overflow. A small ESS or a largest normalized weight near 1 says the
 * proposal misses where the target has mass (D10, see docs/derivations.md#d10).
 *
 * @example
 * ```ts
 * ll.infer.weightDiagnostics([0, 0, Math.log(2)]).ess;   // 16/6 ≈ 2.67
 * ```
 */
export function weightDiagnostics(logWeights: ArrayLike<number>): WeightDiagnostics {
  DIAGNOSTICS.check(arguments);
  return diagnose(logWeights, 'weightDiagnostics');
}

function diagnose(logWeights: ArrayLike<number>, fn: string): WeightDiagnostics {
  const n = logWeights.length;
  if (n === 0) throw new Error(`${fn}: logWeights must not be empty`);
  noNaNLogValues(logWeights, fn, 'logWeights');
  const lse = logSumExp64(logWeights);
  if (lse === -Infinity) throw new Error(`${fn}: every weight is zero (all logWeights −∞): the proposal misses the target`);
  const doubled = Array.from(logWeights, (v) => 2 * v);
  const ess = Math.exp(2 * lse - logSumExp64(doubled));
  let maxW = -Infinity, mean = 0;
  for (let i = 0; i < n; i++) { maxW = Math.max(maxW, logWeights[i]); mean += logWeights[i]; }
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (logWeights[i] - mean) ** 2;
  // a log-weight of −∞ makes the mean and sd of the log-weights −∞ and NaN; they describe the finite ones then
  if (mean === -Infinity) {
    const finite = Array.from(logWeights).filter(Number.isFinite);
    mean = finite.length ? finite.reduce((a, b) => a + b, 0) / finite.length : -Infinity;
    ss = finite.reduce((a, v) => a + (v - mean) ** 2, 0);
    return { ess, maxWeight: Math.exp(maxW - lse), logWeightMean: mean, logWeightSd: Math.sqrt(ss / Math.max(1, finite.length - 1)), n };
  }
  return { ess, maxWeight: Math.exp(maxW - lse), logWeightMean: mean, logWeightSd: Math.sqrt(ss / Math.max(1, n - 1)), n };
}

/** E_p[f] by importance sampling: value ± se (delta method for the self-normalized form) from n draws. */
export interface ImportanceEstimate extends Estimate, WeightDiagnostics {}

export interface ImportanceSamplingArgs {
  /** log p(z) for z [n, ...event] → [n]; normalized for the plain estimator, up to a constant for self-normalized. */
  logTarget: (z: tf.Tensor) => tf.Tensor;
  /** f(z) → [n]. */
  f: (z: tf.Tensor) => tf.Tensor;
  proposal: Distribution;
  /** n, the number of draws from the proposal (at least 2). */
  samples: number;
  selfNormalized?: boolean;
}

function drawLogWeights(fn: string, logTarget: (z: tf.Tensor) => tf.Tensor, proposal: Distribution, rng: Rng, n: number, f?: (z: tf.Tensor) => tf.Tensor) {
  integerAtLeast(n, 2, fn, 'samples');
  if (typeof logTarget !== 'function') throw new Error(`${fn}: the log target must be a function z → log p(z), got ${typeof logTarget}`);
  if (f !== undefined && typeof f !== 'function') throw new Error(`${fn}: f must be a function z → f(z), got ${typeof f}`);
  if (!proposal || typeof proposal.sample !== 'function') throw new Error(`${fn}: proposal must be a distribution`);
  if (proposal.batchShape.length !== 0) throw new Error(`${fn}: the proposal must have batch shape [], got [${proposal.batchShape}]`);
  const [lw, fv] = tf.tidy(() => {
    const z = proposal.sample(rng, n);
    const logw = tf.sub(logTarget(z), proposal.logProb(z));
    if (logw.shape.join() !== String(n)) throw new Error(`${fn}: the log target must return shape [${n}], got [${logw.shape}]`);
    const values = f ? f(z) : tf.zeros([n]);
    if (values.shape.join() !== String(n)) throw new Error(`${fn}: f must return shape [${n}], got [${values.shape}]`);
    return [logw, values];
  });
  const out = { logWeights: Float64Array.from(lw.dataSync()), values: Float64Array.from(fv.dataSync()) };
  tf.dispose([lw, fv]);
  // named after the user's pieces: a NaN or +∞ here comes from the target or the proposal's logProb
  noNaNLogValues(out.logWeights, fn, 'logWeights (log target − proposal.logProb)');
  out.values.forEach((v, i) => { if (Number.isNaN(v)) throw new Error(`${fn}: f(z) must not be NaN, got NaN at index ${i}`); });
  return out;
}

/**
 * E_p[f] by importance sampling from `proposal`, with standard error and weight diagnostics (D10).
 *
 *     E_p[f] ≈ (1/n) Σ_i w_i f(z_i),   w_i = p(z_i)/q(z_i),  z_i ~ q   (plain; p normalized)
 *     E_p[f] ≈ Σ_i w_i f(z_i) / Σ_i w_i                                (self-normalized; p known up to a constant)
 *
 * The weights are formed in log space. Returns the estimate as an `Estimate { value, se, n }` (ready for
 * `ll.checkMonteCarlo`) with the weight diagnostics (effective sample size, largest normalized weight).
 * See docs/derivations.md#d10.
 *
 * @example
 * ```ts
 * const target = new ll.Normal(1, 0.5), q = new ll.Normal(0, 2);
 * const est = ll.infer.importanceSampling(ll.rng(0), {
 *   logTarget: (z) => target.logProb(z), f: (z) => z, proposal: q, samples: 10000,
 * });
 * ll.checkMonteCarlo('E_p[z] = 1 (D10)', est, 1);
 * ```
 */
export function importanceSampling(rng: Rng, args: ImportanceSamplingArgs): ImportanceEstimate {
  IMPORTANCE.check(arguments);
  if (!args || typeof args !== 'object') throw new Error('importanceSampling: expected (rng, { logTarget, f, proposal, samples })');
  const { logWeights, values } = drawLogWeights('importanceSampling', args.logTarget, args.proposal, rng, args.samples, args.f);
  const diag = diagnose(logWeights, 'importanceSampling');
  const n = args.samples;
  if (args.selfNormalized) {
    const lse = logSumExp64(logWeights);
    let est = 0;
    const wbar = Array.from(logWeights, (l) => Math.exp(l - lse));
    wbar.forEach((w, i) => { est += w * values[i]; });
    let v = 0;
    wbar.forEach((w, i) => { v += w * w * (values[i] - est) ** 2; });
    return { ...diag, value: est, se: Math.sqrt(v), n };
  }
  const terms = Array.from(logWeights, (l, i) => Math.exp(l) * values[i]);
  const mean = terms.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(terms.reduce((a, t) => a + (t - mean) ** 2, 0) / (n - 1));
  return { ...diag, value: mean, se: sd / Math.sqrt(n), n };
}

/**
 * value = log p̂(x) = logMeanExp of the n log-weights; se = its standard error by the delta method,
 * sd(w) / (√n · mean(w)).
 */
export interface LogMarginalEstimate extends Estimate, WeightDiagnostics {
  logWeights: Float64Array;
}

/**
 * log p(x) = log E_q[p(x, z)/q(z)] (D11) for one observation x [1, ...]: `logJoint` is the same
 * LogJoint(x, z) the bounds take (x [B, ...], z [K, B, ...event] → [K, B]), here with B = 1;
 * the proposal has batch shape [] (z [n, ...event]); the estimate is from n = `samples` draws.
 * With q the exact posterior every weight equals p(x) (zero variance, D13).
 *
 *     log p̂(x) = log (1/n) Σ_i p(x, z_i)/q(z_i),  z_i ~ q   (a log-mean-exp of the log-weights)
 *
 * Its `value` is log p̂(x) with a delta-method standard error. See docs/derivations.md#d11.
 *
 * @example
 * ```ts
 * const model = new ll.PPCA([[1], [1]], [0, 0], 0.5);
 * const x = ll.tf.tensor2d([[1, 0.5]]);
 * const est = ll.infer.logMarginalIS(ll.rng(0), { x, logJoint: model.logJoint(), proposal: new ll.Normal([0], [1], { eventDims: 1 }), samples: 5000 });
 * ll.checkMonteCarlo('log p(x) (D05, D11)', est, model.logMarginal([1, 0.5]));
 * ```
 */
export function logMarginalIS(rng: Rng, args: { x: tf.Tensor; logJoint: LogJoint; proposal: Distribution; samples: number }): LogMarginalEstimate {
  LOG_MARGINAL.check(arguments);
  if (!args || typeof args !== 'object') throw new Error('logMarginalIS: expected (rng, { x, logJoint, proposal, samples })');
  const { x, logJoint, samples: n } = args;
  if (typeof logJoint !== 'function') throw new Error(`logMarginalIS: logJoint must be a function (x, z) → log p(x, z), got ${typeof logJoint}`);
  if (!(x instanceof tf.Tensor) || x.rank < 1 || x.shape[0] !== 1) {
    throw new Error(`logMarginalIS: x must be one observation as a tensor [1, ...], got ${x instanceof tf.Tensor ? `shape [${x.shape}]` : typeof x}`);
  }
  const logTarget = (z: tf.Tensor) => tf.tidy(() => {
    const lj = logJoint(x, tf.expandDims(z, 1));
    if (lj.shape.join() !== `${z.shape[0]},1`) throw new Error(`logMarginalIS: logJoint returned shape [${lj.shape}], expected [${z.shape[0]}, 1] ([K, B] with B = 1)`);
    return tf.reshape(lj, [-1]);
  });
  const { logWeights } = drawLogWeights('logMarginalIS', logTarget, args.proposal, rng, n);
  const diag = diagnose(logWeights, 'logMarginalIS');
  const value = logMeanExp64(logWeights);
  const rel = Array.from(logWeights, (l) => Math.exp(l - value));
  const sd = Math.sqrt(rel.reduce((a, r) => a + (r - 1) ** 2, 0) / (n - 1));
  return { ...diag, value, se: sd / Math.sqrt(n), n, logWeights };
}
