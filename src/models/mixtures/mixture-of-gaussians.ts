// The 1-D mixture of Gaussians of lecture 000 in float64: the reference the tensor distribution
// (distributions/mixture.ts) is compared with, EM, and Fisher's identity.
//   p(x) = Σ_k π_k N(x; μ_k, σ_k²);  P(z=k | x) = π_k N(x; μ_k, σ_k²) / p(x)            (D02)
//   ∇_θ log p(x) = E_{p(z|x)}[∇_θ log p(x, z)]                                          (D03)
import { logSumExp64 } from '../../math/log-space';
import { positiveInteger } from '../../validation/arguments';
import { arrayOf, contract, count, num, numberArray, optional, options as optionsKind, positive, checkKind, describeAny, where } from '../../validation/contract';

// the weights and sds as a whole (their lengths and the weights' sum are relations, checked in checkMixture1D)
const NON_NEGATIVE = { expected: 'non-negative', test: (v: unknown) => ((v as number[]).every((w) => w >= 0) ? undefined : `got ${describeAny(v)}`) };
const POSITIVE = { expected: 'positive', test: (v: unknown) => ((v as number[]).every((s) => s > 0) ? undefined : `got ${describeAny(v)}`) };

/** A 1-D mixture argument { weights, means, sds } (the contract kind other mixture functions reuse). */
// the boundary: a 1-D mixture is { weights, means, sds } of finite numbers (checkMixture1D then checks lengths and sums)
export const MIXTURE_1D = optionsKind({ weights: arrayOf(num({ min: 0 }), { minLength: 1 }), means: arrayOf(num(), { minLength: 1 }), sds: arrayOf(positive(), { minLength: 1 }) }, { required: ['weights', 'means', 'sds'] });
// |x| ≤ 1e150: (x − μ)²/σ² would overflow to ∞ and the scores to NaN beyond
const X = num({ min: -1e150, max: 1e150 });
const C_JOINT = contract('mixtureLogJoint64', { m: MIXTURE_1D, x: X });
const C_MARGINAL = contract('mixtureLogMarginal64', { m: MIXTURE_1D, x: X });
const C_POSTERIOR = contract('mixturePosterior64', { m: MIXTURE_1D, x: X });
const C_TO_THETA = contract('mixtureToTheta', { m: MIXTURE_1D });
const C_FROM_THETA = contract('mixtureFromTheta', { theta: arrayOf(num(), { minLength: 2 }) });
const C_FISHER = contract('mixtureFisherScore64', { m: MIXTURE_1D, x: X });
const C_MEAN_LL = contract('mixtureMeanLogLikelihood64', { m: MIXTURE_1D, xs: arrayOf(num(), { minLength: 1 }) });
// K components: weights bind K, means and sds have one entry per component
const PER_COMPONENT = numberArray({ shape: ['K'], min: [1], what: 'a non-empty array of numbers, one per component' });
const SUM_TO_ONE = where(NON_NEGATIVE, 'sum to 1', (w: number[]) => { const s = w.reduce((a, b) => a + b, 0); return Math.abs(s - 1) <= 1e-9 || `got a sum of ${s}`; });
// three parameters per component: means, log-sds, logits
const THETA = where(arrayOf(num(), { minLength: 3 }), 'have 3K entries (means, log-sds, logits)', (t: number[]) => t.length % 3 === 0 || `got ${t.length}`);
const C_EM = contract('mixtureEM', { xs: { ...arrayOf(num(), { minLength: 2 }), expected: 'an array of at least 2 finite numbers' }, init: MIXTURE_1D, options: optional(optionsKind({ iterations: count({ max: 1e7 }), tolerance: num({ min: 0 }), minSd: positive() })) });

export interface Mixture1D {
  weights: number[];
  means: number[];
  sds: number[];
}

