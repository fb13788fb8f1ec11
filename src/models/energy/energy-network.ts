// An energy-based model (lecture 003, "energy-based models"): a density known up to its normalizer,
//   p_θ(x) = exp(−E_θ(x)) / Z_θ,   Z_θ = ∫ exp(−E_θ(x)) dx,
// with E_θ any network. Z_θ is what makes the model hard: the likelihood's gradient needs samples of p_θ
// (D57, contrastive-divergence.ts), or an objective that never sees Z (noise-contrastive estimation, nce.ts;
// score matching, energy-score-matching.ts), and its log-likelihood needs an estimate of log Z_θ
// (annealed-importance-sampling.ts). The score −∇_x E_θ needs no Z, so Langevin dynamics samples p_θ.
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../random/rng';
import { Dense } from '../../ops/dense';
import type { ScoreFunction } from '../diffusion/score-network';
import { checkKind, contract, count, num, optional, options as optionsKind, rngKind, tensor } from '../../validation/contract';
import { checkWeightsGenerator } from '../../validation/initial-weights';

/** An energy of points x [n, d] → [n]: p(x) ∝ exp(−E(x)). */
export type EnergyFunction = (x: tf.Tensor2D) => tf.Tensor1D;

const ENERGY_NETWORK = contract('EnergyNetwork', {
  rng: rngKind(),
  dim: count({ min: 1, max: 1024 }),
  options: optional(optionsKind({ hidden: count({ min: 1, max: 4096 }), confinement: num({ above: 0, max: 1e6 }) })),
});
const POINTS = tensor({ shape: ['n', (c) => (c.self as { dim: number }).dim] });

let instances = 0;

/**
 * An energy network for d-D points, E_θ(x) = f_θ(x) + ‖x‖²/(2τ²), with f_θ an MLP
 * x → hidden → SiLU → hidden → SiLU → 1. The fixed quadratic term (τ = `confinement`, default 4) makes
 * Z_θ = ∫ exp(−E_θ) finite for every θ: f_θ grows at most linearly, so exp(−E_θ) decays like a Gaussian and
 * no training step can send mass to infinity. SiLU (smooth) rather than ReLU: Langevin dynamics and score
 * matching use ∇_x E, and score matching differentiates it again in θ.
 *
 *     p_θ(x) = exp(−E_θ(x)) / Z_θ,   score ∇_x log p_θ(x) = −∇_x E_θ(x)   (no Z needed; D57 for the likelihood gradient)
 *
 * Shapes: x [n, d] → energy [n], score [n, d].
 *
 * @example
 * ```ts
 * const energy = new ll.models.EnergyNetwork(ll.rng(0), 2, { hidden: 64 });
 * const e = energy.energy(ll.tf.tensor2d([[0, 0], [1, 1]]));   // [2]
 * const x = ll.models.langevinSample(ll.rng(1), energy.scoreFunction, 500, { dim: 2, sigmas: [1], steps: 200, stepSize: 0.01 });
 * ```
 */
export class EnergyNetwork {
  readonly layers: Dense[];
  /** τ of the quadratic confinement ‖x‖²/(2τ²). */
  readonly confinement: number;

  /** `dim` coordinates per point; `hidden` width (default 64); `confinement` τ (default 4); weights drawn from `rng`. */
  constructor(rng: Rng, readonly dim: number, options: { hidden?: number; confinement?: number } = {}) {
    checkWeightsGenerator('EnergyNetwork', rng, options, 'options');
    ENERGY_NETWORK.check(arguments);
    const hidden = options.hidden ?? 64;
    this.confinement = options.confinement ?? 4;
    const scope = `energy${++instances}`;
    this.layers = [new Dense(rng, dim, hidden, 'l1', scope), new Dense(rng, hidden, hidden, 'l2', scope), new Dense(rng, hidden, 1, 'l3', scope)];
  }

  /** The trainable weights. */
  get variables(): tf.Variable[] {
    return this.layers.flatMap((l) => l.variables);
  }

  /** E_θ(x) for x [n, d] → [n]. */
  energy(x: tf.Tensor2D): tf.Tensor1D {
    checkKind(POINTS, x, 'x', 'EnergyNetwork.energy', { self: this });
    return tf.tidy(() => {
      // plain matMul + SiLU (not the fused dense kernel): score matching differentiates ∇_x E again in θ
      const silu = (h: tf.Tensor) => tf.mul(h, tf.sigmoid(h));
      const layer = (l: Dense, h: tf.Tensor) => tf.add(tf.matMul(h as tf.Tensor2D, l.W as tf.Tensor2D), l.b);
      const h1 = silu(layer(this.layers[0], x));
      const h2 = silu(layer(this.layers[1], h1));
      const f = tf.squeeze(layer(this.layers[2], h2), [1]);
      return tf.add(f, tf.div(tf.sum(tf.square(x), 1), 2 * this.confinement ** 2)) as tf.Tensor1D;
    });
  }

  /** The score −∇_x E_θ(x) for x [n, d] → [n, d] (rows are independent, so one gradient of Σ_n E gives every row's). */
  score(x: tf.Tensor2D): tf.Tensor2D {
    checkKind(POINTS, x, 'x', 'EnergyNetwork.score', { self: this });
    return tf.tidy(() => tf.neg(tf.grad((xx: tf.Tensor) => tf.sum(this.energy(xx as tf.Tensor2D)))(x)) as tf.Tensor2D);
  }

  /** The network as an EnergyFunction, for annealedImportanceSampling and logPartitionByQuadrature. */
  get energyFunction(): EnergyFunction {
    return (x) => this.energy(x);
  }

  /** The score as a ScoreFunction for langevinSample (σ is ignored: an energy has one noise level, none). */
  get scoreFunction(): ScoreFunction {
    return (x) => this.score(x);
  }

  /** Frees the weights. */
  dispose(): void {
    this.layers.forEach((l) => l.dispose());
  }
}
