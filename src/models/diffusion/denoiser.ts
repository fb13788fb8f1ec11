// A small time-conditioned MLP denoiser for 2-D data (lecture 003): input [x_t, sinusoidal embedding
// of t] → hidden → ReLU → hidden → ReLU → d. It predicts ε (default) or x_0; either gives the other
// through the schedule (D44). For binary data y ∈ {−1, 1} it can predict log-odds ('logit'): a pixel's
// own evidence 2√ᾱ_t x_t/(1 − ᾱ_t) is added outside the network, which only supplies what the other
// pixels say; E[y_d | x_t] = tanh(½ · total log-odds) exactly when it does. A network narrower than the
// data (512 < 784 for MNIST) cannot pass x_t through to predict ε ≈ x_t at low SNR, nor sharpen every
// pixel to ±1 at high SNR; with the pixel's own term outside, it needs neither. Training losses, all minimized:
//   'simple'   E_{t, x_0, ε} ‖ε̂ − ε‖²                         (DDPM's simplified objective)
//   'x0'       E ‖x̂_0 − x_0‖²                                 (the same up to per-t weights ᾱ/(1 − ᾱ))
//   'weighted' E_t (T − 1)·δ_t²/(2σ_t²) ‖x̂_0 − x_0‖², t ≥ 2      (the ELBO's consistency terms)
// Ancestral sampling: x_T ~ N(0, I); x_{t−1} = γ_t x_t + δ_t x̂_0(x_t, t) + σ_t z (z = 0 at t = 1).
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../random/rng';
import { Dense } from '../../ops/dense';
import type { Batch } from '../../training/trainable';
import { DiffusionSchedule } from './schedule';
import { Denoiser } from './elbo';
import { checkKind, contract, memoryBudgetBytes, count as countKind, func, instance, num, optional, options as optionsKind, rngKind, str, even, tensor, where } from '../../validation/contract';
import { batch as batchKind } from '../../validation/batch';
import { weightsFit } from '../../validation/model-size';

// the 'weighted' loss draws t from 2…T (its t = 1 term is the decoder's, not a KL): a schedule of one step has none
const KIND_OF_SCHEDULE = where(str(['simple', 'x0', 'weighted']), "be 'simple' or 'x0' for a one-step schedule ('weighted' needs T ≥ 2)",
  (k: string, c) => !(k === 'weighted' && (c.self as TimeMLP).schedule.T < 2) || `got 'weighted' with T = ${(c.self as TimeMLP).schedule.T}`);
import { checkWeightsGenerator } from '../../validation/initial-weights';

const PREDICT = { ...str(['eps', 'x0', 'logit']), expected: "'eps', 'x0' or 'logit'" };

