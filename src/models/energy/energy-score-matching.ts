// Fitting an energy by denoising score matching (lecture 003: "fitting without Z by score matching"; the same
// objective as notebook 11's score network, D45/D50). An energy's score is −∇_x E_θ(x) and needs no Z_θ, so
// the denoising loss trains it directly:
//   J(θ) = E_{x, ε} ‖σ s_θ(x + σε) + ε‖²,   s_θ = −∇_x E_θ,
// minimized (over all scores) by the score of the blurred data q_σ = p_data ∗ N(0, σ²I) (Vincent 2011). So the
// fitted p_θ is q_σ, not p_data: a small σ blurs little but makes the loss noisy. The gradient in θ goes
// through ∇_x E_θ: a second derivative, which is why the energy network is smooth (SiLU).
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../random/rng';
import type { Batch } from '../../training/trainable';
import { dsmLossTerms } from '../diffusion/score-network';
import { anything, contract, instance, num, optional, options as optionsKind, rngKind, tensor } from '../../validation/contract';
import { batch as batchKind } from '../../validation/batch';
import { EnergyNetwork } from './energy-network';

const ESM = contract('EnergyScoreMatching', {
  energy: instance(EnergyNetwork),
  options: optional(optionsKind({ sigma: num({ above: 0, max: 1e3 }) })),
});

// the methods' contracts: points [n, d] with the energy's d; the first tensor binds n
const POINTS = tensor({ shape: (c) => ['n', (c.self as EnergyScoreMatching).energy.dim] });
const PREPARE = contract('EnergyScoreMatching.prepareBatch', { rng: rngKind(), batch: batchKind(POINTS), objective: optional(anything()) });
const LOSS = contract('EnergyScoreMatching.trainingLoss', {
  rng: anything(), b: batchKind(POINTS, { eps: POINTS, sigma: tensor({ shape: ['n'] }) }, ['x', 'eps', 'sigma']), objective: optional(anything()),
});

/** The prepared batch: data x [B, d], noise ε [B, d] and the level σ per row [B]. */
export interface EnergyScoreBatch { x: tf.Tensor2D; eps: tf.Tensor2D; sigma: tf.Tensor1D }

/**
 * Denoising score matching of an EnergyNetwork at one noise level σ (`sigma`, default 0.1), as a model
 * `ll.fit` trains; the loss is `dsmLossTerms` (notebook 11's) with the energy's score −∇_x E_θ:
 *
 *     L(θ) = (1/B) Σ_b ‖σ s_θ(x_b + σ ε_b) + ε_b‖²,   s_θ = −∇_x E_θ;   minimizer: p_θ = p_data ∗ N(0, σ²I)   (D45, D50)
 *
 * Shapes: data [B, d].
 *
 * @example
 * ```ts
 * const energy = new ll.models.EnergyNetwork(ll.rng(0), 2);
 * await ll.fit(new ll.models.EnergyScoreMatching(energy, { sigma: 0.1 }), ll.data.gaussianRing(ll.rng(1), 2000), { steps: 1000, seed: 0 });
 * ```
 */
export class EnergyScoreMatching {
  readonly sigma: number;

  /** No random initial values: the energy is given. */
  constructor(readonly energy: EnergyNetwork, options: { sigma?: number } = {}) {
    ESM.check(arguments);
    this.sigma = options.sigma ?? 0.1;
  }

  /** The energy's weights. */
  get variables(): tf.Variable[] {
    return this.energy.variables;
  }

  /** Coordinates per point. */
  get dim(): number {
    return this.energy.dim;
  }

  /** ε ~ N(0, I) [B, d] and σ per row, outside the gradient tape. */
  prepareBatch(rng: Rng, batch: Batch): EnergyScoreBatch {
    PREPARE.check(arguments, undefined, this);
    const n = batch.x.shape[0];
    return { x: batch.x, eps: rng.normal([n, this.energy.dim]) as tf.Tensor2D, sigma: tf.fill([n], this.sigma) as tf.Tensor1D };
  }

  /** The mean denoising score-matching loss of −∇_x E_θ. */
  trainingLoss(_rng: Rng, b: EnergyScoreBatch): tf.Scalar {
    LOSS.check(arguments, undefined, this);
    return tf.tidy(() => tf.mean(dsmLossTerms((x) => this.energy.score(x), b.x, b.eps, b.sigma)) as tf.Scalar);
  }
}
