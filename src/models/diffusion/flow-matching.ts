// Conditional flow matching (Lipman et al. 2023; lecture 003's "connection of diffusion to SDEs and flow
// matching"). Noise x₀ ~ N(0, I) and data x₁ are joined by straight lines x_t = (1 − t) x₀ + t x₁, along
// which each pair moves with velocity u = x₁ − x₀. A network v_θ(x, t) regressed on that conditional
// target,
//   L(θ) = E_{t ~ U(0,1), x₀, x₁} ‖v_θ(x_t, t) − (x₁ − x₀)‖²,
// has the same minimizer as the regression on the intractable marginal velocity u_t(x) = E[x₁ − x₀ | x_t = x]
// (the cross term's expectation is the same; D56), and the ODE dx/dt = u_t(x), run from t = 0 to 1, carries
// N(0, I) to the data distribution. Sampling is a few steps of an ODE solver; no noise is added.
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../random/rng';
import { Dense } from '../../ops/dense';
import type { Batch } from '../../training/trainable';
import { anything, arrayOf, checkKind, contract, count, func, num, optional, options as optionsKind, rngKind, str, tensor } from '../../validation/contract';
import { batch as batchKind } from '../../validation/batch';

// points [n, d], d the network's dim
const POINTS = tensor({ shape: ['n', (c) => (c.self as { dim: number }).dim] });
// one time per point; the prepared batch: x_t and the target velocity [n, d], t [n]
const TIMES = tensor({ shape: ['n'] });
const V = {
  velocityAt: contract('VelocityNetwork.velocityAt', { x: POINTS, t: TIMES }),
  prepareBatch: contract('VelocityNetwork.prepareBatch', { rng: rngKind(), batch: batchKind(POINTS), objective: anything('the objective ll.fit passes on (this model has one loss)') }),
  trainingLoss: contract('VelocityNetwork.trainingLoss', { rng: anything(), b: batchKind(undefined, { xt: POINTS, t: TIMES, target: POINTS }, ['xt', 't', 'target']), objective: anything('the objective ll.fit passes on (this model has one loss)') }),
};
import { checkWeightsGenerator } from '../../validation/initial-weights';

let instances = 0;

/** A velocity field of points x [n, d] at one time t ∈ [0, 1] → [n, d]. */
export type VelocityFunction = (x: tf.Tensor2D, t: number) => tf.Tensor2D;

const VNET = contract('VelocityNetwork', {
  rng: rngKind(),
  dim: count({ min: 1, max: 1024 }),
  options: optional(optionsKind({ hidden: count({ min: 1, max: 4096 }) })),
});

/**
 * A time-conditional velocity network v_θ(x, t) for d-D points: [x, t] → hidden → ReLU → hidden → ReLU → d.
 * Trained by `ll.fit` (conditional flow matching, D56), sampled by `flowMatchingSample`.
 *
 * Shapes: x [n, d], t [n] → [n, d].
 *
 *     loss = E ‖v_θ(x_t, t) − (x₁ − x₀)‖²,   x_t = (1 − t) x₀ + t x₁,  x₀ ~ N(0, I),  x₁ ~ data   (D56)
 *
 * @example
 * ```ts
 * const net = new ll.models.VelocityNetwork(ll.rng(0), 2, { hidden: 128 });
 * await ll.fit(net, ll.data.twoMoons(ll.rng(1), 2000), { steps: 1500, seed: 0 });
 * const x = ll.models.flowMatchingSample(ll.rng(2), net.velocityFunction, 500, { dim: 2, steps: 20 });
 * ```
 */
export class VelocityNetwork {
  readonly layers: Dense[];

  /** `dim` coordinates per point; `hidden` width (default 128); the initial weights drawn from `rng`. */
  constructor(rng: Rng, readonly dim: number, options: { hidden?: number } = {}) {
    checkWeightsGenerator('VelocityNetwork', rng, options, 'options');
    VNET.check(arguments);
    const hidden = options.hidden ?? 128;
    const r = rng;
    const scope = `velocity${++instances}`;
    this.layers = [new Dense(r, dim + 1, hidden, 'l1', scope), new Dense(r, hidden, hidden, 'l2', scope), new Dense(r, hidden, dim, 'l3', scope)];
  }

  /** The trainable weights. */
  get variables(): tf.Variable[] {
    return this.layers.flatMap((l) => l.variables);
  }