// one declared contract per public callable; the receiver's dim, embedding and schedule give the shapes
const dimOf = (c: { self?: unknown }) => (c.self as TimeMLP).dim;
const POINTS = tensor({ shape: ['B', dimOf] });
const STEPS = tensor({ shape: ['B'] });
const STEP = where(num({ integer: true, min: 1 }), (c) => `be a step in 1…T = 1…${(c.self as TimeMLP).schedule.T}`, (t: number, c) => t <= (c.self as TimeMLP).schedule.T);
const LOSS_KIND = str(['simple', 'x0', 'weighted']);
const rowsLike = (what: string) => tensor({ shape: ['B', dimOf], must: (c) => `have shape [B, ${dimOf(c)}] (${what})` });
const column = tensor({ shape: ['B', 1] });
const T = {
  ctor: contract('TimeMLP', {
    rng: rngKind(), dim: countKind({ max: 1e6 }), schedule: instance(DiffusionSchedule),
    // its three layers: (dim + embedding) × hidden, hidden × hidden, hidden × dim float32 weights
    options: optional(where(optionsKind({ hidden: countKind({ max: 1e6 }), embedding: where(countKind({ max: 1e6 }), 'be even (sin and cos halves)', (e: number) => e % 2 === 0), predict: PREDICT }),
      'describe weights that fit in memory (with dim)', (o: { hidden?: number; embedding?: number }, c) => {
        const d = c.args.dim as number, h = o.hidden ?? 128, e = o.embedding ?? 16, bytes = 4 * ((d + e) * h + h * h + h * d);
        return bytes <= memoryBudgetBytes() || `got dim ${d}, hidden ${h}, embedding ${e}: ${(bytes / 1e9).toPrecision(3)} GB of weights, and this process has ${(memoryBudgetBytes() / 1e9).toPrecision(3)} GB`;
      })),
  }),
  input: contract('TimeMLP.input', { xt: POINTS, t: STEPS }),
  network: contract('TimeMLP.network', { input: tensor({ shape: ['B', (c) => dimOf(c) + (c.self as TimeMLP).embedding] }) }),
  output: contract('TimeMLP.output', { xt: POINTS, t: STEPS }),
  x0Hat: contract('TimeMLP.x0Hat', { xt: POINTS, t: STEP }),
  prepareBatch: contract('TimeMLP.prepareBatch', { rng: rngKind(), batch: batchKind(POINTS), objective: optional(LOSS_KIND) }),
  // the batch prepareBatch made
  trainingLoss: contract('TimeMLP.trainingLoss', {
    rng: rngKind(),
    batch: batchKind(undefined, { x0: rowsLike('x₀'), eps: rowsLike('ε'), xt: rowsLike('x_t'), input: tensor({ shape: ['B', (c) => dimOf(c) + (c.self as TimeMLP).embedding] }), sa: column, sb: column, w: STEPS },
      ['x0', 'eps', 'xt', 'input', 'sa', 'sb', 'w']),
    objective: optional(LOSS_KIND),
  }),
};

let count = 0;

/**
 * A small time-conditioned MLP denoiser for low-dimensional data (lecture 003):
 *
 *     [x_t, sin(tω), cos(tω)] → Dense(hidden) → ReLU → Dense(hidden) → ReLU → Dense(d)
 *
 * predicting the noise ε̂ (default) or x̂_0; either gives the other through the schedule,
 * x̂_0 = (x_t − √(1 − ᾱ_t) ε̂)/√ᾱ_t (D44, see docs/derivations.md#d44), and either gives a score model
 * ∇ log q(x_t) ≈ −ε̂/√(1 − ᾱ_t) (Tweedie, D45). Train it with `ll.fit` (objective: the DenoisingLoss), evaluate it with
 * `diffusionElbo`, sample with `ancestralSample`.
 *
 * Shapes: x_t [B, d] and steps t [B] (numbers 1…T) → [B, d].
 *
 * @example
 * ```ts
 * const schedule = ll.models.DiffusionSchedule.linear(100);
 * const model = new ll.models.TimeMLP(ll.rng(0), 2, schedule, { hidden: 128 });
 * await ll.fit(model, points, { steps: 2000, seed: 0, learningRate: 2e-3 });        // points: number[][] of [x, y]
 * const x = ll.models.ancestralSample(ll.rng(1), model.denoiser, schedule, { samples: 500, dim: 2 });
 * ```
 */
export class TimeMLP {
  readonly layers: Dense[];
  private readonly freqs: tf.Tensor1D;

  /**
   * A denoiser for d-dimensional data under `schedule`, with weights drawn from `rng`.
   *
   * @param rng  the generator of the initial weights (`ll.rng(seed)`)
   * @param dim  d, the data dimension
   * @param schedule  the β_t schedule it denoises for
   * @param options  `hidden` width (128), `embedding` size of the time features (16, even),
   *   `predict` 'eps' (default), 'x0' or 'logit' (binary data in {−1, 1}: x̂_0 = tanh(½(2√ᾱ_t x_t/(1 − ᾱ_t) + out)))
   */
  constructor(rng: Rng, readonly dim: number, readonly schedule: DiffusionSchedule, options: { hidden?: number; embedding?: number; predict?: DenoiserOutput } = {}) {
    checkWeightsGenerator('TimeMLP', rng, options, 'options');
    T.ctor.check(arguments);
    const hidden = options.hidden ?? 128, emb = options.embedding ?? 16;
    this.embedding = emb;
    this.predict = options.predict ?? 'eps';
    const scope = `denoiser${++count}`;
    this.layers = [new Dense(rng, dim + emb, hidden, 'l1', scope), new Dense(rng, hidden, hidden, 'l2', scope), new Dense(rng, hidden, dim, 'l3', scope)];
    this.freqs = tf.tensor1d(Array.from({ length: emb / 2 }, (_, i) => Math.exp((-Math.log(1000) * i) / (emb / 2))));
  }

