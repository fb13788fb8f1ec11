// Invertible layers for normalizing flows (lectures 000, 003). Each maps x [B, d] to y [B, d] and
// reports log|det ∂y/∂x| [B]; the inverse reports log|det ∂x/∂y| = −(forward log-det at x)  (D35, D36).
import * as tf from '@tensorflow/tfjs-core';

export interface Bijector {
  readonly name: string;
  /** y = f(x) and log|det ∂f/∂x| per row. */
  forward(x: tf.Tensor2D): { y: tf.Tensor2D; logDet: tf.Tensor1D };
  /** x = f⁻¹(y) and log|det ∂f⁻¹/∂y| per row. */
  inverse(y: tf.Tensor2D): { x: tf.Tensor2D; logDet: tf.Tensor1D };
  /** Trainable variables (none for fixed layers). */
  readonly variables: tf.Variable[];
}

export function checkRows(x: tf.Tensor, dim: number, who: string): void {
  if (x.rank !== 2 || x.shape[1] !== dim) throw new Error(`${who}: input must have shape [batch, ${dim}], got [${x.shape}]`);
}

/**
 * A chain of bijectors applied in order: y = f_K(…f_1(x)); log-determinants add  (D36).
 *
 *     log|det ∂y/∂x| = Σ_k log|det ∂f_k/∂(input of f_k)|   (see docs/derivations.md#d36)
 *
 * @example
 * ```ts
 * const f = new ll.models.Chain([new ll.models.AffineCoupling([1, 0], ll.rng(0)), new ll.models.Permutation([1, 0])]);
 * f.forward(ll.tf.tensor2d([[0.5, -1]]));   // { y, logDet }
 * ```
 */
export class Chain implements Bijector {
  readonly name = 'chain';
  /**
   * The composition of `layers`, applied in order (the first layer sees the input).
   *
   * @param layers  at least one bijector, all of the same dimension
   */
  constructor(readonly layers: Bijector[]) {
    if (!Array.isArray(layers) || layers.length === 0) throw new Error('Chain: needs at least one bijector');
  }

  forward(x: tf.Tensor2D) {
    return tf.tidy(() => {
      let y = x, logDet = tf.zeros([x.shape[0]]) as tf.Tensor1D;
      for (const l of this.layers) { const r = l.forward(y); y = r.y; logDet = tf.add(logDet, r.logDet) as tf.Tensor1D; }
      return { y, logDet };
    });
  }

  inverse(y: tf.Tensor2D) {
    return tf.tidy(() => {
      let x = y, logDet = tf.zeros([y.shape[0]]) as tf.Tensor1D;
      for (const l of [...this.layers].reverse()) { const r = l.inverse(x); x = r.x; logDet = tf.add(logDet, r.logDet) as tf.Tensor1D; }
      return { x, logDet };
    });
  }

  get variables(): tf.Variable[] {
    return this.layers.flatMap((l) => l.variables);
  }
}
