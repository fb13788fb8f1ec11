// Hamiltonian Monte Carlo (D52): draw a momentum p ~ N(0, I), follow the leapfrog for L steps of size
// ε, accept the end point with probability min(1, exp(H(q, p) − H(q', p'))), H = −log p(q) + ½‖p‖².
// The leapfrog preserves volume and is reversible, so this is Metropolis–Hastings with a deterministic,
// self-inverse proposal (flip p at the end) and the ratio needs no Jacobian. ε is tuned per chain during
// warm-up by dual averaging toward an acceptance probability δ and then fixed at its average; each
// step's ε is jittered by ±10% so that a trajectory length in resonance with the target cannot stall.
// One core runs all chains together: the gradient of every chain comes from one call, to TensorFlow.js
// autodiff (`hmc`) or to a float64 gradient you supply (`hmc64`, the reference).
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../random/rng';
import { bool, checkKind, contract, count, func, num, options as optionsKind, positive, rngKind, tensor } from '../../validation/contract';
import { Chains, STARTS } from './chains';

const hmcFields = {
  init: STARTS, steps: count({ max: 1e7 }), warmup: count({ min: 0, max: 1e7 }), leapfrogSteps: count({ max: 1e5 }),
  stepSize: positive(), targetAccept: num({ above: 0, below: 1 }), adapt: bool(),
};
const HMC = contract('hmc', { rng: rngKind(), options: optionsKind({ ...hmcFields, logDensity: func('a function [chains, d] → [chains]') }, { required: ['logDensity', 'init', 'steps'] }) });
const HMC64 = contract('hmc64', {
  rng: rngKind(),
  options: optionsKind({ ...hmcFields, logDensity: func('a function of a point [d] → number'), gradLogDensity: func('a function of a point [d] → [d]') }, { required: ['logDensity', 'gradLogDensity', 'init', 'steps'] }),
});
import { DualAveraging } from './dual-averaging';

/** Options of hmc and hmc64. */
export interface HmcOptions {
  /** Starting points [chains][d]. */
  init: number[][];
  /** Draws kept per chain, after the warm-up. */
  steps: number;
  /** Warm-up steps per chain (default 500), during which ε adapts; they are not returned. */
  warmup?: number;
  /** Leapfrog steps per trajectory L (default 10). */
  leapfrogSteps?: number;
  /** Initial step size ε₀ (default 0.1). */
  stepSize?: number;
  /** Target acceptance probability δ of the adaptation (default 0.8). */
  targetAccept?: number;
  /** Adapt ε during warm-up (default true); false keeps ε₀ throughout. */
  adapt?: boolean;
}

/** What an HMC run returns. */
export interface HmcResult {
  /** [chain][steps][d], after the warm-up. */
  samples: Chains;
  /** Fraction of accepted trajectories per chain, after the warm-up. */
  acceptanceRate: number[];
  /** The step size each chain sampled with (ε̄ after adaptation). */
  stepSize: number[];
  /** Gradient evaluations per chain, warm-up included (the cost to compare with other samplers). */
  gradientEvaluations: number;
  /** Trajectories whose energy error was not finite (a step size far too large), per chain. */
  divergences: number[];
}

type BatchValueAndGrad = (q: number[][]) => { value: number[]; grad: number[][] };

function runHmc(rng: Rng, fn: string, valueAndGrad: BatchValueAndGrad, options: HmcOptions): HmcResult {
  // the options were checked by hmc's or hmc64's contract
  const q = options.init.map((x) => x.slice());
  const steps = options.steps;
  const warmup = options.warmup ?? 500;
  const L = options.leapfrogSteps ?? 10;
  const eps0 = options.stepSize ?? 0.1;
  const C = q.length, d = q[0].length;
  const adapters = q.map(() => new DualAveraging(eps0, options.targetAccept ?? 0.8));
  const adapt = options.adapt ?? true;
  let { value: lp, grad: g } = valueAndGrad(q);
  lp.forEach((v, c) => { if (!Number.isFinite(v)) throw new Error(`${fn}: init[${c}] has log density ${v}; start where it is finite`); });
  const samples: Chains = q.map(() => []);
  const accepted = new Array<number>(C).fill(0), divergences = new Array<number>(C).fill(0);
  let evaluations = 0;
  for (let t = 0; t < warmup + steps; t++) {
    const inWarmup = t < warmup;
    const eps = adapters.map((a) => (inWarmup && adapt ? a.stepSize : adapt ? a.averaged : eps0) * (0.9 + 0.2 * rng.nextUniform()));
    const p0 = q.map(() => Array.from({ length: d }, () => rng.nextNormal()));
    // leapfrog, all chains together (see leapfrog.ts for the scheme)
    let qq = q.map((r) => r.slice());
    let pp = p0.map((r, c) => r.map((v, j) => v + 0.5 * eps[c] * g[c][j]));
    let lpNew = lp, gNew = g;
    for (let l = 0; l < L; l++) {
      qq = qq.map((r, c) => r.map((v, j) => v + eps[c] * pp[c][j]));
      ({ value: lpNew, grad: gNew } = valueAndGrad(qq));
      evaluations++;
      const h = l === L - 1 ? 0.5 : 1;
      pp = pp.map((r, c) => r.map((v, j) => v + h * eps[c] * gNew[c][j]));
    }
    const energy = (lpc: number, pc: number[]) => -lpc + 0.5 * pc.reduce((s, v) => s + v * v, 0);
    const nextLp = lp.slice(), nextG = g.slice();
    for (let c = 0; c < C; c++) {
      const dH = energy(lp[c], p0[c]) - energy(lpNew[c], pp[c]);
      const finite = Number.isFinite(dH) && gNew[c].every(Number.isFinite);
      if (!finite) divergences[c] += inWarmup ? 0 : 1;
      const acceptProb = finite ? Math.min(1, Math.exp(dH)) : 0;
      if (inWarmup && adapt) adapters[c].update(acceptProb);
      if (rng.nextUniform() < acceptProb) {
        q[c] = qq[c]; nextLp[c] = lpNew[c]; nextG[c] = gNew[c];
        if (!inWarmup) accepted[c]++;
      }
      if (!inWarmup) samples[c].push(q[c].slice());
    }
    lp = nextLp; g = nextG;
  }
  return {
    samples,
    acceptanceRate: accepted.map((a) => a / steps),
    stepSize: adapters.map((a) => (adapt ? a.averaged : eps0)),
    gradientEvaluations: evaluations + 1,
    divergences,
  };
}