  /** v_θ(x, t) with one time per row: x [n, d], t [n] → [n, d]. */
  velocityAt(x: tf.Tensor2D, t: tf.Tensor1D): tf.Tensor2D {
    V.velocityAt.check(arguments, undefined, this);
    return tf.tidy(() => {
      const input = tf.concat([x, tf.expandDims(t, 1)], 1) as tf.Tensor2D;
      return this.layers[2].apply(this.layers[1].applyRelu(this.layers[0].applyRelu(input))) as tf.Tensor2D;
    });
  }

  /**
   * The data side of a training batch for `ll.fit`, outside the gradient tape: per point t ~ U(0, 1) and
   * x₀ ~ N(0, I), the point x_t = (1 − t) x₀ + t x₁ on the line to the data x₁ and the target x₁ − x₀.
   *
   * @example
   * ```ts
   * await ll.fit(net, points, { steps: 1500, seed: 0 });   // prepareBatch, then trainingLoss
   * ```
   */
  prepareBatch(rng: Rng, batch: Batch): { xt: tf.Tensor2D; t: tf.Tensor1D; target: tf.Tensor2D } {
    V.prepareBatch.check(arguments, undefined, this);
    const x1 = batch.x, n = x1.shape[0];
    // x₀ and the intermediates are freed: only x_t, t and the target leave
    return tf.tidy(() => {
      const t = tf.tensor1d(Array.from({ length: n }, () => rng.nextUniform()));
      const x0 = rng.normal([n, this.dim]) as tf.Tensor2D;
      const tc = tf.expandDims(t, 1);
      return { xt: tf.add(tf.mul(tf.sub(1, tc), x0), tf.mul(tc, x1)) as tf.Tensor2D, t, target: tf.sub(x1, x0) as tf.Tensor2D };
    });
  }

  /**
   * The loss `ll.fit` minimizes: conditional flow matching averaged over the batch (D56),
   *
   *     L = (1/B) Σ_b ‖v_θ(x_t, t) − (x₁ − x₀)‖²,   x_t = (1 − t) x₀ + t x₁
   *
   * @example
   * ```ts
   * const run = await ll.fit(net, ll.data.swissRoll(ll.rng(1), 3000), { steps: 2000, seed: 14, learningRate: 2e-3 });
   * ```
   */
  trainingLoss(_rng: Rng, b: { xt: tf.Tensor2D; t: tf.Tensor1D; target: tf.Tensor2D }): tf.Scalar {
    V.trainingLoss.check(arguments, undefined, this);
    return tf.tidy(() => tf.mean(tf.sum(tf.square(tf.sub(this.velocityAt(b.xt, b.t), b.target)), 1)) as tf.Scalar);
  }

  /** The network as a VelocityFunction (one t for all rows), for flowMatchingSample. */
  get velocityFunction(): VelocityFunction {
    return (x, t) => tf.tidy(() => this.velocityAt(x, tf.fill([x.shape[0]], t) as tf.Tensor1D));
  }

  /** Frees the weights. */
  dispose(): void {
    this.layers.forEach((l) => l.dispose());
  }
}

const SAMPLE = contract('flowMatchingSample', {
  rng: rngKind(),
  velocity: func('a velocity function (x [n, d], t) → [n, d]'),
  samples: count({ min: 1, entriesEach: 1 }),
  options: optionsKind({ dim: count({ min: 1, max: 1024 }), steps: count({ min: 1, max: 1e5 }), method: str(['euler', 'midpoint']) }, { required: ['dim'] }),
});

/**
 * Samples by integrating dx/dt = v(x, t) from t = 0 (x ~ N(0, I), drawn with `rng`) to t = 1 in `steps`
 * equal steps (default 20) of Euler's method or the explicit midpoint rule (second order, two velocity
 * evaluations a step; default). Returns [samples, dim]. With the exact marginal velocity the result is
 * distributed as the data up to the solver's error (D56).
 *
 * @example
 * ```ts
 * const x = ll.models.flowMatchingSample(ll.rng(2), net.velocityFunction, 500, { dim: 2, steps: 10 });
 * ```
 */
export function flowMatchingSample(rng: Rng, velocity: VelocityFunction, samples: number,
  options: { dim: number; steps?: number; method?: 'euler' | 'midpoint' }): tf.Tensor2D {
  SAMPLE.check(arguments);
  const steps = options.steps ?? 20;
  const method = options.method ?? 'midpoint';
  const h = 1 / steps;
  let x = rng.normal([samples, options.dim]) as tf.Tensor2D;
  for (let k = 0; k < steps; k++) {
    const t = k * h;
    const next = tf.tidy(() => {
      if (method === 'euler') return tf.add(x, tf.mul(velocity(x, t), h)) as tf.Tensor2D;
      const mid = tf.add(x, tf.mul(velocity(x, t), h / 2)) as tf.Tensor2D;
      return tf.add(x, tf.mul(velocity(mid, t + h / 2), h)) as tf.Tensor2D;
    });
    x.dispose();
    x = next;
  }
  return x;
}

