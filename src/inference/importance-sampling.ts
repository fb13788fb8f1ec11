// Importance sampling (lecture 004; D10, D11, D13). With w = p(z)/q(z), z ~ q:
//   E_p f = E_q[w f]  (plain, p normalized; unbiased)          (D10)
//   E_p f ≈ Σ w_i f_i / Σ w_i  (self-normalized, p known up to a constant)
//   p(x) = E_q[p(x, z)/q(z)], so log p̂(x) = logMeanExp_i(log p(x, z_i) − log q(z_i))   (D11)
// Log-weights stay in log space; the summaries below are computed in float64 on the host.
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../random/rng';
import { Distribution } from '../distributions/distribution';
import { logSumExp64 } from '../math/log-space';

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

export function weightDiagnostics(logWeights: ArrayLike<number>): WeightDiagnostics {
  const n = logWeights.length;
  if (n === 0) throw new Error('weightDiagnostics: no log-weights');
  const lse = logSumExp64(logWeights);
  if (lse === -Infinity) throw new Error('weightDiagnostics: every weight is zero (all log-weights −∞): the proposal misses the target');
  const doubled = Array.from(logWeights, (v) => 2 * v);
  const ess = Math.exp(2 * lse - logSumExp64(doubled));
  let maxW = -Infinity, mean = 0;
  for (let i = 0; i < n; i++) { maxW = Math.max(maxW, logWeights[i]); mean += logWeights[i]; }
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (logWeights[i] - mean) ** 2;
  return { ess, maxWeight: Math.exp(maxW - lse), logWeightMean: mean, logWeightSd: Math.sqrt(ss / Math.max(1, n - 1)), n };
}

export interface ImportanceEstimate extends WeightDiagnostics {
  estimate: number;
  /** Standard error of the estimate (delta method for the self-normalized form). */
  se: number;
}

export interface ImportanceSamplingArgs {
  /** log p(z) for z [n, ...event] → [n]; normalized for the plain estimator, up to a constant for self-normalized. */
  logTarget: (z: tf.Tensor) => tf.Tensor;
  /** f(z) → [n]. */
  f: (z: tf.Tensor) => tf.Tensor;
  proposal: Distribution;
  rng: Rng;
  n: number;
  selfNormalized?: boolean;
}

function drawLogWeights(logTarget: (z: tf.Tensor) => tf.Tensor, proposal: Distribution, rng: Rng, n: number, f?: (z: tf.Tensor) => tf.Tensor) {
  if (!Number.isInteger(n) || n < 2) throw new Error(`importance sampling: n must be an integer ≥ 2, got ${n}`);
  if (proposal.batchShape.length !== 0) throw new Error(`importance sampling: the proposal must have batch shape [], got [${proposal.batchShape}]`);
  const [lw, fv] = tf.tidy(() => {
    const z = proposal.sample(rng, n);
    const logw = tf.sub(logTarget(z), proposal.logProb(z));
    if (logw.shape.join() !== String(n)) throw new Error(`importance sampling: logTarget must return shape [${n}], got [${logw.shape}]`);
    return [logw, f ? f(z) : tf.zeros([n])];
  });
  const out = { logWeights: Float64Array.from(lw.dataSync()), values: Float64Array.from(fv.dataSync()) };
  tf.dispose([lw, fv]);
  return out;
}

/** E_p[f] by importance sampling from `proposal`, with standard error and weight diagnostics (D10). */
export function importanceSampling(args: ImportanceSamplingArgs): ImportanceEstimate {
  const { logWeights, values } = drawLogWeights(args.logTarget, args.proposal, args.rng, args.n, args.f);
  const diag = weightDiagnostics(logWeights);
  const n = args.n;
  if (args.selfNormalized) {
    const lse = logSumExp64(logWeights);
    let est = 0;
    const wbar = Array.from(logWeights, (l) => Math.exp(l - lse));
    wbar.forEach((w, i) => { est += w * values[i]; });
    let v = 0;
    wbar.forEach((w, i) => { v += w * w * (values[i] - est) ** 2; });
    return { ...diag, estimate: est, se: Math.sqrt(v) };
  }
  const terms = Array.from(logWeights, (l, i) => Math.exp(l) * values[i]);
  const mean = terms.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(terms.reduce((a, t) => a + (t - mean) ** 2, 0) / (n - 1));
  return { ...diag, estimate: mean, se: sd / Math.sqrt(n) };
}

export interface LogMarginalEstimate extends WeightDiagnostics {
  /** log p̂(x) = logMeanExp of the log-weights. */
  logEstimate: number;
  /** Standard error of log p̂ by the delta method: sd(w) / (√n · mean(w)). */
  se: number;
  logWeights: Float64Array;
}

/**
 * log p(x) = log E_q[p(x, z)/q(z)] (D11): `logJoint(z)` is log p(x, z) for one fixed x, z [n, ...event] → [n].
 * With q the exact posterior every weight equals p(x) (zero variance, D13).
 */
export function logMarginalIS(logJoint: (z: tf.Tensor) => tf.Tensor, proposal: Distribution, rng: Rng, n: number): LogMarginalEstimate {
  const { logWeights } = drawLogWeights(logJoint, proposal, rng, n);
  const diag = weightDiagnostics(logWeights);
  const logEstimate = logSumExp64(logWeights) - Math.log(n);
  const rel = Array.from(logWeights, (l) => Math.exp(l - logEstimate));
  const sd = Math.sqrt(rel.reduce((a, r) => a + (r - 1) ** 2, 0) / (n - 1));
  return { ...diag, logEstimate, se: sd / Math.sqrt(n), logWeights };
}
