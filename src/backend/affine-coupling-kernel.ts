// RealNVP's affine coupling after its s, t network as two native kernels (native/affine-coupling.c) on wasm
// and cpu, behind the op affineCoupling (ops/affine-coupling.ts):
//   LatentAffineCoupling      x [B, H, W, C], r [B, H, W, 2C], a [C], f [1, H, W, C] or [1] → y [B, H, W, C], logDet [B]
//   LatentAffineCouplingGrad  x, r, a, f, dy, dlogDet → dx, dr, da
// s = a ⊙ tanh(r_s) ⊙ f, t = r_t ⊙ f, y = x ⊙ eˢ + t, logDet = Σ s: one pass forward and one back where the
// composed ops take ~10 kernels forward and ~20 backward (the profile of a RealNVP step, environment.md).
import * as tf from '@tensorflow/tfjs-core';
import { Addon } from './addon';
import { NativeBackendName, newOutput, sizeOf, tensorValues } from './tensor-memory';

export const AFFINE_COUPLING = 'LatentAffineCoupling';
export const AFFINE_COUPLING_GRAD = 'LatentAffineCouplingGrad';

tf.registerGradient({
  kernelName: AFFINE_COUPLING,
  inputsToSave: ['x', 'r', 'a', 'f'],
  gradFunc: (dys, saved) => {
    const [x, r, a, f] = saved;
    const [dyIn, dldIn] = dys as (tf.Tensor | null)[];
    // one kernel gives all three gradients (computed here, not in the thunks: see group-norm-kernel.ts)
    const dy = dyIn ?? tf.zerosLike(x), dld = dldIn ?? tf.zeros([x.shape[0]]);
    const [dx, dr, da] = tf.engine().runKernel(AFFINE_COUPLING_GRAD, { x, r, a, f, dy, dld }) as tf.Tensor[];
    return { x: () => dx, r: () => dr, a: () => da, f: () => tf.zerosLike(f) };  // f is a constant mask
  },
});

export function affineCouplingKernels(addon: Addon, name: NativeBackendName): tf.KernelConfig[] {
  const dims = (x: tf.TensorInfo) => [x.shape[0], x.shape[1] * x.shape[2], x.shape[3]] as const;
  const forward: tf.KernelFunc = ({ inputs, backend }) => {
    const { x, r, a, f } = inputs as Record<'x' | 'r' | 'a' | 'f', tf.TensorInfo>;
    const [B, P, C] = dims(x);
    const y = newOutput(name, backend, x.shape).info, logDet = newOutput(name, backend, [B]).info;
    const v = (t: tf.TensorInfo) => tensorValues(name, backend, t);  // after the allocations (wasm heap growth)
    if (sizeOf(x.shape) > 0) addon.affineCouplingForward(B, P, C, v(x), v(r), v(a), v(f), v(y), v(logDet));
    return [y, logDet];
  };
  const backward: tf.KernelFunc = ({ inputs, backend }) => {
    const { x, r, a, f, dy, dld } = inputs as Record<'x' | 'r' | 'a' | 'f' | 'dy' | 'dld', tf.TensorInfo>;
    const [B, P, C] = dims(x);
    const dx = newOutput(name, backend, x.shape).info, dr = newOutput(name, backend, r.shape).info, da = newOutput(name, backend, a.shape).info;
    const v = (t: tf.TensorInfo) => tensorValues(name, backend, t);
    if (sizeOf(x.shape) > 0) addon.affineCouplingBackward(B, P, C, v(x), v(r), v(a), v(f), v(dy), v(dld), v(dx), v(dr), v(da));
    else v(da).fill(0);
    return [dx, dr, da];
  };
  return [
    { kernelName: AFFINE_COUPLING, backendName: name, kernelFunc: forward },
    { kernelName: AFFINE_COUPLING_GRAD, backendName: name, kernelFunc: backward },
  ];
}
