// A GAN for points in the plane (lecture 003, "adversarial training"): a generator G: z ~ N(0, I) ↦ x̃ and a
// discriminator (or Wasserstein critic) a: x ↦ logit, each a two-hidden-layer MLP with leaky ReLUs. Trained by
// ll.fit with both players in one loss, each reading the other through stopGradient (simultaneous gradient play):
//     L = L_D(a; x, stop(G(z))) + L_G(G; stop(a))
// The MLPs are plain tfjs ops (not the fused dense kernel) because WGAN-GP differentiates the critic's input
// gradient once more.
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../random/rng';
import type { Batch, LossWithTerms } from '../../training/trainable';
import { checkWeightsGenerator } from '../../validation/initial-weights';
import { anything, contract, count, num, options as optionsKind, rngKind, str, tensor, checkKind } from '../../validation/contract';
import { batch as batchKind } from '../../validation/batch';
import { stopGradient } from '../../math/stop-gradient';
import { criticLoss, discriminatorLoss, GAN_LOSSES, GanLoss, generatorLoss, gradientPenalty } from './gan-losses';

/** What ll.fit trains a GAN2D on: the generator's loss, the penalty weight λ (wgan-gp), and which players move. */
export interface GanObjective {
  /** the generator's loss (the discriminator's follows: the logistic loss, or the critic's for wgan-gp) */
  type: GanLoss;
  /** λ of the gradient penalty (wgan-gp only; default 10) */
  penalty?: number;
  /** 'both' (default), or 'discriminator': the generator's term left out, G held where it is */
  train?: 'both' | 'discriminator';
  /**
   * k: the generator's term enters every k-th step only, so the critic takes k steps per generator step (default 1;
   * WGAN-GP uses 5). Between them G's gradient is zero, and Adam moves it only by momentum: use β₁ = 0 to hold it.
   */
  criticSteps?: number;
}

const OBJECTIVE = optionsKind({ type: str(GAN_LOSSES), penalty: num({ min: 0, max: 1e6 }), train: str(['both', 'discriminator']), criticSteps: count({ max: 1000 }) }, { required: ['type'], name: 'objective' });
const CONFIG = optionsKind({ latentDim: count({ max: 1e4 }), hidden: count({ max: 1e5 }), dim: count({ max: 1e4 }), slope: num({ min: 0, max: 1 }) });
const SAMPLE = contract('GAN2D.sample', { rng: rngKind(), n: count({ max: 1e7 }) });
// the receiver's widths give the points' and the latents' columns; the first tensor binds n
const POINTS = tensor({ shape: (c) => ['n', (c.self as GAN2D).dim] });
const LATENTS = tensor({ shape: (c) => ['n', (c.self as GAN2D).latentDim] });
// a diagnostic read once, not a training step: a NaN z is refused rather than reported as a NaN norm
const GRAD = contract('GAN2D.generatorGradientNorm', { z: tensor({ shape: (c) => ['n', (c.self as GAN2D).latentDim], noNaN: true }), loss: str(GAN_LOSSES) });
const DISCRIMINATE = contract('GAN2D.discriminate', { x: POINTS });
const PREPARE = contract('GAN2D.prepareBatch', { rng: rngKind(), batch: batchKind(POINTS), objective: OBJECTIVE });
const LOSS = contract('GAN2D.trainingLoss', {
  rng: anything(), b: batchKind(POINTS, { z: LATENTS, u: tensor({ shape: ['n', 1] }) }, ['x', 'z', 'u']), objective: OBJECTIVE,
});

interface Layer { W: tf.Variable; b: tf.Variable }

let instances = 0;

/**
 * A 2-D GAN: generator z [n, latentDim] → x̃ [n, dim], discriminator x [n, dim] → logit [n], D = σ(logit)
 * (the critic's score for wgan-gp). Losses (gan-losses.ts): the discriminator's L_D = −E log D(x) − E log(1 − D(x̃))
 * (minimized by D* = p/(p + q), D60; its value there 2 JS − log 4, D61) and the generator's minimax,
 * non-saturating (D62) or Wasserstein loss with gradient penalty.
 *
 * @example
 * ```ts
 * const gan = new ll.models.GAN2D(ll.rng(0), { hidden: 64 });
 * await ll.fit(gan, ll.data.gaussianRing(ll.rng(1), 4000), { steps: 2000, seed: 0, objective: { type: 'non-saturating' },
 *   optimizer: ll.tf.train.adam(1e-3, 0.5) });
 * const x = gan.sample(ll.rng(2), 1000);   // [1000, 2]
 * ```
 */
