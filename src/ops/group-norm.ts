// Group normalization (Wu & He) over NHWC images as one recorded op: the native kernel when it is on
// (backend/group-norm-kernel.ts), otherwise composed of tfjs ops (moments over each image's group).
import * as tf from '@tensorflow/tfjs-core';
import { GROUP_NORM } from '../backend/group-norm-kernel';
import { hasNativeKernel } from '../backend/native-kernels';

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
  const C = x.shape[3];
  if (x.rank !== 4 || gamma.rank !== 1 || beta.rank !== 1 || gamma.shape[0] !== C || beta.shape[0] !== C) {
    throw new Error(`groupNorm: expected x [B, H, W, C], gamma [C], beta [C]; got x [${x.shape}], gamma [${gamma.shape}], beta [${beta.shape}]`);
  }
  if (!Number.isInteger(groups) || groups < 1 || C % groups !== 0) throw new Error(`groupNorm: groups (${groups}) must be a positive integer dividing the channels (${C})`);
  if (!(epsilon > 0)) throw new Error(`groupNorm: epsilon must be positive, got ${epsilon}`);
  if (x.dtype === 'float32' && gamma.dtype === 'float32' && beta.dtype === 'float32' && x.size > 0 && hasNativeKernel(GROUP_NORM)) {
    return tf.engine().runKernel(GROUP_NORM, { x, gamma, beta }, { groups, epsilon } as unknown as tf.NamedAttrMap) as tf.Tensor4D;
  }
  return composedGroupNorm(x, gamma, beta, groups, epsilon);
}
