// The reparameterization trick with the analytic KL to N(0, I) (D17, D30), the VAE's encoder step.
// The op the course writes; backend/reparameterize-kernel.ts only registers its fast kernel.
import * as tf from '@tensorflow/tfjs-core';
import { REPARAMETERIZE_KL } from '../backend/reparameterize-kernel';
import { hasNativeKernel } from '../backend/native-kernels';
import { klStandardNormal } from './kl-standard-normal';
import { contract, tensor, where } from '../validation/contract';

// meanLogStd [B, 2M] (μ, then log σ) and eps [B, M]: shapes only, no read of the values on the training step
const REPARAM = contract('reparameterizeWithKL', {
  meanLogStd: where(tensor({ shape: ['B', '2M'] }), 'have an even number of columns (μ, then log σ)', (t: tf.Tensor) => (t.shape[1] as number) % 2 === 0 || `got [${t.shape}]`),
  eps: tensor({ shape: ['B', (c) => (c.args.meanLogStd as tf.Tensor).shape[1] as number / 2] }),
});

/**
 * The reparameterized sample and the analytic KL from the encoder's output (D17, D30):
 *   z = μ + e^{log σ} ε,   KL(q ‖ N(0, I)) = Σ_j ½(μ_j² + σ_j² − 1) − log σ_j
 * One native kernel forward and one backward when the native kernels are on
 * (∂/∂μ = dz + dKL·μ, ∂/∂log σ = dz ⊙ σε + dKL·(σ² − 1)); otherwise composed of tfjs ops.
 * meanLogStd [B, 2M] (μ, then log σ), eps [B, M] → z [B, M], kl [B] (any rank-2 tensors; another rank is an error).
 */
export function reparameterizeWithKL(meanLogStd: tf.Tensor, eps: tf.Tensor): { z: tf.Tensor2D; kl: tf.Tensor1D } {
  REPARAM.check(arguments);
  if (meanLogStd.dtype === 'float32' && eps.dtype === 'float32' && hasNativeKernel(REPARAMETERIZE_KL)) {
    const [z, divergence] = tf.engine().runKernel(REPARAMETERIZE_KL, { meanLogStd, eps }) as tf.Tensor[];
    return { z: z as tf.Tensor2D, kl: divergence as tf.Tensor1D };
  }
  return tf.tidy(() => {
    const [mean, logStd] = tf.split(meanLogStd, 2, 1);
    const sigma = tf.exp(logStd);
    const z = tf.add(mean, tf.mul(sigma, eps)) as tf.Tensor2D;
    const divergence = tf.sum(klStandardNormal(mean, logStd), 1) as tf.Tensor1D;
    return { z, kl: divergence };
  });
}
