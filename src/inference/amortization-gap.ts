// Amortized against per-sample inference (lecture 004's "latent optimization" then "amortized inference";
// 000 and 002 on amortized VI). For each data point x_i a separate Gaussian q_i(z) = N(μ_i, diag σ_i²) is
// fitted by gradient ascent on its own ELBO, and compared with the encoder's q(z | x_i):
//   ELBO(q) = E_q[log p(x, z)] + H[q],  H[N(μ, diag σ²)] = Σ_j log σ_j + (M/2) log(2πe)      (D14, D18)
//   log p(x) − ELBO(q_enc) = [log p(x) − ELBO(q*)] + [ELBO(q*) − ELBO(q_enc)]
//                          =   approximation gap    +    amortization gap
// where q* is the best diagonal Gaussian for x (Cremer, Li & Duvenaud 2018). The approximation gap is
// KL(q* ‖ p(z | x)) (D15): what no diagonal Gaussian can close; the amortization gap is what the shared
// encoder gives up for answering in one forward pass instead of an optimization per point.
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../random/rng';
import { logMeanExp } from '../math/log-space';
import type { LogJoint } from './bounds';
import { rowsPerChunk } from '../ops/in-chunks';
import { estimateMean } from '../check/monte-carlo';
import type { Estimate } from './estimate';
import { anything, checkKind, contract, count, describeAny, func, optional, options as optionsKind, positive, rngKind, str, tensor, where, type Kind } from '../validation/contract';

const HALF_LOG_2PI_E = 0.5 * Math.log(2 * Math.PI * Math.E);
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

// The boundary of each function. A Gaussian per point is { mean, logStd }, two live tensors (other keys, such as
// an encoder's extras, are allowed), both [B, M] for x's B.
const LIVE_GAUSSIANS: Kind = {
  expected: 'Gaussians { mean, logStd }, each a live tensor [B, M]',
  test: (v) => {
    const q = v as { mean?: unknown; logStd?: unknown } | null;
    const live = (t: unknown) => t instanceof tf.Tensor && !t.isDisposed && t.rank === 2;
    return q && typeof q === 'object' && live(q.mean) && live(q.logStd) ? undefined : `got ${describeAny(v)}`;
  },
};
const GAUSSIANS = where(LIVE_GAUSSIANS,
  (c) => `have mean and logStd both of shape [${(c.args.x as tf.Tensor).shape[0]}, M] (one Gaussian per row of x)`,
  (q: { mean: tf.Tensor; logStd: tf.Tensor }, c) => (q.mean.shape[0] === (c.args.x as tf.Tensor).shape[0] && tf.util.arraysEqual(q.logStd.shape, q.mean.shape)) || `got [${q.mean.shape}] and [${q.logStd.shape}]`);
// the per-point estimates read their q out (one reduction each): a NaN mean or log-std would come back as a NaN estimate
const NO_NAN = tensor({ noNaN: true });
const FINITE_GAUSSIANS = where(GAUSSIANS, 'hold no NaN in mean or logStd', (q: { mean: tf.Tensor; logStd: tf.Tensor }) =>
  (NO_NAN.test(q.mean, 'mean', '') === undefined && NO_NAN.test(q.logStd, 'logStd', '') === undefined) || 'got NaN in them');
