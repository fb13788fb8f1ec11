// The probability-flow ODE of a noise-conditional score model, and the exact log-likelihood it gives
// (Song et al. 2021; lecture 003's "connection of diffusion to SDEs"). Adding Gaussian noise of growing σ
// (the variance-exploding process: q_σ = data ∗ N(0, σ²I)) has the same marginals q_σ as the deterministic flow
//   dx/dσ = −σ ∇_x log q_σ(x)
// (its continuity equation ∂q/∂σ = −∇·(q f) is the heat equation ∂q/∂σ = σ Δq). Along a solution the density
// changes by the instantaneous change of variables (D63),
//   d log q_σ(x(σ))/dσ = −tr ∂f/∂x = σ tr ∇_x s(x, σ),
// so with a score network in place of ∇ log q_σ,
//   log p(x) = log p_{σmax}(x(σmax)) − ∫_{σmin}^{σmax} σ tr ∇_x s(x(σ), σ) dσ,   x(σmin) = x,
// an exact log-density of the model the ODE defines (no bound), up to the solver's error. The trace is exact
// (one backward pass per dimension) or Hutchinson's (D64, one per probe, unbiased with a standard error).
// The integration runs in u = log σ (dx/du = σ f), where the ladder of noise levels is evenly spaced.
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../random/rng';
import type { Distribution } from '../../distributions/distribution';
import type { Estimate } from '../../inference/estimate';
import { hutchinsonProbes, jacobianTrace } from '../../inference/jacobian-trace';
import type { ScoreFunction } from './score-network';
import { checkKind, contract, count, distribution, func, options as optionsKind, positive, rngKind, str, tensor, where } from '../../validation/contract';

const ABOVE_MIN = where(positive(), (c) => `be above sigmaMin (${String(c.args.sigmaMin)})`, (v: number, c) => !(typeof c.args.sigmaMin === 'number' && v <= c.args.sigmaMin) || `got ${v}`);
const PF = contract('probabilityFlowLogDensity', {
  rng: rngKind(),
  score: func('a score function (x [n, d], σ) → [n, d]'),
  x: tensor({ shape: ['n', 'd'], nonEmpty: true, noNaN: true }),
  options: optionsKind({
    sigmaMin: positive(), sigmaMax: ABOVE_MIN, prior: distribution(),
    steps: count({ max: 1e5 }), trace: str(['exact', 'hutchinson']), probes: count({ min: 2, max: 1e4 }),
  }, { required: ['sigmaMin', 'sigmaMax', 'prior'] }),
});

/** probabilityFlowLogDensity's options. */
export interface ProbabilityFlowOptions {
  /** the noise level the density is of (the data blurred by N(0, σmin² I)) */
  sigmaMin: number;
  /** where the ODE stops and the prior takes over */
  sigmaMax: number;
  /** the law of x(σmax): ideally the data blurred by σmax, in practice a Gaussian (its logProb maps [n, d] → [n]) */
  prior: Distribution;
  /** midpoint steps, evenly spaced in log σ (default 100) */
  steps?: number;
  /** 'exact' (default: d backward passes a step) or 'hutchinson' (one per probe, D64) */
  trace?: 'exact' | 'hutchinson';
  /** Rademacher probes per point for 'hutchinson' (default 10), each held fixed along its path */
  probes?: number;
}

/** The result: log p(x) per point with its standard error (0 for the exact trace), and where the paths end. */
export interface ProbabilityFlowResult {
  /** log p(x) per point [n]: value, se (Hutchinson's over the probes; 0 exact) and n (probes; 1 exact) */
  logDensity: Estimate<Float64Array>;
  /** log p_{σmax}(x(σmax)) per point [n] */
  priorLogDensity: Float64Array;
  /** ∫ σ tr ∇s dσ per point [n] (the probes' mean for Hutchinson) */
  divergenceIntegral: Float64Array;
}

