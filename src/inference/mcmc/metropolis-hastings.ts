// Random-walk Metropolis–Hastings (lecture 003's MCMC; D51). From x propose x' = x + s·ε, ε ~ N(0, I),
// and accept with probability min(1, p(x')/p(x)) — the proposal is symmetric, so its densities cancel
// in the Hastings ratio. Detailed balance, p(x) T(x → x') = p(x') T(x' → x), makes p stationary.
// The float64 version is the reference; the tensor version moves all chains at once and, fed the same
// generator, makes the same draws in the same order (normals then one uniform, chain by chain).
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../random/rng';
import { checkKind, contract, count, func, num, options as optionsKind, positive, rngKind, tensor } from '../../validation/contract';
import { Chains, STARTS } from './chains';

const walkFields = { init: STARTS, steps: count({ max: 1e7 }), scale: positive() };
const RANDOM_WALK = contract('randomWalkMetropolis', {
  rng: rngKind(), options: optionsKind({ ...walkFields, logDensity: func('a function of a point [d] → number') }, { required: ['logDensity', 'init', 'steps'] }),
});
const RANDOM_WALK_TENSOR = contract('randomWalkMetropolisTensor', {
  rng: rngKind(), options: optionsKind({ ...walkFields, logDensity: func('a function [chains, d] → [chains]') }, { required: ['logDensity', 'init', 'steps'] }),
});
// −∞ is a point outside the support (always rejected); NaN and +∞ would make every comparison false or true
const LOG_DENSITY_VALUE = { ...num({ allowInfinity: true, below: Infinity }), expected: 'a finite number or −∞ (outside the support)' };

/** What a Metropolis–Hastings run returns. */
export interface MetropolisResult {
  /** [chain][draw][dim], the state after each step (a rejected proposal repeats the state). */
  samples: Chains;
  /** The fraction of proposals accepted, per chain. */
  acceptanceRate: number[];
}

/** Options of randomWalkMetropolis. */
export interface RandomWalkOptions<X> {
  /** log p(x) up to a constant. */
  logDensity: X;
  /** Starting points [chains][dim]. */
  init: number[][];
  /** Steps per chain (every step is kept: discard a warm-up yourself). */
  steps: number;
  /** The proposal's standard deviation s (default 0.5). */
  scale?: number;
}

function proposalNoise(rng: Rng, chains: number, d: number, scale: number): { step: number[][]; logU: number[] } {
  const step: number[][] = [], logU: number[] = [];
  for (let c = 0; c < chains; c++) {
    const e: number[] = [];
    for (let j = 0; j < d; j++) e.push(scale * rng.nextNormal());
    step.push(e);
    logU.push(Math.log(rng.nextUniform()));
  }
  return { step, logU };
}

function finiteOrMinusInf(v: number, fn: string): number {
  if (Number.isNaN(v) || v === Infinity) checkKind(LOG_DENSITY_VALUE, v, 'logDensity(x)', fn);
  return v;
}

/**
 * Random-walk Metropolis–Hastings in float64 (D51, see docs/derivations.md#d51): from x propose
 * x' = x + s·ε with ε ~ N(0, I) and accept with probability
 *
 *     α(x → x') = min(1, p(x') / p(x))      (the symmetric proposal cancels)
 *
 * Shapes: `init` [chains][d]; `logDensity` maps one point [d] to a number (−∞ outside the support).
 *
 * @param rng  the generator of the proposals and of the accept/reject uniforms
 * @param options  `logDensity`, `init`, `steps`, `scale` s (0.5)
 * @returns samples [chain][steps][d] and the acceptance rate of each chain
 * @example
 * ```ts
 * const r = ll.infer.randomWalkMetropolis(ll.rng(0), { logDensity: ([x, y]) => -0.5 * (x * x + y * y), init: [[0, 0], [3, -3]], steps: 2000, scale: 1 });
 * r.acceptanceRate;   // ≈ [0.5, 0.5]
 * ```
 */