export class GAN2D {
  readonly latentDim: number;
  readonly dim: number;
  readonly hidden: number;
  private readonly slope: number;
  private readonly gen: Layer[];
  private readonly disc: Layer[];
  // the steps ll.fit has taken (afterStep), for criticSteps
  private stepsTaken = 0;

  /** latentDim (default 2), hidden width (64), dim of the points (2), leaky-ReLU slope (0.2); weights drawn from `rng`. */
  constructor(rng: Rng, config: { latentDim?: number; hidden?: number; dim?: number; slope?: number } = {}) {
    checkWeightsGenerator('GAN2D', rng, config);
    checkKind(CONFIG, config, 'config', 'GAN2D');
    this.latentDim = config.latentDim ?? 2;
    this.hidden = config.hidden ?? 64;
    this.dim = config.dim ?? 2;
    this.slope = config.slope ?? 0.2;
    const scope = `gan${++instances}`;
    // PyTorch's default initialization, U(±1/√fan_in), so a run can be set beside a PyTorch twin
    const layer = (i: number, o: number, name: string): Layer => {
      const bound = 1 / Math.sqrt(i);
      const draw = (r: Rng) => bound * (2 * r.nextUniform() - 1);
      return tf.tidy(() => ({ W: tf.variable(rng.tensor([i, o], draw), true, `${scope}/${name}/W`), b: tf.variable(rng.tensor([o], draw), true, `${scope}/${name}/b`) }));
    };
    const h = this.hidden;
    this.gen = [layer(this.latentDim, h, 'G1'), layer(h, h, 'G2'), layer(h, this.dim, 'G3')];
    this.disc = [layer(this.dim, h, 'D1'), layer(h, h, 'D2'), layer(h, 1, 'D3')];
  }

  private mlp(layers: Layer[], x: tf.Tensor2D, frozen: boolean): tf.Tensor2D {
    return tf.tidy(() => {
      let y: tf.Tensor2D = x;
      layers.forEach((l, i) => {
        const W = frozen ? stopGradient(l.W as tf.Tensor2D) : l.W, b = frozen ? stopGradient(l.b as tf.Tensor1D) : l.b;
        y = tf.add(tf.matMul(y, W as tf.Tensor2D), b) as tf.Tensor2D;
        // the leaky ReLU as s·y + (1 − s)·relu(y): relu's gradient is twice differentiable in tfjs, leakyRelu's is not
        if (i < layers.length - 1) y = tf.add(tf.mul(y, this.slope), tf.mul(tf.relu(y), 1 - this.slope)) as tf.Tensor2D;
      });
      return y;
    });
  }

  /** G(z): z [n, latentDim] → points [n, dim]. */
  generate(z: tf.Tensor2D): tf.Tensor2D {
    checkKind(tensor({ shape: ['n', this.latentDim] }), z, 'z', 'GAN2D.generate');
    return this.mlp(this.gen, z, false);
  }

  /** The discriminator's logit a(x) (the critic's score f(x) for wgan-gp): x [n, dim] → [n]. */
  logits(x: tf.Tensor2D): tf.Tensor1D {
    checkKind(tensor({ shape: ['n', this.dim] }), x, 'x', 'GAN2D.logits');
    return tf.tidy(() => tf.reshape(this.mlp(this.disc, x, false), [-1]) as tf.Tensor1D);
  }

  private scores(x: tf.Tensor2D, frozen: boolean): tf.Tensor1D {
    return tf.tidy(() => tf.reshape(this.mlp(this.disc, x, frozen), [-1]) as tf.Tensor1D);
  }

  /** D(x) = σ(a(x)), the discriminator's probability that x is data: x [n, dim] → [n]. */
  discriminate(x: tf.Tensor2D): tf.Tensor1D {
    DISCRIMINATE.check(arguments, undefined, this);
    return tf.tidy(() => tf.sigmoid(this.logits(x)) as tf.Tensor1D);
  }

