// The connectivity masks of masked autoencoders (MADE, Germain et al. 2015): a weight from input j to
// unit i is kept only when the autoregressive ordering allows unit i to see input j.
import * as tf from '@tensorflow/tfjs-core';

/**
 * A [rows, cols] 0/1 matrix M with M[i, j] = 1 exactly when `allowed(i, j)`; multiplied into a weight
 * matrix it cuts the connections the ordering forbids.
 * @example const M = autoregressiveMask(3, 3, (i, j) => j < i);   // strictly lower-triangular
 */
export function autoregressiveMask(rows: number, cols: number, allowed: (i: number, j: number) => boolean): tf.Tensor2D {
  const v = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) v[i * cols + j] = allowed(i, j) ? 1 : 0;
  return tf.tensor2d(v, [rows, cols]);
}
