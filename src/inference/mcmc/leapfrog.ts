// The leapfrog integrator of Hamiltonian dynamics (D52) for H(q, p) = −log p(q) + ½‖p‖²:
//   p ← p + (ε/2) ∇log p(q);  L times { q ← q + ε p;  p ← p + ε ∇log p(q) }, the last momentum step halved.
// Each substep is a shear (it changes one of q, p by a function of the other), so the map has Jacobian
// determinant exactly 1; running it from (q', −p') returns (q, −p): volume-preserving and reversible,
// which is what makes the HMC acceptance ratio exp(H − H') with no Jacobian term. H itself is only
// conserved to O(ε²) over a fixed time.
import * as tf from '@tensorflow/tfjs-core';
import { contract, count, func, numberArray, oneOf, positive, tensor } from '../../validation/contract';

// p is the momentum of the point q: one entry per coordinate (per particle and coordinate for the batch form)
const LEAPFROG64 = contract('leapfrog64', {
  grad: func('a function q [d] → ∇log p(q) [d]'), q: numberArray({ shape: ['d'], min: [1], finite: true }), p: numberArray({ shape: ['d'], finite: true }),
  stepSize: positive(), steps: count({ min: 0, max: 1e7 }),
});
const LEAPFROG = contract('leapfrog', {
  logDensity: func('a function q [n, d] → [n]'), q: tensor({ shape: ['n', 'd'], noNaN: true }), p: tensor({ like: 'q', rank: 2, noNaN: true }),
  stepSize: oneOf(positive(), tensor()), steps: count({ min: 0, max: 1e7 }),
});

/**
 * L leapfrog steps of size ε in float64 (D52, see docs/derivations.md#d52), unit mass:
 *
 *     p ← p + (ε/2)∇log p(q);   repeat L times: q ← q + ε p, p ← p + ε ∇log p(q)  (last one ε/2)
 *
 * Volume-preserving and reversible; the energy H = −log p(q) + ½‖p‖² changes by O(ε²).
 *
 * Shapes: q, p [d]; `grad` maps q [d] to ∇log p(q) [d].
 *
 * @param grad  ∇ log p
 * @param q  position
 * @param p  momentum
 * @param stepSize  ε
 * @param steps  L (≥ 0)
 * @returns the new position and momentum
 * @example
 * ```ts
 * const out = ll.infer.leapfrog64((q) => q.map((v) => -v), [1, 0], [0, 1], 0.1, 10);   // a standard Gaussian: a rotation
 * ```
 */
export function leapfrog64(grad: (q: number[]) => number[], q: number[], p: number[], stepSize: number, steps: number): { q: number[]; p: number[] } {
  LEAPFROG64.check(arguments);
  let qq = q.slice(), pp = p.slice();
  if (steps === 0) return { q: qq, p: pp };
  let g = grad(qq);
  pp = pp.map((v, j) => v + 0.5 * stepSize * g[j]);
  for (let l = 0; l < steps; l++) {
    qq = qq.map((v, j) => v + stepSize * pp[j]);
    g = grad(qq);
    const h = l === steps - 1 ? 0.5 * stepSize : stepSize;
    pp = pp.map((v, j) => v + h * g[j]);
  }
  return { q: qq, p: pp };
}

/**
 * L leapfrog steps on tensors, every row its own trajectory, the gradient by TensorFlow.js autodiff
 * (D52). Same scheme as `leapfrog64`.
 *
 * Shapes: q, p [n, d]; `logDensity` maps [n, d] to [n] (rows independent); stepSize a number or [n, 1].
 *
 * @param logDensity  log p up to a constant
 * @param q  positions [n, d]
 * @param p  momenta [n, d]
 * @param stepSize  ε, shared or one per row ([n, 1])
 * @param steps  L (≥ 0)
 * @returns new tensors q, p [n, d] (the caller disposes them)
 * @example
 * ```ts
 * const out = ll.infer.leapfrog((x) => ll.tf.mul(-0.5, ll.tf.sum(ll.tf.square(x), 1)), ll.tf.tensor2d([[1, 0]]), ll.tf.tensor2d([[0, 1]]), 0.1, 10);
 * ```
 */
export function leapfrog(logDensity: (q: tf.Tensor2D) => tf.Tensor, q: tf.Tensor2D, p: tf.Tensor2D, stepSize: number | tf.Tensor, steps: number): { q: tf.Tensor2D; p: tf.Tensor2D } {
  LEAPFROG.check(arguments);
  const grad = tf.grad((x: tf.Tensor) => tf.sum(logDensity(x as tf.Tensor2D)));
  return tf.tidy(() => {
    let qq: tf.Tensor = q.clone(), pp: tf.Tensor = p.clone();
    if (steps === 0) return { q: qq as tf.Tensor2D, p: pp as tf.Tensor2D };
    pp = tf.add(pp, tf.mul(tf.mul(0.5, stepSize), grad(qq)));
    for (let l = 0; l < steps; l++) {
      qq = tf.add(qq, tf.mul(stepSize, pp));
      const h = l === steps - 1 ? tf.mul(0.5, stepSize) : stepSize;
      pp = tf.add(pp, tf.mul(h, grad(qq)));
    }
    return { q: qq as tf.Tensor2D, p: pp as tf.Tensor2D };
  });
}
