// The kernelized Stein discrepancy (lecture 002, "Stein Discrepancy and VI"; D54). Stein's operator
//   A_p φ(x) = φ(x) ∇log p(x)ᵀ + ∇φ(x)
// has E_p[A_p φ] = 0 for every smooth φ that vanishes at infinity (Stein's identity: integrate by
// parts), and it needs p only through the score ∇log p — never the normalizer. Taking the sup over φ in
// the unit ball of an RKHS with kernel k gives, in closed form (Liu, Lee & Jordan 2016),
//   KSD²(q, p) = E_{x, y ~ q} u_p(x, y),
//   u_p(x, y) = s(x)ᵀ s(y) k(x, y) + s(x)ᵀ ∇_y k + s(y)ᵀ ∇_x k + tr ∇_x∇_y k,   s = ∇log p,
// which is 0 exactly when q = p. Its U-statistic over the pairs i ≠ j of a sample from q is unbiased.
// With the RBF kernel k = exp(−‖r‖²/h), r = x − y:
//   u_p = k · [ s(x)·s(y) + (2/h) s(x)·r − (2/h) s(y)·r + 2d/h − 4‖r‖²/h² ].
import * as tf from '@tensorflow/tfjs-core';
import type { Estimate } from './estimate';
import { positiveFinite } from '../validation/arguments';
import { contract, numberArray, optional, options, positive, tensor, where } from '../validation/contract';
import { medianHeuristic } from './median-heuristic';

const BANDWIDTH = optional(options({ bandwidth: positive() }));
const KSD64 = contract('ksd64', {
  x: numberArray({ shape: ['n', 'd'], min: [2, 1], what: 'points [n, d] with n ≥ 2' }),
  score: numberArray({ depth: 2, like: 'x', what: 'rows of numbers [n, d], the score at each point of x' }),
  options: BANDWIDTH,
});
const KSD = contract('kernelizedSteinDiscrepancy', {
  x: where(tensor({ rank: 2, noNaN: true }), 'be points [n, d] with n ≥ 2', (v: tf.Tensor) => v.shape[0] >= 2 || `got shape [${v.shape}]`),
  score: tensor({ like: 'x', noNaN: true }),
  options: BANDWIDTH,
});

/** The U-statistic and its SE from the matrix u_ij (float64; diagonal ignored). */
function uStatistic(u: ArrayLike<number>, n: number): Estimate {
  let total = 0;
  const rowMeans = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) { rowMeans[i] += u[i * n + j]; total += u[i * n + j]; }
  const pairs = n * (n - 1);
  const value = total / pairs;
  let z1 = 0, z2 = 0;
  for (let i = 0; i < n; i++) {
    rowMeans[i] /= n - 1;
    z1 += (rowMeans[i] - value) ** 2;
    for (let j = 0; j < n; j++) if (i !== j) z2 += (u[i * n + j] - value) ** 2;
  }
  z1 /= n - 1; z2 /= pairs - 1;
  // Var(U) = 4(n − 2)/(n(n − 1)) ζ₁ + 2/(n(n − 1)) ζ₂ (Hoeffding); the row means' variance overstates ζ₁
  // by about ζ₂/(n − 1), so the SE errs on the large side — which matters under p, where ζ₁ = 0.
  const se = Math.sqrt((4 * (n - 2) * z1 + 2 * z2) / pairs);
  return { value, se, n };
}

