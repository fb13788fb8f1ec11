// Laplace's method (lecture 002, "Laplace's method & limitations"; D53): approximate a posterior by the
// Gaussian at its mode,
//   step 1: the mode  x̂ = argmax log p(x)   (here by damped Newton ascent);
//   step 2: Σ = (−∇² log p(x̂))⁻¹,  and  log ∫ p̃ ≈ log p̃(x̂) + (d/2) log 2π − ½ log det(−∇² log p(x̂)).
// On a Gaussian, log p is exactly quadratic, so the second-order expansion is exact: mode = mean,
// Σ = the covariance, and the evidence is the normalizer. Elsewhere it sees only the curvature at the
// mode: skew, heavy tails and other modes are invisible to it.
import * as tf from '@tensorflow/tfjs-core';
import { cholesky, inv, logDetSPD } from '../math/linalg64';
import { anything, checkKind, contract, count, func, numberArray, where, optional, options as optionsKind, tensor } from '../validation/contract';

const INIT = numberArray({ shape: ['d'], min: [1], finite: true, what: 'a starting point [d] with at least one dimension' });
const OPTIONS = optional(optionsKind({ maxSteps: count({ max: 1e6 }) }));
const LAPLACE = contract('laplaceApproximation', { logDensity: func('a function x [d] → scalar'), init: INIT, options: OPTIONS });
const LAPLACE64 = contract('laplaceApproximation64', {
  logDensity: func('a function x [d] → number'), gradient: func('a function x [d] → [d]'), hessianOf: func('a function x [d] → [d][d]'), init: INIT, options: OPTIONS,
});
const HESSIAN = contract('hessian', { f: func('a function x [d] → scalar'), x: numberArray({ shape: ['d'], min: [1], finite: true, what: 'a point [d]' }) });
const SCALAR = tensor({ shape: [], must: 'return a scalar' });

/** What laplaceApproximation returns. */
export interface LaplaceResult {
  /** The mode x̂ [d]. */
  mode: number[];
  /** log p̃(x̂). */
  logDensityAtMode: number;
  /** ∇² log p̃(x̂) [d, d] (negative definite at a strict maximum). */
  hessian: number[][];
  /** Σ = (−∇² log p̃(x̂))⁻¹ [d, d]. */
  covariance: number[][];
  /** Laplace's estimate of log ∫ p̃(x) dx (the log evidence when p̃ is the joint). */
  logNormalizer: number;
  /** Newton iterations taken. */
  iterations: number;
  /** ‖∇ log p̃(x̂)‖∞ at the returned mode. */
  gradientNorm: number;
}

type Derivatives = (x: number[]) => { value: number; grad: number[]; hessian: number[][] };

/**
 * The Hessian ∇² f(x) by TensorFlow.js autodiff (one reverse pass per row of the gradient), in float64
 * arrays; symmetrized, since the two routes to ∂²f/∂x_i∂x_j round differently in float32.
 *
 * Shapes: f maps x [d] to a scalar; returns [d, d].
 *
 * @param f  a twice-differentiable scalar function of a vector
 * @param x  where [d]
 * @returns [d][d]
 * @example
 * ```ts
 * ll.infer.hessian((x) => ll.tf.sum(ll.tf.pow(x, 3)), [1, 2]);   // [[6, 0], [0, 12]]
 * ```
 */
export function hessian(f: (x: tf.Tensor1D) => tf.Scalar, x: number[]): number[][] {
  HESSIAN.check(arguments);
  const d = x.length;
  const rows = tf.tidy(() => {
    const g = tf.grad((v: tf.Tensor) => f(v as tf.Tensor1D));
    const x0 = tf.tensor1d(x);
    return Array.from({ length: d }, (_, i) => {
      const e = tf.oneHot(tf.tensor1d([i], 'int32'), d).reshape([d]);
      return Array.from(tf.grad((v: tf.Tensor) => tf.sum(tf.mul(g(v), e)))(x0).dataSync());
    });
  });
  return rows.map((r, i) => r.map((v, j) => 0.5 * (v + rows[j][i])));
}

