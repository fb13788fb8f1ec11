// SiLU (swish) as one recorded op: the native kernel when it is on (backend/group-norm-kernel.ts),
// otherwise x·σ(x) composed of tfjs ops.
import * as tf from '@tensorflow/tfjs-core';
import { SILU } from '../backend/group-norm-kernel';
import { hasNativeKernel } from '../backend/native-kernels';

/**
 * SiLU(x) = x σ(x), elementwise, any shape.
 * @example silu(tf.tensor1d([-1, 0, 2])) // [−0.269, 0, 1.762]
 */
export function silu<T extends tf.Tensor>(x: T): T {
  if (x.dtype === 'float32' && x.size > 0 && hasNativeKernel(SILU)) return tf.engine().runKernel(SILU, { x }) as T;
  return tf.tidy(() => tf.mul(x, tf.sigmoid(x)) as T);
}
