// The trace of a Jacobian, exactly or by Hutchinson's estimator (D64). The instantaneous change of variables
// (D63) needs tr ∂f/∂x at every step of an ODE; exactly it costs one backward pass per dimension, while
// Hutchinson's
//   tr A = E[εᵀ A ε]   for any probe with E[ε εᵀ] = I   (Rademacher ±1 entries, or N(0, I))
// costs one vector–Jacobian product per probe, whatever the dimension. The price is variance: writing
// B = (A + Aᵀ)/2, εᵀAε = εᵀBε and
//   Var[εᵀAε] = 2 Σ_{i≠j} B_ij²   (Rademacher: the diagonal is exact, ε_i² = 1)
//   Var[εᵀAε] = 2 Σ_{i,j} B_ij²   (Gaussian)
// so Rademacher probes are never worse, and both are exact when A is diagonal.
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../random/rng';
import type { Estimate } from './estimate';
import { checkKind, contract, count, func, matrix, optional, options as optionsKind, rngKind, shapeArray, str, tensor, where } from '../validation/contract';

/** The distribution of a Hutchinson probe ε, each with E[ε εᵀ] = I. */
export type ProbeDistribution = 'rademacher' | 'gaussian';

const PROBE = str(['rademacher', 'gaussian']);
const H64 = contract('hutchinsonTrace64', {
  rng: rngKind(), A: matrix({ square: true }),
  options: optionsKind({ probes: count({ min: 2, max: 1e7 }), distribution: PROBE }, { required: ['probes'] }),
});
const HVAR = contract('hutchinsonVariance64', { A: matrix({ square: true }), distribution: optional(PROBE) });
const JT = contract('jacobianTrace', {
  f: func('a function x [n, d] → [n, d], row by row'),
  x: tensor({ shape: ['n', 'd'] }),
  probe: optional(tensor({ like: 'x' })),
});
const PROBES = contract('hutchinsonProbes', {
  rng: rngKind(),
  shape: where(shapeArray({ bytesEach: 4 }), 'be [n, d], two positive counts', (v: number[]) => (v.length === 2 && v[0] > 0 && v[1] > 0) || `got [${v}]`),
  distribution: optional(PROBE),
});

/** One probe entry: ±1 with probability ½ each, or N(0, 1). */
const draw = (rng: Rng, distribution: ProbeDistribution) => (distribution === 'gaussian' ? rng.nextNormal() : (rng.nextUniform() < 0.5 ? -1 : 1));

/**
 * Hutchinson's estimate of tr A from `probes` probes ε (D64), in float64 — the reference the tensor version
 * (`jacobianTrace` with a probe) is checked against:
 *
 *     tr A = E[εᵀ A ε],   E[ε εᵀ] = I,   estimate = (1/K) Σ_k ε_kᵀ A ε_k,   se = sd_k(ε_kᵀ A ε_k)/√K
 *
 * `distribution` 'rademacher' (default: entries ±1) or 'gaussian'. The se is the sample's; its exact value is
 * √(hutchinsonVariance64(A) / K). Shapes: A [d, d].
 *
 * @example
 * ```ts
 * const e = ll.infer.hutchinsonTrace64(ll.rng(0), [[2, 1], [0, 3]], { probes: 1000 });   // value ≈ 5 ± e.se
 * ```
 */
export function hutchinsonTrace64(rng: Rng, A: number[][], options: { probes: number; distribution?: ProbeDistribution }): Estimate {
  H64.check(arguments);
  const d = A.length, K = options.probes, distribution = options.distribution ?? 'rademacher';
  const values = new Float64Array(K);
  const e = new Float64Array(d);
  for (let k = 0; k < K; k++) {
    for (let i = 0; i < d; i++) e[i] = draw(rng, distribution);
    let q = 0;
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) q += e[i] * A[i][j] * e[j];
    values[k] = q;
  }
  const mean = values.reduce((s, v) => s + v, 0) / K;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / (K - 1);
  return { value: mean, se: Math.sqrt(variance / K), n: K };
}

