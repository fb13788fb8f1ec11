// An exponential moving average of the weights (Polyak averaging as diffusion models use it): the averaged
// weights θ̄ give better samples than the last iterate early in training, when the iterates still jump around
// by the minibatch noise. The warm-up d_k = min(d, (1 + k)/(10 + k)) lets θ̄ forget the initialization fast.
import * as tf from '@tensorflow/tfjs-core';
import { arrayOf, contract, num, tensor } from '../validation/contract';

const WEIGHT_AVERAGE = contract('WeightAverage', { variables: arrayOf(tensor()), decay: { ...num({ min: 0, below: 1 }), expected: 'in [0, 1)' } });

/**
 * θ̄ ← d_k θ̄ + (1 − d_k) θ after step k, d_k = min(d, (1 + k)/(10 + k)); `averaged(f)` runs f with θ̄ in the
 * variables, `finish()` leaves θ̄ there for good.
 *
 * @example
 * ```ts
 * const avg = new WeightAverage(model.variables, 0.995);
 * // after each optimizer step k: avg.update(k)
 * avg.finish();   // the model now holds θ̄
 * ```
 */
export class WeightAverage {
  private average: tf.Variable[];

  /**
   * @param variables  the weights θ to average (copied now: θ̄ starts at θ)
   * @param decay  d in [0, 1)
   */
  constructor(readonly variables: tf.Variable[], readonly decay: number) {
    WEIGHT_AVERAGE.check(arguments);
    this.average = variables.map((v) => tf.variable(v, false));
  }

  /** The averaged weights θ̄, one per variable (live: do not dispose). */
  get tensors(): tf.Variable[] { return this.average; }

  /** θ̄ ← d_k θ̄ + (1 − d_k) θ for step k (1-based). */
  update(step: number): void {
    const d = Math.min(this.decay, (1 + step) / (10 + step));
    tf.tidy(() => this.average.forEach((a, i) => a.assign(tf.add(tf.mul(a, d), tf.mul(this.variables[i], 1 - d)))));
  }

  /** Runs f with θ̄ in the variables and puts θ back after (also when f throws). */
  averaged<R>(f: () => R): R {
    this.swap();
    try { return f(); } finally { this.swap(); }
  }

  /** Copies θ̄ into the variables for good and frees the copies. */
  finish(): void {
    this.variables.forEach((v, i) => v.assign(this.average[i]));
    this.dispose();
  }

  /** Frees θ̄ (the variables keep what they hold). */
  dispose(): void {
    this.average.forEach((a) => a.dispose());
    this.average = [];
  }

  private swap(): void {
    tf.tidy(() => this.variables.forEach((v, i) => { const keep = tf.clone(v); v.assign(this.average[i]); this.average[i].assign(keep); }));
  }
}
