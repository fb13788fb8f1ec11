// Squeeze (RealNVP's space-to-depth, Dinh et al. 2017): every 2×2×C block becomes one pixel with 4C
// channels, y[b, i, j, (2a + a')·C + c] = x[b, 2i + a, 2j + a', c]. A permutation of the entries, so
// log|det| = 0; it trades resolution for channels, which lets a channel-masked coupling mix
// neighbouring pixels and lets the multi-scale flow factor out half of the channels at each scale.
import * as tf from '@tensorflow/tfjs-core';
import { Bijector } from './bijector';
import { checkKind, tensor, where } from '../../validation/contract';

// 2×2 blocks: H and W even; the inverse takes 4C channels
const EVEN_IMAGES = where(tensor({ shape: ['B', 'H', 'W', 'C'], must: 'have shape [B, H, W, C] with H and W even' }), 'have shape [B, H, W, C] with H and W even',
  (x: tf.Tensor) => (x.shape[1]! % 2 === 0 && x.shape[2]! % 2 === 0) || `got [${x.shape}]`);
const FOUR_C = where(tensor({ shape: ['B', 'H', 'W', 'C4'], must: 'have shape [B, H, W, 4C]' }), 'have shape [B, H, W, 4C]', (y: tf.Tensor) => y.shape[3]! % 4 === 0 || `got [${y.shape}]`);

function checkEven(x: tf.Tensor, who: string, arg: string): void {
  checkKind(EVEN_IMAGES, x, arg, who);
}

/**
 * Space-to-depth by 2: x [B, H, W, C] (H, W even) → [B, H/2, W/2, 4C],
 * y[b, i, j, (2a + a')C + c] = x[b, 2i + a, 2j + a', c].
 * @example ll.models.squeeze(ll.tf.zeros([1, 28, 28, 1])).shape   // [1, 14, 14, 4]
 */
export function squeeze(x: tf.Tensor4D): tf.Tensor4D {
  checkEven(x, 'squeeze', 'x');
  const [B, H, W, C] = x.shape;
  return tf.tidy(() => tf.reshape(tf.transpose(tf.reshape(x, [B, H / 2, 2, W / 2, 2, C]), [0, 1, 3, 2, 4, 5]), [B, H / 2, W / 2, 4 * C]) as tf.Tensor4D);
}

/**
 * Depth-to-space by 2, the inverse of `squeeze`: y [B, H, W, 4C] → [B, 2H, 2W, C].
 * @example ll.models.unsqueeze(ll.models.squeeze(x))   // equals x
 */
export function unsqueeze(y: tf.Tensor4D): tf.Tensor4D {
  checkKind(FOUR_C, y, 'y', 'unsqueeze');
  const [B, H, W, C4] = y.shape, C = C4 / 4;
  return tf.tidy(() => tf.reshape(tf.transpose(tf.reshape(y, [B, H, W, 2, 2, C]), [0, 1, 3, 2, 4, 5]), [B, 2 * H, 2 * W, C]) as tf.Tensor4D);
}

/**
 * Squeeze as a bijector: [B, H, W, C] → [B, H/2, W/2, 4C], log|det| = 0 (a permutation of entries).
 * A permutation of entries, y = P x with |det P| = 1: the change of variables (D35) adds log|det| = 0.
 * @example
 * ```ts
 * const { y, logDet } = new ll.models.Squeeze().forward(ll.tf.zeros([2, 4, 4, 1]));   // y [2, 2, 2, 4], logDet [0, 0]
 * ```
 */
export class Squeeze implements Bijector<tf.Tensor4D> {
  readonly name = 'squeeze';
  readonly eventNdims = 3;
  readonly variables: tf.Variable[] = [];
  /** y = squeeze(x), log|det| = 0: [B, H, W, C] → [B, H/2, W/2, 4C]. */
  forward(x: tf.Tensor4D) {
    checkEven(x, 'Squeeze.forward', 'x');
    return { y: squeeze(x), logDet: tf.zeros([x.shape[0]]) as tf.Tensor1D };
  }
  /** x = unsqueeze(y), log|det| = 0: [B, H, W, 4C] → [B, 2H, 2W, C]. */
  inverse(y: tf.Tensor4D) {
    checkKind(FOUR_C, y, 'y', 'Squeeze.inverse');
    return { x: unsqueeze(y), logDet: tf.zeros([y.shape[0]]) as tf.Tensor1D };
  }
}
