// tfjs has no stop_gradient: an identity whose gradient is zero. sample() uses it so that only
// rsample() carries gradients to a distribution's parameters.
import * as tf from '@tensorflow/tfjs-core';
import { contract, tensor } from '../validation/contract';

const STOP = contract('stopGradient', { x: tensor() });

const stop = tf.customGrad(((x: tf.Tensor) => ({ value: tf.clone(x), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) })) as unknown as Parameters<typeof tf.customGrad>[0]);

/**
 * x in the forward pass; no gradient flows through it.
 *
 * The tool behind surrogate losses: a score-function term f(z)·log q(z) with f under stopGradient has the
 * REINFORCE gradient (D23, see docs/derivations.md#d23).
 *
 * @example
 * ```ts
 * const g = ll.tf.grad((x) => ll.tf.mul(ll.math.stopGradient(x), x))(ll.tf.scalar(3));   // 3, not 6
 * ```
 */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  STOP.check(arguments);
  return stop(x) as T;
}
