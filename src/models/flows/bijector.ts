// Invertible layers for normalizing flows (lectures 000, 003), one interface for every flow of the library
// as distrax and TFP have it: a bijector acts on events of `eventNdims` trailing axes (1 for points
// x [B, d], 3 for images x [B, H, W, C]) and reports log|det ∂y/∂x| once per event [B], the Jacobian taken
// over the event's flattened entries; the inverse reports log|det ∂x/∂y| = −(forward log-det at x)  (D35, D36).
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, arrayOf, checkKind, record, tensor, where } from '../../validation/contract';

// a chain's layers all act on events of one rank (points, or images)
const LAYERS = where({ ...arrayOf(record('a bijector'), { minLength: 1 }), expected: 'a non-empty array of bijectors' }, 'act on events of one rank',
  (layers: { name: string; eventNdims: number }[]) => {
    const other = layers.find((l) => l.eventNdims !== layers[0].eventNdims);
    return !other || `got '${layers[0].name}' with eventNdims ${layers[0].eventNdims} and '${other.name}' with ${other.eventNdims}`;
  });

/**
 * An invertible map y = f(x) on events of `eventNdims` trailing axes, with its log-determinant:
 *
 *     log p_Y(y) = log p_X(f⁻¹(y)) + log|det ∂f⁻¹/∂y|   (D35, see docs/derivations.md#d35)
 *
 * `forward` returns y and log|det ∂f/∂x| together (distrax's forward_and_log_det: every caller needs both,
 * and the log-det reuses the forward's intermediates). Shapes: x [B, …event] → y [B, …event'] with as many
 * entries per event; log-det [B]. `T` is the tensor type: `Bijector` alone (points [B, d], eventNdims 1),
 * `Bijector<tf.Tensor4D>` for images (eventNdims 3).
 *
 * @example
 * ```ts
 * const layer: ll.models.Bijector = new ll.models.Permutation([1, 0]);
 * layer.eventNdims;                                   // 1
 * layer.forward(ll.tf.tensor2d([[1, 2]]));            // { y: [[2, 1]], logDet: [0] }
 * ```
 */
export interface Bijector<T extends tf.Tensor = tf.Tensor2D> {
  readonly name: string;
  /** How many trailing axes make one event (1: a point [B, d]; 3: an image [B, H, W, C]); log-dets are per event. */
  readonly eventNdims: number;
  /** y = f(x) and log|det ∂f/∂x| per event. */
  forward(x: T): { y: T; logDet: tf.Tensor1D };
  /** x = f⁻¹(y) and log|det ∂f⁻¹/∂y| per event. */
  inverse(y: T): { x: T; logDet: tf.Tensor1D };
  /** Trainable variables (none for fixed layers). */
  readonly variables: tf.Variable[];
}

/** Throws, naming the caller, unless x is a batch of points [B, dim] (eventNdims 1). */
export function checkRows(x: tf.Tensor, dim: number, who: string): void {
  checkKind(tensor({ shape: ['batch', dim] }), x, who.endsWith('.inverse') ? 'y' : 'x', who);
}

/** Throws, naming the argument, unless x is a batch of images [B, H, W, C] with the given H, W, C (eventNdims 3). */
export function checkImage(x: tf.Tensor, shape: [number, number, number], who: string, arg: string): void {
  checkKind(tensor({ shape: ['B', ...shape] }), x, arg, who);
}

/**
 * Runs layer i of a chain, so a layer's refusal of what reaches it names the chain's call and its argument first
 * ("Chain.forward: x does not fit layer 0 ('permutation'): Permutation.forward: x must have shape [batch, 2], got [2, 3]").
 */
function atLayer<R>(fn: string, arg: string, i: number, name: string, f: () => R): R {
  try {
    return f();
  } catch (e) {
    if (e instanceof ArgumentError && !e.message.startsWith(fn)) e.message = `${fn}: ${arg} does not fit layer ${i} ('${name}'): ${e.message}`;
    throw e;
  }
}

/**
 * A chain of bijectors applied in order: y = f_K(…f_1(x)); log-determinants add  (D36).
 *
 *     log|det ∂y/∂x| = Σ_k log|det ∂f_k/∂(input of f_k)|   (see docs/derivations.md#d36)
 *
 * All layers act on events of the same rank (their `eventNdims`), points or images alike.
 * Shapes: x [B, …event] → y [B, …event'], log-det [B].
 *
 * @example
 * ```ts
 * const f = new ll.models.Chain([new ll.models.AffineCoupling(ll.rng(0), [1, 0]), new ll.models.Permutation([1, 0])]);
 * f.forward(ll.tf.tensor2d([[0.5, -1]]));   // { y, logDet }
 * ```
 */
export class Chain<T extends tf.Tensor = tf.Tensor2D> implements Bijector<T> {
  readonly name = 'chain';
  readonly eventNdims: number;
  /**
   * The composition of `layers`, applied in order (the first layer sees the input).
   *
   * @param layers  at least one bijector, all with the same `eventNdims`
   */
  constructor(readonly layers: Bijector<T>[]) {
    checkKind(LAYERS, layers, 'layers', 'Chain');
    this.eventNdims = layers[0].eventNdims;
  }

  forward(x: T) {
    checkKind(tensor({ rank: this.eventNdims + 1 }), x, 'x', 'Chain.forward');
    return tf.tidy(() => {
      let y = x, logDet = tf.zeros([x.shape[0]]) as tf.Tensor1D;
      this.layers.forEach((l, i) => { const r = atLayer('Chain.forward', 'x', i, l.name, () => l.forward(y)); y = r.y; logDet = tf.add(logDet, r.logDet) as tf.Tensor1D; });
      return { y, logDet };
    });
  }

  inverse(y: T) {
    checkKind(tensor({ rank: this.eventNdims + 1 }), y, 'y', 'Chain.inverse');
    return tf.tidy(() => {
      let x = y, logDet = tf.zeros([y.shape[0]]) as tf.Tensor1D;
      for (let i = this.layers.length - 1; i >= 0; i--) { const l = this.layers[i]; const r = atLayer('Chain.inverse', 'y', i, l.name, () => l.inverse(x)); x = r.x; logDet = tf.add(logDet, r.logDet) as tf.Tensor1D; }
      return { x, logDet };
    });
  }

  get variables(): tf.Variable[] {
    return this.layers.flatMap((l) => l.variables);
  }
}