const GAUSS = contract('gaussianFlowVelocity', {
  t: num({ min: 0, max: 1 }), x: num(),
  data: optionsKind({ mean: num(), sd: num({ above: 0 }) }, { required: ['mean', 'sd'] }),
});

/**
 * The exact marginal velocity u_t(x) = E[x₁ − x₀ | x_t = x] when the data are N(μ, s²) in one dimension
 * (D56), for checks: x_t ~ N(tμ, (1 − t)² + t²s²) and Cov(x₁ − x₀, x_t) = t s² − (1 − t), so
 *
 *   u_t(x) = μ + (t s² − (1 − t)) / ((1 − t)² + t² s²) · (x − t μ).
 *
 * @example
 * ```ts
 * ll.models.gaussianFlowVelocity(0.5, 1.2, { mean: 2, sd: 0.5 });
 * ```
 */
export function gaussianFlowVelocity(t: number, x: number, data: { mean: number; sd: number }): number {
  GAUSS.check(arguments);
  const s2 = data.sd * data.sd;
  return data.mean + ((t * s2 - (1 - t)) / ((1 - t) ** 2 + t * t * s2)) * (x - t * data.mean);
}

const MIXTURE_VELOCITY = contract('mixtureFlowVelocity', {
  t: num({ min: 0, max: 1 }),
  x: arrayOf(num(), { minLength: 1, maxLength: 1024 }),
  mixture: optionsKind({
    weights: arrayOf(num({ above: 0 }), { minLength: 1 }),
    means: arrayOf(arrayOf(num(), { minLength: 1 }), { minLength: 1 }),
    sds: arrayOf(num({ above: 0 }), { minLength: 1 }),
  }, { required: ['weights', 'means', 'sds'] }),
});

/**
 * The exact marginal velocity u_t(x) = E[x₁ − x₀ | x_t = x] when the data are a mixture of isotropic Gaussians
 * Σ_k w_k N(μ_k, s_k² I) in d dimensions (D56), for checks. Given component k, x_t ~ N(t μ_k, v_k I) with
 * v_k = (1 − t)² + t² s_k², and the velocity is gaussianFlowVelocity's per coordinate; the marginal weighs the
 * components by their posterior r_k(x) ∝ w_k N(x; t μ_k, v_k I):
 *
 *   u_t(x) = Σ_k r_k(x) [μ_k + (t s_k² − (1 − t)) / v_k · (x − t μ_k)]
 *
 * Shapes: x [d], means [K][d], weights and sds [K] → [d].
 *
 * @example
 * ```ts
 * ll.models.mixtureFlowVelocity(0.5, [0.3, -1], { weights: [0.5, 0.5], means: [[-2, 0], [2, 0]], sds: [0.3, 0.3] });
 * ```
 */
export function mixtureFlowVelocity(t: number, x: number[], mixture: { weights: number[]; means: number[][]; sds: number[] }): number[] {
  MIXTURE_VELOCITY.check(arguments);
  const { weights, means, sds } = mixture;
  const K = weights.length, d = x.length;
  if (means.length !== K || sds.length !== K || means.some((m) => m.length !== d)) {
    const shapes = { expected: `K = ${K} means of x's length ${d} and K sds (one per weight)`, test: () => `got ${means.length} means of lengths [${means.map((m) => m.length)}] and ${sds.length} sds` };
    checkKind(shapes, mixture, 'mixture', 'mixtureFlowVelocity');
  }
  const v = sds.map((s) => (1 - t) ** 2 + t * t * s * s);
  const logR = weights.map((w, k) => Math.log(w) - (d / 2) * Math.log(v[k]) - x.reduce((acc, xi, i) => acc + (xi - t * means[k][i]) ** 2, 0) / (2 * v[k]));
  const top = Math.max(...logR);
  const r = logR.map((l) => Math.exp(l - top));
  const total = r.reduce((a, b) => a + b, 0);
  return x.map((xi, i) => r.reduce((acc, rk, k) => acc + (rk / total) * (means[k][i] + ((t * sds[k] ** 2 - (1 - t)) / v[k]) * (xi - t * means[k][i])), 0));
}