/**
 * The kernelized Stein discrepancy KSD²(q, p) in float64, the unbiased U-statistic over a sample
 * x_1..x_n ~ q (D54, see docs/derivations.md#d54), with the RBF kernel k = exp(−‖x − y‖²/h):
 *
 *     KSD² ≈ 1/(n(n−1)) Σ_{i≠j} u_p(x_i, x_j),   u_p = k·[s_i·s_j + (2/h)(s_i − s_j)·(x_i − x_j) + 2d/h − 4‖x_i − x_j‖²/h²]
 *
 * with s_i = ∇log p(x_i). Its mean is 0 when q = p (Stein's identity) and positive otherwise; the SE
 * is Hoeffding's variance with the row-mean estimate of ζ₁ (slightly conservative).
 *
 * Shapes: x [n, d], score [n, d] (the score of p at each x_i), n ≥ 2.
 *
 * @param x  the sample
 * @param score  ∇log p at each point
 * @param options  `bandwidth` h (default: the median heuristic on x)
 * @returns { value, se, n }
 * @example
 * ```ts
 * const g = ll.rng(0);
 * const x = Array.from({ length: 300 }, () => [g.nextNormal()]);
 * ll.infer.ksd64(x, x.map(([v]) => [-v]));   // ≈ 0 within its SE: x comes from p = N(0, 1)
 * ```
 */
export function ksd64(x: number[][], score: number[][], options: { bandwidth?: number } = {}): Estimate {
  const fn = 'ksd64';
  KSD64.check(arguments);
  const h = positiveFinite(options.bandwidth ?? medianHeuristic(x), fn, 'bandwidth');
  const n = x.length, d = x[0].length;
  const u = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      let r2 = 0, ss = 0, sr = 0;
      for (let k = 0; k < d; k++) {
        const r = x[i][k] - x[j][k];
        r2 += r * r; ss += score[i][k] * score[j][k]; sr += (score[i][k] - score[j][k]) * r;
      }
      u[i * n + j] = Math.exp(-r2 / h) * (ss + (2 / h) * sr + (2 * d) / h - (4 * r2) / (h * h));
    }
  }
  return uStatistic(u, n);
}

/**
 * The kernelized Stein discrepancy on tensors (D54): the same U-statistic as `ksd64`, the n × n matrix
 * u_p(x_i, x_j) computed in one pass with TensorFlow.js; the sum and SE are taken in float64.
 *
 * Shapes: x [n, d], score [n, d], n ≥ 2.
 *
 * @param x  the sample [n, d]
 * @param score  ∇log p(x) [n, d]
 * @param options  `bandwidth` h (default: the median heuristic on x)
 * @returns { value, se, n }
 * @example
 * ```ts
 * const x = ll.rng(0).normal([300, 2]);
 * ll.infer.kernelizedSteinDiscrepancy(x, ll.tf.neg(x));   // ≈ 0: x ~ p = N(0, I), whose score is −x
 * ```
 */
export function kernelizedSteinDiscrepancy(x: tf.Tensor, score: tf.Tensor, options: { bandwidth?: number } = {}): Estimate {
  const fn = 'kernelizedSteinDiscrepancy';
  KSD.check(arguments);
  const h = positiveFinite(options.bandwidth ?? medianHeuristic(x), fn, 'bandwidth');
  const [n, d] = x.shape as [number, number];
  const u = tf.tidy(() => {
    const X = x as tf.Tensor2D, S = score as tf.Tensor2D;
    const sq = tf.sum(tf.square(X), 1, true);
    const d2 = tf.relu(tf.add(tf.sub(sq, tf.mul(2, tf.matMul(X, X, false, true))), tf.transpose(sq)));
    const K = tf.exp(tf.div(d2, -h));
    const a = tf.sum(tf.mul(S, X), 1, true);                       // s_i · x_i
    const SX = tf.matMul(S, X, false, true);                        // s_i · x_j
    // (s_i − s_j)·(x_i − x_j) = a_i − SX_ij − SX_ji + a_j
    const sr = tf.sub(tf.add(a, tf.transpose(a)), tf.add(SX, tf.transpose(SX)));
    const inner = tf.add(tf.add(tf.matMul(S, S, false, true), tf.mul(2 / h, sr)), tf.sub((2 * d) / h, tf.mul(4 / (h * h), d2)));
    return tf.mul(K, inner);
  });
  const values = u.dataSync();
  u.dispose();
  return uStatistic(values, n);
}
