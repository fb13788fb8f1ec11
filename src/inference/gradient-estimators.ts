// Monte Carlo gradients of E_{q_λ}[f(z)] with respect to the parameters λ of q (lectures 000, 002, 003).
//   score function (REINFORCE):  ∇_λ E_q f = E_q[(f(z) − b) ∇_λ log q_λ(z)]   (D23)
//     b = 0, or the leave-one-out mean of the other samples' f (keeps the estimator unbiased)
//   reparameterization: z = g(ε, λ),  ∇_λ E_q f = E_ε[∇_z f · ∂g/∂λ]           (D24)
// Per-sample gradients come from one backward pass: each parameter is tiled to [n, ...shape], row s
// drives sample s only, so the gradient's row s is sample s's gradient. Each estimator returns the
// mean of those rows (value) with its standard error and the rows' sample variance, an Estimate like every
// other estimator's, so estimators can be compared and checked.
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../random/rng';
import { Distribution } from '../distributions/distribution';
import type { Estimate } from './estimate';
import { stopGradient } from '../math/stop-gradient';
import { arrayOf, checkKind, contract, count, func, options as optionsKind, rngKind, str, tensor } from '../validation/contract';

// samples ≥ 2: one sample has no variance
const estimatorFields = { params: arrayOf(tensor(), { minLength: 1 }), family: func('a function params → distribution'), f: func('a function z → f(z)'), samples: count({ min: 2, entriesEach: 64, bytesEach: 4 }) };
const SCORE_FUNCTION = contract('scoreFunctionGradient', { rng: rngKind(), args: optionsKind({ ...estimatorFields, baseline: str(['none', 'mean']) }, { required: ['params', 'family', 'f', 'samples'] }) });
const REPARAMETERIZATION = contract('reparameterizationGradient', { rng: rngKind(), args: optionsKind(estimatorFields, { required: ['params', 'family', 'f', 'samples'] }) });

export interface GradientEstimatorArgs {
  /** The parameters λ, e.g. [loc, logScale]. Not modified. */
  params: tf.Tensor[];
  /**
   * Builds q from parameters that carry a leading sample axis [n, ...shape]; q's logProb(z) must
   * return [n] for z [n, ...] (e.g. Normal with eventDims = the event rank).
   */
  family: (params: tf.Tensor[]) => Distribution;
  /** f(z) per sample: z [n, ...] → [n]. */
  f: (z: tf.Tensor) => tf.Tensor;
  /** Number of samples n ≥ 2. */
  samples: number;
}

/**
 * A gradient estimate: `value` is the gradient, one array per parameter (flattened, row-major), `se` the
 * standard error of each entry, √(variance / n), and `n` the number of samples behind it.
 */
export interface GradientEstimate extends Estimate<Float64Array[]> {
  /** Sample variance of the per-sample gradients, per parameter entry. */
  variance: Float64Array[];
}

function tileParams(params: tf.Tensor[], n: number): tf.Tensor[] {
  return params.map((p) => tf.tile(tf.expandDims(p, 0), [n, ...p.shape.map(() => 1)]));
}

function summarize(rows: tf.Tensor[], n: number): GradientEstimate {
  const value: Float64Array[] = [], variance: Float64Array[] = [], se: Float64Array[] = [];
  for (const r of rows) {
    const [m, v] = tf.tidy(() => {
      const flat = tf.reshape(r, [n, -1]);
      const { mean, variance: biased } = tf.moments(flat, 0);
      return [mean, tf.mul(biased, n / (n - 1))];
    });
    const mv = Float64Array.from(m.dataSync()), vv = Float64Array.from(v.dataSync());
    tf.dispose([m, v]);
    value.push(mv); variance.push(vv); se.push(vv.map((x) => Math.sqrt(x / n)));
  }
  return { value, se, n, variance };
}

