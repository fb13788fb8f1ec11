// Maximum mean discrepancy (lecture 003, WAE; D34). With a kernel k,
//   MMD²(P, Q) = E k(x, x') + E k(y, y') − 2 E k(x, y),
// and the unbiased estimate from x_1..x_n ~ P, y_1..y_m ~ Q drops the i = j terms:
//   (1/n(n−1)) Σ_{i≠j} k(x_i, x_j) + (1/m(m−1)) Σ_{i≠j} k(y_i, y_j) − (2/nm) Σ_{i,j} k(x_i, y_j).
// Its mean is 0 when both samples come from one distribution.
import * as tf from '@tensorflow/tfjs-core';
import { tensorRank } from '../validation/arguments';
import { Context, contract, options as optionsKind, optional, positive, str, tensor, where } from '../validation/contract';

const KERNELS = ['imq', 'rbf'];
const KERNEL_MATRIX = contract('kernelMatrix', { a: tensor({ rank: 2 }), b: tensor({ rank: 2 }), kernel: optional(str(KERNELS)), scale: optional(positive()) });
// samples [n, d] and [m, d] with n, m ≥ 2 (the unbiased estimate leaves out the diagonal); shapes only: a training step's loss
const SAMPLES_OF = (shape: string[], must?: (c: Context) => string) => where(tensor({ shape, must }), 'have at least 2 rows (samples)', (t: tf.Tensor) => t.shape[0] >= 2 || `got [${t.shape}]`);
const MMD = contract('mmdUnbiased', { x: SAMPLES_OF(['n', 'd']), y: SAMPLES_OF(['m', 'd'], (c) => `have x's dimension d = ${c.dims.d}, shape [m, ${c.dims.d}]`), options: optional(optionsKind({ kernel: str(KERNELS), scale: positive() })) });

export type MmdKernel = 'imq' | 'rbf';

/** Pairwise squared distances ‖a_i − b_j‖²: a [n, d], b [m, d] → [n, m]. */
function sqDist(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  const aa = tf.sum(tf.square(a), 1, true);
  const bb = tf.transpose(tf.sum(tf.square(b), 1, true));
  return tf.relu(tf.add(tf.sub(aa, tf.mul(2, tf.matMul(a, b, false, true))), bb)) as tf.Tensor2D;
}

/**
 * k(a, b): inverse multiquadratic C/(C + ‖a − b‖²) with C = 2·d·scale² (the WAE paper's choice),
 * or the RBF exp(−‖a − b‖²/(2·d·scale²)).
 */
export function kernelMatrix(a: tf.Tensor, b: tf.Tensor, kernel: MmdKernel = 'imq', scale = 1): tf.Tensor2D {
  KERNEL_MATRIX.check(arguments);
  tensorRank(a, [2], 'kernelMatrix', 'a');
  tensorRank(b, [2], 'kernelMatrix', 'b');
  const d = a.shape[1]!;
  const c = 2 * d * scale * scale;
  return tf.tidy(() => {
    const d2 = sqDist(a as tf.Tensor2D, b as tf.Tensor2D);
    return (kernel === 'imq' ? tf.div(c, tf.add(c, d2)) : tf.exp(tf.div(d2, -c))) as tf.Tensor2D;
  });
}

/** The unbiased MMD² estimate between samples x [n, d] and y [m, d] (n, m ≥ 2). Differentiable. */
export function mmdUnbiased(x: tf.Tensor, y: tf.Tensor, options: { kernel?: MmdKernel; scale?: number } = {}): tf.Scalar {
  MMD.check(arguments);
  tensorRank(x, [2], 'mmdUnbiased', 'x');
  tensorRank(y, [2], 'mmdUnbiased', 'y');
  const n = x.shape[0], m = y.shape[0];
  const { kernel = 'imq', scale = 1 } = options;
  return tf.tidy(() => {
    const kxx = kernelMatrix(x, x, kernel, scale), kyy = kernelMatrix(y, y, kernel, scale), kxy = kernelMatrix(x, y, kernel, scale);
    // the diagonals are k(x, x) = 1 for both kernels
    const sxx = tf.div(tf.sub(tf.sum(kxx), n), n * (n - 1));
    const syy = tf.div(tf.sub(tf.sum(kyy), m), m * (m - 1));
    return tf.sub(tf.add(sxx, syy), tf.mul(tf.mean(kxy), 2)) as tf.Scalar;
  });
}
