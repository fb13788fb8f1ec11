// One step of an inverse autoregressive flow (Kingma et al. 2016; lecture 000: "more expressive posteriors:
// autoregressive, flow-based"; lecture 001: normalizing flows as posteriors), conditioned on a context h(x):
//   (μ, s) = MADE(z, h),  σ = sigmoid(s),  z' = σ ⊙ z + (1 − σ) ⊙ μ
// μ_d and s_d see only z_<d (masked weights, as in MADE) and the context, so ∂z'/∂z is lower-triangular with
// diagonal σ and log|det ∂z'/∂z| = Σ_d log σ_d (D35's change of variables with a triangular Jacobian): one pass
// gives the step and its log-determinant, for any number of latent dimensions — unlike a planar step, which
// moves z along one direction. The gate form (σ z + (1 − σ) μ) with s biased positive starts near the identity.
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../random/rng';
import { Dense } from '../../ops/dense';
import { autoregressiveMask } from '../autoregressive/mask';
import { integerAtLeast, positiveInteger } from '../../validation/arguments';
import { checkWeightsGenerator } from '../../validation/initial-weights';
import { checkKind, tensor } from '../../validation/contract';
import { weightsFit } from '../../validation/model-size';

// s starts near +1.5, σ near 0.82: each step begins close to the identity (Kingma et al. 2016, §A)
const GATE_BIAS = 1.5;

/**
 * An inverse-autoregressive-flow step with a context (D35, see docs/derivations.md#d35):
 *
 *     (μ, s) = MADE(z, h),  σ = sigmoid(s),  z' = σ ⊙ z + (1 − σ) ⊙ μ,   log|det ∂z'/∂z| = Σ_d log σ_d
 *
 * μ_d, s_d depend on z_1 … z_{d−1} and h only (masked weights), so the Jacobian is lower-triangular with diagonal σ.
 * Shapes: z [K, B, M] (or [B, M]), h [B, C] → z' like z, logDet [K, B] (or [B]). M ≥ 2.
 *
 * @example
 * ```ts
 * const step = new ll.models.IAFStep(ll.rng(0), 4, 8, 16, 'iaf/0');
 * const { z, logDet } = step.forward(ll.rng(1).normal([5, 3, 4]), ll.rng(2).normal([3, 8]));   // [5, 3, 4], [5, 3]
 * ```
 */
export class IAFStep {
  readonly zToHidden: tf.Variable;
  readonly context: Dense;
  readonly toMean: Dense;
  readonly toGate: Dense;
  private readonly inMask: tf.Tensor2D;
  private readonly outMask: tf.Tensor2D;

  /**
   * Weights drawn from `rng`; latentDim M ≥ 2, contextDim C, hiddenDim H (the MADE's one hidden layer); `name`
   * names the variables inside their model (`${scope}/${name}/…`).
   */
  constructor(rng: Rng, readonly latentDim: number, readonly contextDim: number, readonly hiddenDim: number, readonly name: string, scope = 'iaf') {
    checkWeightsGenerator('IAFStep', rng);
    integerAtLeast(latentDim, 2, 'IAFStep', 'latentDim');
    positiveInteger(contextDim, 'IAFStep', 'contextDim');
    positiveInteger(hiddenDim, 'IAFStep', 'hiddenDim');
    // z → hidden (and its mask), context → hidden, hidden → mean and gate (and their masks)
    checkKind(weightsFit(['latentDim', 'contextDim', 'hiddenDim'], '2 × latentDim × hiddenDim + contextDim × hiddenDim + 4 × hiddenDim × latentDim',
      (c) => 2 * c.latentDim * c.hiddenDim + c.contextDim * c.hiddenDim + 4 * c.hiddenDim * c.latentDim), { latentDim, contextDim, hiddenDim }, 'latentDim × hiddenDim', 'IAFStep');
    const M = latentDim;
    // degrees: input z_d has d + 1 ∈ {1 … M}; hidden unit k has 1 + (k mod (M − 1)) ∈ {1 … M − 1}
    const hiddenDegree = (k: number) => 1 + (k % (M - 1));
    this.inMask = autoregressiveMask(M, hiddenDim, (d, k) => hiddenDegree(k) >= d + 1);
    this.outMask = autoregressiveMask(hiddenDim, M, (k, d) => d + 1 > hiddenDegree(k));
    const bound = 1 / Math.sqrt(M);
    this.zToHidden = tf.tidy(() => tf.variable(rng.tensor([M, hiddenDim], (r) => bound * (2 * r.nextUniform() - 1)), true, `${scope}/${name}/zToHidden`));
    this.context = new Dense(rng, contextDim, hiddenDim, `${name}/context`, scope);
    this.toMean = new Dense(rng, hiddenDim, M, `${name}/mean`, scope);
    this.toGate = new Dense(rng, hiddenDim, M, `${name}/gate`, scope);
  }

  /** z' and log|det ∂z'/∂z| for z [K, B, M] or [B, M] and the context h [B, C]. */
  forward(z: tf.Tensor, h: tf.Tensor): { z: tf.Tensor; logDet: tf.Tensor } {
    const M = this.latentDim;
    // z binds B, the points; h holds one context per point
    const ctx = { dims: {} };
    checkKind(tensor({ shape: [['K', 'B', M], ['B', M]] }), z, 'z', 'IAFStep.forward', ctx);
    checkKind(tensor({ shape: ['B', this.contextDim], must: `be [${z.shape[z.rank - 2]}, ${this.contextDim}] (one context per point)` }), h, 'h', 'IAFStep.forward', ctx);
    return tf.tidy(() => {
      const flat = tf.reshape(z, [-1, M]) as tf.Tensor2D;
      const fromZ = tf.reshape(tf.matMul(flat, tf.mul(this.zToHidden, this.inMask) as tf.Tensor2D), [...z.shape.slice(0, -1), this.hiddenDim]);
      const hidden = tf.relu(tf.add(fromZ, this.context.apply(h)));
      const masked = (layer: Dense) => tf.add(tf.matMul(tf.reshape(hidden, [-1, this.hiddenDim]) as tf.Tensor2D, tf.mul(layer.W, this.outMask) as tf.Tensor2D), layer.b);
      const mean = tf.reshape(masked(this.toMean), z.shape);
      const s = tf.reshape(tf.add(masked(this.toGate), GATE_BIAS), z.shape);
      const gate = tf.sigmoid(s);
      const out = tf.add(tf.mul(gate, z), tf.mul(tf.sub(1, gate), mean));
      // log σ = −softplus(−s), stable for large |s|
      const logDet = tf.sum(tf.neg(tf.softplus(tf.neg(s))), -1);
      return { z: out, logDet };
    });
  }

  get variables(): tf.Variable[] {
    return [this.zToHidden, ...this.context.variables, ...this.toMean.variables, ...this.toGate.variables];
  }

  /** Frees the step's variables and masks. */
  dispose(): void {
    tf.dispose([this.zToHidden, ...this.context.variables, ...this.toMean.variables, ...this.toGate.variables, this.inMask, this.outMask]);
  }
}
