// Annealed importance sampling (Neal 2001; lecture 003's "energy-based models typically over-estimate" rests
// on it). Z = ∫ exp(−E(x)) dx is estimated by carrying chains from a normalized base π_0 = N(0, s²I) to the
// target through f_k(x) = π_0(x)^{1−β_k} exp(−E(x))^{β_k}, 0 = β_0 < … < β_K = 1, with a Markov step that
// leaves f_k invariant at each level, and weights
//   log w = Σ_k (β_k − β_{k−1}) [−E(x_{k−1}) − log π_0(x_{k−1})],   Ẑ = (1/n) Σ_i w_i,   E[Ẑ] = Z   (D59).
// Ẑ is unbiased; log Ẑ is not: by Jensen E[log Ẑ] ≤ log E[Ẑ] = log Z, so a log-likelihood −E(x) − log Ẑ is
// biased upward, and the bias shrinks as the chains' weights even out (more levels, more chains).
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../random/rng';
import type { Estimate } from '../../inference/estimate';
import { anything, checkKind, contract, count, func, num, options as optionsKind, rngKind, tensor, where } from '../../validation/contract';
import type { EnergyFunction } from './energy-network';

const AIS = contract('annealedImportanceSampling', {
  rng: rngKind(),
  energy: func('an energy function, points x [n, d] → E(x) [n]'),
  options: optionsKind({
    dim: count({ min: 1, max: 1024 }), chains: count({ min: 2, max: 1e6 }), temperatures: count({ min: 1, max: 1e5 }),
    steps: count({ min: 1, max: 1e3 }), stepSize: num({ above: 0, max: 1e3 }), baseScale: num({ above: 0, max: 1e3 }),
  }, { required: ['dim'] }),
});

/** An AIS estimate of log Z: value and se (delta method), n chains, each chain's log-weight, and the MH acceptance rate. */
export interface AisEstimate extends Estimate<number> {
  /** log w_i of each chain (the estimate is log mean exp of these). */
  logWeights: Float64Array;
  /** The Metropolis–Hastings acceptance rate over all levels and steps. */
  acceptance: number;
}

/**
 * log Z = log ∫ exp(−E(x)) dx by annealed importance sampling from π_0 = N(0, s²I) (s = `baseScale`, default 3),
 * through `temperatures` K levels β_k = (k/K)⁴ (default 100; dense near the base, where π_0 changes fastest),
 * with `steps` random-walk Metropolis–Hastings updates of proposal scale `stepSize` (defaults 2 and 0.3) per level,
 * on `chains` independent chains (default 256):
 *
 *     log Ẑ = log (1/n) Σ_i w_i,   log w_i = Σ_k (β_k − β_{k−1})[−E(x_i^{k−1}) − log π_0(x_i^{k−1})],   E[Ẑ] = Z   (D59)
 *
 * se = sd(w)/(√n · mean w), the delta method's SE of log Ẑ. E[log Ẑ] ≤ log Z (Jensen): with few levels log Ẑ is low,
 * and a log-likelihood −E(x) − log Ẑ high. Shapes: energy maps x [n, d] → [n].
 *
 * @example
 * ```ts
 * const E = (x: ll.tf.Tensor2D) => ll.tf.tidy(() => ll.tf.div(ll.tf.sum(ll.tf.square(x), 1), 2)) as ll.tf.Tensor1D;   // Z = 2π
 * const est = ll.models.annealedImportanceSampling(ll.rng(0), E, { dim: 2, chains: 500 });
 * est.value;   // ≈ log 2π = 1.838, within a few est.se
 * ```
 */
