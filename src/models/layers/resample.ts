// Resolution changes of the U-Net (stock tfjs ops; wasm and cpu have both kernels and their gradients):
//   downsample: 2×2 average pooling, y[b, i, j, c] = ¼ Σ_{a,a' ∈ {0,1}} x[b, 2i+a, 2j+a', c]
//   upsample:   nearest neighbour, y[b, i, j, c] = x[b, ⌊i/2⌋, ⌊j/2⌋, c]
import * as tf from '@tensorflow/tfjs-core';
import { checkKind, tensor, where } from '../../validation/contract';

const IMAGES = tensor({ shape: ['B', 'H', 'W', 'C'] });
// 2×2 pooling: H and W even
const EVEN_IMAGES = where(tensor({ shape: ['B', 'H', 'W', 'C'], must: 'have shape [B, H, W, C] with H and W even' }), 'have shape [B, H, W, C] with H and W even',
  (x: tf.Tensor) => (x.shape[1]! % 2 === 0 && x.shape[2]! % 2 === 0) || `got [${x.shape}]`);

/** 2×2 average pooling: x [B, H, W, C] (H, W even) → [B, H/2, W/2, C]. */
export function downsample2(x: tf.Tensor4D): tf.Tensor4D {
  checkKind(EVEN_IMAGES, x, 'x', 'downsample2');
  return tf.avgPool(x, 2, 2, 'valid');
}

/** Nearest-neighbour upsampling by 2: x [B, H, W, C] → [B, 2H, 2W, C]. */
export function upsample2(x: tf.Tensor4D): tf.Tensor4D {
  checkKind(IMAGES, x, 'x', 'upsample2');
  const [, H, W] = x.shape;
  return tf.image.resizeNearestNeighbor(x, [2 * H, 2 * W]);
}
