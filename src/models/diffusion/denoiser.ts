// A small time-conditioned MLP denoiser for 2-D data (lecture 003): input [x_t, sinusoidal embedding
// of t] → hidden → ReLU → hidden → ReLU → d. It predicts ε (default) or x_0; either gives the other
// through the schedule (D44). Training losses, all minimized:
//   'simple'   E_{t, x_0, ε} ‖ε̂ − ε‖²                         (DDPM's simplified objective)
//   'x0'       E ‖x̂_0 − x_0‖²                                 (the same up to per-t weights ᾱ/(1 − ᾱ))
//   'weighted' E_t (T − 1)·δ_t²/(2σ_t²) ‖x̂_0 − x_0‖², t ≥ 2      (the ELBO's consistency terms)
// Ancestral sampling: x_T ~ N(0, I); x_{t−1} = γ_t x_t + δ_t x̂_0(x_t, t) + σ_t z (z = 0 at t = 1).
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../random/rng';
import { Dense } from '../dense';
import { FitPointsOptions, fitPoints } from '../fit-points';
import { DiffusionSchedule } from './schedule';
import { Denoiser } from './elbo';

let count = 0;

export class TimeMLP {
  readonly layers: Dense[];
  private readonly freqs: tf.Tensor1D;

  constructor(readonly dim: number, readonly schedule: DiffusionSchedule, options: { hidden?: number; embedding?: number; predict?: 'eps' | 'x0'; seed?: number } = {}) {
    const hidden = options.hidden ?? 128, emb = options.embedding ?? 16;
    if (emb % 2 !== 0) throw new Error(`TimeMLP: embedding must be even, got ${emb}`);
    this.predict = options.predict ?? 'eps';
    const rng = new Rng(options.seed ?? 0);
    const scope = `denoiser${++count}`;
    this.layers = [new Dense(dim + emb, hidden, rng, 'l1', scope), new Dense(hidden, hidden, rng, 'l2', scope), new Dense(hidden, dim, rng, 'l3', scope)];
    this.freqs = tf.tensor1d(Array.from({ length: emb / 2 }, (_, i) => Math.exp((-Math.log(1000) * i) / (emb / 2))));
  }

  readonly predict: 'eps' | 'x0';

  /** The network's raw output for x_t [B, d] at steps t [B] (numbers 1…T). */
  output(xt: tf.Tensor2D, t: tf.Tensor1D): tf.Tensor2D {
    return tf.tidy(() => {
      const arg = tf.mul(tf.expandDims(t, 1), this.freqs);
      let h: tf.Tensor = tf.concat([xt, tf.sin(arg), tf.cos(arg)], 1);
      h = this.layers[0].applyRelu(h);
      h = this.layers[1].applyRelu(h);
      return this.layers[2].apply(h) as tf.Tensor2D;
    });
  }

  /** x̂_0(x_t, t) for one t (converted from ε̂ when the model predicts ε). */
  x0Hat(xt: tf.Tensor2D, t: number): tf.Tensor2D {
    return tf.tidy(() => {
      const out = this.output(xt, tf.fill([xt.shape[0]], t) as tf.Tensor1D);
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

  dispose(): void {
    this.layers.forEach((l) => l.dispose());
    this.freqs.dispose();
  }
}

export type DenoisingLoss = 'simple' | 'x0' | 'weighted';

/** One minibatch loss: a t per point, uniform on 1…T (2…T for 'weighted'). */
export function denoisingLoss(model: TimeMLP, x0: tf.Tensor2D, rng: Rng, kind: DenoisingLoss = 'simple'): tf.Scalar {
  const S = model.schedule, B = x0.shape[0];
  const lo = kind === 'weighted' ? 2 : 1;
  if (S.T < lo) throw new Error(`denoisingLoss: '${kind}' needs T ≥ ${lo}`);
  const ts = Array.from({ length: B }, () => lo + rng.int(S.T - lo + 1));
  return tf.tidy(() => {
    const sa = tf.tensor2d(ts.map((t) => [Math.sqrt(S.alphaBars[t])]));
    const sb = tf.tensor2d(ts.map((t) => [Math.sqrt(1 - S.alphaBars[t])]));
    const eps = rng.normal(x0.shape);
    const xt = tf.add(tf.mul(x0, sa), tf.mul(eps, sb)) as tf.Tensor2D;
    const out = model.output(xt, tf.tensor1d(ts));
    const epsHat = model.predict === 'eps' ? out : tf.div(tf.sub(xt, tf.mul(out, sa)), sb);
    const x0Hat = model.predict === 'x0' ? out : tf.div(tf.sub(xt, tf.mul(out, sb)), sa);
    if (kind === 'simple') return tf.mean(tf.sum(tf.square(tf.sub(epsHat, eps)), 1)) as tf.Scalar;
    const err = tf.sum(tf.square(tf.sub(x0Hat, x0)), 1);
    if (kind === 'x0') return tf.mean(err) as tf.Scalar;
    const w = tf.tensor1d(ts.map((t) => (S.T - 1) * S.klWeight(t)));
    return tf.mean(tf.mul(err, w)) as tf.Scalar;
  });
}

/** Trains the denoiser on points [n, d] with one of the losses (default 'simple'); returns the loss per step. */
export function trainDenoiser(model: TimeMLP, data: number[][], options: FitPointsOptions & { loss?: DenoisingLoss }): number[] {
  if (data.some((p) => p.length !== model.dim)) throw new Error(`trainDenoiser: every point must have ${model.dim} coordinates`);
  return fitPoints('trainDenoiser', 'training the denoiser', data, model.variables, (x, rng) => denoisingLoss(model, x, rng, options.loss), { ...options, defaultLearningRate: 2e-3 });
}

/** n samples by ancestral sampling through p_θ(x_{t−1} | x_t): [n, d]. */
export function ancestralSample(denoise: Denoiser, schedule: DiffusionSchedule, dim: number, n: number, rng: Rng): tf.Tensor2D {
  let x = rng.normal([n, dim]) as tf.Tensor2D;
  for (let t = schedule.T; t >= 1; t--) {
    const { gamma, delta, sigma2 } = schedule.posterior(t);
    const next = tf.tidy(() => {
      const mean = tf.add(tf.mul(x, gamma), tf.mul(denoise(x, t), delta));
      return (t > 1 ? tf.add(mean, tf.mul(rng.normal([n, dim]), Math.sqrt(sigma2))) : mean) as tf.Tensor2D;
    });
    x.dispose();
    x = next;
  }
  return x;
}
