// Maximum likelihood for an energy-based model (lecture 003: "the log-partition gradient estimated by
// MCMC — contrastive divergence"). The log-likelihood's gradient is a data term minus a model expectation,
//   ∇_θ log p_θ(x) = −∇_θ E_θ(x) + E_{x'~p_θ}[∇_θ E_θ(x')]   (D57),
// because ∇_θ log Z_θ = E_{p_θ}[−∇_θ E_θ]. The expectation is estimated with samples of p_θ from Langevin
// chains that persist across steps (Tieleman 2008): each step moves them a little under the current energy,
// so they stay near p_θ as θ changes slowly, without a burn-in per step.
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../random/rng';
import type { Batch, LossWithTerms } from '../../training/trainable';
import { langevinSample } from '../diffusion/score-network';
import { anything, contract, count, instance, num, optional, options as optionsKind, rngKind, tensor } from '../../validation/contract';
import { batch as batchKind } from '../../validation/batch';
import { checkWeightsGenerator } from '../../validation/initial-weights';
import { EnergyNetwork } from './energy-network';

const CD = contract('ContrastiveDivergence', {
  rng: rngKind(),
  energy: instance(EnergyNetwork),
  options: optional(optionsKind({
    chains: count({ min: 1, max: 1e6 }), steps: count({ min: 1, max: 1e4 }), stepSize: num({ above: 0, max: 10 }),
    restart: num({ min: 0, max: 1 }), initScale: num({ above: 0, max: 1e3 }), regularization: num({ min: 0, max: 1e3 }),
  })),
});

// the methods' contracts, checked before anything is drawn: points [·, d] with the energy's d
const POINTS = tensor({ shape: (c) => ['n', (c.self as ContrastiveDivergence).energy.dim] });
const PREPARE = contract('ContrastiveDivergence.prepareBatch', { rng: rngKind(), batch: batchKind(POINTS), objective: optional(anything()) });
const LOSS = contract('ContrastiveDivergence.trainingLoss', {
  rng: anything(), b: batchKind(POINTS, { negatives: tensor({ shape: (c) => ['chains', (c.self as ContrastiveDivergence).energy.dim] }) }, ['x', 'negatives']),
  objective: optional(anything()),
});

/** The prepared batch: data x [B, d] and the chains' current points x⁻ [chains, d]. */
export interface ContrastiveBatch { x: tf.Tensor2D; negatives: tf.Tensor2D }

/**
 * Persistent contrastive divergence for an EnergyNetwork, as a model `ll.fit` trains. Each step advances
 * `chains` persistent Langevin chains by `steps` updates x ← x − (α/2)∇_x E_θ(x) + √α z (α = `stepSize`;
 * a fraction `restart` of the chains restarts from N(0, initScale² I), so no region is left unvisited), then
 * minimizes
 *
 *     L(θ) = mean_b E_θ(x_b) − mean_j E_θ(x⁻_j) + λ (mean_b E_θ(x_b)² + mean_j E_θ(x⁻_j)²),
 *
 * whose gradient in θ (x⁻ held fixed) is −(1/B)Σ_b ∇_θ log p_θ(x_b) estimated by D57; λ = `regularization`
 * (default 0.001; Du & Mordatch 2019) keeps the energies' offset from drifting, which D57 leaves free (an energy
 * plus a constant is the same density). A large λ also caps the energies' range, and so how peaked p_θ can be:
 * 0.1 left a Gaussian of sd 0.4 less than half as peaked as the data after 200 steps.
 * Shapes: data [B, d], chains [chains, d].
 *
 * @example
 * ```ts
 * const energy = new ll.models.EnergyNetwork(ll.rng(0), 2);
 * const cd = new ll.models.ContrastiveDivergence(ll.rng(1), energy, { chains: 256, steps: 10 });
 * await ll.fit(cd, ll.data.gaussianRing(ll.rng(2), 2000), { steps: 1000, seed: 0, batchSize: 256 });
 * cd.chains;   // [256, 2]: samples of the trained p_θ
 * ```
 */
export class ContrastiveDivergence {
  /** The persistent chains [chains, d]. */
  chains: tf.Tensor2D;
  readonly steps: number;
  readonly stepSize: number;
  readonly restart: number;
  readonly initScale: number;
  readonly regularization: number;

  /**
   * `chains` (default 256) persistent chains started from N(0, initScale² I) drawn from `rng` (initScale default 2);
   * `steps` Langevin updates per training step (default 10) of size `stepSize` α (default 0.01).
   */
  constructor(rng: Rng, readonly energy: EnergyNetwork,
    options: { chains?: number; steps?: number; stepSize?: number; restart?: number; initScale?: number; regularization?: number } = {}) {
    checkWeightsGenerator('ContrastiveDivergence', rng, options, 'options');
    CD.check(arguments);
    this.steps = options.steps ?? 10;
    this.stepSize = options.stepSize ?? 0.01;
    this.restart = options.restart ?? 0.05;
    this.initScale = options.initScale ?? 2;
    this.regularization = options.regularization ?? 0.001;
    const chains = options.chains ?? 256;
    this.chains = tf.tidy(() => tf.mul(rng.normal([chains, energy.dim]), this.initScale) as tf.Tensor2D);
  }

  /** The energy's weights (the chains are not trained). */
  get variables(): tf.Variable[] {
    return this.energy.variables;
  }

  /** Coordinates per point. */
  get dim(): number {
    return this.energy.dim;
  }

  /** Restarts a fraction of the chains, advances all by `steps` Langevin updates (outside the gradient tape). */
  prepareBatch(rng: Rng, batch: Batch): ContrastiveBatch {
    PREPARE.check(arguments, undefined, this);
    const [n, d] = this.chains.shape;
    const restarted = tf.tidy(() => {
      const fresh = tf.mul(rng.normal([n, d]), this.initScale);
      const keep = tf.tensor2d(Array.from({ length: n }, () => (rng.nextUniform() < this.restart ? 0 : 1)), [n, 1]);
      return tf.add(tf.mul(keep, this.chains), tf.mul(tf.sub(1, keep), fresh)) as tf.Tensor2D;
    });
    const next = langevinSample(rng, this.energy.scoreFunction, n, { dim: d, sigmas: [1], steps: this.steps, stepSize: this.stepSize, init: restarted });
    restarted.dispose();
    this.chains.dispose();
    // fit runs prepareBatch inside tf.tidy: the chains outlive the step
    this.chains = tf.keep(next);
    return { x: batch.x, negatives: tf.clone(next) };
  }

  /** mean E(x) − mean E(x⁻) + λ(mean E(x)² + mean E(x⁻)²), with the CD difference recorded as `cd`. */
  trainingLoss(_rng: Rng, b: ContrastiveBatch): LossWithTerms {
    LOSS.check(arguments, undefined, this);
    const cd = tf.tidy(() => {
      const pos = this.energy.energy(b.x), neg = this.energy.energy(b.negatives);
      const difference = tf.sub(tf.mean(pos), tf.mean(neg)) as tf.Scalar;
      const penalty = tf.mul(tf.add(tf.mean(tf.square(pos)), tf.mean(tf.square(neg))), this.regularization);
      return { loss: tf.add(difference, penalty) as tf.Scalar, difference };
    });
    return { loss: cd.loss, terms: { cd: cd.difference } };
  }

  /** Frees the chains (the energy is the caller's). */
  dispose(): void {
    this.chains.dispose();
  }
}

