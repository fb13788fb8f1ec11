// Gumbel tricks for discrete latents (lecture 002; D25).
//   Gumbel-max: argmax_k (log π_k + G_k) ~ Categorical(π), G_k ~ Gumbel(0, 1).
//   Gumbel-softmax: y = softmax((log π + G)/τ), a relaxed one-hot sample; → one-hot as τ → 0.
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../random/rng';
import { logSumExp } from '../math/log-space';
import { contract, count, options as optionsKind, positive, rngKind, tensor, where } from '../validation/contract';

// a NaN or +∞ logit would make every sample NaN or the same category, silently
const LOGITS = where(
  where(tensor({ minRank: 1 }), 'have a last axis of at least 2 categories', (t: tf.Tensor) => t.shape[t.rank - 1] >= 2 || `got shape [${t.shape}]`),
  'not be NaN or +∞', (t: tf.Tensor) => {
    const v = t.dataSync();
    for (let i = 0; i < v.length; i++) if (Number.isNaN(v[i]) || v[i] === Infinity) return `got ${v[i]} at index ${i}`;
    return true;
  });
const GUMBEL_MAX = contract('gumbelMax', { rng: rngKind(), logits: LOGITS, options: optionsKind({ samples: count({ entriesEach: 64, bytesEach: 4 }) }, { required: ['samples'] }) });
const GUMBEL_SOFTMAX = contract('gumbelSoftmax', { rng: rngKind(), logits: LOGITS, options: optionsKind({ temperature: positive(), samples: count({ entriesEach: 64, bytesEach: 4 }) }, { required: ['temperature', 'samples'] }) });

/**
 * n category indices per batch entry: logits [...batch, K] → int32 [n, ...batch].
 *
 *     k = argmax_j (log π_j + G_j),  G_j ~ Gumbel(0, 1)  ⇒  k ~ Categorical(π)   (D25, see docs/derivations.md#d25)
 *
 * @example
 * ```ts
 * ll.infer.gumbelMax(ll.rng(0), ll.tf.log(ll.tf.tensor1d([0.2, 0.3, 0.5])), { samples: 1000 });   // [1000] indices
 * ```
 */
export function gumbelMax(rng: Rng, logits: tf.Tensor, options: { samples: number }): tf.Tensor {
  GUMBEL_MAX.check(arguments);
  const n = options.samples;
  return tf.tidy(() => tf.argMax(tf.add(tf.sub(logits, logSumExp(logits, -1, true)), rng.gumbel([n, ...logits.shape])), -1));
}

/**
 * Relaxed one-hot samples: logits [...batch, K] → [n, ...batch, K], differentiable in logits.
 *
 *     y_j = softmax_j((log π_j + G_j)/τ),  G_j ~ Gumbel(0, 1)
 *
 * a continuous relaxation of the one-hot Gumbel-max sample: it tends to one-hot as τ → 0, to uniform as
 * τ → ∞ (D25, see docs/derivations.md#d25).
 *
 * @example
 * ```ts
 * ll.infer.gumbelSoftmax(ll.rng(0), ll.tf.log(ll.tf.tensor1d([0.2, 0.3, 0.5])), { temperature: 0.5, samples: 4 });   // [4, 3]
 * ```
 */
export function gumbelSoftmax(rng: Rng, logits: tf.Tensor, options: { temperature: number; samples: number }): tf.Tensor {
  GUMBEL_SOFTMAX.check(arguments);
  const { temperature, samples: n } = options;
  return tf.tidy(() => {
    const y = tf.div(tf.add(logits, rng.gumbel([n, ...logits.shape])), temperature);
    return tf.exp(tf.sub(y, logSumExp(y, -1, true)));
  });
}
