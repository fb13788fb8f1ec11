// The reparameterized sample with its analytic KL as one native kernel forward and one backward
// (native/reparameterize.c), taking the encoder's output [B, 2M] = (μ, log σ) as it comes:
//   z = μ + σ ε,  KL = Σ_j ½(μ_j² + σ_j² − 1) − log σ_j  →  z [B, M], KL [B]     (D17, D30)
// The op is reparameterizeWithKL (ops/reparameterize.ts).
import * as tf from '@tensorflow/tfjs-core';
import { Addon } from './addon';
import { NativeBackendName, newOutput, tensorValues } from './tensor-memory';

export const REPARAMETERIZE_KL = 'LatentReparameterizeKL';
const REPARAMETERIZE_KL_GRAD = 'LatentReparameterizeKLGrad';

tf.registerGradient({
  kernelName: REPARAMETERIZE_KL,
  inputsToSave: ['meanLogStd', 'eps'],
  gradFunc: (dys, saved) => {
    const [meanLogStd, eps] = saved;
    const [dz, dkl] = dys as tf.Tensor[];
    return {
      meanLogStd: () => tf.engine().runKernel(REPARAMETERIZE_KL_GRAD, { meanLogStd, eps, dz, dkl }) as tf.Tensor,
      // ε is noise, but its gradient σ·dz is defined; computed only when asked for
      eps: () => tf.mul(dz, tf.exp(tf.slice(meanLogStd, [0, eps.shape[1]!], [-1, -1]))),
    };
  },
});

// The backward kernel's own gradient (for second derivatives), from out = [dz + dKL·μ, dz σε + dKL(σ² − 1)]
// with upstream G = [G_μ, G_s]:  ∂/∂μ = G_μ dKL,  ∂/∂log σ = G_s (dz σε + 2 dKL σ²),  ∂/∂ε = G_s dz σ,
// ∂/∂dz = G_μ + G_s σε,  ∂/∂dKL = Σ_j G_μ μ + G_s (σ² − 1).
tf.registerGradient({
  kernelName: REPARAMETERIZE_KL_GRAD,
  inputsToSave: ['meanLogStd', 'eps', 'dz', 'dkl'],
  gradFunc: (g, saved) => {
    const [meanLogStd, eps, dz, dkl] = saved;
    const [Gm, Gs] = tf.split(g as tf.Tensor, 2, 1);
    const [mean, logStd] = tf.split(meanLogStd, 2, 1);
    const sigma = tf.exp(logStd), k = tf.expandDims(dkl, 1);
    return {
      meanLogStd: () => tf.concat([tf.mul(Gm, k), tf.mul(Gs, tf.add(tf.mul(dz, tf.mul(sigma, eps)), tf.mul(tf.mul(k, 2), tf.square(sigma))))], 1),
      eps: () => tf.mul(Gs, tf.mul(dz, sigma)),
      dz: () => tf.add(Gm, tf.mul(Gs, tf.mul(sigma, eps))),
      dkl: () => tf.sum(tf.add(tf.mul(Gm, mean), tf.mul(Gs, tf.sub(tf.square(sigma), 1))), 1),
    };
  },
});

export function reparameterizeKernels(addon: Addon, name: NativeBackendName): tf.KernelConfig[] {
  const forward: tf.KernelFunc = ({ inputs, backend }) => {
    const { meanLogStd, eps } = inputs as { meanLogStd: tf.TensorInfo; eps: tf.TensorInfo };
    const [B, M] = eps.shape;
    const z = newOutput(name, backend, [B, M]);
    const kl = newOutput(name, backend, [B]);
    // views after both allocations
    addon.reparameterizeForward(B, M, tensorValues(name, backend, meanLogStd), tensorValues(name, backend, eps),
      tensorValues(name, backend, z.info), tensorValues(name, backend, kl.info));
    return [z.info, kl.info];
  };
  const backward: tf.KernelFunc = ({ inputs, backend }) => {
    const { meanLogStd, eps, dz, dkl } = inputs as { meanLogStd: tf.TensorInfo; eps: tf.TensorInfo; dz: tf.TensorInfo; dkl: tf.TensorInfo };
    const [B, M] = eps.shape;
    const { info, values } = newOutput(name, backend, [B, 2 * M]);
    const view = (t: tf.TensorInfo) => tensorValues(name, backend, t);
    addon.reparameterizeBackward(B, M, view(meanLogStd), view(eps), view(dz), view(dkl), values);
    return info;
  };
  return [
    { kernelName: REPARAMETERIZE_KL, backendName: name, kernelFunc: forward },
    { kernelName: REPARAMETERIZE_KL_GRAD, backendName: name, kernelFunc: backward },
  ];
}
