// The reparameterized sample with its analytic KL as one native kernel forward and one backward
// (native/reparameterize.c), taking the encoder's output [B, 2M] = (μ, log σ) as it comes:
//   z = μ + σ ε,  KL = Σ_j ½(μ_j² + σ_j² − 1) − log σ_j  →  z [B, M], KL [B]     (D17, D30)
// The op is reparameterizeWithKL (models/vae.ts).
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
