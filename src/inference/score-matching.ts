// Hyvärinen score matching (lecture 003; D50): for a model score s_θ(x) ≈ ∇ log p(x),
//   J(θ) = E_p[½‖s_θ(x)‖² + Tr ∇_x s_θ(x)] = ½ E_p‖s_θ(x) − ∇ log p(x)‖² + const,
// so J needs no ∇ log p. The trace is computed with one backward pass per dimension.
import * as tf from '@tensorflow/tfjs-core';
import { checkKind, contract, func, tensor } from '../validation/contract';
import { jacobianTrace } from './jacobian-trace';

const HYVARINEN = contract('hyvarinenTerms', { score: func('a function x [N, d] → score [N, d]'), x: tensor({ rank: 2, nonEmpty: true, noNaN: true }) });

/** Per-sample ½‖s(x)‖² + Tr ∇s(x) for x [n, d]; s maps [n, d] → [n, d] row by row. */
export function hyvarinenTerms(score: (x: tf.Tensor2D) => tf.Tensor, x: tf.Tensor): Float64Array {
  HYVARINEN.check(arguments);
  const d = x.shape[1]!;
  const out = tf.tidy(() => {
    const s = score(x as tf.Tensor2D);
    checkKind(tensor({ shape: [...x.shape], must: `return the shape of x, [${x.shape}]` }), s, 'score', 'hyvarinenTerms');
    let trace = tf.zeros([x.shape[0]]);
    for (let i = 0; i < d; i++) {
      // rows are independent, so the gradient of Σ_n s_i(x_n) w.r.t. x_n is ∇s_i at x_n
      const g = tf.grad((xx: tf.Tensor) => tf.sum(tf.slice(score(xx as tf.Tensor2D), [0, i], [-1, 1])))(x as tf.Tensor2D);
      trace = tf.add(trace, tf.squeeze(tf.slice(g, [0, i], [-1, 1]), [1]));
    }
    return tf.add(tf.mul(tf.sum(tf.square(s), 1), 0.5), trace);
  });
  const v = Float64Array.from(out.dataSync());
  out.dispose();
  return v;
}

const SLICED = contract('slicedScoreMatchingTerms', {
  score: func('a function x [N, d] → score [N, d], row by row'),
  x: tensor({ shape: ['N', 'd'], nonEmpty: true }),
  probe: tensor({ like: 'x' }),
});

/**
 * Sliced score matching per sample (Song et al. 2019; lecture 003's "sliced score matching"; D65): with a
 * projection v, E[v vᵀ] = I,
 *
 *     vᵀ ∇_x s(x) v + ½ (vᵀ s(x))²,   E_v[·] = Tr ∇_x s(x) + ½ ‖s(x)‖²   (Hyvärinen's J, D50)
 *
 * so its mean over x and v is J: ½ E‖s − ∇ log p‖² + const, with one backward pass per projection instead of
 * one per dimension. x [N, d], probe v [N, d] (e.g. `hutchinsonProbes`) → [N], a tensor that can be
 * differentiated with respect to the score's weights (training).
 *
 * @example
 * ```ts
 * const v = ll.infer.hutchinsonProbes(ll.rng(0), [x.shape[0], 2]);
 * const J = ll.tf.mean(ll.infer.slicedScoreMatchingTerms(score, x, v));   // ≈ mean of hyvarinenTerms(score, x)
 * ```
 */
export function slicedScoreMatchingTerms(score: (x: tf.Tensor2D) => tf.Tensor, x: tf.Tensor2D, probe: tf.Tensor2D): tf.Tensor1D {
  SLICED.check(arguments);
  return tf.tidy(() => {
    const projected = tf.sum(tf.mul(score(x), probe), 1);
    return tf.add(jacobianTrace(score, x, probe), tf.mul(tf.square(projected), 0.5)) as tf.Tensor1D;
  });
}