function newtonLaplace(fn: string, derivatives: Derivatives, init: number[], maxSteps: number): LaplaceResult {
  const d = init.length;
  let x = init.slice();
  let cur = derivatives(x);
  const atInit = cur.value;
  if (!Number.isFinite(atInit)) checkKind(where(anything(), 'be a point where the log density is finite (Newton starts there)', () => `got log density ${atInit} at [${init}]`), init, 'init', fn);
  let lambda = 0, iterations = 0, done = false;
  for (let it = 0; it < maxSteps && !done; it++) {
    // solve (−H + λI) δ = g, raising λ (toward gradient ascent) until the matrix is positive definite
    // and the step increases log p̃
    let moved = false;
    for (let tries = 0; tries < 30 && !moved; tries++) {
      const A = cur.hessian.map((r, i) => r.map((v, j) => -v + (i === j ? lambda : 0)));
      let step: number[];
      try {
        cholesky(A);
        const Ainv = inv(A).to2DArray();
        step = Ainv.map((r) => r.reduce((s, v, j) => s + v * cur.grad[j], 0));
      } catch {
        lambda = Math.max(1e-6, lambda * 10);
        continue;
      }
      const next = x.map((v, j) => v + step[j]);
      const cand = derivatives(next);
      // accept no decrease beyond rounding (float32 for the tensor version: a stricter test would reject
      // every step near the mode, where the changes in log p̃ are below its rounding)
      if (Number.isFinite(cand.value) && cand.value >= cur.value - 1e-6 * (1 + Math.abs(cur.value))) {
        const size = Math.max(...step.map(Math.abs));
        // a full Newton step this small leaves an error of about its square (1e-10): converged, and above
        // the float32 noise of the tensor version's gradient
        const converged = lambda <= 1e-6 && size < 1e-5 * (1 + Math.max(...x.map(Math.abs)));
        x = next; cur = cand; moved = true; iterations++;
        lambda = lambda / 10 < 1e-9 ? 0 : lambda / 10;
        done = converged;
      } else {
        lambda = Math.max(1e-6, lambda * 10);
      }
    }
    if (!moved) break;
  }
  const negH = cur.hessian.map((r) => r.map((v) => -v));
  let covariance: number[][], logDet: number;
  try {
    cholesky(negH);
    covariance = inv(negH).to2DArray();
    logDet = logDetSPD(negH);
  } catch {
    throw new Error(`${fn}: the Hessian at the point found, [${x.map((v) => v.toPrecision(4))}], is not negative definite: no Gaussian fits there (not a strict maximum)`);
  }
  return {
    mode: x, logDensityAtMode: cur.value, hessian: cur.hessian, covariance,
    logNormalizer: cur.value + 0.5 * d * Math.log(2 * Math.PI) - 0.5 * logDet,
    iterations, gradientNorm: Math.max(...cur.grad.map(Math.abs)),
  };
}

/**
 * Laplace's approximation with TensorFlow.js autodiff (lecture 002; D53, see docs/derivations.md#d53):
 * the mode by damped Newton ascent, then the Gaussian N(x̂, Σ) with
 *
 *     Σ = (−∇² log p̃(x̂))⁻¹,   log ∫ p̃ ≈ log p̃(x̂) + (d/2) log 2π − ½ log det(−∇² log p̃(x̂))
 *
 * Exact when p̃ is Gaussian; blind to skew, tails and other modes otherwise.
 *
 * Shapes: `logDensity` maps x [d] to a scalar; `init` [d]; covariance and hessian [d][d].
 *
 * @param logDensity  log p̃(x) up to a constant (twice differentiable)
 * @param init  the starting point of the mode search
 * @param options  `maxSteps` of Newton (default 100)
 * @returns mode, Hessian, covariance, log-normalizer estimate, iterations
 * @example
 * ```ts
 * const p = new ll.MultivariateNormal({ loc: [1, -1], covariance: [[1, 0.5], [0.5, 2]] });
 * const fit = ll.infer.laplaceApproximation((x) => p.logProb(x) as ll.tf.Scalar, [0, 0]);
 * fit.mode;         // ≈ [1, −1]
 * fit.covariance;   // ≈ [[1, 0.5], [0.5, 2]]
 * fit.logNormalizer;   // ≈ 0 (p is normalized)
 * ```
 */
export function laplaceApproximation(logDensity: (x: tf.Tensor1D) => tf.Scalar, init: number[], options: { maxSteps?: number } = {}): LaplaceResult {
  const fn = 'laplaceApproximation';
  LAPLACE.check(arguments);
  const maxSteps = options.maxSteps ?? 100;
  const derivatives: Derivatives = (x) => {
    const { value, grad } = tf.tidy(() => {
      const vg = tf.valueAndGrad((v: tf.Tensor) => {
        const out = logDensity(v as tf.Tensor1D);
        // one entry of any rank ([1], [1, 1]) is a scalar too
        if (out instanceof tf.Tensor && out.size === 1) return tf.reshape(out, []) as tf.Scalar;
        checkKind(SCALAR, out, 'logDensity', fn);
        return out;
      })(tf.tensor1d(x));
      return { value: vg.value.dataSync()[0], grad: Array.from(vg.grad.dataSync()) };
    });
    return { value, grad, hessian: hessian(logDensity, x) };
  };
  return newtonLaplace(fn, derivatives, init, maxSteps);
}

/**
 * Laplace's approximation in float64 with derivatives you supply: the reference for
 * `laplaceApproximation` (D53). Same Newton search and the same formulas.
 *
 * Shapes: x [d]; `gradient` → [d]; `hessianOf` → [d][d].
 *
 * @param logDensity  log p̃(x)
 * @param gradient  ∇ log p̃(x)
 * @param hessianOf  ∇² log p̃(x)
 * @param init  start of the mode search [d]
 * @param options  `maxSteps` (100)
 * @returns as laplaceApproximation
 * @example
 * ```ts
 * ll.infer.laplaceApproximation64((x) => -0.5 * x[0] ** 2, (x) => [-x[0]], () => [[-1]], [3]).logNormalizer;   // log √(2π)
 * ```
 */
export function laplaceApproximation64(logDensity: (x: number[]) => number, gradient: (x: number[]) => number[], hessianOf: (x: number[]) => number[][], init: number[], options: { maxSteps?: number } = {}): LaplaceResult {
  const fn = 'laplaceApproximation64';
  LAPLACE64.check(arguments);
  const maxSteps = options.maxSteps ?? 100;
  return newtonLaplace(fn, (x) => ({ value: logDensity(x), grad: gradient(x), hessian: hessianOf(x) }), init, maxSteps);
}
