// The sinusoidal embedding of the diffusion step t (Vaswani et al.; DDPM): for frequencies
// ω_i = 1000^{−i/(D/2)}, i = 0…D/2 − 1,
//   e(t) = [sin(t ω_0), …, sin(t ω_{D/2−1}), cos(t ω_0), …, cos(t ω_{D/2−1})].
// The same embedding as TimeMLP's input (src/models/diffusion/denoiser.ts), as a [B, D] tensor.
import * as tf from '@tensorflow/tfjs-core';
import { positiveInteger } from '../../validation/arguments';
import { contract, count, tensor, checkKind, even } from '../../validation/contract';

const EMBEDDING = contract('sinusoidalEmbedding', { t: tensor({ rank: 1 }), dim: count({ max: 1e5 }) });

/**
 * e(t) for steps t [B] (numbers 1…T) → [B, dim]; dim even.
 * @example sinusoidalEmbedding(tf.tensor1d([1, 500]), 32) // [2, 32]
 */
export function sinusoidalEmbedding(t: tf.Tensor1D, dim: number): tf.Tensor2D {
  EMBEDDING.check(arguments);
  positiveInteger(dim, 'sinusoidalEmbedding', 'dim');
  checkKind(even(), dim, 'dim', 'sinusoidalEmbedding');
  const half = dim / 2;
  const freqs = Array.from({ length: half }, (_, i) => Math.exp((-Math.log(1000) * i) / half));
  return tf.tidy(() => {
    const arg = tf.mul(tf.expandDims(t, 1), tf.tensor2d(freqs, [1, half]));
    return tf.concat([tf.sin(arg), tf.cos(arg)], 1) as tf.Tensor2D;
  });
}