/** A callback's per-sample result, [n], checked as the argument `at` (f, or the family whose logProb gave it). */
function perSample(t: tf.Tensor, n: number, at: string, fn: string, must = `return shape [${n}]`): tf.Tensor {
  checkKind(tensor({ shape: [n], must }), t, at, fn);
  return t;
}

/**
 * Score-function (REINFORCE) gradient, with baseline 'none' or the leave-one-out 'mean'  (D23).
 *
 *     ∇_λ E_q[f(z)] = E_q[(f(z) − b) ∇_λ log q_λ(z)]   (REINFORCE; D23, see docs/derivations.md#d23)
 *
 * with b = 0, or the mean of f over the other samples (`baseline: 'mean'`, which keeps it unbiased and
 * lowers its variance). Works for discrete q too.
 *
 * @example
 * ```ts
 * const family = ([loc, logScale]: ll.tf.Tensor[]) => new ll.Normal(loc, ll.tf.exp(logScale), { eventDims: 1 });
 * ll.infer.scoreFunctionGradient(ll.rng(0), {
 *   params: [ll.tf.tensor1d([0.5]), ll.tf.tensor1d([0])], family, f: (z) => ll.tf.sum(ll.tf.square(z), -1), samples: 1000, baseline: 'mean',
 * });   // { value, se, n, variance }: value[0] ≈ ∇_μ E[z²] = 2μ = 1
 * ```
 */
export function scoreFunctionGradient(rng: Rng, args: GradientEstimatorArgs & { baseline?: 'none' | 'mean' }): GradientEstimate {
  SCORE_FUNCTION.check(arguments);
  const n = args.samples;
  const baseline = args.baseline ?? 'none';
  const rows = tf.tidy(() => {
    const tiled = tileParams(args.params, n);
    const z = args.family(tiled).sample(rng);
    const fz = perSample(args.f(z), n, 'f', 'scoreFunctionGradient');
    // leave-one-out: b_s = (Σ f − f_s)/(n − 1) does not depend on z_s, so E[(f_s − b_s)∇log q(z_s)] is unchanged
    const centered = baseline === 'mean' ? tf.sub(fz, tf.div(tf.sub(tf.sum(fz), fz), n - 1)) : fz;
    const weight = stopGradient(centered);
    const surrogate = (...ps: tf.Tensor[]) => {
      const lq = perSample(args.family(ps).logProb(z), n, 'family', 'scoreFunctionGradient', `give a q whose logProb(z) returns shape [${n}]`);
      return tf.sum(tf.mul(weight, lq)) as tf.Scalar;
    };
    return tf.grads(surrogate)(tiled);
  });
  const out = summarize(rows, n);
  tf.dispose(rows);
  return out;
}

/**
 * Reparameterization gradient: q's rsample must be differentiable in its parameters  (D24).
 *
 *     ∇_φ E_q[f(z)] = E_ε[∇_z f(g(ε, φ)) · ∂g/∂φ],  z = g(ε, φ) (e.g. μ + σε)   (D24, see docs/derivations.md#d24)
 *
 * The same gradient as `scoreFunctionGradient`, usually with a much lower variance; q must be
 * reparameterizable (a location-scale family).
 *
 * @example
 * ```ts
 * ll.infer.reparameterizationGradient(ll.rng(0), { params, family, f, samples: 1000 });   // as for scoreFunctionGradient
 * ```
 */
export function reparameterizationGradient(rng: Rng, args: GradientEstimatorArgs): GradientEstimate {
  REPARAMETERIZATION.check(arguments);
  const n = args.samples;
  // The noise is drawn once, outside the gradient, by replaying the same generator state.
  const rows = tf.tidy(() => {
    const tiled = tileParams(args.params, n);
    const seed = rng.split();
    const surrogate = (...ps: tf.Tensor[]) => {
      const z = args.family(ps).rsample(seed);
      return tf.sum(perSample(args.f(z), n, 'f', 'reparameterizationGradient')) as tf.Scalar;
    };
    return tf.grads(surrogate)(tiled);
  });
  const out = summarize(rows, n);
  tf.dispose(rows);
  return out;
}
