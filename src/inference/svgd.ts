// Stein variational gradient descent (lecture 002, "SVGD"; Liu & Wang 2016; D55). Move particles
// x_1..x_n by x ← x + ε φ̂(x) with
//   φ̂(x) = (1/n) Σ_j [ k(x_j, x) ∇log p(x_j) + ∇_{x_j} k(x_j, x) ],
// the empirical version of φ* = E_q[A_p k(·, x)], the direction in the RKHS unit ball along which the
// KL(q ‖ p) falls fastest: −d/dε KL(q_[εφ] ‖ p)|₀ = E_q[tr A_p φ], maximized by φ ∝ φ*, with value KSD.
// The first term pulls particles up the log density (a kernel-weighted gradient), the second pushes them
// apart (the gradient of the kernel) — so with one particle, where ∇k(x, x) = 0, SVGD is gradient
// ascent on log p and finds the mode; with many it approximates p.
import * as tf from '@tensorflow/tfjs-core';
import { positiveFinite } from '../validation/arguments';
import { checkKind, contract, count, func, numberArray, oneOf, optional, options as optionsKind, positive, str, tensor } from '../validation/contract';
import { medianHeuristic } from './median-heuristic';

const DIRECTION = contract('svgdDirection', {
  x: tensor({ shape: ['n', 'd'], nonEmpty: true, noNaN: true, must: 'be particles [n, d]' }),
  score: tensor({ like: 'x', noNaN: true }),
  bandwidth: optional(positive()),
});
const DIRECTION64 = contract('svgdDirection64', {
  x: numberArray({ shape: ['n', 'd'], min: [1, 1], what: 'particles [n][d]' }),
  score: numberArray({ depth: 2, like: 'x', what: 'rows of numbers [n][d], the score at each particle' }),
  bandwidth: optional(positive()),
});
const SVGD = contract('svgd', {
  options: optionsKind({
    logDensity: func('a function [n, d] → [n]'),
    particles: numberArray({ shape: ['n', 'd'], min: [1, 1], what: 'particles [n][d]' }),
    steps: count({ min: 0 }), stepSize: positive(),
    bandwidth: oneOf(positive(), str(['median'])), recordEvery: count(),
  }, { required: ['logDensity', 'particles', 'steps', 'stepSize'] }),
});

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
  DIRECTION.check(arguments);
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
  DIRECTION64.check(arguments);
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
  SVGD.check(arguments);
  const { logDensity } = options;
  const { steps, stepSize: eps } = options;
  const every = options.recordEvery ?? Math.max(1, Math.floor(steps / 10));
  const fixed = options.bandwidth === undefined || options.bandwidth === 'median' ? undefined : options.bandwidth;
  const n = options.particles.length;
  let x = tf.tensor2d(options.particles);
  const grad = tf.grad((v: tf.Tensor) => {
    const lp = logDensity(v as tf.Tensor2D);
    checkKind(tensor({ shape: [n], must: `map [${n}, d] to [${n}]` }), lp, 'logDensity', fn);
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