  readonly predict: DenoiserOutput;
  /** The width of the time features [sin(t ω), cos(t ω)]. */
  readonly embedding: number;

  /** The network's input for x_t [B, d] at steps t [B] (numbers 1…T): [x_t, sin(t ω), cos(t ω)], [B, d + embedding]. */
  input(xt: tf.Tensor2D, t: tf.Tensor1D): tf.Tensor2D {
    T.input.check(arguments, undefined, this);
    return tf.tidy(() => {
      const arg = tf.mul(tf.expandDims(t, 1), this.freqs);
      return tf.concat([xt, tf.sin(arg), tf.cos(arg)], 1) as tf.Tensor2D;
    });
  }

  /** The network on a prepared input [B, d + embedding] → [B, d]. */
  network(input: tf.Tensor2D): tf.Tensor2D {
    T.network.check(arguments, undefined, this);
    return tf.tidy(() => this.layers[2].apply(this.layers[1].applyRelu(this.layers[0].applyRelu(input))) as tf.Tensor2D);
  }

  /** The network's raw output for x_t [B, d] at steps t [B] (numbers 1…T). */
  output(xt: tf.Tensor2D, t: tf.Tensor1D): tf.Tensor2D {
    T.output.check(arguments, undefined, this);
    return tf.tidy(() => this.network(this.input(xt, t)));
  }

  /** x̂_0(x_t, t) for one t (converted from ε̂ or the log-odds when the model predicts those). */
  x0Hat(xt: tf.Tensor2D, t: number): tf.Tensor2D {
    T.x0Hat.check(arguments, undefined, this);
    return tf.tidy(() => {
      const out = this.output(xt, tf.fill([xt.shape[0]], t) as tf.Tensor1D);
      if (this.predict === 'logit') return binaryPosteriorMean(xt, out, Math.sqrt(this.schedule.alphaBars[t]), Math.sqrt(1 - this.schedule.alphaBars[t]));
      return (this.predict === 'x0' ? out : this.schedule.x0FromEps(xt, out, t)) as tf.Tensor2D;
    });
  }

  /** The model as a denoiser for diffusionElbo and sampling. */
  get denoiser(): Denoiser {
    return (xt, t) => this.x0Hat(xt, t);
  }

  get variables(): tf.Variable[] {
    return this.layers.flatMap((l) => l.variables);
  }

  /**
   * The data side of a training batch for `ll.fit`, outside the gradient tape: a t per point uniform on 1…T
   * (2…T for 'weighted'), ε ~ N(0, I), x_t = √ᾱ_t x_0 + √(1 − ᾱ_t) ε and the network's input; `objective` is
   * the DenoisingLoss (default 'simple').
   *
   * @example
   * ```ts
   * await ll.fit(model, points, { steps: 2000, seed: 0, objective: 'weighted' });   // prepareBatch, then trainingLoss
   * ```
   */
  prepareBatch(rng: Rng, batch: Batch, objective: DenoisingLoss = 'simple'): DenoisingBatch {
    T.prepareBatch.check(arguments, undefined, this);
    return denoisingBatch(rng, this, batch.x, objective);
  }

  /**
   * The loss `ll.fit` minimizes on a prepared batch (see denoisingLoss, D44): 'simple' ‖ε̂ − ε‖²,
   * 'x0' ‖x̂_0 − x_0‖², 'weighted' (T − 1)·δ_t²/(2σ_t²) ‖x̂_0 − x_0‖², averaged over the batch.
   *
   * @example
   * ```ts
   * const run = await ll.fit(model, points, { steps: 2000, seed: 1, learningRate: 2e-3 });   // 'simple'
   * ```
   */
  trainingLoss(_rng: Rng, batch: DenoisingBatch, objective: DenoisingLoss = 'simple'): tf.Scalar {
    T.trainingLoss.check(arguments, undefined, this);
    return batchLoss(this, batch, objective);
  }

