// Group normalization and SiLU as native kernels (native/group-norm.c) on wasm and cpu, with their
// gradients as kernels too: each is one or two passes over the activation where the composite tfjs ops
// (moments, subtract, scale, shift; sigmoid and multiply; and their broadcast gradients) take a dozen.
// The ops that use them are groupNorm (ops/group-norm.ts) and silu (ops/silu.ts).
//   LatentGroupNorm      x [B, H, W, C], gamma [C], beta [C]; attrs groups, epsilon → y [B, H, W, C]
//   LatentGroupNormGrad  x, gamma, dy → [dx, dgamma, dbeta]
//   LatentSilu           x → x σ(x);   LatentSiluGrad  x, dy → dy (σ + x σ (1 − σ))
import * as tf from '@tensorflow/tfjs-core';
import { Addon } from './addon';
import { NativeBackendName, newOutput, sizeOf, tensorValues } from './tensor-memory';

export const GROUP_NORM = 'LatentGroupNorm';
export const GROUP_NORM_GRAD = 'LatentGroupNormGrad';
export const SILU = 'LatentSilu';
export const SILU_GRAD = 'LatentSiluGrad';

interface GroupNormAttrs { groups: number; epsilon: number }

tf.registerGradient({
  kernelName: GROUP_NORM,
  inputsToSave: ['x', 'gamma'],
  gradFunc: (dy, saved, attrs) => {
    const [x, gamma] = saved;
    // one kernel gives all three gradients: computed here, not in the thunks (tfjs runs each thunk in a
    // tidy of its own, which would dispose the other two); the gradient pass's own tidy frees unused ones
    const [dx, dgamma, dbeta] = tf.engine().runKernel(GROUP_NORM_GRAD, { x, gamma, dy: dy as tf.Tensor }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
    return { x: () => dx, gamma: () => dgamma, beta: () => dbeta };
  },
});

tf.registerGradient({
  kernelName: SILU,
  inputsToSave: ['x'],
  gradFunc: (dy, saved) => ({ x: () => tf.engine().runKernel(SILU_GRAD, { x: saved[0], dy: dy as tf.Tensor }) as tf.Tensor }),
});

export function groupNormKernels(addon: Addon, name: NativeBackendName): tf.KernelConfig[] {
  const dims = (x: tf.TensorInfo) => [x.shape[0], x.shape[1] * x.shape[2], x.shape[3]] as const;
  const forward: tf.KernelFunc = ({ inputs, backend, attrs }) => {
    const { x, gamma, beta } = inputs as { x: tf.TensorInfo; gamma: tf.TensorInfo; beta: tf.TensorInfo };
    const { groups, epsilon } = attrs as unknown as GroupNormAttrs;
    const [B, HW, C] = dims(x);
    const { info, values } = newOutput(name, backend, x.shape);
    const view = (t: tf.TensorInfo) => tensorValues(name, backend, t);
    addon.groupNormForward(B, HW, C, groups, view(x), view(gamma), view(beta), Float32Array.of(epsilon), values);
    return info;
  };
  const backward: tf.KernelFunc = ({ inputs, backend, attrs }) => {
    const { x, gamma, dy } = inputs as { x: tf.TensorInfo; gamma: tf.TensorInfo; dy: tf.TensorInfo };
    const { groups, epsilon } = attrs as unknown as GroupNormAttrs;
    const [B, HW, C] = dims(x);
    const dx = newOutput(name, backend, x.shape).info, dgamma = newOutput(name, backend, [C]).info, dbeta = newOutput(name, backend, [C]).info;
    const view = (t: tf.TensorInfo) => tensorValues(name, backend, t);  // after the allocations (wasm heap growth)
    addon.groupNormBackward(B, HW, C, groups, view(x), view(gamma), view(dy), Float32Array.of(epsilon), view(dx), view(dgamma), view(dbeta));
    return [dx, dgamma, dbeta];
  };
  const silu: tf.KernelFunc = ({ inputs, backend }) => {
    const { x } = inputs as { x: tf.TensorInfo };
    const { info, values } = newOutput(name, backend, x.shape);
    if (sizeOf(x.shape) > 0) addon.siluForward(tensorValues(name, backend, x), values);
    return info;
  };
  const siluGrad: tf.KernelFunc = ({ inputs, backend }) => {
    const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const { info, values } = newOutput(name, backend, x.shape);
    if (sizeOf(x.shape) > 0) addon.siluBackward(tensorValues(name, backend, x), tensorValues(name, backend, dy), values);
    return info;
  };
  return [
    { kernelName: GROUP_NORM, backendName: name, kernelFunc: forward },
    { kernelName: GROUP_NORM_GRAD, backendName: name, kernelFunc: backward },
    { kernelName: SILU, backendName: name, kernelFunc: silu },
    { kernelName: SILU_GRAD, backendName: name, kernelFunc: siluGrad },
  ];
}