/**
 * The log-density of points x [n, d] under the probability-flow ODE of a noise-conditional score s(x, σ)
 * (variance exploding; any function of x [n, d] and σ returning [n, d]), by the instantaneous change of variables (D63):
 *
 *     dx/dσ = −σ s(x, σ),   log p(x) = log p_{σmax}(x(σmax)) − ∫_{σmin}^{σmax} σ tr ∇_x s(x(σ), σ) dσ
 *
 * solved from x(σmin) = x by the midpoint rule in log σ (`steps`, default 100). With the exact score of
 * q_σ = data ∗ N(0, σ²I) and the exact prior q_{σmax} this is log q_{σmin}(x) up to the solver's error; with a
 * trained score it is the exact log-density of the model the ODE defines. The trace is exact, or Hutchinson's
 * with `probes` Rademacher probes per point (D64): unbiased, with the standard error over the probes. `rng`
 * draws the probes (unused for the exact trace).
 *
 * @example
 * ```ts
 * const prior = new ll.dist.MultivariateNormal({ loc: [0, 0], covariance: [[5, 0], [0, 5]] });
 * const r = ll.models.probabilityFlowLogDensity(ll.rng(0), net.scoreFunction, x,
 *   { sigmaMin: 0.05, sigmaMax: 2, prior, trace: 'hutchinson', probes: 10 });
 * r.logDensity.value;   // [n] nats, r.logDensity.se beside it
 * ```
 */
export function probabilityFlowLogDensity(rng: Rng, score: ScoreFunction | ((x: tf.Tensor2D, sigma: number) => tf.Tensor), x: tf.Tensor2D, options: ProbabilityFlowOptions): ProbabilityFlowResult {
  PF.check(arguments);
  const [n, d] = x.shape;
  const steps = options.steps ?? 100;
  const hutchinson = options.trace === 'hutchinson';
  const K = hutchinson ? options.probes ?? 10 : 1;
  const uMin = Math.log(options.sigmaMin), h = (Math.log(options.sigmaMax) - uMin) / steps;
  // K copies of the points (one path each; every copy of a point follows the same path), probes fixed per path
  let y = tf.tidy(() => (K > 1 ? tf.tile(x, [K, 1]) : x.clone()) as tf.Tensor2D);
  const probe = hutchinson ? hutchinsonProbes(rng, [K * n, d]) : undefined;
  let integral = tf.zeros([K * n]) as tf.Tensor1D;
  // dx/du = −σ² s(x, σ) and its divergence term σ² tr ∇s, at u = log σ
  const SCORES = tensor({ shape: [K * n, d], must: `map points [${K * n}, ${d}] to scores [${K * n}, ${d}]` });
  const scoreAt = (z: tf.Tensor2D, sigma: number) => {
    const s = score(z, sigma);
    checkKind(SCORES, s, 'score', 'probabilityFlowLogDensity');
    return s as tf.Tensor2D;
  };
  const velocity = (z: tf.Tensor2D, sigma: number) => tf.mul(scoreAt(z, sigma), -sigma * sigma) as tf.Tensor2D;
  try {
    for (let k = 0; k < steps; k++) {
      const sigma = Math.exp(uMin + k * h), sigmaMid = Math.exp(uMin + (k + 0.5) * h);
      const [next, nextIntegral] = tf.tidy((): tf.Tensor[] => {
        const mid = tf.add(y, tf.mul(velocity(y, sigma), h / 2)) as tf.Tensor2D;
        const trace = jacobianTrace((z) => scoreAt(z, sigmaMid), mid, probe);
        return [tf.add(y, tf.mul(velocity(mid, sigmaMid), h)), tf.add(integral, tf.mul(trace, h * sigmaMid * sigmaMid))];
      }) as [tf.Tensor2D, tf.Tensor1D];
      y.dispose();
      integral.dispose();
      y = next;
      integral = nextIntegral;
    }
    const priorLog = tf.tidy(() => tf.reshape(options.prior.logProb(y), [K, n]));
    const integralKn = tf.reshape(integral, [K, n]);
    const priorRows = priorLog.arraySync() as number[][];
    const integralRows = integralKn.arraySync() as number[][];
    tf.dispose([priorLog, integralKn]);
    const paths = priorRows.map((row, k) => row.map((p, i) => p - integralRows[k][i]));
    const value = new Float64Array(n), se = new Float64Array(n), divergence = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let m = 0;
      for (let k = 0; k < K; k++) m += paths[k][i] / K;
      value[i] = m;
      if (K > 1) {
        let v = 0;
        for (let k = 0; k < K; k++) v += (paths[k][i] - m) ** 2;
        se[i] = Math.sqrt(v / (K - 1) / K);
      }
      for (let k = 0; k < K; k++) divergence[i] += integralRows[k][i] / K;
    }
    return { logDensity: { value, se, n: K }, priorLogDensity: Float64Array.from(priorRows[0]), divergenceIntegral: divergence };
  } finally {
    tf.dispose([y, integral]);
    probe?.dispose();
  }
}