  /**
   * Frees the network's weights; the model is unusable afterwards.
   */
  dispose(): void {
    this.layers.forEach((l) => l.dispose());
    this.freqs.dispose();
  }
}

export type DenoisingLoss = 'simple' | 'x0' | 'weighted';

/** What the network outputs: the noise ε, the clean x_0, or (binary data in {−1, 1}) the context log-odds of y = 1. */
export type DenoiserOutput = 'eps' | 'x0' | 'logit';

/**
 * x̂_0 = tanh(½(2√ᾱ x_t/(1 − ᾱ) + h)) for data y ∈ {−1, 1}: a pixel's own log-odds of y = 1 from
 * x_t = √ᾱ y + √(1 − ᾱ) ε, plus the log-odds h the network reads from the rest; sa = √ᾱ, sb = √(1 − ᾱ),
 * numbers or [B, 1].
 */
function binaryPosteriorMean(xt: tf.Tensor, h: tf.Tensor, sa: number | tf.Tensor, sb: number | tf.Tensor): tf.Tensor2D {
  return tf.tidy(() => tf.tanh(tf.mul(tf.add(tf.div(tf.mul(xt, tf.mul(sa, 2)), tf.square(sb)), h), 0.5)) as tf.Tensor2D);
}

/** A minibatch's data side: a t per point, uniform on 1…T (2…T for 'weighted'), the noise, x_t and the network's input. */
export type DenoisingBatch = { x0: tf.Tensor2D; eps: tf.Tensor2D; xt: tf.Tensor2D; input: tf.Tensor2D; sa: tf.Tensor2D; sb: tf.Tensor2D; w: tf.Tensor1D };

function denoisingBatch(rng: Rng, model: TimeMLP, x0: tf.Tensor2D, kind: DenoisingLoss): DenoisingBatch {
  const S = model.schedule, B = x0.shape[0];
  const lo = kind === 'weighted' ? 2 : 1;
  if (S.T < lo) checkKind(KIND_OF_SCHEDULE, kind, 'kind', 'denoisingLoss', { self: model });
  const ts = Array.from({ length: B }, () => lo + rng.int(S.T - lo + 1));
  return tf.tidy(() => {
    const sa = tf.tensor2d(ts.map((t) => [Math.sqrt(S.alphaBars[t])]));
    const sb = tf.tensor2d(ts.map((t) => [Math.sqrt(1 - S.alphaBars[t])]));
    const eps = rng.normal(x0.shape) as tf.Tensor2D;
    const xt = tf.add(tf.mul(x0, sa), tf.mul(eps, sb)) as tf.Tensor2D;
    const w = tf.tensor1d(ts.map((t) => (kind === 'weighted' ? (S.T - 1) * S.klWeight(t) : 1)));
    return { x0: tf.clone(x0), eps, xt, input: model.input(xt, tf.tensor1d(ts)), sa, sb, w };
  });
}

function batchLoss(model: TimeMLP, b: DenoisingBatch, kind: DenoisingLoss): tf.Scalar {
  return tf.tidy(() => {
    const out = model.network(b.input);
    const x0Hat = model.predict === 'x0' ? out : model.predict === 'logit' ? binaryPosteriorMean(b.xt, out, b.sa, b.sb)
      : tf.div(tf.sub(b.xt, tf.mul(out, b.sb)), b.sa);
    const epsHat = model.predict === 'eps' ? out : tf.div(tf.sub(b.xt, tf.mul(x0Hat, b.sa)), b.sb);
    if (kind === 'simple') return tf.mean(tf.sum(tf.square(tf.sub(epsHat, b.eps)), 1)) as tf.Scalar;
    const err = tf.sum(tf.square(tf.sub(x0Hat, b.x0)), 1);
    return tf.mean(kind === 'x0' ? err : tf.mul(err, b.w)) as tf.Scalar;
  });
}

