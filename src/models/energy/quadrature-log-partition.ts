// log Z = log ∬ exp(−E(x, y)) dx dy of a 2-D energy by Gauss–Legendre quadrature on a box, the energy
// evaluated on the whole product grid in a few tensor calls (quadratureRule's points and weights per axis).
// The exact side of AIS's checks and of an EBM's log-likelihood in 2-D: outside the box exp(−E) must be
// negligible (the EnergyNetwork's confinement makes it decay like a Gaussian).
import * as tf from '@tensorflow/tfjs-core';
import { quadratureRule } from '../../check/quadrature';
import { anything, arrayOf, checkKind, contract, count, func, num, optional, options as optionsKind, tensor, where } from '../../validation/contract';
import type { EnergyFunction } from './energy-network';

const RANGE = where(arrayOf(num(), { minLength: 2, maxLength: 2 }), 'be [low, high] with low < high', (r: number[]) => r[0] < r[1] || `got [${r}]`);
const LOG_PARTITION = contract('logPartitionByQuadrature', {
  energy: func('an energy function, points x [n, 2] → E(x) [n]'),
  options: optional(optionsKind({ xRange: RANGE, yRange: RANGE, panels: count({ min: 1, max: 1000 }), order: count({ min: 1, max: 64 }) })),
});
const CHUNK = 16384;

/**
 * log Z = log ∬ exp(−E(x)) dx over xRange × yRange (default [−6, 6]²) by Gauss–Legendre quadrature with `panels`
 * panels of `order` points per axis (defaults 32 and 8: 256² points), in float64 from a float32 energy:
 *
 *     log Z ≈ log Σ_{i,j} u_i v_j exp(−E(x_i, y_j))   (logsumexp over the grid)
 *
 * Shapes: energy maps x [n, 2] → [n]. 2-D only.
 *
 * @example
 * ```ts
 * const E = (x: ll.tf.Tensor2D) => ll.tf.tidy(() => ll.tf.div(ll.tf.sum(ll.tf.square(x), 1), 2)) as ll.tf.Tensor1D;
 * ll.models.logPartitionByQuadrature(E);   // log 2π = 1.8379
 * ```
 */
export function logPartitionByQuadrature(energy: EnergyFunction,
  options: { xRange?: [number, number]; yRange?: [number, number]; panels?: number; order?: number } = {}): number {
  LOG_PARTITION.check(arguments);
  const q = { panels: options.panels ?? 32, order: options.order ?? 8 };
  const [x0, x1] = options.xRange ?? [-6, 6], [y0, y1] = options.yRange ?? [-6, 6];
  const rx = quadratureRule(x0, x1, q), ry = quadratureRule(y0, y1, q);
  const total = rx.points.length * ry.points.length;
  const terms = new Float64Array(total);   // log u_i + log v_j − E(x_i, y_j)
  const grid = new Float32Array(2 * CHUNK);
  for (let start = 0; start < total; start += CHUNK) {
    const m = Math.min(CHUNK, total - start);
    for (let k = 0; k < m; k++) {
      const idx = start + k, i = Math.floor(idx / ry.points.length), j = idx % ry.points.length;
      grid[2 * k] = rx.points[i];
      grid[2 * k + 1] = ry.points[j];
    }
    const pts = tf.tensor2d(grid.subarray(0, 2 * m), [m, 2]);
    const e = energy(pts);
    pts.dispose();
    try {
      checkKind(tensor({ shape: [m], must: `map points [${m}, 2] to energies [${m}]` }), e, 'energy', 'logPartitionByQuadrature');
      const v = e.dataSync();
      const bad = v.findIndex((u) => Number.isNaN(u) || u === -Infinity);
      if (bad >= 0) checkKind(where(anything(), 'return energies that are numbers or +∞ (no NaN, no −∞)', () => `got ${v[bad]} at (${grid[2 * bad]}, ${grid[2 * bad + 1]})`), energy, 'energy', 'logPartitionByQuadrature');
      for (let k = 0; k < m; k++) {
        const idx = start + k, i = Math.floor(idx / ry.points.length), j = idx % ry.points.length;
        terms[idx] = Math.log(rx.weights[i]) + Math.log(ry.weights[j]) - v[k];
      }
    } finally {
      if (e instanceof tf.Tensor) e.dispose();
    }
  }
  const max = terms.reduce((a, v) => Math.max(a, v), -Infinity);
  return max + Math.log(terms.reduce((a, v) => a + Math.exp(v - max), 0));
}
