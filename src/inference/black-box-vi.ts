// Black-box variational inference (lecture 002's review of Zhang et al.: "BBVI with REINFORCE gradients and
// control variates"; Ranganath et al. 2014): fit a mean-field Gaussian q_λ(z) = Π_j N(z_j; m_j, σ_j²),
// λ = (m, log σ), to any model that gives log p(x, z), by stochastic gradient ascent on the ELBO with one of
// the two estimators of notebook 06 — the score function, which needs only evaluations of log p, or the
// reparameterization gradient, which needs ∇_z log p. q is cavi.ts's MeanFieldGaussian { means, variances }. Both estimate the same gradient (D23, D24); at the same
// number of samples per step their variances differ, and that difference is what the fits compare.
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../random/rng';
import type { Estimate } from './estimate';
import type { MeanFieldGaussian } from './cavi';
import { makeOptimizer } from '../training/optimizer';
import { arrayOf, checkKind, contract, count, func, num, options as optionsKind, positive, rngKind, str, tensor, where } from '../validation/contract';

/** 'score-function' (REINFORCE, D23: only log p is evaluated) or 'reparameterization' (D24: ∇_z log p too). */
export type ElboEstimator = 'score-function' | 'reparameterization';


/** log p(x, z) for a batch of latent draws: z [n, d] → [n] (x is fixed inside the function; the shape is checked). */
export type LogJointOfLatents = (z: tf.Tensor2D) => tf.Tensor;

const LOG_2PI = Math.log(2 * Math.PI);
const ESTIMATOR = str(['score-function', 'reparameterization']);
const meansOf = (c: { args: Readonly<Record<string, unknown>> }) => (c.args.means as number[]).length;
const Q = optionsKind({
  means: arrayOf(num(), { minLength: 1 }),
  variances: where(arrayOf(positive(), { minLength: 1 }), (c) => `have the length of means (${meansOf(c)})`, (v: number[], c) => v.length === meansOf(c)),
}, { required: ['means', 'variances'] });
const GRADIENT = contract('elboGradient', {
  rng: rngKind(),
  args: optionsKind({ logJoint: func('a function z [n, d] → log p(x, z) [n]'), q: Q, estimator: ESTIMATOR, baseline: str(['none', 'mean']), samples: count({ min: 2, entriesEach: 64, bytesEach: 4 }) },
    { required: ['logJoint', 'q', 'estimator', 'samples'] }),
});
const FIT = contract('blackBoxVI', {
  rng: rngKind(),
  args: optionsKind({
    logJoint: func('a function z [n, d] → log p(x, z) [n]'), init: Q, estimator: ESTIMATOR, baseline: str(['none', 'mean']),
    samples: count({ min: 2, entriesEach: 64, bytesEach: 4 }), steps: count({ max: 1e6 }), learningRate: positive(),
    recordEvery: count(), evalSamples: count({ min: 2, entriesEach: 64, bytesEach: 4 })
  }, { required: ['logJoint', 'init', 'estimator', 'samples', 'steps'] }),
});


// Σ_j log N(z_j; m_j, σ_j²) for every row of z: [n, d] → [n]
function logQ(z: tf.Tensor, mean: tf.Tensor, logScale: tf.Tensor): tf.Tensor1D {
  const u = tf.div(tf.sub(z, mean), tf.exp(logScale));
  return tf.sum(tf.sub(tf.mul(-0.5, tf.square(u)), tf.add(logScale, 0.5 * LOG_2PI)), -1) as tf.Tensor1D;
}

function logJointChecked(logJoint: LogJointOfLatents, z: tf.Tensor2D, fn: string): tf.Tensor1D {
  const out = logJoint(z);
  checkKind(tensor({ shape: [z.shape[0]], must: `return a tensor of shape [${z.shape[0]}] for z [${z.shape}]` }), out, 'logJoint', fn);
  return out as tf.Tensor1D;
}