const DENOISING_LOSS = contract('denoisingLoss', { rng: rngKind(), model: instance(TimeMLP), x0: tensor({ shape: ['B', (c) => (c.args.model as TimeMLP).dim] }), kind: optional(LOSS_KIND) });
const ANCESTRAL_SAMPLE = contract('ancestralSample', {
  rng: rngKind(), denoise: func('a denoiser (x_t [n, d], t) → x̂₀ [n, d]'), schedule: instance(DiffusionSchedule),
  // n × d float32 entries, a few of them live at each step
  options: optionsKind({
    samples: countKind({ entriesEach: 4, bytesEach: 4 }),
    dim: where(countKind({ max: 1e6 }), 'fit, with samples, in memory', (d: number, c) => 16 * d * ((c.args.samples as number) ?? 1) <= memoryBudgetBytes() || `got ${d} × ${c.args.samples as number} samples`),
  }, { required: ['samples', 'dim'] }),
});
const DENOISED = tensor({ shape: ['n', 'd'], must: 'return x̂₀ of the shape of x_t' });

/**
 * One minibatch loss, a t per point uniform on 1…T (2…T for 'weighted'):
 *   'simple' ‖ε̂ − ε‖², 'x0' ‖x̂_0 − x_0‖², 'weighted' (T − 1)·δ_t²/(2σ_t²) ‖x̂_0 − x_0‖², averaged over the batch.
 *
 * The three are the same model's objective up to per-t weights (D44, see docs/derivations.md#d44); the
 * 'weighted' loss is the ELBO's consistency terms (D41).
 *
 * @example
 * ```ts
 * const loss = ll.models.denoisingLoss(ll.rng(0), model, ll.tf.tensor2d(points), 'simple');   // a scalar to minimize
 * ```
 */
export function denoisingLoss(rng: Rng, model: TimeMLP, x0: tf.Tensor2D, kind: DenoisingLoss = 'simple'): tf.Scalar {
  DENOISING_LOSS.check(arguments);
  const batch = denoisingBatch(rng, model, x0, kind);
  try {
    return batchLoss(model, batch, kind);
  } finally {
    tf.dispose(batch);
  }
}

/**
 * n samples by ancestral sampling through p_θ(x_{t−1} | x_t): [n, d].
 *
 *     x_T ~ N(0, I);  x_{t−1} = γ_t x_t + δ_t x̂_θ(x_t, t) + σ_t z,  z ~ N(0, I) (z = 0 at t = 1)   (D40)
 *
 * see docs/derivations.md#d40.
 *
 * @example
 * ```ts
 * const x = ll.models.ancestralSample(ll.rng(0), model.denoiser, schedule, { samples: 1000, dim: 2 });   // [1000, 2]
 * ```
 */
export function ancestralSample(rng: Rng, denoise: Denoiser, schedule: DiffusionSchedule, options: { samples: number; dim: number }): tf.Tensor2D {
  ANCESTRAL_SAMPLE.check(arguments);
  const n = options.samples, dim = options.dim;
  let x = rng.normal([n, dim]) as tf.Tensor2D;
  try {
    for (let t = schedule.T; t >= 1; t--) {
      const { gamma, delta, sigma2 } = schedule.posterior(t);
      const next = tf.tidy(() => {
        const x0Hat = denoise(x, t);
        checkKind(DENOISED, x0Hat, 'denoise', 'ancestralSample', { dims: { n, d: dim } });
        const mean = tf.add(tf.mul(x, gamma), tf.mul(x0Hat, delta));
        return (t > 1 ? tf.add(mean, tf.mul(rng.normal([n, dim]), Math.sqrt(sigma2))) : mean) as tf.Tensor2D;
      });
      x.dispose();
      x = next;
    }
    return x;
  } catch (e) {
    // the draw so far is the caller's only if the loop ends
    x.dispose();
    throw e;
  }
}