export function checkMixture1D(m: Mixture1D, fn: string): void {
  const ctx = { dims: {} };
  for (const k of ['weights', 'means', 'sds'] as const) checkKind(PER_COMPONENT, m[k], k, fn, ctx);
  checkKind(SUM_TO_ONE, m.weights, 'weights', fn);
  checkKind(POSITIVE, m.sds, 'sds', fn);
}

const logNormal64 = (x: number, mu: number, sd: number) => -0.5 * ((x - mu) / sd) ** 2 - Math.log(sd) - 0.5 * Math.log(2 * Math.PI);

/**
 * log π_k + log N(x; μ_k, σ_k²), for every k.
 *
 * (D02, see docs/derivations.md#d02.) In float64, for checks against the tensor code.
 *
 * @example
 * ```ts
 * ll.models.mixtureLogJoint64({ weights: [0.3, 0.7], means: [-1, 1], sds: [0.5, 0.5] }, 0.2);   // [log p(x, z=0), log p(x, z=1)]
 * ```
 */
export function mixtureLogJoint64(m: Mixture1D, x: number): number[] {
  C_JOINT.check(arguments);
  return logJointRaw(m, x);
}

// Unchecked forms for the loops inside this file (EM calls them N times per iteration; the public ones check once)
const logJointRaw = (m: Mixture1D, x: number) => m.weights.map((w, k) => Math.log(w) + logNormal64(x, m.means[k], m.sds[k]));
const posteriorRaw = (m: Mixture1D, x: number) => { const lj = logJointRaw(m, x); const lse = logSumExp64(lj); return lj.map((l) => Math.exp(l - lse)); };
const meanLogLikelihoodRaw = (m: Mixture1D, xs: number[]) => xs.reduce((s, x) => s + logSumExp64(logJointRaw(m, x)), 0) / xs.length;

/**
 * log p(x).
 *
 *     log p(x) = log Σ_k π_k N(x; μ_k, σ_k²)   (D02, see docs/derivations.md#d02)
 *
 * @example
 * ```ts
 * ll.models.mixtureLogMarginal64({ weights: [0.3, 0.7], means: [-1, 1], sds: [0.5, 0.5] }, 0.2);
 * ```
 */
export function mixtureLogMarginal64(m: Mixture1D, x: number): number {
  C_MARGINAL.check(arguments);
  return logSumExp64(mixtureLogJoint64(m, x));
}

/**
 * P(z = k | x), summing to 1.
 *
 *     P(z = k | x) = π_k N(x; μ_k, σ_k²) / p(x)   (Bayes' rule, D02, see docs/derivations.md#d02)
 *
 * @example
 * ```ts
 * ll.models.mixturePosterior64({ weights: [0.5, 0.5], means: [-1, 1], sds: [1, 1] }, 0);   // [0.5, 0.5]
 * ```
 */
export function mixturePosterior64(m: Mixture1D, x: number): number[] {
  C_POSTERIOR.check(arguments);
  return posteriorRaw(m, x);
}

/**
 * Parameters as one vector θ = [μ_1..μ_K, log σ_1..log σ_K, a_1..a_K] with π = softmax(a),
 * and back. Used for the gradient checks of Fisher's identity.
 */
export function mixtureToTheta(m: Mixture1D): number[] {
  C_TO_THETA.check(arguments);
  return [...m.means, ...m.sds.map(Math.log), ...m.weights.map(Math.log)];
}

/**
 * The 1-D mixture from θ = [μ_1..μ_K, log σ_1..log σ_K, a_1..a_K] with π = softmax(a): the inverse of
 * `mixtureToTheta`, for finite-difference checks of Fisher's identity (D03, see docs/derivations.md#d03).
 *
 * @param theta  3K numbers
 * @example
 * ```ts
 * ll.models.mixtureFromTheta([-1, 1, 0, 0, 0, 0]);   // means [−1, 1], sds [1, 1], weights [0.5, 0.5]
 * ```
 */
