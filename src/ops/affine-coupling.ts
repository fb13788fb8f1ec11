// RealNVP's affine coupling after its s, t network as one recorded op: the native kernel when it is on
// (backend/affine-coupling-kernel.ts), otherwise composed of tfjs ops (the same equations, as the coupling
// layer wrote them before).
import * as tf from '@tensorflow/tfjs-core';
import { AFFINE_COUPLING } from '../backend/affine-coupling-kernel';
import { hasNativeKernel } from '../backend/native-kernels';
import { contract, optional, tensor } from '../validation/contract';

const AFFINE_COUPLING_CONTRACT = contract('affineCoupling', {
  x: tensor({ shape: ['B', 'H', 'W', 'C'] }),
  r: tensor({ shape: ['B', 'H', 'W', (c) => 2 * c.dims.C] }),
  a: tensor({ shape: ['C'] }),
  free: optional(tensor({ shape: [1, 'H', 'W', 'C'] })),
});

/** The composite form: s, t from the halves of r, masked by `free` when given. */
function composedAffineCoupling(x: tf.Tensor4D, r: tf.Tensor4D, a: tf.Tensor1D, free?: tf.Tensor4D): { y: tf.Tensor4D; logDet: tf.Tensor1D } {
  return tf.tidy(() => {
    const [raw, tRaw] = tf.split(r, 2, 3) as tf.Tensor4D[];
    let s = tf.mul(tf.tanh(raw), a) as tf.Tensor4D, t = tRaw;
    if (free) { s = tf.mul(s, free) as tf.Tensor4D; t = tf.mul(t, free) as tf.Tensor4D; }
    return { y: tf.add(tf.mul(x, tf.exp(s)), t) as tf.Tensor4D, logDet: tf.sum(s, [1, 2, 3]) as tf.Tensor1D };
  });
}

/**
 * The affine coupling's transform of its free entries (D38), given the s, t network's output r = [r_s, r_t]:
 *
 *     s = a ⊙ tanh(r_s) ⊙ f,   t = r_t ⊙ f,   y = x ⊙ eˢ + t,   log|det ∂y/∂x| = Σ_{h,w,c} s
 *
 * x [B, H, W, C], r [B, H, W, 2C], a [C] (the learned bound of |s|), free f [1, H, W, C] (1 − b for a
 * checkerboard mask; absent: every entry free) → y [B, H, W, C], logDet [B]. See docs/derivations.md#d38.
 * @example const { y, logDet } = affineCoupling(x, net(tf.mul(x, mask)), scale, tf.sub(1, mask));
 */
export function affineCoupling(x: tf.Tensor4D, r: tf.Tensor4D, a: tf.Tensor1D, free?: tf.Tensor4D): { y: tf.Tensor4D; logDet: tf.Tensor1D } {
  AFFINE_COUPLING_CONTRACT.check(arguments);
  const float = [x, r, a, ...(free ? [free] : [])].every((t) => t.dtype === 'float32');
  if (!float || x.size === 0 || !hasNativeKernel(AFFINE_COUPLING)) return composedAffineCoupling(x, r, a, free);
  return tf.tidy(() => {
    const f: tf.Tensor = free ?? tf.ones([1]);
    const [y, logDet] = tf.engine().runKernel(AFFINE_COUPLING, { x, r, a, f }) as tf.Tensor[];
    return { y: y as tf.Tensor4D, logDet: logDet as tf.Tensor1D };
  });
}