// Per-sample gradients of the ELBO in λ = (m, log σ), [n, d] each: parameters tiled to [n, d] so that row s
// drives sample s alone (as in gradient-estimators.ts), one backward pass for all n.
function perSampleGradients(logJoint: LogJointOfLatents, mean: tf.Tensor1D, logScale: tf.Tensor1D, eps: tf.Tensor2D,
  estimator: ElboEstimator, baseline: 'none' | 'mean', fn: string): { rows: tf.Tensor2D[]; evaluations: number } {
  const n = eps.shape[0];
  const rows = tf.tidy(() => {
    const tm = tf.tile(tf.expandDims(mean, 0), [n, 1]), ts = tf.tile(tf.expandDims(logScale, 0), [n, 1]);
    if (estimator === 'reparameterization') {
      // ∇_λ [log p(x, g(ε, λ)) − log q_λ(g(ε, λ))],  g(ε, λ) = m + σ ⊙ ε  (lecture 002's printed estimator)
      const objective = (m: tf.Tensor, s: tf.Tensor) => {
        const z = tf.add(m, tf.mul(tf.exp(s), eps)) as tf.Tensor2D;
        return tf.sum(tf.sub(logJointChecked(logJoint, z, fn), logQ(z, m, s))) as tf.Scalar;
      };
      return tf.grads(objective)([tm, ts]) as tf.Tensor2D[];
    }
    // (f(z) − b) ∇_λ log q_λ(z),  f = log p(x, z) − log q_λ(z) held fixed: E_q[∇_λ log q_λ] = 0 removes f's own λ-dependence
    const z = tf.add(mean, tf.mul(tf.exp(logScale), eps)) as tf.Tensor2D;
    const f = tf.sub(logJointChecked(logJoint, z, fn), logQ(z, mean, logScale));
    // leave-one-out mean: b_s does not depend on z_s, so the estimator stays unbiased
    const centered = baseline === 'mean' ? tf.sub(f, tf.div(tf.sub(tf.sum(f), f), n - 1)) : f;
    const surrogate = (m: tf.Tensor, s: tf.Tensor) => tf.sum(tf.mul(centered, logQ(z, m, s))) as tf.Scalar;
    return tf.grads(surrogate)([tm, ts]) as tf.Tensor2D[];
  });
  return { rows, evaluations: n };
}

function summarize(rows: tf.Tensor2D[]): Estimate<Float64Array[]> {
  const n = rows[0].shape[0];
  const value: Float64Array[] = [], se: Float64Array[] = [];
  for (const r of rows) {
    const [m, v] = tf.tidy(() => {
      const { mean, variance } = tf.moments(r, 0);
      return [mean, tf.mul(variance, n / (n - 1))];
    });
    const mv = Float64Array.from(m.dataSync()), vv = Float64Array.from(v.dataSync());
    tf.dispose([m, v]);
    value.push(mv);
    se.push(vv.map((x) => Math.sqrt(x / n)));
  }
  return { value, se, n };
}

/**
 * A Monte Carlo estimate of the ELBO's gradient for a mean-field Gaussian q, by one of the two estimators
 * (D23, D24, see docs/derivations.md#d23):
 *
 *     score function:      ∇_λ ELBO = E_q[(log p(x, z) − log q_λ(z) − b) ∇_λ log q_λ(z)]
 *     reparameterization:  ∇_λ ELBO = E_ε[∇_λ (log p(x, g(ε, λ)) − log q_λ(g(ε, λ)))],  g(ε, λ) = m + σ ⊙ ε
 *
 * with λ = (m, log σ) and b = 0 or the leave-one-out mean of the other samples' f (`baseline: 'mean'`).
 *
 * Shapes: q.means, q.variances [d]; logJoint: z [n, d] → [n]. Returns value = [∂/∂m [d], ∂/∂log σ [d]] with the
 * standard error of each entry and n = samples.
 *
 * @example
 * ```ts
 * // p(x, z) = N(z; 0, 1) N(x = 1; z, 1): the ELBO's gradient at q = N(0, 1) is (x − 2m, 1 − 2σ²) = (1, −1)
 * const logJoint = (z: ll.tf.Tensor2D) => ll.tf.tidy(() => ll.tf.sum(ll.tf.add(ll.tf.mul(-0.5, ll.tf.square(z)), ll.tf.mul(-0.5, ll.tf.square(ll.tf.sub(1, z)))), 1));
 * ll.infer.elboGradient(ll.rng(0), { logJoint, q: { means: [0], variances: [1] }, estimator: 'reparameterization', samples: 1000 });
 * ```
 */
export function elboGradient(rng: Rng, args: { logJoint: LogJointOfLatents; q: MeanFieldGaussian; estimator: ElboEstimator; baseline?: 'none' | 'mean'; samples: number }): Estimate<Float64Array[]> {
  GRADIENT.check(arguments);
  const fn = 'elboGradient';
  const d = args.q.means.length;
  const eps = tf.tensor2d(Float32Array.from(rng.normalArray(args.samples * d)), [args.samples, d]);
  const mean = tf.tensor1d(args.q.means), logScale = tf.tensor1d(args.q.variances.map((v) => 0.5 * Math.log(v)));
  try {
    const { rows } = perSampleGradients(args.logJoint, mean, logScale, eps, args.estimator, args.baseline ?? 'none', fn);
    const out = summarize(rows);
    tf.dispose(rows);
    return out;
  } finally {
    tf.dispose([eps, mean, logScale]);
  }
}

/** One record of a black-box VI run. */
export interface BlackBoxVIRecord {
  /** Steps taken so far. */
  step: number;
  /** Evaluations of log p(x, z) spent so far (samples × steps; the reparameterization's also differentiate it). */
  evaluations: number;
  /** Seconds spent in gradient steps so far (the ELBO evaluations for the record are not counted). */
  seconds: number;
  /** The ELBO of the current q, from the run's fixed evaluation draws (the same ε at every record). */
  elbo: Estimate;
}

