// Stochastic variational inference on the conjugate model of the lectures' SVI slides (lecture 002; D22):
//   θ ~ N(0, τ²),  x_i | θ ~ N(θ, s²) for i = 1..N,  q(θ) = N(m, v).
// Full ELBO = E_q log p(θ) + Σ_i E_q log p(x_i | θ) + H[q], each term in closed form:
//   E_q log N(θ; 0, τ²) = −½ log 2πτ² − (m² + v)/(2τ²);  E_q log N(x_i; θ, s²) = −½ log 2πs² − ((x_i − m)² + v)/(2s²)
// The minibatch ELBO scales the likelihood by N/S; over uniformly drawn minibatches it is unbiased.
// Robbins–Monro steps ρ_t = (t + τ₀)^−κ with κ ∈ (0.5, 1] satisfy Σρ = ∞, Σρ² < ∞.
import { Rng } from '../random/rng';
import { arrayOf, contract, count, num, optional, options as optionsKind, positive, rngKind, where } from '../validation/contract';

// the boundary: the conjugate model { data, priorSd, noiseSd } and a Gaussian q { mean, variance }
const MODEL = optionsKind({ data: arrayOf(num(), { minLength: 1 }), priorSd: positive(), noiseSd: positive() }, { required: ['data', 'priorSd', 'noiseSd'] });
const Q = optionsKind({ mean: num(), variance: positive() }, { required: ['mean', 'variance'] });
const KAPPA = { ...num({ above: 0.5, max: 1 }), expected: 'in (0.5, 1]' };
const FULL_ELBO = contract('fullElbo', { model: MODEL, q: Q });
const dataSize = (c: { args: Readonly<Record<string, unknown>> }) => (c.args.model as GaussianMeanModel).data.length;
const BATCH = where(arrayOf(num({ integer: true, min: 0 }), { minLength: 1 }), (c) => `hold indices in [0, ${dataSize(c)})`, (b: number[], c) => b.every((i) => i < dataSize(c)));
const MINIBATCH_ELBO = contract('minibatchElbo', { model: MODEL, q: Q, batch: BATCH });
const EXACT = contract('exactPosterior', { model: MODEL });
const ROBBINS_MONRO = contract('robbinsMonro', { t: num({ min: 0 }), options: optional(optionsKind({ tau0: num({ min: 0 }), kappa: KAPPA })) });
// a minibatch is drawn without replacement from the N points
const BATCH_SIZE = where(count(), (c) => `be an integer in [1, ${dataSize(c)}] (the data's size)`, (S: number, c) => S <= dataSize(c));
const SVI = contract('sviGaussianMean', { rng: rngKind(), model: MODEL, options: optionsKind({ batchSize: BATCH_SIZE, steps: count({ max: 1e7 }), tau0: num({ min: 0 }), kappa: KAPPA }, { required: ['batchSize', 'steps'] }) });

export interface GaussianMeanModel {
  data: number[];
  /** prior standard deviation τ */
  priorSd: number;
  /** noise standard deviation s */
  noiseSd: number;
}

export interface GaussianQ { mean: number; variance: number }

const expectedLogPrior = (m: GaussianMeanModel, q: GaussianQ) => -0.5 * Math.log(2 * Math.PI * m.priorSd ** 2) - (q.mean ** 2 + q.variance) / (2 * m.priorSd ** 2);
const expectedLogLik = (m: GaussianMeanModel, q: GaussianQ, x: number) => -0.5 * Math.log(2 * Math.PI * m.noiseSd ** 2) - ((x - q.mean) ** 2 + q.variance) / (2 * m.noiseSd ** 2);
const entropy = (q: GaussianQ) => 0.5 * Math.log(2 * Math.PI * Math.E * q.variance);

/**
 * The full-data ELBO.
 *
 *     ELBO(q) = E_q[log p(θ)] + Σ_i E_q[log p(x_i | θ)] + H[q],  θ ~ q = N(m, v), x_i | θ ~ N(θ, s²), θ ~ N(0, τ²)
 *
 * (D22, see docs/derivations.md#d22).
 */
export function fullElbo(model: GaussianMeanModel, q: GaussianQ): number {
  FULL_ELBO.check(arguments);
  return expectedLogPrior(model, q) + model.data.reduce((s, x) => s + expectedLogLik(model, q, x), 0) + entropy(q);
}