const LOG_JOINT = func('a function (x, z) → log p(x, z)');
const X = tensor({ rank: 2, nonEmpty: true });
// Adam with too large a step leaves the finite numbers: said of the learning rate (or of init, if the very first ELBO is not finite)
const finiteFit = (must: string, got: string) => where(anything(), must, (ok: boolean) => ok || got);
const FIT_LOCAL = contract('fitLocalGaussians', {
  rng: rngKind(), logJoint: LOG_JOINT, x: X,
  options: optionsKind({ init: GAUSSIANS, steps: count({ max: 1e6 }), samples: count({ entriesEach: 1024, bytesEach: 4 }), learningRate: positive() }, { required: ['init'] }),
});
// one draw gives no standard error
const GAUSSIAN_ELBO = contract('gaussianElbo', { rng: rngKind(), logJoint: LOG_JOINT, x: X, q: FINITE_GAUSSIANS, options: optional(optionsKind({ samples: count({ min: 2, entriesEach: 1024, bytesEach: 4 }) })) });
const GAUSSIAN_IS = contract('gaussianImportanceLogLikelihood', {
  rng: rngKind(), logJoint: LOG_JOINT, x: X, q: FINITE_GAUSSIANS, options: optional(optionsKind({ samples: count({ min: 2, max: 1e8 }), chunk: count({ entriesEach: 1024, bytesEach: 4 }) })),
});
const AMORTIZED_MODEL: Kind = {
  expected: 'a model with encode(x) and logJoint(x, z) (a VAE)',
  test: (v) => (v && typeof v === 'object' && typeof (v as AmortizedModel).encode === 'function' && typeof (v as AmortizedModel).logJoint === 'function' ? undefined : `got ${describeAny(v)}`),
};
const AMORTIZATION_GAP = contract('amortizationGap', {
  rng: rngKind(), model: AMORTIZED_MODEL, x: tensor({ rank: 2, nonEmpty: true, noNaN: true }),
  options: optional(optionsKind({
    steps: count({ max: 1e6 }), learningRate: positive(), samples: count({ entriesEach: 1024, bytesEach: 4 }),
    elboSamples: count({ min: 2, entriesEach: 1024, bytesEach: 4 }), logLikelihoodSamples: count({ min: 2, max: 1e8 }), init: str(['encoder', 'prior']),
  })),
});

/** log p(x, z): x [B, D], z [K, B, M] → [K, B] (a VAE's `logJoint`, or any model's); the bounds' LogJoint. */
type LogJointFn = LogJoint;

/** A model with an encoder (amortized q(z | x)) and a joint density: the VAE is one. */
export interface AmortizedModel {
  /** the mean and log-std of q(z | x), each [B, M] */
  encode(x: tf.Tensor): { mean: tf.Tensor; logStd: tf.Tensor };
  logJoint(x: tf.Tensor, z: tf.Tensor): tf.Tensor;
}

/** Per-point Gaussians N(mean, diag exp(logStd)²), [B, M] each. */
export interface LocalGaussians {
  mean: tf.Tensor2D;
  logStd: tf.Tensor2D;
}

export interface FitLocalOptions {
  /** where the optimization starts: usually the encoder's output (or zeros and log σ = 0, the prior) */
  init: { mean: tf.Tensor; logStd: tf.Tensor };
  /** Adam steps (default 200) */
  steps?: number;
  /** reparameterized samples per point and step (default 1) */
  samples?: number;
  /** Adam's initial step size, falling linearly to 0 over the steps (default 0.05) */
  learningRate?: number;
}

/**
 * Per-sample inference (lecture 004, "latent optimization"): fits q_i = N(μ_i, diag σ_i²) to each row x_i
 * by Adam (step size falling linearly to 0) on the reparameterized ELBO E_ε[log p(x_i, μ_i + σ_i ε)] + Σ_j log σ_ij + const  (D14, D18, D24).
 * The points do not share parameters, so one summed loss optimizes them all at once, independently.
 * x [B, D] → { mean, logStd } [B, M] (new tensors: dispose them), the batch-mean ELBO per step, seconds.
 * Example:
 *   const fit = ll.infer.fitLocalGaussians(ll.rng(0), (x, z) => vae.logJoint(x, z), x, { init: vae.encode(x), steps: 200 });
 */