  /** n samples x̃ = G(z), z ~ N(0, I) from `rng`: [n, dim]. */
  sample(rng: Rng, n: number): tf.Tensor2D {
    SAMPLE.check(arguments);
    return tf.tidy(() => this.mlp(this.gen, rng.normal([n, this.latentDim]) as tf.Tensor2D, false));
  }

  get generatorVariables(): tf.Variable[] {
    return this.gen.flatMap((l) => [l.W, l.b]);
  }

  get discriminatorVariables(): tf.Variable[] {
    return this.disc.flatMap((l) => [l.W, l.b]);
  }

  /** Both players' weights, generator first (the order checkpoints keep). */
  get variables(): tf.Variable[] {
    return [...this.generatorVariables, ...this.discriminatorVariables];
  }

  /**
   * ‖∇_θG L_G‖, the size of the generator's gradient for one loss at latent draws z [n, latentDim] (D62: the
   * minimax loss's is the non-saturating one's scaled per sample by D/(1 − D), small when D rejects the fakes).
   * Example: `gan.generatorGradientNorm(z, 'minimax')`.
   */
  generatorGradientNorm(z: tf.Tensor2D, loss: GanLoss): number {
    GRAD.check(arguments, undefined, this);
    // variableGrads returns the loss too: it is freed with the gradients
    const { value: lossValue, grads } = tf.variableGrads(() => generatorLoss(this.scores(this.mlp(this.gen, z, false), true), loss), this.generatorVariables);
    const norm = tf.tidy(() => tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g))))));
    const value = norm.dataSync()[0];
    tf.dispose([norm, lossValue, ...Object.values(grads)]);
    return value;
  }

  /** The data side of a batch for ll.fit: the points, z ~ N(0, I) [B, latentDim], and u ~ U(0, 1) [B, 1] for the penalty. */
  prepareBatch(rng: Rng, batch: Batch, objective?: GanObjective): { x: tf.Tensor2D; z: tf.Tensor2D; u: tf.Tensor2D } {
    PREPARE.check(arguments, undefined, this);
    const n = batch.x.shape[0];
    return { x: batch.x, z: rng.normal([n, this.latentDim]) as tf.Tensor2D, u: rng.uniform([n, 1]) as tf.Tensor2D };
  }

  /**
   * Both players' losses in one scalar for ll.fit, each reading the other through stopGradient:
   *
   *     L = L_D(a; x, stop(G(z))) + L_G(G; stop(a))      (wgan-gp: L_f = E f(x̃) − E f(x) + λ E(‖∇f(x̂)‖ − 1)²)
   *
   * recorded terms: `discriminator` (L_D or L_f) and `generator` (L_G).
   * Example: `await ll.fit(gan, points, { steps: 2000, seed: 0, objective: { type: 'wgan-gp' } })`.
   */
  trainingLoss(_rng: Rng, b: { x: tf.Tensor2D; z: tf.Tensor2D; u: tf.Tensor2D }, objective?: GanObjective): LossWithTerms {
    LOSS.check(arguments, undefined, this);
    const o = objective as GanObjective;
    return tf.tidy(() => {
      const fake = this.mlp(this.gen, b.z, false);
      const fakeStopped = stopGradient(fake);
      const real = this.scores(b.x, false), fakeD = this.scores(fakeStopped, false);
      const dLoss = o.type === 'wgan-gp'
        ? criticLoss(real, fakeD, gradientPenalty((x) => this.scores(x, false), b.x, fakeStopped, b.u), o.penalty ?? 10)
        : discriminatorLoss(real, fakeD);
      const gLoss = generatorLoss(this.scores(fake, true), o.type);
      const k = o.criticSteps ?? 1;
      const generatorMoves = (o.train ?? 'both') === 'both' && (this.stepsTaken + 1) % k === 0;
      const loss = tf.add(dLoss, generatorMoves ? gLoss : tf.mul(gLoss, 0)) as tf.Scalar;
      return { loss, terms: { discriminator: dLoss, generator: gLoss } };
    });
  }

  /** Counts ll.fit's steps (criticSteps reads it). */
  afterStep(_rng: Rng, _batch: Batch, step: number): void {
    this.stepsTaken = step;
  }

  /** Frees both players' weights. */
  dispose(): void {
    tf.dispose(this.variables);
  }
}
