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
import { anything, checkKind, contract, count, distribution, func, options as optionsKind, rngKind, tensor, bool, where } from '../validation/contract';

// the boundary: a generator and an args object with known keys; the sample count bounded by memory
// at least 2 draws: one gives no standard error
const IS_SAMPLES = count({ min: 2, entriesEach: 64, bytesEach: 4 });
// one proposal for the whole sample: n draws [n, ...event]
const PROPOSAL = where(distribution(), 'have batch shape []', (d: Distribution) => d.batchShape.length === 0 || `got [${d.batchShape}]`);
const ONE_OBSERVATION = where(tensor({ minRank: 1 }), 'be one observation as a tensor [1, ...]', (t: tf.Tensor) => t.shape[0] === 1 || `got shape [${t.shape}]`);
const IMPORTANCE = contract('importanceSampling', { rng: rngKind(), args: optionsKind({ logTarget: func('a function z → log p̃(z)'), f: func('a function z → f(z)'), proposal: PROPOSAL, samples: IS_SAMPLES, selfNormalized: bool() }, { required: ['logTarget', 'f', 'proposal', 'samples'] }) });
const LOG_MARGINAL = contract('logMarginalIS', { rng: rngKind(), args: optionsKind({ x: ONE_OBSERVATION, logJoint: func('a function (x, z) → log p(x, z)'), proposal: PROPOSAL, samples: IS_SAMPLES }, { required: ['x', 'logJoint', 'proposal', 'samples'] }) });
const LOG_WEIGHTS = {
  expected: 'a non-empty array of numbers or a Float64Array',
  test: (v: unknown) => ((Array.isArray(v) || v instanceof Float64Array || v instanceof Float32Array) && v.length > 0 ? undefined : `got ${Array.isArray(v) ? 'an empty array' : typeof v}`),
};
const DIAGNOSTICS = contract('weightDiagnostics', { logWeights: LOG_WEIGHTS });
// f's values enter the estimate as they are: a NaN would make it NaN silently
const NO_NAN_VALUES = where(anything(), 'return no NaN', (v: Float64Array) => { const i = v.findIndex(Number.isNaN); return i < 0 || `got NaN at index ${i}`; });

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
  checkKind(LOG_WEIGHTS, logWeights, 'logWeights', fn);
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
  // the arguments were checked by the caller's contract; what the callbacks return is checked here
  const perDraw = tensor({ shape: [n], must: `return shape [${n}] for z [${n}, ...]` });
  const [lw, fv] = tf.tidy(() => {
    const z = proposal.sample(rng, n);
    const target = logTarget(z);
    checkKind(perDraw, target, 'logTarget', fn);
    const logw = tf.sub(target, proposal.logProb(z));
    const values = f ? f(z) : tf.zeros([n]);
    checkKind(perDraw, values, 'f', fn);
    return [logw, values];
  });
  const out = { logWeights: Float64Array.from(lw.dataSync()), values: Float64Array.from(fv.dataSync()) };
  tf.dispose([lw, fv]);
  // named after the user's pieces: a NaN or +∞ here comes from the target or the proposal's logProb
  noNaNLogValues(out.logWeights, fn, 'logWeights (log target − proposal.logProb)');
  checkKind(NO_NAN_VALUES, out.values, 'f', fn);
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
  const { x, logJoint, samples: n } = args;
  const logTarget = (z: tf.Tensor) => tf.tidy(() => {
    const lj = logJoint(x, tf.expandDims(z, 1));
    checkKind(tensor({ shape: [z.shape[0], 1], must: `return [${z.shape[0]}, 1] ([K, B] with B = 1)` }), lj, 'logJoint', 'logMarginalIS');
    return tf.reshape(lj, [-1]);
  });
  const { logWeights } = drawLogWeights('logMarginalIS', logTarget, args.proposal, rng, n);
  const diag = diagnose(logWeights, 'logMarginalIS');
  const value = logMeanExp64(logWeights);
  const rel = Array.from(logWeights, (l) => Math.exp(l - value));
  const sd = Math.sqrt(rel.reduce((a, r) => a + (r - 1) ** 2, 0) / (n - 1));
  return { ...diag, value, se: sd / Math.sqrt(n), n, logWeights };
}