/** What blackBoxVI returns: the fitted q and the run's records. */
export interface BlackBoxVIResult {
  q: MeanFieldGaussian;
  trace: BlackBoxVIRecord[];
}

/**
 * Fits a mean-field Gaussian q to a model by stochastic gradient ascent on the ELBO with the score-function
 * or the reparameterization gradient (black-box VI; D23, D24, see docs/derivations.md#d23), Adam steps:
 *
 *     λ_{t+1} = λ_t + Adam(ĝ_t),  ĝ_t = elboGradient(λ_t) from `samples` draws,  λ = (m, log σ)
 *
 * Every `recordEvery` steps it records the ELBO, E_q[log p(x, z) − log q(z)], estimated from `evalSamples`
 * draws ε fixed for the whole run (common random numbers: the records differ by q, not by noise), with the
 * evaluations of log p and the seconds spent so far — the axes on which two estimators are compared at the same
 * budget.
 *
 * Shapes: init.means, init.variances [d]; logJoint: z [n, d] → [n].
 *
 * @example
 * ```ts
 * const fit = ll.infer.blackBoxVI(ll.rng(0), { logJoint, init: { means: [0], variances: [1] }, estimator: 'score-function',
 *   baseline: 'mean', samples: 8, steps: 500, learningRate: 0.05 });
 * fit.q;                                   // { means: [≈ 0.5], variances: [≈ 0.5] } for the example of elboGradient
 * fit.trace[fit.trace.length - 1].elbo;   // { value, se, n }
 * ```
 */
export function blackBoxVI(rng: Rng, args: {
  logJoint: LogJointOfLatents; init: MeanFieldGaussian; estimator: ElboEstimator; baseline?: 'none' | 'mean';
  samples: number; steps: number; learningRate?: number; recordEvery?: number; evalSamples?: number;
}): BlackBoxVIResult {
  FIT.check(arguments);
  const fn = 'blackBoxVI';
  const d = args.init.means.length;
  const recordEvery = args.recordEvery ?? Math.max(1, Math.floor(args.steps / 50));
  const evalSamples = args.evalSamples ?? 1000;
  const baseline = args.baseline ?? 'none';
  const evalEps = tf.tensor2d(Float32Array.from(rng.split().normalArray(evalSamples * d)), [evalSamples, d]);
  // tidy: tf.variable copies its initial value, whose tensor would otherwise stay
  const mean = tf.tidy(() => tf.variable(tf.tensor1d(args.init.means)));
  const logScale = tf.tidy(() => tf.variable(tf.tensor1d(args.init.variances.map((v) => 0.5 * Math.log(v)))));
  const optimizer = makeOptimizer('adam', args.learningRate ?? 0.05);
  const trace: BlackBoxVIRecord[] = [];
  const record = (step: number, seconds: number) => {
    const terms = tf.tidy(() => {
      const z = tf.add(mean, tf.mul(tf.exp(logScale), evalEps)) as tf.Tensor2D;
      return tf.sub(logJointChecked(args.logJoint, z, fn), logQ(z, mean, logScale));
    });
    const v = terms.dataSync();
    terms.dispose();
    let s = 0, s2 = 0;
    for (const t of v) s += t;
    const m = s / v.length;
    for (const t of v) s2 += (t - m) ** 2;
    if (!Number.isFinite(m)) throw new Error(`${fn}: the ELBO became ${m} at step ${step}: lower learningRate or check logJoint`);
    trace.push({ step, evaluations: step * args.samples, seconds, elbo: { value: m, se: Math.sqrt(s2 / (v.length - 1) / v.length), n: v.length } });
  };
  try {
    let seconds = 0;
    record(0, 0);
    for (let t = 1; t <= args.steps; t++) {
      const t0 = performance.now();
      const eps = tf.tensor2d(Float32Array.from(rng.normalArray(args.samples * d)), [args.samples, d]);
      const { rows } = perSampleGradients(args.logJoint, mean, logScale, eps, args.estimator, baseline, fn);
      // ascent on the ELBO: the optimizer minimizes, so it gets −ĝ
      const grads = tf.tidy(() => rows.map((r) => tf.neg(tf.mean(r, 0))));
      optimizer.applyGradients({ [mean.name]: grads[0], [logScale.name]: grads[1] });
      tf.dispose([eps, ...rows, ...grads]);
      seconds += (performance.now() - t0) / 1000;
      if (t % recordEvery === 0 || t === args.steps) record(t, seconds);
    }
    return { q: { means: Array.from(mean.dataSync()), variances: Array.from(logScale.dataSync(), (l) => Math.exp(2 * l)) }, trace };
  } finally {
    tf.dispose([evalEps, mean, logScale]);
    optimizer.dispose();
  }
}
