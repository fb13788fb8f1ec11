// Stein variational gradient descent (lecture 002, "SVGD"; Liu & Wang 2016; D55). Move particles
// x_1..x_n by x ← x + ε φ̂(x) with
//   φ̂(x) = (1/n) Σ_j [ k(x_j, x) ∇log p(x_j) + ∇_{x_j} k(x_j, x) ],
// the empirical version of φ* = E_q[A_p k(·, x)], the direction in the RKHS unit ball along which the
// KL(q ‖ p) falls fastest: −d/dε KL(q_[εφ] ‖ p)|₀ = E_q[tr A_p φ], maximized by φ ∝ φ*, with value KSD.
// The first term pulls particles up the log density (a kernel-weighted gradient), the second pushes them
// apart (the gradient of the kernel) — so with one particle, where ∇k(x, x) = 0, SVGD is gradient
// ascent on log p and finds the mode; with many it approximates p.
import * as tf from '@tensorflow/tfjs-core';
import { integerAtLeast, positiveFinite, positiveInteger } from '../validation/arguments';
import { medianHeuristic } from './median-heuristic';

/**
 * The SVGD direction at every particle (D55, see docs/derivations.md#d55), RBF kernel
 * k(x, y) = exp(−‖x − y‖²/h):
 *
 *     φ̂(x_i) = (1/n) Σ_j [ k(x_j, x_i) s_j + (2/h)(x_i − x_j) k(x_j, x_i) ],   s_j = ∇log p(x_j)
 *
 * i.e. φ̂ = (K S + (2/h)(diag(K1) X − K X))/n.
 *
 * Shapes: x [n, d], score [n, d] → [n, d].
 *
 * @param x  the particles
 * @param score  ∇log p at each particle
 * @param bandwidth  h (default: the median heuristic on x)
 * @returns φ̂ [n, d] (the caller disposes it)
 * @example
 * ```ts
 * const x = ll.tf.tensor2d([[1, 0]]);
 * ll.infer.svgdDirection(x, ll.tf.neg(x));   // [[−1, 0]]: one particle follows ∇log p
 * ```
 */
export function svgdDirection(x: tf.Tensor, score: tf.Tensor, bandwidth?: number): tf.Tensor2D {
  const fn = 'svgdDirection';
  if (x.rank !== 2 || x.shape[0] < 1) throw new Error(`${fn}: x must be particles [n, d], got shape [${x.shape}]`);
  if (score.shape.join() !== x.shape.join()) throw new Error(`${fn}: score must have the shape of x, [${x.shape}], got [${score.shape}]`);
  const h = positiveFinite(bandwidth ?? medianHeuristic(x), fn, 'bandwidth');
  const n = x.shape[0];
  return tf.tidy(() => {
    const X = x as tf.Tensor2D;
    const sq = tf.sum(tf.square(X), 1, true);
    const K = tf.exp(tf.div(tf.relu(tf.add(tf.sub(sq, tf.mul(2, tf.matMul(X, X, false, true))), tf.transpose(sq))), -h));
    const drive = tf.matMul(K, score as tf.Tensor2D);
    const repulse = tf.mul(2 / h, tf.sub(tf.mul(tf.sum(K, 1, true), X), tf.matMul(K, X)));
    return tf.div(tf.add(drive, repulse), n) as tf.Tensor2D;
  });
}

/**
 * The SVGD direction in float64: the reference for `svgdDirection` (D55).
 *
 * Shapes: x [n][d], score [n][d] → [n][d].
 *
 * @param x  the particles
 * @param score  ∇log p at each particle
 * @param bandwidth  h (default: the median heuristic)
 * @returns φ̂ [n][d]
 * @example
 * ```ts
 * ll.infer.svgdDirection64([[1, 0]], [[-1, 0]]);   // [[−1, 0]]
 * ```
 */
