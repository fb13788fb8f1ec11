// Work over many rows or samples in chunks, so that no tensor of a pass is large. The backend's WebAssembly
// memory never shrinks: a kernel keeps the high-water mark of its largest pass for good (notebook 07's
// amortization gap at once: 103 MB; notebook 12's PixelCNN, DCGAN and classifier passes over 100-1,000
// images: 357 MB; environment.md, "The kernel's memory, 7 Dec").
import * as tf from '@tensorflow/tfjs-core';

/** Outputs one chunk's widest tensor may hold: 2²¹ floats, 8 MB. */
export const CHUNK_OUTPUTS = 2 ** 21;

/**
 * Rows (or samples) per chunk when each makes `outputsPerRow` outputs: ⌊2²¹ / outputsPerRow⌋, at least one.
 *
 * @example
 * ```ts
 * rowsPerChunk(784 * 32);   // 83 images of 28 × 28 × 32 activations
 * ```
 */
export function rowsPerChunk(outputsPerRow: number): number {
  return Math.max(1, Math.floor(CHUNK_OUTPUTS / outputsPerRow));
}

/**
 * f applied to `rows` rows of x at a time, the results concatenated along the first axis: x [N, …] → f's
 * result for all N rows, as f(x) when f treats each row on its own. Each chunk's intermediates are freed
 * before the next.
 *
 * @example
 * ```ts
 * mapRows(z, rowsPerChunk(784 * 128), (zs) => generator(zs));   // [N, 784], 16 rows a pass
 * ```
 */
export function mapRows<T extends tf.Tensor, R extends tf.Tensor>(x: T, rows: number, f: (rows: T) => R): R {
  const n = x.shape[0];
  if (n <= rows) return tf.tidy(() => f(x));
  const parts: R[] = [];
  try {
    for (let s = 0; s < n; s += rows) {
      parts.push(tf.tidy(() => f(tf.slice(x, s, Math.min(rows, n - s)))));
    }
    return tf.concat(parts, 0);
  } finally {
    tf.dispose(parts);
  }
}
