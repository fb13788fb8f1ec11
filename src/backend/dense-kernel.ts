// A dense layer act(x W + b) as one native kernel (sgemm with the bias and ReLU in the same call),
// with its gradient registered as thunks, so that the backward pass computes only what is asked for
// (the first layer's ∂x, a 128×784 product, is never needed in training):
//   g = dy (⊙ 1[y > 0] for ReLU),  ∂x = g Wᵀ,  ∂W = xᵀ g,  ∂b = Σ_rows g.
// x [B, in], W [in, out], b [out] → [B, out]. The ops are denseLinear and denseRelu (ops/dense.ts).
import * as tf from '@tensorflow/tfjs-core';
import { Addon } from './addon';
import { NativeBackendName, newOutput, tensorValues } from './tensor-memory';

export const DENSE = 'LatentDense';
export type DenseActivation = 'linear' | 'relu';

tf.registerGradient({
  kernelName: DENSE,
  inputsToSave: ['x', 'W'],
  outputsToSave: [true],
  gradFunc: (dy, saved, attrs) => {
    const [x, W, y] = saved as tf.Tensor2D[];
    const g = (attrs as unknown as { activation: DenseActivation }).activation === 'relu' ? (tf.mul(dy as tf.Tensor, tf.step(y)) as tf.Tensor2D) : (dy as tf.Tensor2D);
    return { x: () => tf.matMul(g, W, false, true), W: () => tf.matMul(x, g, true, false), b: () => tf.sum(g, 0) };
  },
});

const ZERO = new Int32Array(1);

export function denseKernel(addon: Addon, name: NativeBackendName): tf.KernelConfig {
  const kernelFunc: tf.KernelFunc = ({ inputs, backend, attrs }) => {
    const { x, W, b } = inputs as { x: tf.TensorInfo; W: tf.TensorInfo; b: tf.TensorInfo };
    const [B, K] = x.shape, N = W.shape[1];
    const { info, values } = newOutput(name, backend, [B, N]);
    const view = (t: tf.TensorInfo) => tensorValues(name, backend, t);
    addon.gemm(false, false, B, N, K, view(x), view(W), values, ZERO, ZERO, view(b), (attrs as unknown as { activation: DenseActivation }).activation === 'relu');
    return info;
  };
  return { kernelName: DENSE, backendName: name, kernelFunc };
}