export function fitLocalGaussians(rng: Rng, logJoint: LogJointFn, x: tf.Tensor, options: FitLocalOptions): LocalGaussians & { history: number[]; seconds: number } {
  FIT_LOCAL.check(arguments);
  const steps = options.steps ?? 200;
  const K = options.samples ?? 1;
  const lr = options.learningRate ?? 0.05;
  const { init } = options;
  const B = x.shape[0];
  const M = init.mean.shape[1] as number;
  // Adam written out, so its step size can fall linearly to 0 over the run: the last steps average the
  // gradient noise instead of jittering at a fixed step (Robbins–Monro, D22)
  const beta1 = 0.9, beta2 = 0.99, tiny = 1e-8;
  let params: tf.Tensor[] = [tf.clone(init.mean), tf.clone(init.logStd)];
  let m1: tf.Tensor[] = params.map((p) => tf.zerosLike(p)), m2: tf.Tensor[] = params.map((p) => tf.zerosLike(p));
  const negElbo = (mean: tf.Tensor2D, logStd: tf.Tensor2D, eps: tf.Tensor) => {
    const z = tf.add(mean, tf.mul(tf.exp(logStd), eps));
    const elbo = tf.add(tf.mean(logJoint(x, z), 0), tf.add(tf.sum(logStd, 1), M * HALF_LOG_2PI_E));
    return tf.neg(tf.sum(elbo)) as tf.Scalar;
  };
  const history: number[] = [];
  const t0 = Date.now();
  try {
    for (let s = 1; s <= steps; s++) {
      const rate = lr * (1 - (s - 1) / steps);
      const eps = rng.normal([K, B, M]);
      const next = tf.tidy(() => {
        const { value, grads } = tf.valueAndGrads((mean: tf.Tensor, logStd: tf.Tensor) => negElbo(mean as tf.Tensor2D, logStd as tf.Tensor2D, eps))(params);
        const n1 = grads.map((g, i) => tf.add(tf.mul(m1[i], beta1), tf.mul(g, 1 - beta1)));
        const n2 = grads.map((g, i) => tf.add(tf.mul(m2[i], beta2), tf.mul(tf.square(g), 1 - beta2)));
        const c1 = 1 - beta1 ** s, c2 = 1 - beta2 ** s;
        const p = params.map((q, i) => tf.sub(q, tf.mul(tf.div(tf.div(n1[i], c1), tf.add(tf.sqrt(tf.div(n2[i], c2)), tiny)), rate)));
        return { value, p, n1, n2 };
      });
      history.push(-next.value.dataSync()[0] / B);
      tf.dispose([eps, next.value, ...params, ...m1, ...m2]);
      params = next.p; m1 = next.n1; m2 = next.n2;
      const value = history[history.length - 1];
      if (!Number.isFinite(value)) {
        if (s === 1) checkKind(finiteFit('be a start where the ELBO is finite', `got an ELBO of ${value} at the first step`), false, 'init', 'fitLocalGaussians');
        checkKind(finiteFit('be small enough for Adam to keep the ELBO finite', `got ${lr}: the ELBO is ${value} at step ${s}`), false, 'learningRate', 'fitLocalGaussians');
      }
    }
    // the last update is not evaluated by a step: its parameters must be finite too (one reduction)
    const finite = tf.tidy(() => tf.all(tf.logicalAnd(tf.all(tf.isFinite(params[0])), tf.all(tf.isFinite(params[1])))));
    const ok = finite.dataSync()[0] === 1;
    finite.dispose();
    if (!ok) checkKind(finiteFit('be small enough for Adam to keep the parameters finite', `got ${lr}: the last step left non-finite means or log-stds`), false, 'learningRate', 'fitLocalGaussians');
    const seconds = (Date.now() - t0) / 1000;
    const [mean, logStd] = params;
    params = [];
    return { mean: mean as tf.Tensor2D, logStd: logStd as tf.Tensor2D, history, seconds };
  } finally {
    tf.dispose([...params, ...m1, ...m2]);
  }
}

/**
 * A Monte Carlo estimate per data point: `value[i]` for point i with its standard error `se[i]`, each from `n`
 * samples (an Estimate with one entry per point).
 */
export type PerPointEstimate = Estimate<Float64Array>;

/**
 * ELBO(q_i) = E_{q_i}[log p(x_i, z)] + H[q_i] per point by `samples` draws (the entropy exact)  (D14, D18).
 * x [B, D], q: mean and logStd [B, M]. Example: `gaussianElbo(ll.rng(1), (x, z) => vae.logJoint(x, z), x, fit, { samples: 100 })`.
 */
