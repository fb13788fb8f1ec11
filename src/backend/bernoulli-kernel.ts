// The Bernoulli log-likelihood from logits as one native kernel forward and one backward
// (native/bernoulli.c), instead of about fifteen tfjs kernels:
//   Σ_d x_d ℓ_d − softplus(ℓ_d),   ∂/∂ℓ_d = x_d − σ(ℓ_d)    (lecture 001, D29)
// x [B, D], logits [..., B, D] → [..., B]. The op is bernoulliLogLikelihood (ops/bernoulli-log-likelihood.ts).
import * as tf from '@tensorflow/tfjs-core';
import { Addon } from './addon';
import { NativeBackendName, newOutput, sizeOf, tensorValues } from './tensor-memory';

export const BERNOULLI_LOG_LIKELIHOOD = 'LatentBernoulliLogLikelihood';
const BERNOULLI_GRAD = 'LatentBernoulliLogLikelihoodGrad';

/**
 * The data's gradient: Σ over the sample axes of dy·a, as x's shape [B, D] (x is broadcast over them).
 * dy [..., B], a [..., B, D].
 */
export function dataGradient(dy: tf.Tensor, a: tf.Tensor, xShape: number[]): tf.Tensor {
  return tf.sum(tf.reshape(tf.mul(tf.expandDims(dy, -1), a), [-1, ...xShape]), 0);
}

tf.registerGradient({
  kernelName: BERNOULLI_LOG_LIKELIHOOD,
  inputsToSave: ['x', 'logits'],
  gradFunc: (dy, saved) => {
    const [x, logits] = saved;
    const dyT = dy as tf.Tensor;
    return {
      // only computed when asked for: x is usually data
      x: () => dataGradient(dyT, logits, x.shape),
      logits: () => tf.engine().runKernel(BERNOULLI_GRAD, { x, logits, dy: dyT }) as tf.Tensor,
    };
  },
});

// The backward kernel's own gradient (for second derivatives), from out = dy (x − σ(ℓ)) with upstream G:
//   ∂/∂ℓ = −G dy σ(1 − σ),   ∂/∂dy = Σ_d G (x − σ),   ∂/∂x = Σ over sample axes of G dy
tf.registerGradient({
  kernelName: BERNOULLI_GRAD,
  inputsToSave: ['x', 'logits', 'dy'],
  gradFunc: (g, saved) => {
    const [x, logits, dy] = saved;
    const G = g as tf.Tensor;
    const sigma = () => tf.sigmoid(logits);
    return {
      logits: () => {
        const s = sigma();
        return tf.neg(tf.mul(tf.mul(G, tf.expandDims(dy, -1)), tf.mul(s, tf.sub(1, s))));
      },
      dy: () => tf.sum(tf.mul(G, tf.sub(x, sigma())), -1),
      x: () => dataGradient(dy, G, x.shape),
    };
  },
});

export function bernoulliKernels(addon: Addon, name: NativeBackendName): tf.KernelConfig[] {
  const sizes = (x: tf.TensorInfo, logits: tf.TensorInfo) => {
    const [B, D] = x.shape;
    return { B, D, rows: sizeOf(logits.shape.slice(0, -1)) };
  };
  const forward: tf.KernelFunc = ({ inputs, backend }) => {
    const { x, logits } = inputs as { x: tf.TensorInfo; logits: tf.TensorInfo };
    const { B, D } = sizes(x, logits);
    const { info, values } = newOutput(name, backend, logits.shape.slice(0, -1));
    if (B > 0) addon.bernoulliForward(B, D, tensorValues(name, backend, x), tensorValues(name, backend, logits), values);
    return info;
  };
  const backward: tf.KernelFunc = ({ inputs, backend }) => {
    const { x, logits, dy } = inputs as { x: tf.TensorInfo; logits: tf.TensorInfo; dy: tf.TensorInfo };
    const { B, D } = sizes(x, logits);
    const { info, values } = newOutput(name, backend, logits.shape);
    if (B > 0) addon.bernoulliBackward(B, D, tensorValues(name, backend, x), tensorValues(name, backend, logits), tensorValues(name, backend, dy), values);
    return info;
  };
  return [
    { kernelName: BERNOULLI_LOG_LIKELIHOOD, backendName: name, kernelFunc: forward },
    { kernelName: BERNOULLI_GRAD, backendName: name, kernelFunc: backward },
  ];
}
