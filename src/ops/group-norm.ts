// Group normalization (Wu & He) over NHWC images as one recorded op: the native kernel when it is on
// (backend/group-norm-kernel.ts), otherwise composed of tfjs ops (moments over each image's group).
import * as tf from '@tensorflow/tfjs-core';
import { GROUP_NORM } from '../backend/group-norm-kernel';
import { hasNativeKernel } from '../backend/native-kernels';
import { contract, count, optional, positive, tensor, where } from '../validation/contract';

// C, the channels, is bound by x; γ, β and the groups are related to it
const channelsOf = (c: { dims: Record<string, number> }) => c.dims.C;
const GROUP_NORM_CONTRACT = contract('groupNorm', {
  x: tensor({ shape: ['B', 'H', 'W', 'C'] }), gamma: tensor({ shape: ['C'] }), beta: tensor({ shape: ['C'] }),
  groups: where(count({ entriesEach: 0 }), (c) => `be a positive integer dividing the channels (${channelsOf(c)})`, (g: number, c) => channelsOf(c) % g === 0),
  epsilon: optional(positive()),
});

/** The composite form: each image's group of C/G channels standardized over H·W·C/G entries, then γ, β per channel. */
function composedGroupNorm(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, groups: number, epsilon: number): tf.Tensor4D {
  const [B, H, W, C] = x.shape;
  return tf.tidy(() => {
    const g = tf.reshape(x, [B, H * W, groups, C / groups]);
    const { mean, variance } = tf.moments(g, [1, 3], true);
    const z = tf.mul(tf.sub(g, mean), tf.rsqrt(tf.add(variance, epsilon)));
    return tf.add(tf.mul(tf.reshape(z, [B, H, W, C]), gamma), beta) as tf.Tensor4D;
  });
}

/**
 * y = γ_c (x − μ_{b,g}) / √(σ²_{b,g} + ε) + β_c, the statistics over each image's group of C/G channels
 * (all H·W positions). x [B, H, W, C], γ and β [C] → [B, H, W, C]; G divides C.
 * @example groupNorm(x, tf.ones([32]), tf.zeros([32]), 8) // x [128, 28, 28, 32]
 */
export function groupNorm(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, groups: number, epsilon = 1e-5): tf.Tensor4D {
  GROUP_NORM_CONTRACT.check(arguments);
  if (x.dtype === 'float32' && gamma.dtype === 'float32' && beta.dtype === 'float32' && x.size > 0 && hasNativeKernel(GROUP_NORM)) {
    return tf.engine().runKernel(GROUP_NORM, { x, gamma, beta }, { groups, epsilon } as unknown as tf.NamedAttrMap) as tf.Tensor4D;
  }
  return composedGroupNorm(x, gamma, beta, groups, epsilon);
}