export function gaussianElbo(rng: Rng, logJoint: LogJointFn, x: tf.Tensor, q: { mean: tf.Tensor; logStd: tf.Tensor }, options: { samples?: number } = {}): PerPointEstimate {
  GAUSSIAN_ELBO.check(arguments);
  const S = options.samples ?? 100;
  const chunk = rowsPerChunk(x.size);
  // Per point: the running mean and sum of squared deviations of log p(x, z) over the chunks (Chan et al.).
  const B = q.mean.shape[0];
  const mean = new Float64Array(B), m2 = new Float64Array(B);
  for (let done = 0; done < S; done += chunk) {
    const n = Math.min(chunk, S - done);
    const [cm, cv] = tf.tidy(() => {
      const z = tf.add(q.mean, tf.mul(tf.exp(q.logStd), rng.normal([n, ...q.mean.shape])));
      const { mean: m, variance } = tf.moments(logJoint(x, z), 0);
      return [m, variance];
    });
    const a = cm.dataSync(), v = cv.dataSync();
    tf.dispose([cm, cv]);
    for (let i = 0; i < B; i++) {
      const delta = a[i] - mean[i];
      mean[i] += (delta * n) / (done + n);
      m2[i] += v[i] * n + (delta * delta * done * n) / (done + n);
    }
  }
  const entropy = tf.tidy(() => tf.add(tf.sum(q.logStd, -1), q.mean.shape[q.mean.rank - 1] * HALF_LOG_2PI_E));
  const h = entropy.dataSync();
  entropy.dispose();
  const value = Float64Array.from(mean, (m, i) => m + h[i]);
  const se = Float64Array.from(m2, (s) => Math.sqrt(s / (S - 1) / S));
  return { value, se, n: S };
}

/**
 * log p(x_i) by importance sampling with q_i as the proposal (D11, D31): log (1/K) Σ_k p(x_i, z_k)/q_i(z_k),
 * in chunks of at most `chunk` samples. Per point; the standard error is the delta method's
 * sd(w)/(√K · mean w), an approximation (the estimate of log p is biased low by O(1/K)).
 */
export function gaussianImportanceLogLikelihood(rng: Rng, logJoint: LogJointFn, x: tf.Tensor, q: { mean: tf.Tensor; logStd: tf.Tensor },
  options: { samples?: number; chunk?: number } = {}): PerPointEstimate {
  GAUSSIAN_IS.check(arguments);
  const K = options.samples ?? 1000;
  const chunk = options.chunk ?? rowsPerChunk(x.size);
  const parts: tf.Tensor[] = [];
  for (let k = 0; k < K; k += chunk) {
    parts.push(tf.tidy(() => {
      const n = Math.min(chunk, K - k);
      const eps = rng.normal([n, ...q.mean.shape]);
      const z = tf.add(q.mean, tf.mul(tf.exp(q.logStd), eps));
      const logQ = tf.sum(tf.sub(tf.mul(tf.square(eps), -0.5), tf.add(q.logStd, HALF_LOG_2PI)), -1);
      return tf.sub(logJoint(x, z), logQ);
    }));
  }
  // log p̂ = log mean w (IWAE_K, D26) and log mean w², both per point
  const [lme, lme2] = tf.tidy(() => {
    const logW = tf.concat(parts, 0);
    return [logMeanExp(logW, 0), logMeanExp(tf.mul(logW, 2), 0)];
  });
  tf.dispose(parts);
  const a = lme.dataSync(), b = lme2.dataSync();
  tf.dispose([lme, lme2]);
  const value = new Float64Array(a.length), se = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) {
    value[i] = a[i];
    // relative variance of the mean weight: (mean w² / (mean w)² − 1) / K, so sd(log p̂) ≈ √that
    const rel = Math.max(Math.exp(b[i] - 2 * a[i]) - 1, 0) / K;
    se[i] = Math.sqrt(rel);
  }
  return { value, se, n: K };
}

export interface AmortizationGapOptions {
  /** Adam steps of the per-sample fit (default 200) */
  steps?: number;
  learningRate?: number;
  /** samples per step of the fit (default 1) */
  samples?: number;
  /** samples per point of the final ELBO estimates (default 200) */
  elboSamples?: number;
  /** importance samples per point for log p(x) (default 1000) */
  logLikelihoodSamples?: number;
  /** start the per-point fit at the encoder's output (default) or at the prior N(0, I) */
  init?: 'encoder' | 'prior';
}