/**
 * The minibatch ELBO: E_q log p(θ) + (N/S) Σ_{i ∈ batch} E_q log p(x_i | θ) + H[q].
 *
 * An unbiased estimate of `fullElbo` over random batches (D22, see docs/derivations.md#d22).
 *
 * @example
 * ```ts
 * const model = { data: [0.9, 1.1, 1.4, 0.7], priorSd: 1, noiseSd: 0.5 };
 * ll.infer.minibatchElbo(model, { mean: 1, variance: 0.1 }, [0, 2]);
 * ```
 */
export function minibatchElbo(model: GaussianMeanModel, q: GaussianQ, batch: number[]): number {
  MINIBATCH_ELBO.check(arguments);
  const N = model.data.length;
  return expectedLogPrior(model, q) + (N / batch.length) * batch.reduce((s, i) => s + expectedLogLik(model, q, model.data[i]), 0) + entropy(q);
}

/**
 * The exact posterior N(m*, v*), v* = 1/(1/τ² + N/s²), m* = v* Σx/s².
 *
 * @example
 * ```ts
 * ll.infer.exactPosterior({ data: [0.9, 1.1], priorSd: 1, noiseSd: 0.5 });   // { mean, variance }
 * ```
 */
export function exactPosterior(model: GaussianMeanModel): GaussianQ {
  EXACT.check(arguments);
  const variance = 1 / (1 / model.priorSd ** 2 + model.data.length / model.noiseSd ** 2);
  return { mean: (variance * model.data.reduce((a, b) => a + b, 0)) / model.noiseSd ** 2, variance };
}

/**
 * ρ_t = (t + τ₀)^−κ; κ must be in (0.5, 1] for Σρ = ∞ and Σρ² < ∞.
 *
 * (D22, see docs/derivations.md#d22.)
 *
 * @example
 * ```ts
 * ll.infer.robbinsMonro(10, { tau0: 1, kappa: 0.7 });   // 11^−0.7
 * ```
 */
export function robbinsMonro(t: number, options: { tau0?: number; kappa?: number } = {}): number {
  ROBBINS_MONRO.check(arguments);
  const kappa = options.kappa ?? 0.7, tau0 = options.tau0 ?? 1;
  return Math.pow(t + tau0, -kappa);
}

/**
 * SVI with natural-gradient steps in the natural parameters (η₁ = m/v, η₂ = −1/(2v)):
 * the minibatch's intermediate optimum η̂ uses the likelihood scaled by N/S, then η ← (1 − ρ_t)η + ρ_t η̂.
 *
 * With Robbins–Monro steps ρ_t it converges to the exact posterior (D22, see docs/derivations.md#d22).
 *
 * @example
 * ```ts
 * const { q } = ll.infer.sviGaussianMean(ll.rng(0), model, { batchSize: 10, steps: 500 });   // ≈ ll.infer.exactPosterior(model)
 * ```
 */
export function sviGaussianMean(rng: Rng, model: GaussianMeanModel, options: { batchSize: number; steps: number; tau0?: number; kappa?: number }): { q: GaussianQ; trace: GaussianQ[] } {
  SVI.check(arguments);
  const N = model.data.length;
  const S = options.batchSize;
  const prec0 = 1 / model.priorSd ** 2, precLik = 1 / model.noiseSd ** 2;
  let eta1 = 0, eta2 = -0.5 * prec0;
  const trace: GaussianQ[] = [];
  for (let t = 0; t < options.steps; t++) {
    const batch = rng.permutation(N).slice(0, S);
    const sum = batch.reduce((a, i) => a + model.data[i], 0);
    const hat1 = (N / S) * sum * precLik;
    const hat2 = -0.5 * (prec0 + N * precLik);
    const rho = robbinsMonro(t, { tau0: options.tau0, kappa: options.kappa });
    eta1 = (1 - rho) * eta1 + rho * hat1;
    eta2 = (1 - rho) * eta2 + rho * hat2;
    trace.push({ mean: -eta1 / (2 * eta2), variance: -1 / (2 * eta2) });
  }
  return { q: trace[trace.length - 1], trace };
}