export function randomWalkMetropolis(rng: Rng, options: RandomWalkOptions<(x: number[]) => number>): MetropolisResult {
  const fn = 'randomWalkMetropolis';
  RANDOM_WALK.check(arguments);
  const x = options.init.map((p) => p.slice());
  const { steps } = options;
  const scale = options.scale ?? 0.5;
  const C = x.length, d = x[0].length;
  const lp = x.map((xc, c) => {
    const v = finiteOrMinusInf(options.logDensity(xc), fn);
    if (v === -Infinity) throw new Error(`${fn}: init[${c}] has log density −∞ (outside the support)`);
    return v;
  });
  const samples: Chains = x.map(() => []);
  const accepted = new Array<number>(C).fill(0);
  for (let t = 0; t < steps; t++) {
    const { step, logU } = proposalNoise(rng, C, d, scale);
    for (let c = 0; c < C; c++) {
      const proposal = x[c].map((v, j) => v + step[c][j]);
      const lpNew = finiteOrMinusInf(options.logDensity(proposal), fn);
      if (logU[c] < lpNew - lp[c]) {
        x[c] = proposal; lp[c] = lpNew; accepted[c]++;
      }
      samples[c].push(x[c].slice());
    }
  }
  return { samples, acceptanceRate: accepted.map((a) => a / steps) };
}

/**
 * Random-walk Metropolis–Hastings with every chain moved at once on tensors (D51): `logDensity` maps
 * the chains' points [chains, d] to [chains]. Same algorithm and, with the same generator, the same
 * draws as `randomWalkMetropolis`; the float32 log densities can flip an accept/reject only when
 * log u lies within rounding of the log ratio.
 *
 * @param rng  the generator of the proposals and uniforms
 * @param options  `logDensity` ([chains, d] → [chains]), `init` [chains][d], `steps`, `scale` (0.5)
 * @returns samples [chain][steps][d] and the acceptance rate of each chain
 * @example
 * ```ts
 * const r = ll.infer.randomWalkMetropolisTensor(ll.rng(0), {
 *   logDensity: (x) => ll.tf.mul(-0.5, ll.tf.sum(ll.tf.square(x), 1)), init: [[0, 0], [3, -3]], steps: 500 });
 * ```
 */
export function randomWalkMetropolisTensor(rng: Rng, options: RandomWalkOptions<(x: tf.Tensor2D) => tf.Tensor>): MetropolisResult {
  const fn = 'randomWalkMetropolisTensor';
  RANDOM_WALK_TENSOR.check(arguments);
  const x = options.init.map((p) => p.slice());
  const { steps } = options;
  const scale = options.scale ?? 0.5;
  const C = x.length, d = x[0].length;
  const logDensities = (pts: number[][]): number[] => {
    const out = tf.tidy(() => options.logDensity(tf.tensor2d(pts, [C, d])));
    try {
      checkKind(tensor({ shape: [C], must: `map [${C}, ${d}] to [${C}]` }), out, 'logDensity', fn);
    } catch (e) {
      out.dispose();
      throw e;
    }
    const v = Array.from(out.dataSync());
    out.dispose();
    return v.map((vi) => finiteOrMinusInf(vi, fn));
  };
  const lp = logDensities(x);
  lp.forEach((v, c) => { if (v === -Infinity) throw new Error(`${fn}: init[${c}] has log density −∞ (outside the support)`); });
  const samples: Chains = x.map(() => []);
  const accepted = new Array<number>(C).fill(0);
  for (let t = 0; t < steps; t++) {
    const { step, logU } = proposalNoise(rng, C, d, scale);
    const proposals = x.map((xc, c) => xc.map((v, j) => v + step[c][j]));
    const lpNew = logDensities(proposals);
    for (let c = 0; c < C; c++) {
      if (logU[c] < lpNew[c] - lp[c]) {
        x[c] = proposals[c]; lp[c] = lpNew[c]; accepted[c]++;
      }
      samples[c].push(x[c].slice());
    }
  }
  return { samples, acceptanceRate: accepted.map((a) => a / steps) };
}