export function svgdDirection64(x: number[][], score: number[][], bandwidth?: number): number[][] {
  const fn = 'svgdDirection64';
  if (!Array.isArray(x) || x.length === 0 || !Array.isArray(score) || score.length !== x.length) throw new Error(`${fn}: x and score must be [n][d] of one shape`);
  const h = positiveFinite(bandwidth ?? medianHeuristic(x), fn, 'bandwidth');
  const n = x.length, d = x[0].length;
  return x.map((xi) => {
    const phi = new Array<number>(d).fill(0);
    for (let j = 0; j < n; j++) {
      const r2 = xi.reduce((s, v, k) => s + (v - x[j][k]) ** 2, 0);
      const k = Math.exp(-r2 / h);
      for (let c = 0; c < d; c++) phi[c] += k * score[j][c] + (2 / h) * (xi[c] - x[j][c]) * k;
    }
    return phi.map((v) => v / n);
  });
}

/** What svgd returns. */
export interface SvgdResult {
  /** The final particles [n][d]. */
  particles: number[][];
  /** Snapshots { step, particles } every `recordEvery` steps (step 0 = the start) and at the end. */
  history: { step: number; particles: number[][] }[];
  /** The bandwidth used at each step. */
  bandwidths: number[];
}

/**
 * Stein variational gradient descent (lecture 002; D55): `steps` updates x ← x + ε φ̂(x) of all
 * particles, φ̂ from `svgdDirection` with the RBF kernel, the bandwidth by the median heuristic at every
 * step unless fixed. Deterministic given the starting particles (draw them with a generator).
 *
 * Shapes: `logDensity` maps [n, d] → [n] (rows independent); `particles` [n][d].
 *
 * @param options  `logDensity`, `particles`, `steps`, `stepSize` ε, `bandwidth` (a number, or 'median': default), `recordEvery` (default: steps/10)
 * @returns the final particles, snapshots, and the bandwidths used
 * @example
 * ```ts
 * const init = ll.rows(ll.rng(0).normal([50, 2]));
 * const r = ll.infer.svgd({ logDensity: (x) => ll.tf.mul(-0.5, ll.tf.sum(ll.tf.square(ll.tf.sub(x, 3)), 1)), particles: init, steps: 300, stepSize: 0.1 });
 * ```
 */
export function svgd(options: {
  logDensity: (x: tf.Tensor2D) => tf.Tensor;
  particles: number[][];
  steps: number;
  stepSize: number;
  bandwidth?: number | 'median';
  recordEvery?: number;
}): SvgdResult {
  const fn = 'svgd';
  const { logDensity } = options;
  if (typeof logDensity !== 'function') throw new Error(`${fn}: logDensity must be a function [n, d] → [n]`);
  if (!Array.isArray(options.particles) || options.particles.length === 0 || !Array.isArray(options.particles[0])) throw new Error(`${fn}: particles must be [n][d]`);
  const steps = integerAtLeast(options.steps, 0, fn, 'steps');
  const eps = positiveFinite(options.stepSize, fn, 'stepSize');
  const every = positiveInteger(options.recordEvery ?? Math.max(1, Math.floor(steps / 10)), fn, 'recordEvery');
  const fixed = options.bandwidth === undefined || options.bandwidth === 'median' ? undefined : positiveFinite(options.bandwidth, fn, 'bandwidth');
  const n = options.particles.length;
  let x = tf.tensor2d(options.particles);
  const grad = tf.grad((v: tf.Tensor) => {
    const lp = logDensity(v as tf.Tensor2D);
    if (lp.shape.join() !== String(n)) throw new Error(`${fn}: logDensity must map [${n}, d] to [${n}], got [${lp.shape}]`);
    return tf.sum(lp);
  });
  const history: SvgdResult['history'] = [{ step: 0, particles: x.arraySync() as number[][] }];
  const bandwidths: number[] = [];
  try {
    for (let t = 1; t <= steps; t++) {
      const h = fixed ?? medianHeuristic(x);
      bandwidths.push(h);
      const next = tf.tidy(() => tf.add(x, tf.mul(eps, svgdDirection(x, grad(x), h)))) as tf.Tensor2D;
      x.dispose();
      x = next;
      if (t % every === 0 || t === steps) history.push({ step: t, particles: x.arraySync() as number[][] });
    }
    return { particles: x.arraySync() as number[][], history, bandwidths };
  } finally {
    x.dispose();
  }
}