export function annealedImportanceSampling(rng: Rng, energy: EnergyFunction,
  options: { dim: number; chains?: number; temperatures?: number; steps?: number; stepSize?: number; baseScale?: number }): AisEstimate {
  const fn = 'annealedImportanceSampling';
  AIS.check(arguments);
  const d = options.dim, n = options.chains ?? 256, K = options.temperatures ?? 100;
  const steps = options.steps ?? 2, step = options.stepSize ?? 0.3, s = options.baseScale ?? 3;
  const beta = (k: number) => (k / K) ** 4;
  const logBaseConst = -0.5 * d * Math.log(2 * Math.PI * s * s);
  const ENERGY_OUT = tensor({ shape: [n], must: `map points [${n}, ${d}] to energies [${n}]` });
  const evaluate = (x: tf.Tensor2D): tf.Tensor1D => {
    const e = energy(x);
    if (!(e instanceof tf.Tensor) || e.rank !== 1 || e.shape[0] !== n) {
      try { checkKind(ENERGY_OUT, e, 'energy', fn); } finally { if (e instanceof tf.Tensor) e.dispose(); }
    }
    return e;
  };
  // log π_0(x) [n]
  const logBase = (x: tf.Tensor2D) => tf.tidy(() => tf.add(tf.mul(tf.sum(tf.square(x), 1), -0.5 / (s * s)), logBaseConst) as tf.Tensor1D);

  let x = tf.tidy(() => tf.mul(rng.normal([n, d]), s) as tf.Tensor2D);
  let e: tf.Tensor1D | undefined, lb = logBase(x);
  const logW = new Float64Array(n);
  let accepted = 0, proposed = 0;
  try {
    e = evaluate(x);
    for (let k = 1; k <= K; k++) {
      const db = beta(k) - beta(k - 1);
      const eV = e!.dataSync(), lbV = lb.dataSync();
      // a NaN or −∞ energy would turn log Ẑ into NaN or +∞ without saying why
      const bad = eV.findIndex((v) => Number.isNaN(v) || v === -Infinity);
      if (bad >= 0) checkKind(where(anything(), 'return energies that are numbers or +∞ (no NaN, no −∞)', () => `got ${eV[bad]} at level ${k - 1} of ${K}`), energy, 'energy', fn);
      for (let i = 0; i < n; i++) logW[i] += db * (-eV[i] - lbV[i]);
      const b = beta(k);
      for (let t = 0; t < steps; t++) {
        const proposal = tf.tidy(() => tf.add(x, tf.mul(rng.normal([n, d]), step)) as tf.Tensor2D);
        let eP: tf.Tensor1D;
        try { eP = evaluate(proposal); } catch (err) { proposal.dispose(); throw err; }
        const lbP = logBase(proposal);
        // log f_k(x') − log f_k(x) = β(E(x) − E(x')) + (1 − β)(log π_0(x') − log π_0(x))
        const logRatio = tf.tidy(() => tf.add(tf.mul(tf.sub(e!, eP), b), tf.mul(tf.sub(lbP, lb), 1 - b)));
        const r = logRatio.dataSync();
        const acceptFlags = Array.from(r, (v) => (Math.log(rng.nextUniform()) < v ? 1 : 0));
        logRatio.dispose();
        accepted += acceptFlags.reduce((a: number, v) => a + v, 0);
        proposed += n;
        const mask = tf.tensor1d(acceptFlags, 'bool');
        const [x2, e2, lb2] = tf.tidy(() => [
          tf.where(tf.expandDims(mask, 1), proposal, x) as tf.Tensor2D, tf.where(mask, eP, e!) as tf.Tensor1D, tf.where(mask, lbP, lb) as tf.Tensor1D,
        ]);
        [mask, proposal, eP, lbP, x, e!, lb].forEach((v) => v.dispose());
        x = x2; e = e2; lb = lb2;
      }
    }
  } finally {
    x.dispose(); e?.dispose(); lb.dispose();
  }
  // log mean exp, and the delta method's SE of log Ẑ from the normalized weights
  const m = logW.reduce((a, v) => Math.max(a, v), -Infinity);
  const w = Array.from(logW, (v) => Math.exp(v - m));
  const mean = w.reduce((a, v) => a + v, 0) / n;
  const variance = w.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1);
  return { value: m + Math.log(mean), se: Math.sqrt(variance / n) / mean, n, logWeights: logW, acceptance: accepted / proposed };
}
