// BLAS-backed matrix products for TensorFlow.js: BatchMatMul and _FusedMatMul on the wasm and cpu
// backends call OpenBLAS's sgemm through the addon (native/gemm.c), on the tensors' own memory. The
// gradients of matMul are built from BatchMatMul, so training uses it too; _FusedMatMul's bias and
// ReLU are applied inside the same native call. native-kernels.ts registers these kernels.
import * as tf from '@tensorflow/tfjs-core';
import { Addon } from './addon';
import { NativeBackendName, newOutput, sizeOf, tensorValues } from './tensor-memory';

type Shape = number[];

/** Output shape and per-batch element offsets of a and b, broadcasting the batch dims as tfjs does. */
export function batchLayout(aShape: Shape, bShape: Shape, transposeA: boolean, transposeB: boolean) {
  if (aShape.length < 2 || bShape.length < 2) throw new Error(`BatchMatMul: inputs need rank ≥ 2, got [${aShape}] and [${bShape}]`);
  const M = transposeA ? aShape[aShape.length - 1] : aShape[aShape.length - 2];
  const Ka = transposeA ? aShape[aShape.length - 2] : aShape[aShape.length - 1];
  const Kb = transposeB ? bShape[bShape.length - 1] : bShape[bShape.length - 2];
  const N = transposeB ? bShape[bShape.length - 2] : bShape[bShape.length - 1];
  if (Ka !== Kb) throw new Error(`BatchMatMul: inner dimensions ${Ka} and ${Kb} differ (shapes [${aShape}] and [${bShape}])`);
  const aB = aShape.slice(0, -2), bB = bShape.slice(0, -2);
  const rank = Math.max(aB.length, bB.length);
  const pad = (s: Shape) => [...new Array(rank - s.length).fill(1), ...s];
  const pa = pad(aB), pb = pad(bB);
  const outB = pa.map((d, i) => {
    if (d !== pb[i] && d !== 1 && pb[i] !== 1) throw new Error(`BatchMatMul: batch dimensions [${aB}] and [${bB}] do not broadcast`);
    return Math.max(d, pb[i]);
  });
  const batches = outB.reduce((x, y) => x * y, 1);
  const offA = new Int32Array(batches), offB = new Int32Array(batches);
  for (let i = 0; i < batches; i++) {
    let rem = i, ia = 0, ib = 0, sa = 1, sb = 1;
    for (let d = rank - 1; d >= 0; d--) {
      const c = rem % outB[d];
      rem = Math.floor(rem / outB[d]);
      ia += (pa[d] === 1 ? 0 : c) * sa; sa *= pa[d];
      ib += (pb[d] === 1 ? 0 : c) * sb; sb *= pb[d];
    }
    offA[i] = ia * M * Ka;
    offB[i] = ib * Ka * N;
  }
  return { M, N, K: Ka, outShape: [...outB, M, N], offA, offB };
}

/** op(a)·op(b) (+ bias) (then ReLU) into a new output; returns it with its values. */
function matmul(addon: Addon, name: NativeBackendName, backend: unknown, a: tf.TensorInfo, b: tf.TensorInfo, ta: boolean, tb: boolean,
  bias: tf.TensorInfo | null = null, relu = false): { out: tf.TensorInfo; values: Float32Array } {
  const L = batchLayout(a.shape, b.shape, ta, tb);
  const { info, values } = newOutput(name, backend, L.outShape);
  // operand views after the allocation (see tensor-memory.ts)
  const view = (t: tf.TensorInfo) => tensorValues(name, backend, t);
  addon.gemm(ta, tb, L.M, L.N, L.K, view(a), view(b), values, L.offA, L.offB, bias && view(bias), relu);
  return { out: info, values };
}

/** The activations tfjs fuses that the native call does not (ReLU it does), in place. */
function activate(values: Float32Array, activation: string, alpha: number): void {
  switch (activation) {
    case 'relu6': for (let i = 0; i < values.length; i++) values[i] = Math.min(6, Math.max(0, values[i])); return;
    case 'leakyrelu': for (let i = 0; i < values.length; i++) if (values[i] < 0) values[i] *= alpha; return;
    case 'sigmoid': for (let i = 0; i < values.length; i++) values[i] = 1 / (1 + Math.exp(-values[i])); return;
    case 'elu': for (let i = 0; i < values.length; i++) if (values[i] < 0) values[i] = Math.expm1(values[i]); return;
  }
}

/** BatchMatMul and _FusedMatMul for one backend; anything they do not cover goes to the stock kernel. */
export function matMulKernels(addon: Addon, name: NativeBackendName, stock: (kernelName: string) => tf.KernelConfig): tf.KernelConfig[] {
  const batchMatMul: tf.KernelFunc = ({ inputs, backend, attrs }) => {
    const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return stock('BatchMatMul').kernelFunc({ inputs, backend, attrs });
    return matmul(addon, name, backend, a, b, transposeA, transposeB).out;
  };
  const fusedMatMul: tf.KernelFunc = ({ inputs, backend, attrs }) => {
    const { a, b, bias, preluActivationWeights } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo; bias?: tf.TensorInfo; preluActivationWeights?: tf.TensorInfo };
    const { transposeA, transposeB, activation, leakyreluAlpha } = attrs as unknown as { transposeA: boolean; transposeB: boolean; activation: string; leakyreluAlpha?: number };
    const N = transposeB ? b.shape[b.shape.length - 2] : b.shape[b.shape.length - 1];
    const simpleBias = !bias || (bias.dtype === 'float32' && (sizeOf(bias.shape) === 1 || (bias.shape.length === 1 && bias.shape[0] === N)));
    const supported = a.dtype === 'float32' && b.dtype === 'float32' && !preluActivationWeights && simpleBias && activation !== 'prelu';
    if (!supported) return stock('_FusedMatMul').kernelFunc({ inputs, backend, attrs });
    const act = activation ?? 'linear';
    const { out, values } = matmul(addon, name, backend, a, b, transposeA, transposeB, bias ?? null, act === 'relu');
    activate(values, act, leakyreluAlpha ?? 0.2);
    return out;
  };
  return [
    { kernelName: 'BatchMatMul', backendName: name, kernelFunc: batchMatMul },
    { kernelName: '_FusedMatMul', backendName: name, kernelFunc: fusedMatMul },
  ];
}
