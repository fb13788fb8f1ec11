// The median heuristic for the bandwidth of the RBF kernel k(x, y) = exp(−‖x − y‖²/h) used by the
// kernelized Stein discrepancy and SVGD (Liu & Wang 2016): h = med²/log(n + 1), med the median of the
// pairwise distances, so that for a typical pair k = exp(−log(n + 1)) = 1/(n + 1) and Σ_j k(x_i, x_j) stays of order
// one: each particle feels its neighbours more than the whole cloud. (log(n + 1) rather than log n keeps h finite for one particle.)
import * as tf from '@tensorflow/tfjs-core';
import { contract, numberArray, oneOf, tensor } from '../validation/contract';

const MEDIAN = contract('medianHeuristic', { x: { ...oneOf(numberArray({ shape: ['n', 'd'], min: [1, 0] }), tensor({ rank: 2, nonEmpty: true })), expected: 'points [n, d] (number[][] or a live 2-D tensor)' } });

/**
 * The median-heuristic bandwidth h = med²/log(n + 1) for k(x, y) = exp(−‖x − y‖²/h), med the median
 * of the pairwise distances ‖x_i − x_j‖ (i < j); h = 1 for a single point.
 *
 * Shapes: x [n, d] (number[][] or a tensor).
 *
 * @param x  the points
 * @returns h > 0
 * @example
 * ```ts
 * ll.infer.medianHeuristic([[0, 0], [1, 0], [0, 2]]);   // squared distances 1, 4, 5: median 4, h = 4/log 4 ≈ 2.885
 * ```
 */
export function medianHeuristic(x: number[][] | tf.Tensor): number {
  MEDIAN.check(arguments);
  const pts = x instanceof tf.Tensor ? (x.arraySync() as number[][]) : x;
  const n = pts.length;
  if (n < 2) return 1;
  const d2: number[] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) d2.push(pts[i].reduce((s, v, k) => s + (v - pts[j][k]) ** 2, 0));
  d2.sort((a, b) => a - b);
  const m = d2.length;
  const med2 = m % 2 ? d2[(m - 1) / 2] : 0.5 * (d2[m / 2 - 1] + d2[m / 2]);
  const h = med2 / Math.log(n + 1);
  return h > 0 ? h : 1;
}