export interface AmortizationGapResult {
  /** log p̂(x): importance sampling with the fitted q_i as proposal, averaged over points */
  logLikelihood: Estimate;
  /** ELBO of the encoder's q(z | x) */
  amortizedElbo: Estimate;
  /** ELBO of the fitted per-point q_i */
  optimizedElbo: Estimate;
  /** log p(x) − ELBO(q_i): what a diagonal Gaussian cannot close */
  approximationGap: Estimate;
  /** ELBO(q_i) − ELBO(q_enc): what amortization costs */
  amortizationGap: Estimate;
  /** log p(x) − ELBO(q_enc) = approximation gap + amortization gap */
  inferenceGap: Estimate;
  perPoint: { logLikelihood: PerPointEstimate; amortizedElbo: PerPointEstimate; optimizedElbo: PerPointEstimate };
  /** the fitted q_i (dispose them) */
  local: LocalGaussians;
  /** the mean ELBO per optimization step */
  history: number[];
  cost: { encoderMs: number; optimizationMs: number; steps: number; points: number };
}

function paired(a: Float64Array, b: Float64Array): Estimate {
  const d = a.map((v, i) => v - b[i]);
  return d.length > 1 ? estimateMean(d) : { value: d[0], se: Infinity, n: 1 };
}

function over(p: PerPointEstimate): Estimate {
  return p.value.length > 1 ? estimateMean(p.value) : { value: p.value[0], se: p.se[0], n: p.n };
}

/**
 * The amortization gap of a model with an encoder (a VAE) on points x [B, D]: the encoder's ELBO, the ELBO
 * of a q_i fitted per point (fitLocalGaussians), log p(x) by importance sampling, the two gaps
 * (approximation, amortization) with standard errors across points, and the cost of each kind of inference.
 * Example (a few seconds for 50 digits):
 *   const r = ll.infer.amortizationGap(ll.rng(0), vae, x, { steps: 200 });
 *   [r.amortizationGap.value, r.approximationGap.value, r.cost.optimizationMs / r.cost.encoderMs];
 */
export function amortizationGap(rng: Rng, model: AmortizedModel, x: tf.Tensor, options: AmortizationGapOptions = {}): AmortizationGapResult {
  AMORTIZATION_GAP.check(arguments);
  const elboSamples = options.elboSamples ?? 200;
  const isSamples = options.logLikelihoodSamples ?? 1000;
  const init = options.init ?? 'encoder';
  const logJoint: LogJointFn = (xx, z) => model.logJoint(xx, z);
  // a first pass warms the kernels up, so the timed pass measures the encoder and not the set-up
  const warm = model.encode(x);
  tf.dispose([warm.mean, warm.logStd]);
  const t0 = Date.now();
  const enc = model.encode(x);
  // a read forces the computation, so the time is the encoder's and not deferred
  enc.mean.dataSync();
  const encoderMs = Date.now() - t0;
  try {
    const start = init === 'encoder' ? enc : { mean: tf.zerosLike(enc.mean), logStd: tf.zerosLike(enc.logStd) };
    const fit = fitLocalGaussians(rng, logJoint, x, { init: start, steps: options.steps, samples: options.samples, learningRate: options.learningRate });
    if (start !== enc) tf.dispose([start.mean, start.logStd]);
    const local = { mean: fit.mean, logStd: fit.logStd };
    const amortized = gaussianElbo(rng, logJoint, x, enc, { samples: elboSamples });
    const optimized = gaussianElbo(rng, logJoint, x, local, { samples: elboSamples });
    const logLik = gaussianImportanceLogLikelihood(rng, logJoint, x, local, { samples: isSamples });
    return {
      logLikelihood: over(logLik), amortizedElbo: over(amortized), optimizedElbo: over(optimized),
      approximationGap: paired(logLik.value, optimized.value),
      amortizationGap: paired(optimized.value, amortized.value),
      inferenceGap: paired(logLik.value, amortized.value),
      perPoint: { logLikelihood: logLik, amortizedElbo: amortized, optimizedElbo: optimized },
      local, history: fit.history,
      cost: { encoderMs, optimizationMs: fit.seconds * 1000, steps: fit.history.length, points: x.shape[0] },
    };
  } finally {
    tf.dispose([enc.mean, enc.logStd]);
  }
}