/**
 * The exact variance of one Hutchinson probe's εᵀAε (D64), with B = (A + Aᵀ)/2:
 *
 *     Rademacher: 2 Σ_{i≠j} B_ij²        Gaussian: 2 Σ_{i,j} B_ij² = 2 ‖B‖_F²
 *
 * Shapes: A [d, d]. The standard error of K probes' mean is √(variance / K).
 *
 * @example
 * ```ts
 * ll.infer.hutchinsonVariance64([[2, 1], [0, 3]]);               // 2 · 2 · 0.5² = 1
 * ll.infer.hutchinsonVariance64([[2, 1], [0, 3]], 'gaussian');   // 2 (4 + 9 + 0.5) = 27
 * ```
 */
export function hutchinsonVariance64(A: number[][], distribution: ProbeDistribution = 'rademacher'): number {
  HVAR.check(arguments);
  let v = 0;
  for (let i = 0; i < A.length; i++) for (let j = 0; j < A.length; j++) {
    if (i === j && distribution === 'rademacher') continue;
    v += 2 * ((A[i][j] + A[j][i]) / 2) ** 2;
  }
  return v;
}

/**
 * Probes ε [n, d] for `jacobianTrace`, entries ±1 (Rademacher, default) or N(0, 1), drawn with `rng` (D64).
 *
 * @example
 * ```ts
 * const eps = ll.infer.hutchinsonProbes(ll.rng(0), [100, 2]);
 * ```
 */
export function hutchinsonProbes(rng: Rng, shape: [number, number], distribution: ProbeDistribution = 'rademacher'): tf.Tensor2D {
  PROBES.check(arguments);
  return rng.tensor(shape, (r) => draw(r, distribution)) as tf.Tensor2D;
}

/**
 * The trace of the Jacobian of a row-wise map f: [n, d] → [n, d], one value per row [n] (D64):
 *
 *     exact (no probe):   Σ_i ∂f_i/∂x_i              d backward passes
 *     with a probe ε:     εᵀ (∂f/∂x) ε               one backward pass; E over ε = the trace
 *
 * Rows must not interact (each output row depends only on its input row): the gradient of Σ_n f_i(x_n) with
 * respect to x_n is then ∇f_i at x_n.
 *
 * @example
 * ```ts
 * const A = ll.tf.tensor2d([[2, 1], [0, 3]]);
 * const f = (x: ll.tf.Tensor2D) => ll.tf.matMul(x, A, false, true);       // f(x) = A x per row
 * ll.infer.jacobianTrace(f, x);                                            // [n], all 5
 * ll.infer.jacobianTrace(f, x, ll.infer.hutchinsonProbes(ll.rng(0), [n, 2]));   // [n], 5 on average
 * ```
 */
export function jacobianTrace(f: (x: tf.Tensor2D) => tf.Tensor, x: tf.Tensor2D, probe?: tf.Tensor2D): tf.Tensor1D {
  JT.check(arguments);
  return tf.tidy(() => {
    const checked = (xx: tf.Tensor) => {
      const y = f(xx as tf.Tensor2D);
      checkKind(tensor({ shape: [...x.shape], must: `return the shape of x, [${x.shape}]` }), y, 'f', 'jacobianTrace');
      return y;
    };
    if (probe) {
      const g = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(checked(xx), probe)))(x);
      return tf.sum(tf.mul(g, probe), 1) as tf.Tensor1D;
    }
    const d = x.shape[1];
    let trace = tf.zeros([x.shape[0]]) as tf.Tensor1D;
    for (let i = 0; i < d; i++) {
      const g = tf.grad((xx: tf.Tensor) => tf.sum(tf.slice(checked(xx), [0, i], [-1, 1])))(x);
      trace = tf.add(trace, tf.squeeze(tf.slice(g, [0, i], [-1, 1]), [1])) as tf.Tensor1D;
    }
    return trace;
  });
}