/**
 * Hamiltonian Monte Carlo with TensorFlow.js gradients, several chains at once (D52, see
 * docs/derivations.md#d52): momentum p ~ N(0, I), L leapfrog steps of size ε, accept with
 *
 *     α = min(1, exp(H(q, p) − H(q', p'))),   H(q, p) = −log p(q) + ½‖p‖²
 *
 * ε adapts per chain during warm-up by dual averaging toward acceptance δ, then stays at its average
 * (jittered ±10% per step).
 *
 * Shapes: `logDensity` maps the chains' points [chains, d] to [chains] (rows independent); `init` [chains][d].
 *
 * @param rng  the generator of momenta, jitter and accept/reject uniforms
 * @param options  `logDensity`, `init`, `steps`, `warmup` (500), `leapfrogSteps` (10), `stepSize` ε₀ (0.1), `targetAccept` (0.8), `adapt` (true)
 * @returns samples [chain][steps][d], acceptance rates, step sizes, gradient evaluations, divergences
 * @example
 * ```ts
 * const r = ll.infer.hmc(ll.rng(0), { logDensity: (x) => ll.tf.mul(-0.5, ll.tf.sum(ll.tf.square(x), 1)),
 *   init: [[2, 2], [-2, 2], [2, -2], [-2, -2]], steps: 500, warmup: 200 });
 * r.stepSize;   // one adapted ε per chain
 * ```
 */
export function hmc(rng: Rng, options: HmcOptions & { logDensity: (x: tf.Tensor2D) => tf.Tensor }): HmcResult {
  const fn = 'hmc';
  HMC.check(arguments);
  const { logDensity } = options;
  const valueAndGrad: BatchValueAndGrad = (q) => {
    let value: number[] = [];
    const grad = tf.tidy(() => tf.grad((x: tf.Tensor) => {
      const lp = logDensity(x as tf.Tensor2D);
      checkKind(tensor({ shape: [q.length], must: `map [${q.length}, ${q[0].length}] to [${q.length}]` }), lp, 'logDensity', fn);
      value = Array.from(lp.dataSync());
      return tf.sum(lp);
    })(tf.tensor2d(q)));
    const rows = grad.arraySync() as number[][];
    grad.dispose();
    return { value, grad: rows };
  };
  return runHmc(rng, fn, valueAndGrad, options);
}

/**
 * Hamiltonian Monte Carlo in float64 with a gradient you supply: the reference for `hmc` (same
 * algorithm, same random draws; D52).
 *
 * Shapes: `logDensity` and `gradLogDensity` take one point [d]; `init` [chains][d].
 *
 * @param rng  the generator
 * @param options  as `hmc`, with `logDensity` (x [d] → number) and `gradLogDensity` (x [d] → [d])
 * @returns as `hmc`
 * @example
 * ```ts
 * const r = ll.infer.hmc64(ll.rng(0), { logDensity: (x) => -0.5 * x[0] ** 2, gradLogDensity: (x) => [-x[0]], init: [[1], [-1]], steps: 200, warmup: 100 });
 * ```
 */
export function hmc64(rng: Rng, options: HmcOptions & { logDensity: (x: number[]) => number; gradLogDensity: (x: number[]) => number[] }): HmcResult {
  HMC64.check(arguments);
  const { logDensity, gradLogDensity } = options;
  return runHmc(rng, 'hmc64', (q) => ({ value: q.map(logDensity), grad: q.map(gradLogDensity) }), options);
}
