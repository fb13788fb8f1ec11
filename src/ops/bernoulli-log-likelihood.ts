// The Bernoulli log-likelihood of binary data under decoder logits, the VAE's reconstruction term
// (lecture 001, D29). The op the course writes; backend/bernoulli-kernel.ts only registers its fast kernel.
import * as tf from '@tensorflow/tfjs-core';
import { softplus } from '../math/log-space';
import { BERNOULLI_LOG_LIKELIHOOD, dataGradient } from '../backend/bernoulli-kernel';
import { hasNativeKernel } from '../backend/native-kernels';
import { contract, tensor } from '../validation/contract';

// logits for each of K latent draws of every point: [..., B, D] against x [B, D]
const BERNOULLI_LL = contract('bernoulliLogLikelihood', { x: tensor({ shape: ['B', 'D'] }), logits: tensor({ shape: ['...', 'B', 'D'] }) });

/** The same as bernoulliLogLikelihood, composed of tfjs ops, with its gradient written out (no native kernels). */
const composedBernoulliLogLikelihood = tf.customGrad(((x: tf.Tensor, logits: tf.Tensor, save: (t: tf.Tensor[]) => void) => {
  save([x, logits]);
  return {
    value: tf.sum(tf.sub(tf.mul(x, logits), softplus(logits)), -1),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, l] = saved;
      const dl = tf.mul(tf.expandDims(dy, -1), tf.sub(xs, tf.sigmoid(l)));
      return [dataGradient(dy, l, xs.shape), dl];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor, logits: tf.Tensor) => tf.Tensor;

/**
 * log p(x | ℓ) = Σ_d x_d ℓ_d − softplus(ℓ_d) over the last axis, with ∂/∂ℓ = x − σ(ℓ)  (lecture 001, D29).
 * One native kernel forward and one backward when the native kernels are on (native/bernoulli.c);
 * otherwise composed of tfjs ops. x [B, D], logits [..., B, D] → [..., B].
 */
export function bernoulliLogLikelihood(x: tf.Tensor, logits: tf.Tensor): tf.Tensor {
  BERNOULLI_LL.check(arguments);
  if (x.dtype === 'float32' && logits.dtype === 'float32' && hasNativeKernel(BERNOULLI_LOG_LIKELIHOOD)) {
    return tf.engine().runKernel(BERNOULLI_LOG_LIKELIHOOD, { x, logits }) as tf.Tensor;
  }
  return composedBernoulliLogLikelihood(x, logits);
}