export function mixtureFromTheta(theta: number[]): Mixture1D {
  C_FROM_THETA.check(arguments);
  checkKind(THETA, theta, 'theta', 'mixtureFromTheta');
  const K = theta.length / 3;
  const a = theta.slice(2 * K);
  const lse = logSumExp64(a);
  return { means: theta.slice(0, K), sds: theta.slice(K, 2 * K).map(Math.exp), weights: a.map((v) => Math.exp(v - lse)) };
}

/**
 * ∇_θ log p(x) by Fisher's identity: Σ_k P(z=k|x) ∇_θ log p(x, z=k), where for z = k
 * ∂/∂μ_k = (x − μ_k)/σ_k², ∂/∂log σ_k = (x − μ_k)²/σ_k² − 1, ∂/∂a_j = 1[j=k] − π_j  (D03).
 *
 * See docs/derivations.md#d03; `ll.verify.checkGradient` compares it with finite differences.
 */
export function mixtureFisherScore64(m: Mixture1D, x: number): number[] {
  C_FISHER.check(arguments);
  const K = m.weights.length;
  const r = posteriorRaw(m, x);
  const g = new Array(3 * K).fill(0);
  for (let k = 0; k < K; k++) {
    const u = (x - m.means[k]) / m.sds[k];
    g[k] = (r[k] * u) / m.sds[k];
    g[K + k] = r[k] * (u * u - 1);
    g[2 * K + k] = r[k] - m.weights[k];
  }
  return g;
}

/** Average log-likelihood (1/N) Σ_n log p(x_n). */
export function mixtureMeanLogLikelihood64(m: Mixture1D, xs: number[]): number {
  C_MEAN_LL.check(arguments);
  return meanLogLikelihoodRaw(m, xs);
}

/**
 * EM for a 1-D mixture: E-step responsibilities r_nk = P(z=k | x_n); M-step π_k = N_k/N,
 * μ_k = Σ r_nk x_n / N_k, σ_k² = Σ r_nk (x_n − μ_k)² / N_k. The log-likelihood never decreases.
 * Returns the fitted mixture and the mean log-likelihood before each iteration and at the end.
 *
 * @example
 * ```ts
 * const { model, logLikelihoods } = ll.models.mixtureEM(xs, { weights: [0.5, 0.5], means: [-0.5, 0.5], sds: [1, 1] });
 * ll.lineChart({ series: { 'mean log-likelihood': logLikelihoods }, xTitle: 'EM iteration' });
 * ```
 */
export function mixtureEM(xs: number[], init: Mixture1D, options: { iterations?: number; tolerance?: number; minSd?: number } = {}): { model: Mixture1D; logLikelihoods: number[] } {
  C_EM.check(arguments);
  checkMixture1D(init, 'mixtureEM');
  const iterations = positiveInteger(options.iterations ?? 200, 'mixtureEM', 'iterations');
  const tol = options.tolerance ?? 1e-10, minSd = options.minSd ?? 1e-6;
  let m: Mixture1D = { weights: [...init.weights], means: [...init.means], sds: [...init.sds] };
  const lls = [meanLogLikelihoodRaw(m, xs)];
  const K = m.weights.length;
  for (let it = 0; it < iterations; it++) {
    const nk = new Array(K).fill(0), sx = new Array(K).fill(0);
    const r = xs.map((x) => posteriorRaw(m, x));
    r.forEach((rn, n) => rn.forEach((v, k) => { nk[k] += v; sx[k] += v * xs[n]; }));
    const means = sx.map((s, k) => s / nk[k]);
    const vars = new Array(K).fill(0);
    r.forEach((rn, n) => rn.forEach((v, k) => { vars[k] += v * (xs[n] - means[k]) ** 2; }));
    m = { weights: nk.map((v) => v / xs.length), means, sds: vars.map((v, k) => Math.max(minSd, Math.sqrt(v / nk[k]))) };
    lls.push(meanLogLikelihoodRaw(m, xs));
    if (Math.abs(lls[lls.length - 1] - lls[lls.length - 2]) < tol) break;
  }
  return { model: m, logLikelihoods: lls };
}
